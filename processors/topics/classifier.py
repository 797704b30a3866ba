"""What a topic classifier gives the step (`Prediction`), its interface, and the built-in IPTC one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from processors.topics.iptc import (
    guess_language,
    is_meaningful,
    lexicon_classifier,
    lexicon_languages,
    lexicon_version,
    scores_from_evidence,
    tokens,
)
from processors.topics.taxonomy import LABELS_BY_CODE, MEDIA_TOPICS

__all__ = ["BuiltinClassifier", "Prediction", "TopicClassifier"]


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


class BuiltinClassifier:
    """IPTC Media Topics, top level, from the lexicon (see processors/topics/iptc.py for the method)."""

    name = "iptc-mediatopics-lexicon"
    labels = tuple(topic.label for topic in MEDIA_TOPICS)

    def __init__(self) -> None:
        # The version is the lexicon file's; reading it here also checks the file, so a broken
        # lexicon stops the processor when its steps are built rather than at the first article.
        self.version = lexicon_version()

    def lexicon_language(self, title: str, text: str, language: str | None) -> str | None:
        """The lexicon to read with: the detected language if there is a lexicon for it, one
        guessed from function words when no language was detected, else None."""
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
                          frozenset(LABELS_BY_CODE[code] for code in judged.assignable()))

    def predict_batch(self, articles: Sequence[tuple[str, str, str | None]]) -> list[Prediction | None]:
        return [self.predict(title, text, language) for title, text, language in articles]
