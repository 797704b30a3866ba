"""A JSON Feed may escape a lone UTF-16 surrogate (``"\\ud800"``): valid JSON, but no character.

Before the fix it reached the article and made encoding the Kafka message raise
UnicodeEncodeError, outside the per-item handling: the producer died on that feed at every start.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsflow.contract.schema import decode_raw, encode
from producers.base import FeedSpec
from producers.items import to_article
from producers.jsonfeed import parse_jsonfeed

URL = "https://example.org/feed.json"


def feed_with(item_json: str) -> bytes:
    return ('{"version": "https://jsonfeed.org/version/1.1", "title": "T\\udfff", "items": [' + item_json + "]}").encode()


@pytest.mark.parametrize(
    "item",
    [
        '{"id": "1", "url": "https://example.org/a", "title": "lone \\ud800 high", "content_text": "body"}',
        '{"id": "2", "url": "https://example.org/b", "title": "t", "content_text": "lone \\udc00 low"}',
        '{"id": "3", "url": "https://example.org/c", "content_html": "<p>x\\ud800</p>", "tags": ["a\\ud801"]}',
        '{"id": "4", "url": "https://example.org/d", "title": "t", "authors": [{"name": "\\udbff"}], "summary": "s"}',
    ],
)
def test_lone_surrogates_become_replacement_characters_and_the_article_encodes(item: str) -> None:
    parsed = parse_jsonfeed(feed_with(item), url=URL)
    article = to_article(parsed.entries[0], feed=FeedSpec(url=URL), parsed=parsed, fetched_url=URL,
                         fetched_at=datetime(2026, 12, 1, tzinfo=UTC))
    decoded = decode_raw(encode(article))  # raised UnicodeEncodeError before the fix
    assert decoded == article
    assert "\ufffd" in article.model_dump_json() or "\\ufffd" in article.model_dump_json()
    assert "\ufffd" in parsed.title


def test_a_valid_surrogate_pair_stays_one_character() -> None:
    body = feed_with('{"id": "1", "url": "https://example.org/a", "title": "smile \\ud83d\\ude00"}')
    assert parse_jsonfeed(body, url=URL).entries[0]["title"] == "smile \U0001f600"
