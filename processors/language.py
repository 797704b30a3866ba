"""The `news.language.v1` step: the language of every article, as an ISO 639-1 code.

py3langid (a naive Bayes model over byte n-grams shipped inside the package, no download) with
normalised probabilities reads the title, the feed's summary (when the text does not already
start with it) and the start of the text. The feed's declared language is only a hint: feeds
declare one language for everything they publish, and some declare none or a wrong one.

The rules (`choose_language`), measured on 67 captured feeds (issue 22):
- with a declared language, the detector overrules it only when it is sure (`SWITCH_CONFIDENCE`,
  0.9): English posts detected as French at 0.16 or 0.28 went through the French model before.
  Sure means sure whatever the length: a short German or Portuguese item in an English feed at
  0.9 and more gets no English entities (issue 17). A text mostly in another script than the
  declared language's (Cyrillic, Arabic under `en`) overrules it at any confidence;
- with none, a confident detector decides; an unsure one ranks again among the languages news
  feeds are written in (`NEWS_LANGUAGES`): on a short English title the noise is Latin, Scots
  Gaelic, Tagalog, Nynorsk... which no feed of the mix was written in. English first among them
  is taken (the main model's language, and what the feeds declaring none wrote in); another
  language must be sure among them. Else the article gets no language ("und" in the index)
  rather than a wrong one, so that no model of another language reads it ("Dall-E 2 Comments",
  French at 0.12, English third).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version as _version
from typing import Any

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from newsflow.contract.languages import normalise_language_tag
from newsflow.contract.text import plain_text
from newsflow.settings import ProcessorSettings
from processors.base import Draft, register_step

_PY3LANGID_VERSION = _version("py3langid")

__all__ = [
    "NEWS_LANGUAGES",
    "LanguageGuess",
    "LanguageStep",
    "choose_language",
    "fold_to_iso639_1",
    "latin_share",
    "normalise_language_tag",
    "sample_text",
]

SAMPLE_CHARS = 2_000  # more text barely changes the answer and costs linear time
MIN_CONFIDENCE = 0.7  # below this the detector is unsure
MIN_WORDS = 20  # below this a note says the text was short (n-gram statistics are thin)
# A language other than the declared one needs this much: a wrong switch sends the article to
# another language's model (French NER on English: "Dall-E 2 Comments" as a place), while keeping
# a wrong declaration costs only what it cost before. Texts in another language than the feed's
# score 0.99 and more when they are over MIN_WORDS long (tests/unit/test_step_language.py).
SWITCH_CONFIDENCE = 0.9

# Languages news feeds are written in, for ranking again when the detector is unsure and no
# language is declared: the 30 most used languages on news sites, by script and region. py3langid
# knows 97; the others (la, gd, tl, nn, wa, lb, fy...) are what short English titles came out as.
# An unsure guess that ranks this language first among NEWS_LANGUAGES is taken (see below).
DEFAULT_LANGUAGE = "en"
NEWS_LANGUAGES = frozenset(
    "en fr de es it pt nl ru uk pl cs sk ro hu el tr ar fa ur hi bn zh ja ko id vi th he sv da no fi".split()
)

# py3langid labels that are not ISO 639-1 codes, mapped to the 639-1 code of their macrolanguage
# (Egyptian Arabic is Arabic, Cantonese is Chinese...). Labels absent here and not two letters
# (Acehnese, Kabyle, "zxx" = no linguistic content...) have no 639-1 code and are never returned.
_TO_ISO639_1 = {
    "ary": "ar", "arz": "ar", "yue": "zh", "wuu": "zh", "uzs": "uz", "gug": "gn", "sdh": "ku",
    "fuv": "ff", "kik": "ki", "hbo": "he", "grc": "el",
}  # fmt: skip


@dataclass(frozen=True)
class LanguageGuess:
    language: str | None  # what the article is read as; None: undetermined
    confidence: float | None  # the detector's probability for `language` (over all its labels)
    note: str | None = None
    detected: str | None = None  # the detector's own best guess and its probability, whatever was
    detected_confidence: float | None = None  # chosen: kept for when the article can store both


# Languages written in the Latin script, among those a feed may declare.
LATIN_SCRIPT = frozenset(
    "en fr de es it pt nl pl cs sk ro hu tr id vi sv da no fi ca hr sl et lv lt sq ms tl sw af eu gl ga cy is".split()
)


def latin_share(text: str) -> float:
    """The share of the text's letters that are Latin (1.0 for a text without letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    latin = sum(1 for c in letters if c < "\u0250")  # Basic Latin up to Latin Extended-B and IPA
    return latin / len(letters)


def fold_to_iso639_1(ranking: Sequence[tuple[str, float]]) -> dict[str, float]:
    """Probabilities per ISO 639-1 code, best first: variants summed into their macrolanguage,
    labels without a 639-1 code dropped."""
    folded: dict[str, float] = {}
    for label, probability in ranking:
        code = _TO_ISO639_1.get(label, label)
        if len(code) == 2:
            folded[code] = folded.get(code, 0.0) + probability
    return dict(sorted(folded.items(), key=lambda item: item[1], reverse=True))


