"""A character reference to no character (``&#xD800;``) costs one character, not the feed.

Before the fix feedparser's fallback parser raised UnicodeEncodeError on the lone surrogate and
the whole feed was reported "not a feed".
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.net.response import FetchedFeed
from producers.charsets import without_invalid_char_refs
from producers.items import parse_feed


def rss(title_ref: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"<item><title>Bad {title_ref} ref</title><link>https://x.example/1</link><guid>1</guid></item>"
        "<item><title>Good &#8217;quote</title><link>https://x.example/2</link><guid>2</guid></item></channel></rss>"
    ).encode()


def titles(body: bytes) -> list[str]:
    return [e["title"] for e in parse_feed(FetchedFeed(url="https://x.example/f", body=body, headers={})).entries]


def test_a_reference_to_a_lone_surrogate_becomes_the_replacement_character() -> None:
    assert titles(rss("&#xD800;")) == ["Bad \ufffd ref", "Good \u2019quote"]
    assert titles(rss("&#56320;")) == ["Bad \ufffd ref", "Good \u2019quote"]


def test_valid_references_are_left_alone() -> None:
    text = "caf&#233; &#x1F600; &#8217; &amp;#xD800;"
    assert without_invalid_char_refs(text) == text


@settings(max_examples=60, deadline=None)
@given(code=st.integers(min_value=0, max_value=2**70), hexadecimal=st.booleans())
def test_any_numeric_reference_keeps_both_items(code: int, hexadecimal: bool) -> None:
    ref = f"&#x{code:X};" if hexadecimal else f"&#{code};"
    assert len(titles(rss(ref))) == 2


def test_a_reference_of_thousands_of_digits_is_one_replacement_character() -> None:
    assert titles(rss("&#" + "9" * 5000 + ";")) == ["Bad \ufffd ref", "Good \u2019quote"]
