"""Language tags as the index stores them: one lowercase ISO 639-1 code per article.

Feeds declare languages as they please ("en-US", "en_gb", "IT-it", "eng", "kn" on English
items); the language filter and facet must answer to one spelling. `normalise_language_tag`
turns a tag into its ISO 639-1 code; `article_language` picks the article's language for the
index: the detected one (the language step already prefers the declared one when detection is
unsure), else the declared tag normalised, else "und" (undetermined, ISO 639-2).
"""

from __future__ import annotations

import re

__all__ = ["UNDETERMINED", "article_language", "normalise_language_tag"]

UNDETERMINED = "und"

# ISO 639-2 codes feeds sometimes declare, and deprecated 639-1 codes still in the wild.
_ALIASES = {
    "eng": "en", "fre": "fr", "fra": "fr", "ger": "de", "deu": "de", "spa": "es", "ita": "it",
    "por": "pt", "rus": "ru", "ara": "ar", "chi": "zh", "zho": "zh", "jpn": "ja", "dut": "nl",
    "nld": "nl", "per": "fa", "fas": "fa", "tur": "tr", "pol": "pl", "ukr": "uk", "urd": "ur",
    "iw": "he", "in": "id", "ji": "yi",
}  # fmt: skip
_TAG = re.compile(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*")


def normalise_language_tag(tag: str | None) -> str | None:
    """A language tag ("en-US", "fr_FR", "EN", "eng") as an ISO 639-1 code, or None when it is
    not a language tag at all."""
    match = _TAG.fullmatch(tag or "")
    if match is None:
        return None
    primary = match.group(1).lower()
    primary = _ALIASES.get(primary, primary)
    return primary if len(primary) == 2 else None


def article_language(detected: str | None, declared: str | None) -> str:
    """The one language the index keeps for an article (see the module doc)."""
    return normalise_language_tag(detected) or normalise_language_tag(declared) or UNDETERMINED
