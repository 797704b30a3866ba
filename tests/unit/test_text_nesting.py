"""HTML to text stays linear on hostile nesting (issue 15, item 8).

lexbor builds its tree in time that grows with the square of the nesting depth: 625 KB of nested
<div> took 48 s before, holding a parse slot. Past `MAX_NESTING` the text is made without a tree.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.contract import text
from newsflow.contract.text import MAX_NESTING, html_to_text, nesting_depth


def nested(depth: int, inner: str = "deep words", tag: str = "div") -> str:
    return f"<{tag}>" * depth + inner + f"</{tag}>" * depth


class TreeForbidden:
    def __init__(self, html: str) -> None:
        raise AssertionError("a tree was built for HTML nested deeper than MAX_NESTING")


def test_deep_nesting_is_turned_into_text_without_a_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text, "LexborHTMLParser", TreeForbidden)
    body = "<p>Intro &amp; more</p>" + nested(60_000) + "<script>var x = '<div>';</script><p>After</p>"
    assert html_to_text(body) == "Intro & more\n\ndeep words\n\nAfter"


def test_many_unclosed_scripts_hide_the_rest_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text, "LexborHTMLParser", TreeForbidden)
    body = nested(MAX_NESTING + 1, "kept") + "<SCRIPT>x" * 50_000
    assert html_to_text(body) == "kept"


def test_ordinary_html_still_goes_through_the_html5_parser() -> None:
    body = "<div><p>One <b>bold</b> line</p>" + "<p>filler text</p>" * 2_000 + "</div>"
    assert nesting_depth(body) == 3
    assert html_to_text(body).startswith("One bold line\n\nfiller text")


@pytest.mark.parametrize(
    ("html", "depth"),
    [("", 0), ("text", 0), ("<br><img src=x><hr/>", 0), ("<p><b>x</b></p>", 2), ("</div></div><p>", 1),
     (nested(700, tag="span"), 700), ("<div/><div/>", 0)],
)
def test_nesting_depth(html: str, depth: int) -> None:
    assert nesting_depth(html) == depth


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["<div>", "</div>", "<b>", "</b>", "<p>", "text", "&amp;", "<br>", "<script>", "</script>", "<"]),
                max_size=80), st.integers(min_value=0, max_value=MAX_NESTING * 3))
def test_any_markup_gives_text_without_tags_or_errors(pieces: list[str], depth: int) -> None:
    # Padding first: over the size from which depth is checked, and before any unclosed <script>.
    body = "padding " * 2_100 + nested(depth, "".join(pieces))
    result = html_to_text(body)
    assert "<div>" not in result and "<b>" not in result and "<script>" not in result
    assert result.startswith("padding padding")
