"""Measuring a topic classifier on labelled articles: `newsflow eval topics` (and `topics train`'s test).

The figures (what `format_report` prints):
- accuracy: the share of articles whose best label is the gold label.
- macro-F1: the mean F1 over the GOLD labels, the classes present in the data, as scikit-learn's
  f1_score(average="macro", labels=<gold labels>). A prediction outside the gold labels (another
  IPTC category, or no topic at all) is an error that lowers the recall of its article's class;
  it is a false positive of no gold class. This is the figure to compare with other classifiers
  on the same data: a 5-class set is scored over its 5 classes, not over every category the
  classifier happened to predict.
- open-set macro-F1: the mean over the gold labels AND every predicted label, each predicted
  label outside the gold set scoring F1 = 0. It falls with every distinct stray category, so
  it shows how scattered the errors are; it is not comparable across data sets.
- per label (gold labels): precision, recall, F1, support; then how many predictions fell outside
  the gold labels, and which.
- by language (when the data has several): articles, accuracy and macro-F1 (over that language's
  gold labels).
- the confusion matrix: rows are gold labels, columns the predicted gold labels plus one column
  ("x") for predictions outside the gold labels.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from newsflow.errors import ConfigError
from processors.topics.classifier import BuiltinClassifier, TopicClassifier
from processors.topics.labelled import LabelledExample
from processors.topics.taxonomy import canonical_label

__all__ = ["NO_TOPIC", "EvalReport", "evaluate", "format_report", "gold_labels", "predicted_label"]

NO_TOPIC = "(none)"


@dataclass(frozen=True)
class EvalReport:
    classifier: str
    examples: int
    accuracy: float
    macro_f1: float  # over the gold labels
    labels: tuple[str, ...]  # the gold labels: rows of the confusion matrix
    confusion: tuple[tuple[int, ...], ...]  # gold label x (predicted gold label..., outside the gold labels)
    per_label: tuple[tuple[str, float, float, float, int], ...]  # label, precision, recall, f1, support
    open_macro_f1: float = 0.0  # over the gold and the predicted labels
    outside: tuple[tuple[str, int], ...] = ()  # predicted labels outside the gold labels, with counts, most first
    by_language: tuple[tuple[str, int, float, float], ...] = ()  # language, examples, accuracy, macro-F1


def predicted_label(classifier: TopicClassifier, example: LabelledExample) -> str:
    prediction = classifier.predict(example.title, example.text, example.language)
    return prediction.scores[0][0] if prediction and prediction.scores else NO_TOPIC


def gold_labels(classifier: TopicClassifier, examples: Sequence[LabelledExample]) -> list[str]:
    """The examples' labels as the classifier names them; for the built-in IPTC classifier an IPTC
    label, QCode or alias is accepted, anything else is refused as a likely typo."""
    if not isinstance(classifier, BuiltinClassifier):
        return [e.label for e in examples]
    canonical = [canonical_label(e.label) for e in examples]
    unknown = sorted({e.label for e, c in zip(examples, canonical, strict=True) if c is None})
    if unknown:
        raise ConfigError(f"labels are not IPTC Media Topics: {', '.join(map(repr, unknown[:5]))}; "
                          f"expected one of: {', '.join(BuiltinClassifier.labels)}")
    return [c for c in canonical if c is not None]


def _macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0))


def evaluate(classifier: TopicClassifier, examples: Sequence[LabelledExample]) -> EvalReport:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    gold = gold_labels(classifier, examples)
    predicted = [predicted_label(classifier, e) for e in examples]
    labels = sorted(set(gold))
    everything = sorted(set(gold) | set(predicted))
    outside = Counter(p for p in predicted if p not in labels)
    matrix = confusion_matrix(gold, predicted, labels=everything)
    columns = [everything.index(label) for label in labels]
    rows = [[int(matrix[everything.index(g)][c]) for c in columns] for g in labels]
    for row, g in zip(rows, labels, strict=True):
        row.append(sum(1 for gl, p in zip(gold, predicted, strict=True) if gl == g and p not in labels))
    precision, recall, f1, support = precision_recall_fscore_support(gold, predicted, labels=labels, zero_division=0)
    languages = sorted({e.language or "?" for e in examples})
    by_language = []
    if len(languages) > 1:
        for language in languages:
            picked = [i for i, e in enumerate(examples) if (e.language or "?") == language]
            g, p = [gold[i] for i in picked], [predicted[i] for i in picked]
            by_language.append((language, len(picked), float(accuracy_score(g, p)), _macro_f1(g, p)))
    return EvalReport(
        classifier=f"{classifier.name} {classifier.version}".strip(),
        examples=len(examples),
        accuracy=float(accuracy_score(gold, predicted)),
        macro_f1=_macro_f1(gold, predicted),
        labels=tuple(labels),
        confusion=tuple(tuple(row) for row in rows),
        per_label=tuple((label, float(p), float(r), float(f), int(s))
                        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)),
        open_macro_f1=float(f1_score(gold, predicted, labels=everything, average="macro", zero_division=0)),
        outside=tuple(sorted(outside.items(), key=lambda item: (-item[1], item[0]))),
        by_language=tuple(by_language),
    )


def format_report(report: EvalReport, *, label_width: int = 30) -> str:
    """The figures (see the module doc) for a terminal: labels are numbered and the confusion
    matrix columns use the numbers, so 17 long IPTC labels still fit."""
    def short(label: str) -> str:
        return label if len(label) <= label_width else label[: label_width - 1] + "\u2026"

    correct = sum(report.confusion[i][i] for i in range(len(report.labels)))
    number_width = len(str(len(report.labels)))
    stray = sum(n for _, n in report.outside)
    lines = [
        f"classifier  {report.classifier}",
        f"examples    {report.examples}",
        f"accuracy    {report.accuracy:.3f}  ({correct}/{report.examples})",
        f"macro-F1    {report.macro_f1:.3f}  (over the {len(report.labels)} gold labels)",
        f"open-set macro-F1 {report.open_macro_f1:.3f}  (over gold and predicted labels: "
        f"{len(report.labels) + len(report.outside)})",
        "",
        f"{'#':>{number_width}} {'label':<{label_width}}  precision  recall     f1  support",
    ]
    for n, (label, p, r, f, s) in enumerate(report.per_label, start=1):
        lines.append(f"{n:>{number_width}} {short(label):<{label_width}}  {p:9.2f}  {r:6.2f}  {f:5.2f}  {s:7d}")
    listed = ", ".join(f"{label}: {count}" for label, count in report.outside)
    lines.append(f"predicted outside the gold labels: {stray}" + (f" ({listed})" if listed else ""))
    if report.by_language:
        lines += ["", "by language (articles, accuracy, macro-F1 over that language's gold labels)"]
        lines += [f"  {language:<6} {n:5d}  {accuracy:.3f}  {f1:.3f}" for language, n, accuracy, f1 in report.by_language]
    cells = [x for row in report.confusion for x in row]
    cell = max(3, len(str(max(cells, default=0))) + 1, number_width + 1)
    lines += ["", "confusion matrix (rows: true label, columns: predicted label, numbered as above; "
              "x: outside the gold labels)"]
    header = "".join(f"{n:>{cell}}" for n in range(1, len(report.labels) + 1)) + f"{'x':>{cell}}"
    lines.append(" " * (number_width + 1 + label_width) + header)
    for n, (label, row) in enumerate(zip(report.labels, report.confusion, strict=True), start=1):
        cells_text = "".join(f"{(str(x) if x else '.'):>{cell}}" for x in row)
        lines.append(f"{n:>{number_width}} {short(label):<{label_width}}{cells_text}")
    return "\n".join(lines)