def sample_text(title: str, text: str, summary: str = "") -> str:
    """What the detector reads: the title, the summary unless the text already starts with it
    (feeds often give the summary as the text), and the start of the text, cut at a word boundary."""
    summary = " ".join(summary.split())
    body = text if not summary or " ".join(text[: len(summary) * 2].split()).startswith(summary) else f"{summary}\n{text}"
    sample = f"{title}\n{body[:SAMPLE_CHARS]}".strip()
    if len(body) > SAMPLE_CHARS and " " in sample:
        sample = sample.rsplit(" ", 1)[0]  # half a word is noise to an n-gram model
    return sample


def choose_language(probabilities: dict[str, float], *, words: int, hint: str | None,
                    latin_share: float = 1.0) -> LanguageGuess:
    """Pure decision (the rules in the module doc): the declared language unless the detector is
    sure of another, or the text is not even in the declared language's script; with none
    declared, the detector's guess when it is sure, or among news languages, else no language."""
    best, confidence = next(iter(probabilities.items()), (None, 0.0))
    detected = {"detected": best, "detected_confidence": round(confidence, 4) if best else None}
    if hint is not None and hint in LATIN_SCRIPT and latin_share < 0.5 and best is not None and best not in LATIN_SCRIPT:
        # A Cyrillic or Arabic text under a feed that declares English: the English model would
        # read it as noise ("Санкт-Петербурге" an organisation), whatever the detector's doubt.
        return LanguageGuess(best, round(confidence, 4), f"news.language.v1: the feed declares {hint!r} but the "
                             f"text is in another script; detector said {best!r} at {confidence:.2f}", **detected)
    if hint is not None:
        return _with_hint(probabilities, words=words, hint=hint, **detected)
    if best is None or words == 0:
        return LanguageGuess(None, None, "news.language.v1: no text and no declared language", **detected)
    if confidence >= MIN_CONFIDENCE:
        return LanguageGuess(best, round(confidence, 4), **detected)
    return _among_news_languages(probabilities, **detected)


def _with_hint(probabilities: dict[str, float], *, words: int, hint: str, detected: str | None,
               detected_confidence: float | None) -> LanguageGuess:
    confidence = detected_confidence or 0.0
    short = words < MIN_WORDS
    if detected == hint and confidence >= MIN_CONFIDENCE:
        return LanguageGuess(hint, confidence, None, detected, detected_confidence)
    if detected != hint and confidence >= SWITCH_CONFIDENCE:
        return LanguageGuess(detected, confidence, None, detected, detected_confidence)
    why = f"{words} words" if short else f"confidence {confidence:.2f}"
    note = f"news.language.v1: used the feed's language {hint!r} ({why}; detector said {detected!r} at {confidence:.2f})"
    return LanguageGuess(hint, round(probabilities.get(hint, 0.0), 4), note, detected, detected_confidence)


def _among_news_languages(probabilities: dict[str, float], *, detected: str | None,
                          detected_confidence: float | None) -> LanguageGuess:
    """No declared language and an unsure detector: the best of the news languages when it is
    sure among them (renormalising a naive Bayes ranking over a subset is ranking with only those
    labels) or when it is English, the language of the main model and of the feeds that declare
    none in the mix; else none: an article read by no model beats one read by the wrong one."""
    news = {code: p for code, p in probabilities.items() if code in NEWS_LANGUAGES}
    total = sum(news.values())
    best, share = max(news.items(), key=lambda item: item[1], default=(None, 0.0))
    said = f"detector said {detected!r} at {detected_confidence or 0.0:.2f}"
    if best is not None and total > 0 and (best == DEFAULT_LANGUAGE or share / total >= MIN_CONFIDENCE):
        note = f"news.language.v1: {best!r} ranked first among news languages at {share / total:.2f} ({said})"
        return LanguageGuess(best, round(share, 4), note, detected, detected_confidence)
    note = f"news.language.v1: language undetermined, no declared language ({said})"
    return LanguageGuess(None, None, note, detected, detected_confidence)


@register_step("news.language.v1")
class LanguageStep:
    reads = ("title", "summary", "text", "language")
    writes = ("detected_language", "language_confidence", "detector_language", "detector_confidence", "notes")

    def __init__(self, *, settings: ProcessorSettings) -> None:
        del settings  # thresholds are fixed: they are part of what v1 means
        # Loaded once per step (about half a second); the model file ships inside the package.
        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def detect(self, title: str, text: str, hint: str | None, summary: str = "") -> LanguageGuess:
        sample = sample_text(title, text, summary)
        probabilities = fold_to_iso639_1(self._identifier.rank(sample)) if sample else {}
        return choose_language(probabilities, words=len(sample.split()), hint=normalise_language_tag(hint),
                               latin_share=latin_share(sample))

    def run(self, drafts: Sequence[Draft]) -> list[dict[str, Any]]:
        return [self._fields(self._detect_draft(d)) for d in drafts]

    def _detect_draft(self, draft: Draft) -> LanguageGuess:
        # The producer gives the summary as text; tidied as the clean step tidies the text, so
        # that the two compare equal when the feed gave the summary as the text too.
        summary = plain_text(draft.get("summary") or "")
        return self.detect(draft.get("title") or "", draft.get("text") or "", draft.get("language"), summary)

    @staticmethod
    def _fields(guess: LanguageGuess) -> dict[str, Any]:
        fields: dict[str, Any] = {"detected_language": guess.language, "language_confidence": guess.confidence,
                                  "detector_language": guess.detected, "detector_confidence": guess.detected_confidence}
        if guess.note:
            fields["notes"] = (guess.note,)
        return fields

    def provenance(self) -> dict[str, str]:
        return {"py3langid": _PY3LANGID_VERSION}
