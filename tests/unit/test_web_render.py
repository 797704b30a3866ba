"""The pages' rendering (newsflow.read.web.render): snippets keep only <mark>, every template is
autoescaped, and no template writes a value unescaped besides the snippet."""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import Markup

from newsflow.read.web import render as web_render
from newsflow.read.web.render import environment, safe_snippet, when

TEMPLATES = Path(web_render.__file__).parent / "templates"


@pytest.mark.parametrize(("snippet", "shown"), [
    ("the <mark>trade</mark> talks", "the <mark>trade</mark> talks"),
    # Already escaped by the highlighter: stays the same text, not escaped twice.
    ("a &lt;b&gt; &amp; <mark>c</mark> &#x27;d&#x27;", "a &lt;b&gt; &amp; <mark>c</mark> &#39;d&#39;"),
    # Markup that is not exactly <mark> or </mark> is text.
    ("<img src=x onerror=alert(1)> <mark>x</mark>", "&lt;img src=x onerror=alert(1)&gt; <mark>x</mark>"),
    ('<mark onclick="alert(1)">x</mark>', "&lt;mark onclick=&#34;alert(1)&#34;&gt;x"),
    ("<MARK>x</MARK> <script>alert(1)</script>", "&lt;MARK&gt;x&lt;/MARK&gt; &lt;script&gt;alert(1)&lt;/script&gt;"),
    # An escaped tag in the article's text stays text even once decoded.
    ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    # Balanced: a stray end tag dropped, a nested start dropped, an open mark closed.
    ("a</mark> <mark>b <mark>c</mark> d", "a <mark>b c</mark> d"),
    ("<mark>open", "<mark>open</mark>"),
    ("", ""),
])
def test_snippets_keep_only_balanced_marks(snippet: str, shown: str) -> None:
    result = safe_snippet(snippet)
    assert isinstance(result, Markup)
    assert str(result) == shown


def test_every_template_is_autoescaped() -> None:
    env = environment()
    assert env.autoescape is True
    hostile = "<img src=x onerror=alert(1)>"
    rendered = env.from_string("{{ value }}").render(value=hostile)
    assert rendered == "&lt;img src=x onerror=alert(1)&gt;"


def test_no_template_marks_a_value_safe() -> None:
    """Only the `snippet` filter makes HTML of a value; no template uses |safe or turns autoescape off."""
    names = sorted(p.name for p in TEMPLATES.glob("*.html"))
    assert {"base.html", "search.html", "article.html", "stories.html", "story.html", "trending.html", "feeds.html",
            "login.html", "error.html"} <= set(names)
    for name in names:
        text = (TEMPLATES / name).read_text()
        assert "|safe" not in text.replace(" ", "") and "autoescape" not in text and "Markup" not in text, name


@pytest.mark.parametrize(("value", "shown"), [
    ("2024-05-01T12:00:00Z", "2024-05-01 12:00 UTC"),
    ("2024-05-01T14:30:00+02:00", "2024-05-01 12:30 UTC"),
    ("2024-05-01T12:00:00", "2024-05-01 12:00 UTC"),
    (None, "undated"),
    ("not a date", "not a date"),
])
def test_dates_are_shown_in_utc(value: str | None, shown: str) -> None:
    assert when(value) == shown
