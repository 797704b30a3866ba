"""The `news.clean.v1` step: tidy every article's title and text before anything reads them.

Feeds hand over text with decomposed accents, zero-width characters, soft hyphens, ragged white
space and publisher furniture ("Read more", "The post X appeared first on Y."). Language
detection, NER and search all do better on clean text, so this step runs first and on every
article: it is regular expressions only, no model.

Boilerplate is dropped only when a whole line is boilerplate, and the list of patterns is short
on purpose: a real sentence is never dropped.

- A lone call to action ("Read more", "Share this", "Mehr zum Thema") goes at the start or the
  end of the text only: in between it may belong to the story's layout.
- A cross-reference, a lead-in with a colon and a headline ("Related: Markets fall", "Lesen Sie
  auch: ...", "Leia também: ..."), goes wherever it is: it names another article.
- At the end only: a tag list ("(Elektromobilität, Elektroauto)", "Tags: a, b, c"), also when it
  trails the last sentence, and a "related" heading with the headlines under it.

The lead-ins cover the languages of the feeds (en, de, fr, it, es, pt).

Title, text and summary also leave this step without markup (`newsflow.contract.text.markup_free`):
producers remove it already, and this is the second line of defence, for events of an older
producer (or any other writer of ``news.raw``) and for what removing invisible characters joins
("<", a soft hyphen, "script" is "<script" once the soft hyphen goes).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from newsflow.contract.text import markup_free, plain_text
from newsflow.settings import ProcessorSettings
from processors.base import Draft, register_step

__all__ = [
    "CleanStep",
    "clean_summary",
    "clean_text",
    "clean_title",
    "is_boilerplate",
    "is_cross_reference",
    "is_tag_list",
    "remove_invisible",
    "strip_boilerplate",
]

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


# Lead-ins to other articles. Followed by a colon and a headline, they are a cross-reference
# anywhere in the text; alone on their line, a call to action or the heading of a list of links.
_LEAD_INS = (
    r"related(?: (?:articles?|stories|coverage|content|news|reading))?",
    r"read (?:more|also)", r"also read", r"see also", r"more on this(?: story| topic)?", r"recommended",
    r"mehr zum thema", r"mehr dazu", r"lesen sie (?:auch|mehr)", r"auch interessant", r"weiterlesen", r"siehe auch",
    r"(?:à |a )?lire aussi", r"voir aussi", r"(?:pour )?en savoir plus", r"sur le même sujet",
    r"leggi anche", r"leggi di più", r"(?:potrebbe|ti potrebbe) interessare(?: anche)?", r"vedi anche",
    r"ver también", r"lea también", r"lee también", r"leer más", r"te puede interesar", r"más información",
    r"leia (?:também|mais)", r"veja (?:também|mais)", r"saiba mais", r"(?:você|voce) pode gostar",
)
_LEAD_IN = "(?:" + "|".join(_LEAD_INS) + ")"
_CROSS_REFERENCE = re.compile(rf"{_LEAD_IN}\s*:\s*\S.*", re.IGNORECASE)
_CROSS_REFERENCE_WORDS = 30  # longer after the colon: a paragraph, not a headline
_HEADING = re.compile(rf"{_LEAD_IN}\s*:?{_TAIL}", re.IGNORECASE)
# The headlines under a trailing "related" heading: a few short lines, none ending like a sentence.
_HEADLINES_MAX, _HEADLINE_WORDS = 6, 20
# Tag lists: "Tags: a, b, c" (labelled, in the feeds' languages) and "(a, b)" in parentheses;
# items of one to four words, no sentence punctuation.
_TAG_LABEL = (r"(?:tags?|keywords|schlagw(?:ö|oe)rter|stichw(?:ö|oe)rter|themen|mots[- ]cl(?:é|e)s|"
              r"(?:é|e)tiquettes|etiquetas|temas|argomenti|t(?:ó|o)picos|assuntos)")
_TAG_ITEM = r"[^\s,.!?:;()\[\]]+(?: [^\s,.!?:;()\[\]]+){0,3}"
_TAG_LINE = re.compile(
    rf"{_TAG_LABEL}\s*:\s*{_TAG_ITEM}(?:\s*[,|]\s*{_TAG_ITEM})*\.?|\(\s*{_TAG_ITEM}(?:\s*,\s*{_TAG_ITEM})+\s*\)",
    re.IGNORECASE,
)
# The same list in parentheses trailing the last sentence on its line: "… stieg. (A, B)".
_TRAILING_TAGS = re.compile(rf"(?<=[.!?…\"”»])\s+\(\s*{_TAG_ITEM}(?:\s*,\s*{_TAG_ITEM})+\s*\)$")
_SENTENCE_END = re.compile(r"[.:;,][\"”’»)]*$")  # a headline has no full stop; a quote ends like prose


def remove_invisible(text: str) -> str:
    """NFC composition, then the invisible characters removed."""
    text = unicodedata.normalize("NFC", text)
    return _STRAY_JOINERS.sub("", _INVISIBLE.sub("", text))


def is_boilerplate(line: str) -> bool:
    """True when the whole (trimmed) line is publisher furniture: a call to action, a cross-reference."""
    line = line.strip()
    return bool(_BOILERPLATE.fullmatch(line) or _HEADING.fullmatch(line) or is_cross_reference(line))


def is_cross_reference(line: str) -> bool:
    """ "Related: Markets fall", "Lesen Sie auch: Wie ...": a lead-in, a colon and a headline."""
    line = line.strip()
    if not _CROSS_REFERENCE.fullmatch(line):
        return False
    return len(line.split(":", 1)[1].split()) <= _CROSS_REFERENCE_WORDS


def is_tag_list(line: str) -> bool:
    """ "Tags: a, b, c" or "(Elektromobilität, Elektroauto)": the whole line a list of tags."""
    return _TAG_LINE.fullmatch(line.strip()) is not None


def strip_boilerplate(text: str) -> str:
    """Cross-references dropped wherever they are; furniture at the start and the end of tidied
    text (in between, a phrase like "Read more" may belong to the story); then a tag list or a
    "related" heading with its headlines at the end."""
    lines = [line for line in text.split("\n") if not is_cross_reference(line)]
    start, end = 0, len(lines)
    while start < end and (not lines[start].strip() or is_boilerplate(lines[start])):
        start += 1
    while end > start:
        cut = _furniture_tail(lines[start:end])
        if cut == end - start:
            break
        end = start + cut
    kept = lines[start:end]
    if kept:
        kept[-1] = _TRAILING_TAGS.sub("", kept[-1])
    # Lines dropped between paragraphs leave their blank lines behind: one blank line stays.
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")


def _furniture_tail(lines: list[str]) -> int:
    """How many of `lines` remain once one piece of furniture at their end is cut (all of them
    when the end is not furniture)."""
    last = lines[-1]
    if not last.strip() or is_boilerplate(last) or is_tag_list(last):
        return len(lines) - 1
    return _headlines_start(lines)


def _headlines_start(lines: list[str]) -> int:
    """Where a trailing "related" heading ("Mehr zum Thema") with a few headlines under it starts;
    len(lines) when the text does not end so."""
    for at in range(len(lines) - 1, max(len(lines) - 2 * _HEADLINES_MAX - 2, -1), -1):
        if _HEADING.fullmatch(lines[at].strip()):
            below = [line.strip() for line in lines[at + 1:] if line.strip()]
            headlines = len(below) <= _HEADLINES_MAX and all(_is_headline(line) for line in below)
            return at if headlines else len(lines)
    return len(lines)


def _is_headline(line: str) -> bool:
    return len(line.split()) <= _HEADLINE_WORDS and not _SENTENCE_END.search(line)


def clean_text(text: str) -> str:
    """Body text: NFC, invisible characters gone, white space tidied (paragraph breaks kept as
    one blank line), no markup, boilerplate lines at either end dropped (dropping whole lines
    never makes a tag)."""
    if not text:
        return ""
    return strip_boilerplate(markup_free(plain_text(remove_invisible(text))))


def clean_title(title: str) -> str:
    """A title is one line without markup: every run of white space, line breaks included,
    becomes one space."""
    if not title:
        return ""
    return " ".join(markup_free(plain_text(remove_invisible(title))).split())


def clean_summary(summary: str) -> str:
    """The summary as the producer made it, only without markup."""
    return markup_free(summary) if summary else ""


@register_step("news.clean.v1")
class CleanStep:
    reads = ("title", "text", "summary")
    writes = ("title", "text", "summary")

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
        return {"title": clean_title(draft.get("title")), "text": text, "summary": clean_summary(draft.get("summary"))}

    def provenance(self) -> dict[str, str]:
        return {}
