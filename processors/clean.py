"""The `news.clean.v1` step: tidy every article's title and text before anything reads them.

Feeds hand over text with decomposed accents, zero-width characters, soft hyphens, ragged white
space and publisher furniture ("Read more", "The post X appeared first on Y."). Language
detection, NER and search all do better on clean text, so this step runs first and on every
article: it is regular expressions only, no model.

Boilerplate is dropped only when a whole line is boilerplate and it sits at the start or the end
of the text, and the list of patterns is short on purpose: a real sentence is never dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from newsflow.contract.text import plain_text
from newsflow.settings import ProcessorSettings
from processors.base import Draft, register_step

__all__ = ["CleanStep", "clean_text", "clean_title", "is_boilerplate", "remove_invisible", "strip_boilerplate"]

# Never visible, never meaningful in news text: zero width space, word joiner, BOM, soft hyphen,
# Mongolian vowel separator, invisible math operators, bidi marks and embeddings left by CMS editors.
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Zero width (non-)joiners carry meaning in Persian, Indic scripts and emoji sequences, so they are
# removed only where both neighbours are Latin (or a line edge), where they are mere debris.
_STRAY_JOINERS = re.compile(r"(?<![^\x00-\u024f])[\u200c\u200d]+(?![^\x00-\u024f])")

# Ornaments a CMS puts after a call to action: arrows, guillemets, ellipses, colons.
_TAIL = r"[\s.:!…»›→>\-–—]*"
_QUOTED = r"\s+[\"“«'‘].{1,200}[\"”»'’]"  # a quoted article title
_BOILERPLATE = re.compile(
    "|".join(
        rf"(?:{pattern}){_TAIL}"
        for pattern in (
            r"read more",
            r"read (?:the )?(?:full|whole|original) (?:story|article|post|report)(?: here)?",
            rf"continue reading(?:{_QUOTED})?",
            r"the post .{1,300} appeared first on .{1,200}",
            r"click here to (?:subscribe|read more|read the full (?:story|article)|continue reading)",
            r"(?:subscribe|sign up) (?:to|for) our (?:free )?newsletters?",
            r"share this(?: article| story)?",
            r"advertisement",
            r"\[(?:\.\.\.|…)\]",
        )
    ),
    re.IGNORECASE,
)


def remove_invisible(text: str) -> str:
    """NFC composition, then the invisible characters removed."""
    text = unicodedata.normalize("NFC", text)
    return _STRAY_JOINERS.sub("", _INVISIBLE.sub("", text))


def is_boilerplate(line: str) -> bool:
    """True when the whole (trimmed) line is publisher furniture."""
    return _BOILERPLATE.fullmatch(line.strip()) is not None


def strip_boilerplate(text: str) -> str:
    """Drop boilerplate lines from the start and the end of tidied text (lines in between stay:
    there a phrase like "Read more" may belong to the story)."""
    lines = text.split("\n")
    start, end = 0, len(lines)
    while start < end and (not lines[start].strip() or is_boilerplate(lines[start])):
        start += 1
    while end > start and (not lines[end - 1].strip() or is_boilerplate(lines[end - 1])):
        end -= 1
    return "\n".join(lines[start:end])


def clean_text(text: str) -> str:
    """Body text: NFC, invisible characters gone, white space tidied (paragraph breaks kept as
    one blank line), boilerplate lines at either end dropped."""
    if not text:
        return ""
    return strip_boilerplate(plain_text(remove_invisible(text)))


def clean_title(title: str) -> str:
    """A title is one line: every run of white space, line breaks included, becomes one space."""
    if not title:
        return ""
    return " ".join(plain_text(remove_invisible(title)).split())


@register_step("news.clean.v1")
class CleanStep:
    reads = ("title", "text", "summary")
    writes = ("title", "text")

    def __init__(self, *, settings: ProcessorSettings) -> None:
        del settings  # nothing to configure: the rules are fixed so that results are reproducible

    def run(self, drafts: Sequence[Draft]) -> list[dict[str, Any]]:
        return [self._clean(d) for d in drafts]

    @staticmethod
    def _clean(draft: Draft) -> dict[str, Any]:
        text = clean_text(draft.get("text"))
        if not text:
            # Text that was all furniture (or nothing): the summary is the best text there is.
            # A text equal to the summary is kept as it is; feeds often give nothing more.
            text = clean_text(draft.get("summary"))
        return {"title": clean_title(draft.get("title")), "text": text}

    def provenance(self) -> dict[str, str]:
        return {}
