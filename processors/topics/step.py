"""`news.topics.v1`: topics of an article, IPTC Media Topics out of the box or a custom taxonomy.

Two classifiers share one interface (`TopicClassifier.predict`, processors/topics/classifier.py):
- `BuiltinClassifier`: the 17 IPTC top-level categories, zero-shot, from the weighted lexicon that
  processors/topics/iptc.py reads from iptc_lexicon.json (English, French, German, Spanish,
  Italian and Portuguese; no training data, no model download, no PyTorch). The article's
  detected language picks the lexicon; an article in another language gets no topics and a note.
- `CustomClassifier` (processors/topics/custom.py): any labels, fitted by `newsflow topics train`
  on labelled JSONL with scikit-learn (TF-IDF of words and characters, a linear SVM, calibrated
  scores). Setting `processor.topics.model_file` swaps it in.

Labelled data (processors/topics/labelled.py) and evaluation (processors/topics/evaluation.py) are
pure functions the CLI (newsflow/app/cmd_eval.py, cmd_topics.py) only wires to files and the
terminal; their names are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsflow.contract.schema import TopicScore
from newsflow.settings import ProcessorSettings
from processors.base import Draft, register_step
from processors.topics.classifier import BuiltinClassifier, Prediction, TopicClassifier
from processors.topics.custom import CustomClassifier, train_classifier
from processors.topics.evaluation import NO_TOPIC, EvalReport, evaluate, format_report, gold_labels, predicted_label
from processors.topics.labelled import (
    MIN_EXAMPLES_PER_LABEL,
    LabelledExample,
    check_trainable,
    load_examples,
    split_examples,
)

__all__ = [
    "MIN_EXAMPLES_PER_LABEL",
    "NO_TOPIC",
    "BuiltinClassifier",
    "CustomClassifier",
    "EvalReport",
    "LabelledExample",
    "Prediction",
    "TopicClassifier",
    "TopicsStep",
    "assign_topics",
    "check_trainable",
    "evaluate",
    "format_report",
    "gold_labels",
    "load_classifier",
    "load_examples",
    "predicted_label",
    "split_examples",
    "train_classifier",
]

STEP = "news.topics.v1"
TOP_SCORES = 5  # topic_scores keeps the best few


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


def load_classifier(model_file: Path | None) -> TopicClassifier:
    """The custom classifier in `model_file`, or the built-in IPTC one when there is none."""
    return BuiltinClassifier() if model_file is None else CustomClassifier.load(Path(model_file))


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
