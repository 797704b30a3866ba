"""`news.topics.v1`: topics of an article, IPTC Media Topics out of the box or a custom taxonomy.

Two classifiers share one interface (`TopicClassifier.predict`):
- `BuiltinClassifier`: the 17 IPTC top-level categories, zero-shot, from the weighted lexicon that
  processors/topics/iptc.py reads from iptc_lexicon.json (English, French and German; no training
  data, no model download, no PyTorch).
- `CustomClassifier`: any labels, fitted by `newsflow topics train` on labelled JSONL with
  scikit-learn (TF-IDF of word 1-2 grams, then multinomial logistic regression, whose probabilities
  are calibrated well enough to threshold). Setting `processor.topics.model_file` swaps it in.

Model files are JSON, not pickle or joblib: loading a pickle runs whatever code it contains, and a
model file is copied between machines and mounted into containers much like data. The JSON holds
the vocabulary, IDF weights and coefficients; prediction re-applies the same arithmetic
(scikit-learn's own tokenizer with a fixed vocabulary, then sublinear TF x IDF, L2 norm, softmax),
so a file written by one scikit-learn version reads in another.

Training, evaluation and JSONL parsing live here too: they are pure functions the CLI
(newsflow/app/cmd_eval.py) only wires to files and the terminal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from newsflow.contract.schema import TopicScore
from newsflow.errors import ConfigError
from newsflow.settings import ProcessorSettings
from processors.base import Draft, register_step
from processors.topics.iptc import (
    MEDIA_TOPICS,
    canonical_label,
    guess_language,
    is_meaningful,
    lexicon_classifier,
    lexicon_languages,
    lexicon_version,
    scores_from_evidence,
    tokens,
)

__all__ = [
    "BuiltinClassifier",
    "CustomClassifier",
    "EvalReport",
    "LabelledExample",
    "Prediction",
    "TopicClassifier",
    "TopicsStep",
    "assign_topics",
    "evaluate",
    "format_report",
    "load_classifier",
    "load_examples",
    "train_classifier",
]

STEP = "news.topics.v1"
MODEL_FORMAT = "newsflow.topics/1"
MIN_EXAMPLES_PER_LABEL = 5
MAX_FEATURES = 50_000
TOP_SCORES = 5  # topic_scores keeps the best few
NO_TOPIC = "(none)"


@dataclass(frozen=True)
class Prediction:
    scores: tuple[tuple[str, float], ...]  # (label, score in 0..1), best first
    meaningful: bool  # the best label rests on real evidence, even if it is under the threshold
    assignable: frozenset[str] | None = None  # the labels that may become topics; None: any


class TopicClassifier(Protocol):
    name: str
    version: str
    labels: tuple[str, ...]

    def predict(self, title: str, text: str, language: str | None) -> Prediction | None:
        """Scores for one article; None when the classifier cannot read its language."""

    def predict_batch(self, articles: Sequence[tuple[str, str, str | None]]) -> list[Prediction | None]:
        """`predict` for (title, text, language) triples, in order."""


def assign_topics(prediction: Prediction | None, *, threshold: float, max_topics: int) -> dict[str, Any]:
    """The step's fields from a prediction: labels from the threshold up (at most `max_topics`, and
    at least the best one when it is meaningful) and the top few scores."""
    if prediction is None or not prediction.scores:
        return {"topics": (), "topic_scores": ()}
    allowed = prediction.assignable
    candidates = [(label, score) for label, score in prediction.scores if allowed is None or label in allowed]
    chosen = [label for label, score in candidates if score >= threshold][:max_topics]
    if not chosen and prediction.meaningful and candidates:
        chosen = [candidates[0][0]]
    scores = tuple(TopicScore(name=label, score=min(1.0, max(0.0, score))) for label, score in prediction.scores[:TOP_SCORES])
    return {"topics": tuple(chosen), "topic_scores": scores}


# --- the built-in IPTC classifier -------------------------------------------------------------------


class BuiltinClassifier:
    """IPTC Media Topics, top level, from the lexicon (see processors/topics/iptc.py for the method)."""

    name = "iptc-mediatopics-lexicon"
    labels = tuple(topic.label for topic in MEDIA_TOPICS)

    def __init__(self) -> None:
        # The version is the lexicon file's; reading it here also checks the file, so a broken
        # lexicon stops the processor when its steps are built rather than at the first article.
        self.version = lexicon_version()

    def lexicon_language(self, title: str, text: str, language: str | None) -> str | None:
        """The lexicon to read with: the detected language if there is a lexicon for it, English or
        French guessed from function words when no language was detected, else None."""
        if language:
            base = language.split("-")[0].lower()
            return base if base in lexicon_languages() else None
        return guess_language(tokens(f"{title} {text[:2000]}"))

    def predict(self, title: str, text: str, language: str | None) -> Prediction | None:
        lexicon = self.lexicon_language(title, text, language)
        if lexicon is None:
            return None
        classifier = lexicon_classifier(lexicon)
        if classifier is None:
            return None
        judged = classifier.judge(title, text)
        # Scores rank every category (topic_scores show them); only those with enough evidence
        # become topics.
        return Prediction(tuple(scores_from_evidence(judged.evidence)), is_meaningful(judged.evidence),
                          frozenset(_LABELS_BY_CODE[code] for code in judged.assignable()))

    def predict_batch(self, articles: Sequence[tuple[str, str, str | None]]) -> list[Prediction | None]:
        return [self.predict(title, text, language) for title, text, language in articles]


_LABELS_BY_CODE = {topic.code: topic.label for topic in MEDIA_TOPICS}


# --- custom taxonomies --------------------------------------------------------------------------------


def _document(title: str, text: str) -> str:
    # The title twice: in news it is the densest statement of the topic.
    return f"{title}\n{title}\n{text}" if title else text


@dataclass(frozen=True)
class CustomClassifier:
    """TF-IDF + logistic regression, held as plain arrays so that it can live in a JSON file."""

    labels: tuple[str, ...]
    vocabulary: tuple[str, ...]  # feature index -> n-gram
    idf: tuple[float, ...]
    coef: tuple[tuple[float, ...], ...]  # one row per label (one row in all for two labels)
    intercept: tuple[float, ...]
    ngram_range: tuple[int, int] = (1, 2)
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)
    name: str = "custom-topics"
    version: str = ""

    # -- fitting
    @classmethod
    def fit(cls, examples: Sequence[LabelledExample], *, name: str = "custom-topics") -> CustomClassifier:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        check_trainable(examples)
        documents = [_document(e.title, e.text) for e in examples]
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode",
                                     min_df=2 if len(examples) >= 200 else 1, max_features=MAX_FEATURES)
        features = vectorizer.fit_transform(documents)
        # C=10: TF-IDF features are small numbers, the default C=1 underfits text; balanced weights
        # keep a rare label from being drowned by a common one.
        model = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced")
        model.fit(features, [e.label for e in examples])
        vocabulary = [""] * len(vectorizer.vocabulary_)
        for term, index in vectorizer.vocabulary_.items():
            vocabulary[int(index)] = term
        import sklearn

        return cls(
            labels=tuple(str(c) for c in model.classes_),
            vocabulary=tuple(vocabulary),
            idf=tuple(float(x) for x in vectorizer.idf_),
            coef=tuple(tuple(float(x) for x in row) for row in model.coef_),
            intercept=tuple(float(x) for x in model.intercept_),
            metadata={"examples": len(examples), "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
                      "scikit_learn": sklearn.__version__},
            name=name,
        )

    # -- predicting
    @cached_property
    def _arrays(self):
        # Built once per model: a CountVectorizer validates its 50,000-term vocabulary when made.
        import numpy as np
        from sklearn.feature_extraction.text import CountVectorizer

        counter = CountVectorizer(ngram_range=self.ngram_range, strip_accents="unicode",
                                  vocabulary={term: i for i, term in enumerate(self.vocabulary)}, dtype=np.float64)
        return counter, np.asarray(self.idf), np.asarray(self.coef).T, np.asarray(self.intercept)

    def probabilities(self, documents: Sequence[str]):
        """Label probabilities per document (rows) in `labels` order (columns), as a numpy array."""
        import numpy as np
        from sklearn.preprocessing import normalize

        counter, idf, coef, intercept = self._arrays
        features = counter.transform(documents).tocsr()
        features.data = 1.0 + np.log(features.data)  # sublinear TF, as TfidfVectorizer(sublinear_tf=True)
        features = normalize(features.multiply(idf).tocsr())
        logits = features @ coef + intercept
        if len(self.labels) == 2:  # a binary logistic regression has one row: the second label's odds
            second = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.column_stack([1.0 - second, second])
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict_batch(self, articles: Sequence[tuple[str, str, str | None]]) -> list[Prediction | None]:
        if not articles:
            return []
        rows = self.probabilities([_document(title, text) for title, text, _ in articles])
        return [self._prediction(row) for row in rows]

    def predict(self, title: str, text: str, language: str | None = None) -> Prediction | None:
        return self.predict_batch([(title, text, language)])[0]

    def _prediction(self, row) -> Prediction:
        ranked = sorted(zip(self.labels, (float(p) for p in row), strict=True), key=lambda item: -item[1])
        # Meaningful: clearly above a uniform guess among the labels.
        return Prediction(tuple((label, round(p, 4)) for label, p in ranked), ranked[0][1] >= 2.0 / len(self.labels))

    # -- files
    def to_json(self) -> str:
        return json.dumps({
            "format": MODEL_FORMAT,
            "name": self.name,
            "labels": list(self.labels),
            "ngram_range": list(self.ngram_range),
            "vocabulary": list(self.vocabulary),
            "idf": [_short(x) for x in self.idf],
            "coef": [[_short(x) for x in row] for row in self.coef],
            "intercept": [_short(x) for x in self.intercept],
            "metadata": self.metadata,
        }, ensure_ascii=False, separators=(",", ":"))

    def save(self, path: Path) -> None:
        if path.suffix.lower() != ".json":
            raise ConfigError(f"{path}: topic models are saved as JSON (not pickle/joblib); name the file *.json")
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(self.to_json(), encoding="utf-8")
        temporary.replace(path)  # atomic: a running processor never reads half a model

    @classmethod
    def load(cls, path: Path) -> CustomClassifier:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise ConfigError(f"topics model file {path} does not exist") from None
        except OSError as exc:
            raise ConfigError(f"topics model file {path} cannot be read: {exc.strerror}") from None
        try:
            data = json.loads(raw)
            if data.get("format") != MODEL_FORMAT:
                raise ValueError(f"format {data.get('format')!r}, expected {MODEL_FORMAT!r}")
            model = cls(
                labels=tuple(data["labels"]), vocabulary=tuple(data["vocabulary"]), idf=tuple(data["idf"]),
                coef=tuple(tuple(row) for row in data["coef"]), intercept=tuple(data["intercept"]),
                ngram_range=tuple(data.get("ngram_range", (1, 2))), metadata=data.get("metadata", {}),
                name=str(data.get("name") or path.stem), version=hashlib.sha256(raw).hexdigest()[:12],
            )
            _check_shapes(model)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(f"topics model file {path} is not a newsflow topics model: {exc}") from None
        return model


def _short(value: float) -> float:
    # 7 significant digits: predictions stay within 1e-6 of the fitted model, the file stays small.
    return float(f"{value:.7g}")


def _check_shapes(model: CustomClassifier) -> None:
    rows = 1 if len(model.labels) == 2 else len(model.labels)
    if len(model.labels) < 2 or len(model.coef) != rows or len(model.intercept) != rows:
        raise ValueError("labels, coefficients and intercepts do not match")
    if len(model.idf) != len(model.vocabulary) or any(len(row) != len(model.vocabulary) for row in model.coef):
        raise ValueError("vocabulary, idf and coefficients do not match")


def load_classifier(model_file: Path | None) -> TopicClassifier:
    """The custom classifier in `model_file`, or the built-in IPTC one when there is none."""
    return BuiltinClassifier() if model_file is None else CustomClassifier.load(Path(model_file))


# --- labelled data ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledExample:
    text: str
    label: str
    title: str = ""
    language: str | None = None


def load_examples(path: Path) -> list[LabelledExample]:
    """Read JSONL lines {"text", "label"} or {"title", "text", "label"} (optional "language");
    raises ConfigError naming the file and line of the first bad one."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None
    examples = [_example(path, number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    if not examples:
        raise ConfigError(f"{path}: no examples (expected JSON lines with \"text\" and \"label\")")
    return examples


def _example(path: Path, number: int, line: str) -> LabelledExample:
    where = f"{path}: line {number}"
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise ConfigError(f"{where}: expected a JSON object with \"text\" and \"label\"")
    label, text, title, language = row.get("label"), row.get("text"), row.get("title", ""), row.get("language")
    if not isinstance(label, str) or not label.strip():
        raise ConfigError(f"{where}: \"label\" must be a non-empty string")
    if not isinstance(title, str) or not (text is None or isinstance(text, str)):
        raise ConfigError(f"{where}: \"title\" and \"text\" must be strings")
    if not (text or "").strip() and not title.strip():
        raise ConfigError(f"{where}: no \"text\" (or \"title\") to learn from")
    if language is not None and not isinstance(language, str):
        raise ConfigError(f"{where}: \"language\" must be a string such as \"en\"")
    return LabelledExample(text=text or "", label=label.strip(), title=title, language=language or None)


def check_trainable(examples: Sequence[LabelledExample]) -> None:
    counts: dict[str, int] = {}
    for example in examples:
        counts[example.label] = counts.get(example.label, 0) + 1
    if len(counts) < 2:
        raise ConfigError(f"need at least 2 different labels to train, found {len(counts)}: {sorted(counts)}")
    few = {label: n for label, n in sorted(counts.items()) if n < MIN_EXAMPLES_PER_LABEL}
    if few:
        listed = ", ".join(f"{label!r} ({n})" for label, n in few.items())
        raise ConfigError(f"too few examples: each label needs at least {MIN_EXAMPLES_PER_LABEL}; {listed}")


def train_classifier(examples: Sequence[LabelledExample], *, name: str = "custom-topics") -> CustomClassifier:
    return CustomClassifier.fit(examples, name=name)


def split_examples(examples: Sequence[LabelledExample], test_fraction: float,
                   seed: int = 0) -> tuple[list[LabelledExample], list[LabelledExample]]:
    """A stratified train/test split: every label keeps examples on both sides."""
    from sklearn.model_selection import train_test_split

    check_trainable(examples)
    labels = [e.label for e in examples]
    test_size = max(len(set(labels)), round(test_fraction * len(examples)))
    if len(examples) - test_size < 2 * len(set(labels)):
        raise ConfigError(f"{len(examples)} examples are too few to hold out {test_fraction:.0%} for testing; "
                          "use --test-split 0 or add examples")
    train, test = train_test_split(list(examples), test_size=test_size, stratify=labels, random_state=seed)
    left = {label: sum(1 for e in train if e.label == label) for label in sorted(set(labels))}
    short = {label: n for label, n in left.items() if n < MIN_EXAMPLES_PER_LABEL}
    if short:
        listed = ", ".join(f"{label!r} ({n})" for label, n in short.items())
        raise ConfigError(f"holding out {test_fraction:.0%} for testing leaves too few training examples "
                          f"(each label needs {MIN_EXAMPLES_PER_LABEL}): {listed}; lower --test-split or add examples")
    return list(train), list(test)


# --- evaluation -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvalReport:
    classifier: str
    examples: int
    accuracy: float
    macro_f1: float
    labels: tuple[str, ...]  # rows and columns of the confusion matrix
    confusion: tuple[tuple[int, ...], ...]
    per_label: tuple[tuple[str, float, float, float, int], ...]  # label, precision, recall, f1, support


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


def evaluate(classifier: TopicClassifier, examples: Sequence[LabelledExample]) -> EvalReport:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    gold = gold_labels(classifier, examples)
    predicted = [predicted_label(classifier, e) for e in examples]
    labels = sorted(set(gold) | set(predicted))
    matrix = confusion_matrix(gold, predicted, labels=labels)
    precision, recall, f1, support = precision_recall_fscore_support(gold, predicted, labels=labels, zero_division=0)
    return EvalReport(
        classifier=f"{classifier.name} {classifier.version}".strip(),
        examples=len(examples),
        accuracy=float(accuracy_score(gold, predicted)),
        macro_f1=float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)),
        labels=tuple(labels),
        confusion=tuple(tuple(int(x) for x in row) for row in matrix),
        per_label=tuple((label, float(p), float(r), float(f), int(s))
                        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)),
    )


