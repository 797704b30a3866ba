"""Turning feed HTML into plain text for enrichment and search."""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

__all__ = ["html_to_text"]

_BLOCK_BREAKS = re.compile(r"\n\s*\n+")
_BLOCK_TAGS = ["p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre", "section", "article"]
_SPACES = re.compile(r"[ \t\u00a0]+")


def html_to_text(html: str) -> str:
    """Plain text with paragraphs kept as blank-line separated blocks."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return _tidy(html)
    with warnings.catch_warnings():
        # A summary that happens to look like a URL or a file name is still just text.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    # Inline tags (<a>, <b>) must not split a sentence; block tags end a paragraph.
    for tag in soup(_BLOCK_TAGS):
        tag.insert_after("\n\n")
    for br in soup("br"):
        br.replace_with("\n")
    return _tidy(soup.get_text(""))


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    joined = "\n".join(lines)
    return _BLOCK_BREAKS.sub("\n\n", joined).strip()
