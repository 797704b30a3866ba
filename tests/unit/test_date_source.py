"""Every article says where its date comes from (issue 22, item 4): before, 80 articles of a real
mix carried the fetch time as their publish date and nothing said so."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsflow.app.cmd_search import _date
from newsflow.net.response import FetchedFeed
from newsflow.read.search import Hit
from producers.base import FeedSpec
from producers.items import parse_feed, to_article

FETCHED_AT = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
FEED = FeedSpec(url="https://x.example/feed.xml")


def article(item_dates: str):
    body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><language>pt</language>'
            f'<item><title>A</title><link>https://x.example/a</link>{item_dates}</item></channel></rss>').encode()
    fetched = FetchedFeed(url=FEED.url, body=body, headers={})
    parsed = parse_feed(fetched)
    return to_article(parsed.entries[0], feed=FEED, parsed=parsed, fetched_url=FEED.url, fetched_at=FETCHED_AT)


@pytest.mark.parametrize(("item_dates", "source"), [
    ("<pubDate>Sat, 28 Nov 2026 10:00:00 GMT</pubDate>", "feed"),
    ("<pubDate>Seg, 30 Nov 2026 10:00:00 -0300</pubDate>", "feed"),  # localised, read by dateparser
    ('<atom:updated xmlns:atom="http://www.w3.org/2005/Atom">2026-11-30T10:00:00Z</atom:updated>', "feed"),
    ("", "fetched"),
    ("<pubDate>someday soon</pubDate>", "fetched"),
    ("<pubDate>Sat, 28 Nov 2099 10:00:00 GMT</pubDate>", "fetched"),  # in the future: clamped to the fetch
])
def test_every_article_says_where_its_date_comes_from(item_dates: str, source: str) -> None:
    made = article(item_dates)
    assert made.date_source == source
    assert (made.published == FETCHED_AT) == (source == "fetched")


def test_search_output_marks_a_fetch_time_standing_in_for_a_date() -> None:
    hit = Hit(id="a", score=1.0, title="A", source="S", published="2026-12-06T10:00:00Z", date_source="fetched",
              url=None, top_entities=[], snippet="")
    assert _date(hit) == "2026-12-06T10:00:00Z (fetch time: no date in the feed)"
    assert _date(hit.model_copy(update={"date_source": "feed"})) == "2026-12-06T10:00:00Z"
