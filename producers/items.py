"""Where a feed item becomes a `RawArticle`: parsing with feedparser and mapping each entry."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from newsflow.errors import FeedError
from newsflow.ids import article_id, canonical_url
from newsflow.schema import RawArticle
from newsflow.text import html_to_text
from producers.base import FeedSpec, FetchedFeed

__all__ = ["parse_feed", "to_article"]


def parse_feed(fetched: FetchedFeed) -> feedparser.FeedParserDict:
    """Parse a fetched body; raises `FeedError` when it is not a feed at all.

    A feed with small defects (feedparser's "bozo" flag) still yields its entries: losing a
    whole feed to one bad character would be worse than a slightly odd item.
    """
    parsed = feedparser.parse(fetched.body, response_headers=fetched.headers, sanitize_html=True)
    if parsed.entries or parsed.get("version"):
        return parsed
    if _looks_like_html(fetched):
        raise FeedError(f"not a feed: {fetched.url} is an HTML page", feed=fetched.url, reason="not-a-feed")
    problem = parsed.get("bozo_exception")
    detail = f" ({str(problem).splitlines()[0][:160]})" if problem else ""
    raise FeedError(f"not a feed: {fetched.url}{detail}", feed=fetched.url, reason="not-a-feed")


def _looks_like_html(fetched: FetchedFeed) -> bool:
    content_type = fetched.headers.get("content-type", "").lower()
    head = fetched.body[:1024].lstrip().lower()
    return "html" in content_type or head.startswith((b"<!doctype html", b"<html"))


def _timestamp(entry: dict[str, Any], key: str) -> datetime | None:
    # dict.get, not entry.get: feedparser maps a missing updated_parsed to published_parsed
    # (with a DeprecationWarning), which would hide that an item was never updated.
    parsed = dict.get(entry, f"{key}_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)


def _text(entry: dict[str, Any]) -> str:
    contents = entry.get("content") or []
    html = max((c.get("value", "") for c in contents), key=len, default="")
    return html_to_text(html or entry.get("summary", ""))


def _authors(entry: dict[str, Any]) -> tuple[str, ...]:
    names = [a.get("name", "").strip() for a in entry.get("authors") or []]
    if not any(names) and entry.get("author"):
        names = [entry["author"].strip()]
    return tuple(dict.fromkeys(n for n in names if n))


def _source(feed: FeedSpec, parsed: feedparser.FeedParserDict, fetched_url: str) -> str:
    title = html_to_text(parsed.feed.get("title", ""))
    return feed.name or title or urlsplit(fetched_url).hostname or fetched_url


def to_article(
    entry: dict[str, Any], *, feed: FeedSpec, parsed: feedparser.FeedParserDict, fetched_url: str, fetched_at: datetime
) -> RawArticle:
    """Map one feed entry to an article. Raises ValueError for an empty item (no link, GUID or content).

    The version is the item's own updated (else published) time in milliseconds, else the time
    it was fetched: it only grows, which is what the sink's external versioning needs.
    """
    link = entry.get("link") or None
    guid = entry.get("id") or None
    published = _timestamp(entry, "published")
    updated = _timestamp(entry, "updated")
    stamp = updated or published or fetched_at
    tags = tuple(dict.fromkeys(t.get("term", "").strip() for t in entry.get("tags") or [] if t.get("term")))
    title, text = html_to_text(entry.get("title", "")), _text(entry)
    return RawArticle(
        id=article_id(link=link, feed_url=feed.url, guid=guid, content=f"{title}\n{text}"),
        version=max(1, int(stamp.timestamp() * 1000)),
        url=canonical_url(link) if link else None,
        guid=guid,
        feed_url=feed.url,
        source=_source(feed, parsed, fetched_url),
        title=title,
        summary=html_to_text(entry.get("summary", "")),
        text=text,
        authors=_authors(entry),
        tags=tuple(feed.tags) + tuple(t for t in tags if t not in feed.tags),
        language=feed.language or parsed.feed.get("language") or None,
        published=published,
        updated=updated,
        fetched_at=fetched_at,
    )
