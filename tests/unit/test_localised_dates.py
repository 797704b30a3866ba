"""Localised publish dates become real dates, not the fetch time (issue 15, item 12)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsflow.net.response import FetchedFeed
from producers import dates
from producers.base import FeedSpec
from producers.items import parse_feed, to_article

FETCHED_AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
URL = "https://example.org/feed.xml"


def rss(language: str | None, *pub_dates: str) -> bytes:
    lang = f"<language>{language}</language>" if language else ""
    items = "".join(
        f"<item><title>Item {i}</title><link>https://example.org/{i}</link><pubDate>{d}</pubDate></item>"
        for i, d in enumerate(pub_dates)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{lang}{items}</channel></rss>'.encode()


def published(body: bytes) -> list[datetime | None]:
    parsed = parse_feed(FetchedFeed(url=URL, body=body, headers={"content-type": "application/rss+xml"}))
    return [to_article(e, feed=FeedSpec(url=URL), parsed=parsed, fetched_url=URL, fetched_at=FETCHED_AT).published
            for e in parsed.entries]


@pytest.mark.parametrize(
    ("language", "raw", "expected"),
    [
        ("pt-BR", "Seg, 24 Set 2012 10:20:00 -0300", datetime(2012, 9, 24, 13, 20, tzinfo=UTC)),
        ("fr", "mer, 16 nov 2011 08:00:00 +0100", datetime(2011, 11, 16, 7, 0, tzinfo=UTC)),
        (None, "mer, 16 nov 2011", datetime(2011, 11, 16, tzinfo=UTC)),
        ("de-DE", "Mo, 03 Nov 2025 12:00:00 +0100", datetime(2025, 11, 3, 11, 0, tzinfo=UTC)),
        ("xx", "Seg, 24 Set 2012", datetime(2012, 9, 24, tzinfo=UTC)),  # an unknown hint is ignored
    ],
)
def test_a_localised_date_is_read(language: str | None, raw: str, expected: datetime) -> None:
    assert published(rss(language, raw)) == [expected]


def test_english_dates_are_still_feedparser_s() -> None:
    assert published(rss("en", "Tue, 03 Nov 2026 10:00:00 GMT")) == [datetime(2026, 11, 3, 10, 0, tzinfo=UTC)]


def test_an_unreadable_date_is_still_the_fetch_time() -> None:
    assert published(rss("en", "sometime soon")) == [FETCHED_AT]


def test_a_feed_of_unreadable_dates_stops_costing_after_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = dates._read
    monkeypatch.setattr(dates, "_read", lambda raw, languages: calls.append(raw) or real(raw, languages))
    assert published(rss(None, *["not a date"] * 50)) == [FETCHED_AT] * 50
    assert len(calls) == dates.MAX_FAILURES