def format_report(report: EvalReport, *, label_width: int = 30) -> str:
    """Accuracy, macro-F1, per-label scores and the confusion matrix, for a terminal: labels are
    numbered and the matrix columns use the numbers, so 17 long IPTC labels still fit."""
    def short(label: str) -> str:
        return label if len(label) <= label_width else label[: label_width - 1] + "\u2026"

    correct = sum(report.confusion[i][i] for i in range(len(report.labels)))
    number_width = len(str(len(report.labels)))
    lines = [
        f"classifier  {report.classifier}",
        f"examples    {report.examples}",
        f"accuracy    {report.accuracy:.3f}  ({correct}/{report.examples})",
        f"macro-F1    {report.macro_f1:.3f}",
        "",
        f"{'#':>{number_width}} {'label':<{label_width}}  precision  recall     f1  support",
    ]
    for n, (label, p, r, f, s) in enumerate(report.per_label, start=1):
        lines.append(f"{n:>{number_width}} {short(label):<{label_width}}  {p:9.2f}  {r:6.2f}  {f:5.2f}  {s:7d}")
    cell = max(3, len(str(max((max(row) for row in report.confusion), default=0))) + 1, number_width + 1)
    lines += ["", "confusion matrix (rows: true label, columns: predicted label, numbered as above)"]
    lines.append(" " * (number_width + 1 + label_width) + "".join(f"{n:>{cell}}" for n in range(1, len(report.labels) + 1)))
    for n, (label, row) in enumerate(zip(report.labels, report.confusion, strict=True), start=1):
        cells = "".join(f"{(str(x) if x else '.'):>{cell}}" for x in row)
        lines.append(f"{n:>{number_width}} {short(label):<{label_width}}{cells}")
    return "\n".join(lines)


# --- the step --------------------------------------------------------------------------------------------------


@register_step(STEP)
class TopicsStep:
    reads = ("title", "text", "detected_language")
    writes = ("topics", "topic_scores", "notes")

    def __init__(self, *, settings: ProcessorSettings) -> None:
        self._classifier = load_classifier(settings.topics.model_file)
        self._threshold = settings.topics.threshold
        self._max_topics = settings.topics.max_topics

    def run(self, drafts: Sequence[Draft]) -> list[dict[str, Any]]:
        articles = [(d.get("title") or "", d.get("text") or "", d.get("detected_language")) for d in drafts]
        predictions = self._classifier.predict_batch(articles)
        return [self._fields(p, language) for p, (_, _, language) in zip(predictions, articles, strict=True)]

    def _fields(self, prediction: Prediction | None, language: str | None) -> dict[str, Any]:
        fields = assign_topics(prediction, threshold=self._threshold, max_topics=self._max_topics)
        if prediction is None:
            fields["notes"] = (f"{STEP}: no built-in topic lexicon for language {language!r}",)
        return fields

    def provenance(self) -> dict[str, str]:
        return {self._classifier.name: self._classifier.version}

