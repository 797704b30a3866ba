"""`newsflow eval topics` figures (processors/topics/evaluation.py): macro-F1 over the gold labels.

Issue "Enrichment you can trust": the macro-F1 used to average over every label predicted OR gold,
so a 5-class set scored by a 17-category classifier counted each stray category as a class with
F1 = 0. THE macro-F1 is now over the gold labels (scikit-learn's macro with labels=<gold labels>);
the open-set figure is printed on its own line, and predictions outside the gold labels are
counted as errors and summarised.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sklearn.metrics import f1_score

from processors.topics.step import LabelledExample, Prediction, evaluate, format_report

GOLD = ["a", "a", "a", "b", "b", "b", "c", "c", "c", "c"]
# Two predictions outside the gold labels ("x") and one article without a topic (None).
ANSWERS = ["a", "a", "x", "b", "a", "b", "c", "c", None, "x"]


class Stub:
    """A classifier that answers from a table: text -> label (None: no topic)."""

    name = "stub"
    version = "1"
    labels = ("a", "b", "c", "x")

    def __init__(self, answers: dict[str, str | None]) -> None:
        self.answers = answers

    def predict(self, title: str, text: str, language: str | None) -> Prediction | None:
        label = self.answers[text]
        return None if label is None else Prediction(((label, 0.9),), True)

    def predict_batch(self, articles: Sequence[tuple[str, str, str | None]]) -> list[Prediction | None]:
        return [self.predict(*article) for article in articles]


def toy(languages: Sequence[str | None] | None = None):
    languages = languages or [None] * len(GOLD)
    examples = [LabelledExample(text=f"article {i}", label=g, language=lang)
                for i, (g, lang) in enumerate(zip(GOLD, languages, strict=True))]
    return Stub({e.text: answer for e, answer in zip(examples, ANSWERS, strict=True)}), examples


def test_macro_f1_is_scikit_learns_macro_over_the_gold_labels():
    classifier, examples = toy()
    report = evaluate(classifier, examples)
    predicted = ["(none)" if a is None else a for a in ANSWERS]
    expected = f1_score(GOLD, predicted, labels=["a", "b", "c"], average="macro")
    assert report.macro_f1 == pytest.approx(expected)
    # ... and not the open-set average, which counts "x" and "(none)" as classes scoring 0.
    open_set = f1_score(GOLD, predicted, labels=sorted(set(GOLD) | set(predicted)), average="macro")
    assert report.open_macro_f1 == pytest.approx(open_set)
    assert report.macro_f1 > report.open_macro_f1 + 0.2
    assert report.accuracy == pytest.approx(6 / 10)


def test_predictions_outside_the_gold_labels_are_errors_of_their_class():
    classifier, examples = toy()
    report = evaluate(classifier, examples)
    assert report.labels == ("a", "b", "c")  # per-label lines and matrix rows: the gold labels only
    recalls = {label: recall for label, _, recall, _, _ in report.per_label}
    precisions = {label: precision for label, precision, _, _, _ in report.per_label}
    assert recalls == pytest.approx({"a": 2 / 3, "b": 2 / 3, "c": 2 / 4})
    assert precisions == pytest.approx({"a": 2 / 3, "b": 1.0, "c": 1.0})  # a stray "x" is no gold class's false positive
    assert report.outside == (("x", 2), ("(none)", 1))
    # rows: gold a, b, c; columns: predicted a, b, c, then outside the gold labels
    assert report.confusion == ((2, 0, 0, 1), (1, 2, 0, 0), (0, 0, 2, 2))


def test_the_report_prints_both_figures_on_their_own_lines():
    classifier, examples = toy()
    text = format_report(evaluate(classifier, examples))
    lines = text.splitlines()
    assert any(line.startswith("macro-F1    0.") and "over the 3 gold labels" in line for line in lines)
    assert any(line.startswith("open-set macro-F1 0.") for line in lines)
    assert "predicted outside the gold labels: 3 (x: 2, (none): 1)" in lines
    matrix = text.split("confusion matrix")[1].splitlines()[1:]
    assert matrix[0].split() == ["1", "2", "3", "x"]
    assert [line.split()[1] for line in matrix[1:]] == ["a", "b", "c"]


def test_a_perfect_subset_scores_one_whatever_else_the_classifier_knows():
    classifier, examples = toy()
    right = [e for e, answer in zip(examples, ANSWERS, strict=True) if answer == e.label]
    report = evaluate(classifier, right)
    assert report.macro_f1 == report.accuracy == report.open_macro_f1 == 1.0
    assert report.outside == ()
    assert "predicted outside the gold labels: 0" in format_report(report).splitlines()


def test_figures_by_language_when_the_data_has_several():
    classifier, examples = toy(["en"] * 6 + ["de"] * 4)
    report = evaluate(classifier, examples)
    by_language = {language: (n, accuracy, f1) for language, n, accuracy, f1 in report.by_language}
    assert set(by_language) == {"de", "en"}
    assert by_language["de"][:2] == (4, 0.5)
    assert by_language["en"][0] == 6
    assert by_language["en"][2] == pytest.approx(f1_score(GOLD[:6], ANSWERS[:6], labels=["a", "b"], average="macro"))
    assert "by language" in format_report(report)
    assert evaluate(*toy()).by_language == ()  # one language: no section
