"""The `news.language.v1` step: the language of every article, as an ISO 639-1 code.

py3langid (a naive Bayes model over byte n-grams shipped inside the package, no download) with
normalised probabilities reads the title and the start of the text. The feed's declared language
is only a hint: feeds declare one language for everything they publish, and some declare none or
a wrong one. It is used when detection cannot be trusted: a short text, or a low probability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version as _version
from typing import Any

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from newsflow.contract.languages import normalise_language_tag
from newsflow.settings import ProcessorSettings
from processors.base import Draft, register_step

_PY3LANGID_VERSION = _version("py3langid")

__all__ = [
    "LanguageGuess",
    "LanguageStep",
    "choose_language",
    "fold_to_iso639_1",
    "normalise_language_tag",
    "sample_text",
]

SAMPLE_CHARS = 2_000  # more text barely changes the answer and costs linear time
MIN_CONFIDENCE = 0.7  # below this the detector is unsure
MIN_WORDS = 20  # below this n-gram statistics are too thin to overrule the feed

# py3langid labels that are not ISO 639-1 codes, mapped to the 639-1 code of their macrolanguage
# (Egyptian Arabic is Arabic, Cantonese is Chinese...). Labels absent here and not two letters
# (Acehnese, Kabyle, "zxx" = no linguistic content...) have no 639-1 code and are never returned.
_TO_ISO639_1 = {
    "ary": "ar", "arz": "ar", "yue": "zh", "wuu": "zh", "uzs": "uz", "gug": "gn", "sdh": "ku",
    "fuv": "ff", "kik": "ki", "hbo": "he", "grc": "el",
}  # fmt: skip


@dataclass(frozen=True)
class LanguageGuess:
    language: str | None
    confidence: float | None
    note: str | None = None


def fold_to_iso639_1(ranking: Sequence[tuple[str, float]]) -> dict[str, float]:
    """Probabilities per ISO 639-1 code, best first: variants summed into their macrolanguage,
    labels without a 639-1 code dropped."""
    folded: dict[str, float] = {}
    for label, probability in ranking:
        code = _TO_ISO639_1.get(label, label)
        if len(code) == 2:
            folded[code] = folded.get(code, 0.0) + probability
    return dict(sorted(folded.items(), key=lambda item: item[1], reverse=True))


def sample_text(title: str, text: str) -> str:
    """What the detector reads: the title and the start of the text, cut at a word boundary."""
    sample = f"{title}\n{text[:SAMPLE_CHARS]}".strip()
    if len(text) > SAMPLE_CHARS and " " in sample:
        sample = sample.rsplit(" ", 1)[0]  # half a word is noise to an n-gram model
    return sample


def choose_language(probabilities: dict[str, float], *, words: int, hint: str | None) -> LanguageGuess:
    """Pure decision: the detector's best guess, unless it is unsure or the text is short and the
    feed declared a language; then the declared one, with the probability the detector gives it."""
    best, confidence = next(iter(probabilities.items()), (None, 0.0))
    unsure = confidence < MIN_CONFIDENCE
    short = words < MIN_WORDS
    # A short text on which the detector confidently agrees with the feed needs no note.
    agrees = hint == best and not unsure
    if hint is not None and (unsure or short) and not agrees:
        why = f"{words} words" if short else f"confidence {confidence:.2f}"
        note = f"news.language.v1: used the feed's language {hint!r} ({why}; detector said {best!r} at {confidence:.2f})"
        return LanguageGuess(hint, round(probabilities.get(hint, 0.0), 4), note)
    if best is None or words == 0:
        return LanguageGuess(None, None, "news.language.v1: no text and no declared language")
    return LanguageGuess(best, round(confidence, 4))


@register_step("news.language.v1")
class LanguageStep:
    reads = ("title", "text", "language")
    writes = ("detected_language", "language_confidence", "notes")

    def __init__(self, *, settings: ProcessorSettings) -> None:
        del settings  # thresholds are fixed: they are part of what v1 means
        # Loaded once per step (about half a second); the model file ships inside the package.
        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def detect(self, title: str, text: str, hint: str | None) -> LanguageGuess:
        sample = sample_text(title, text)
        probabilities = fold_to_iso639_1(self._identifier.rank(sample)) if sample else {}
        return choose_language(probabilities, words=len(sample.split()), hint=normalise_language_tag(hint))

    def run(self, drafts: Sequence[Draft]) -> list[dict[str, Any]]:
        return [self._fields(self.detect(d.get("title"), d.get("text"), d.get("language"))) for d in drafts]

    @staticmethod
    def _fields(guess: LanguageGuess) -> dict[str, Any]:
        fields: dict[str, Any] = {"detected_language": guess.language, "language_confidence": guess.confidence}
        if guess.note:
            fields["notes"] = (guess.note,)
        return fields

    def provenance(self) -> dict[str, str]:
        return {"py3langid": _PY3LANGID_VERSION}
