"""JSON Feed 1.0 and 1.1 into feedparser-shaped entries (producers/jsonfeed.py)."""

from __future__ import annotations

import json
import time

import pytest

from newsflow.errors import FeedError
from producers.jsonfeed import looks_like_json, parse_date, parse_jsonfeed

URL = "https://example.org/feed.json"

FEED_1_1 = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "My Example Feed",
    "home_page_url": "https://example.org/",
    "feed_url": "https://example.org/feed.json",
    "language": "en-GB",
    "hubs": [{"type": "rssCloud", "url": "https://cloud.example/"}, {"type": "WebSub", "url": "https://hub.example/"}],
    "authors": [{"name": "Feed Author"}],
    "items": [
        {
            "id": "2",
            "url": "https://example.org/second-item",
            "title": "Second &amp; last",
            "content_text": "This is a second item.",
            "content_html": "<p>This is a <b>second</b> item.</p>",
            "summary": "A summary.",
            "date_published": "2024-05-01T10:00:00+02:00",
            "date_modified": "2024-05-02T08:30:00Z",
            "authors": [{"name": "Ann"}, {"name": "Bob", "url": "https://bob.example/"}, {"url": "no name"}],
            "tags": ["politics", "", 7, "world"],
            "language": "fr",
            "attachments": [{"url": "https://example.org/a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 123}],
        },
        {"id": 1, "external_url": "https://elsewhere.example/story", "content_html": "<p>Hello, world!</p>"},
    ],
}

FEED_1_0 = {
    "version": "https://jsonfeed.org/version/1",
    "title": "Old Feed",
    "home_page_url": "https://old.example/",
    "items": [
        {
            "id": "https://old.example/1",
            "url": "https://old.example/1",
            "title": "Plain title",
            "content_text": "Text only.",
            "date_published": "2010-02-07T14:04:00-05:00",
            "author": {"name": "Brent"},
        }
    ],
}


def parse(document: object) -> object:
    return parse_jsonfeed(json.dumps(document).encode("utf-8"), url=URL)


def test_a_1_1_feed_and_its_feed_level_fields():
    parsed = parse(FEED_1_1)
    assert parsed.title == "My Example Feed"
    assert parsed.link == "https://example.org/"
    assert parsed.self_url == "https://example.org/feed.json"
    assert parsed.language == "en-GB"
    assert parsed.hub == "https://hub.example/"  # the WebSub one, not the first
    assert parsed.publisher_interval_s is None
    assert parsed.defect is None
    assert len(parsed.entries) == 2


def test_a_1_1_item_in_feedparser_shape():
    entry = parse(FEED_1_1).entries[0]
    assert entry["id"] == "2"
    assert entry["link"] == "https://example.org/second-item"
    assert entry["title"] == "Second &amp; last" and entry["title_detail"]["type"] == "text/html"
    assert entry["summary"] == "A summary." and entry["summary_detail"]["type"] == "text/plain"
    assert entry["content"] == [
        {"type": "text/html", "language": None, "base": "", "value": "<p>This is a <b>second</b> item.</p>"},
        {"type": "text/plain", "language": None, "base": "", "value": "This is a second item."},
    ]
    # RFC 3339 with an offset, as UTC struct_time like feedparser's *_parsed.
    assert entry["published_parsed"] == time.struct_time((2024, 5, 1, 8, 0, 0, 2, 122, 0))
    assert entry["updated_parsed"][:6] == (2024, 5, 2, 8, 30, 0)
    assert entry["published"] == "2024-05-01T10:00:00+02:00"
    assert [a["name"] for a in entry["authors"]] == ["Ann", "Bob"] and entry["author"] == "Ann"
    assert [t["term"] for t in entry["tags"]] == ["politics", "world"]
    assert entry["language"] == "fr"
    assert entry["enclosures"] == [{"href": "https://example.org/a.mp3", "type": "audio/mpeg", "length": "123"}]


def test_a_numeric_id_is_a_string_and_external_url_is_the_link_when_there_is_no_url():
    entry = parse(FEED_1_1).entries[1]
    assert entry["id"] == "1"
    assert entry["link"] == "https://elsewhere.example/story"
    assert "title" not in entry and "published_parsed" not in entry


def test_a_1_0_feed_with_its_single_author_object():
    parsed = parse(FEED_1_0)
    (entry,) = parsed.entries
    assert parsed.title == "Old Feed" and parsed.language is None and parsed.hub is None
    assert entry["authors"] == [{"name": "Brent"}]
    assert entry["title_detail"]["type"] == "text/plain"
    assert entry["published_parsed"][:6] == (2010, 2, 7, 19, 4, 0)
    assert "updated_parsed" not in entry


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01T10:00:00Z", (2024, 5, 1, 10, 0, 0)),
        ("2024-05-01t10:00:00z", (2024, 5, 1, 10, 0, 0)),
        ("2024-05-01T10:00:00.123456789+01:00", (2024, 5, 1, 9, 0, 0)),
        ("2024-05-01T10:00:00", (2024, 5, 1, 10, 0, 0)),  # no offset: taken as UTC
        ("Wed, 01 May 2024 10:00:00 +0200", (2024, 5, 1, 8, 0, 0)),  # RFC 822, seen in the wild
    ],
)
def test_dates(value: str, expected: tuple[int, ...]):
    assert parse_date(value)[:6] == expected


