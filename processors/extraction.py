"""A page's main text: the extraction the extract step runs on every page it fetches, and
`newsflow eval extract` on saved pages. Pure: bytes or HTML in, text out, no I/O.

The chain, in order:

1. trafilatura in precision mode, tables kept (a league table or a results table is often the
   article), no cross-segment deduplication (it made trafilatura drop a whole review that
   repeats its own text in the page: teaser, pull quotes, a print copy);
2. publisher notices removed line by line (`without_notices`): reprint terms, cookie banners,
   subscription boxes, "Related:" and "Tags:" lines, share buttons, advertisement labels;
3. when what is left is empty or shorter than `SHORT_WORDS`, trafilatura again in recall mode
   (same filter), kept only when it finds more: precision mode sometimes picks a notice box
   instead of the article, or nothing on an old table-laid page.

`Extraction.method` says which pass gave the text ("precise", "recall", or "none"), so the step
can note a fallback on the article.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass

import trafilatura

__all__ = [
    "SHORT_WORDS",
    "Extraction",
    "cut_at_word",
    "decode_html",
    "extract_page",
    "is_html",
    "strip_leading_title",
    "without_notices",
    "word_count",
]

#: Fewer words than this after the precise pass is suspicious: the recall pass is tried too.
SHORT_WORDS = 40
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

# Lines that are a publisher's notice, not the article. Matched on one whole line (a paragraph of
# trafilatura's output) of at most `_NOTICE_MAX_WORDS` words, so an article paragraph that
# mentions cookies or subscriptions is never taken for a notice. Lines are lower-cased first;
# `_NOTICE_WORDS` (literals only, a fast scan) keeps the full regex off the lines that cannot match: run on
# every line it cost as much as a tenth of trafilatura's time per page.
_NOTICE_STARTS = re.compile(
    r"(?:accept all|reject all|manage (?:preferences|cookies|settings)|subscribe (?:to|now|today)|"
    r"sign in to (?:continue|read)|(?:related|read more|see also|more on this|also read|recommended)\s*:|tags?\s*:|"
    r"share (?:on|this|via)|tweet|email this|print this|copy link|(?:advertisement|sponsored|ad)$)"
)
_NOTICE_WORDS = re.compile(
    "personal|copies|reprint|colleagues|cookie|subscri|newsletter|continue reading|access|cancel|rights reserved"
)
_NOTICES = re.compile(
    r"for your personal,? non-?commercial use only|presentation-ready copies|order (?:reprints|copies)\b|"
    r"distribution to your colleagues|\bwe use cookies\b|\bcookies? (?:policy|settings|preferences)\b|"
    r"\baccept (?:all )?cookies\b|\balready a subscriber\b|\bsign up for (?:our|the|a) (?:\w+ )?newsletter|"
    r"\bto continue reading\b|\bunlimited (?:digital )?access\b|\bcancel any ?time\b|\bfor subscribers only\b|"
    r"^(?:©|copyright\b).{0,160}all rights reserved"
)
_NOTICE_MAX_WORDS = 60
_LAYOUT_CELL_WORDS = 40  # a table cell this long is prose: the table lays out the page
_LAYOUT_KEEP_WORDS = 12  # ...and its cells shorter than this are menus and link lists
_REPEAT_MIN_WORDS = 6  # shorter lines ("Advertisement", a table row) may repeat in an article
_TABLE_RULE = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+\s*$")
_TABLE_TAG = re.compile(r"<table\b", re.IGNORECASE)
_CELL_SPLIT = re.compile(r"(?<!\\)\|")  # trafilatura writes a "|" inside a cell as "\|"
_SENTENCE_END = re.compile(r"[.!?][\"”’)]?(?:\s|$)")


@dataclass(frozen=True)
class Extraction:
    """The main text of one page, which pass found it, and how many notice lines were removed."""

    text: str
    method: str  # "precise" | "recall" | "none"
    notices_removed: int = 0


def extract_page(html: str, url: str | None = None) -> Extraction:
    """The chain of the module doc over one page."""
    precise, removed = without_notices(_trafilatura(html, url, favor_precision=True))
    if word_count(precise) >= SHORT_WORDS:
        return Extraction(precise, "precise", removed)
    recall, recall_removed = without_notices(_trafilatura(html, url, favor_recall=True))
    if word_count(recall) > word_count(precise):
        return Extraction(recall, "recall", recall_removed)
    return Extraction(precise, "precise" if precise else "none", removed)


def _trafilatura(html: str, url: str | None, **mode: bool) -> str:
    # Table handling costs trafilatura about a tenth of its time on any page: asked for only
    # where there is a table (the output is the same where there is none).
    tables = _TABLE_TAG.search(html) is not None
    text = trafilatura.extract(
        html, url=url, include_comments=False, include_tables=tables, deduplicate=False, **mode,
    )
    return (text or "").strip()


def without_notices(text: str) -> tuple[str, int]:
    """`text` without publisher notice lines and without paragraphs repeated from earlier in the
    text (a page's teaser, print copy or pull quotes, once deduplication is off), tables as
    plain text (`_table_text`); the number of lines removed."""
    kept, seen, removed, table = [], set(), 0, []
    for line in [*text.splitlines(), ""]:
        stripped = line.strip()
        if stripped.startswith("|"):
            table.append(stripped)
            continue
        if table:
            kept.extend(_table_text(table))
            table = []
        words = stripped.count(" ") + 1  # trafilatura's lines are single-spaced: no split() per line
        if _is_notice(stripped, words) or _repeated(stripped, words, seen):
            removed += 1
            continue
        kept.append(line)
    return "\n".join(kept).strip(), removed


def _table_text(rows: list[str]) -> list[str]:
    """A table's rows as lines of cells joined by " | ". A table with a cell of prose lays out
    the page (an old site's menu | article | sidebar): only its prose cells are kept, one per
    line, and its menus, link lists and footers go."""
    cells = [[c.strip().replace("\\|", "|") for c in _CELL_SPLIT.split(row.strip().strip("|"))]
             for row in rows if not _TABLE_RULE.match(row)]
    if any(_is_prose(cell, _LAYOUT_CELL_WORDS) for row in cells for cell in row):
        return [cell for row in cells for cell in row if _is_prose(cell, _LAYOUT_KEEP_WORDS)]
    return [" | ".join(row) for row in cells]


def _is_prose(cell: str, min_words: int) -> bool:
    return len(cell.split()) >= min_words and len(_SENTENCE_END.findall(cell)) >= 2


def _is_notice(line: str, words: int) -> bool:
    if not line or words > _NOTICE_MAX_WORDS:
        return False
    lower = line.lower()
    return bool(_NOTICE_STARTS.match(lower) or (_NOTICE_WORDS.search(lower) and _NOTICES.search(lower)))


def _repeated(line: str, words: int, seen: set[str]) -> bool:
    """Whether a paragraph of `_REPEAT_MIN_WORDS` words or more was already in the text."""
    if words < _REPEAT_MIN_WORDS:
        return False
    if line in seen:
        return True
    seen.add(line)
    return False


def word_count(text: str | None) -> int:
    return len(text.split()) if text else 0


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def strip_leading_title(text: str, title: str | None) -> str:
    """Drop the headline from the top of the extracted text: the article has it as `title` already."""
    first, _, rest = text.partition("\n")
    if title and title.strip() and _normalised(first) == _normalised(title):
        return rest.lstrip("\n")
    return text


def cut_at_word(text: str, max_chars: int) -> str:
    """`text` cut to `max_chars` at most, at the last whitespace before the limit when there is one."""
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    space = max(head.rfind(" "), head.rfind("\n"))
    return (head[:space] if space > 0 else head).rstrip()


def _media_type(headers: Mapping[str, str]) -> tuple[str, str | None]:
    """The media type of a Content-Type header, lower-cased, and its charset parameter if any."""
    media, *params = headers.get("content-type", "").split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media.strip().lower(), charset


def is_html(headers: Mapping[str, str], body: bytes) -> bool:
    """HTML by its Content-Type; a response without one is sniffed (its markup must start as HTML)."""
    media, _ = _media_type(headers)
    if media:
        return media in HTML_TYPES
    start = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html"))


def _known_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(body: bytes, headers: Mapping[str, str]) -> str:
    """The page as text: the header's charset, else UTF-8, else a <meta> charset, else windows-1252.

    Decoded here rather than by trafilatura, which would also try to decompress the bytes as gzip,
    brotli or zstd: the fetcher's size limit must be the last word on how big a page gets.
    """
    declared = _known_codec(_media_type(headers)[1])
    if declared:
        return body.decode(declared, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    found = _META_CHARSET.search(body[:4096])
    # windows-1252: what browsers assume for an unlabeled page that is not UTF-8.
    encoding = _known_codec(found.group(1).decode("ascii")) if found else None
    return body.decode(encoding or "cp1252", errors="replace")