def test_an_unreadable_date_is_no_date():
    document = {**FEED_1_0, "items": [{"id": "x", "content_text": "t", "date_published": "yesterday-ish"}]}
    (entry,) = parse(document).entries
    assert entry["published"] == "yesterday-ish" and "published_parsed" not in entry


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (b'{"version": "1.0"', "invalid JSON"),
        (b"[1, 2, 3]", "not an object"),
        (b'{"hello": "world"}', "no jsonfeed.org version"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"", "invalid JSON"),
    ],
)
def test_what_is_not_a_json_feed(body: bytes, what: str):
    with pytest.raises(FeedError, match=what) as caught:
        parse_jsonfeed(body, url=URL)
    assert caught.value.fields["reason"] == "not-a-feed"


def test_lenient_about_what_a_feed_can_do_without():
    document = {"title": "No version", "items": [{"id": "a", "content_text": "x"}, "not an object", None]}
    parsed = parse(document)
    assert len(parsed.entries) == 1
    assert "no JSON Feed version" in parsed.defect and "2 item(s)" in parsed.defect
    no_items = parse({"version": "https://jsonfeed.org/version/1.1", "title": "t"})
    assert no_items.entries == () and "no items" in no_items.defect


def test_fields_of_the_wrong_type_are_ignored_and_deep_nesting_is_harmless():
    deep: object = "bottom"
    for _ in range(200):
        deep = {"nested": [deep]}
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": ["not", "a", "string"],
        "hubs": "nope",
        "items": [{"id": True, "url": 5, "title": {"x": deep}, "tags": "one", "authors": "me", "content_text": "ok"}],
    }
    parsed = parse(document)
    (entry,) = parsed.entries
    assert parsed.title == "" and parsed.hub is None
    assert "id" not in entry and "link" not in entry and "title" not in entry and "tags" not in entry
    assert entry["content"][0]["value"] == "ok"


def test_encodings_and_bom():
    body = json.dumps(FEED_1_0, ensure_ascii=False).replace("Plain title", "Caf\u00e9").encode("utf-8")
    assert parse_jsonfeed(b"\xef\xbb\xbf" + body, url=URL).entries[0]["title"] == "Caf\u00e9"
    utf16 = json.dumps(FEED_1_0, ensure_ascii=False).encode("utf-16")  # with its BOM
    assert parse_jsonfeed(utf16, url=URL).title == "Old Feed"


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("application/feed+json", b"", True),
        ("application/json; charset=utf-8", b"  {", True),
        ("text/plain", b"\xef\xbb\xbf \n {", True),
        ("", b'\xff\xfe{\x00"\x00', True),
        ("application/json", b"<?xml version='1.0'?><rss/>", False),  # mislabelled XML is XML
        ("application/rss+xml", b"<rss/>", False),
        ("", b"", False),
    ],
)
def test_what_looks_like_json(content_type: str, body: bytes, expected: bool):
    assert looks_like_json(content_type, body) is expected
