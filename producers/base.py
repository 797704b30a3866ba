"""The producer contract: what a feed is, what fetching and parsing one return, how articles leave.

Flow of one feed (producers/service.py drives it):

    FeedSpec ──fetch.HttpFetcher──▶ FetchedFeed ──items.parse_feed──▶ ParsedFeed
             ──items.to_article──▶ RawArticle ──▶ news.raw
    and the outcome ──state.FeedState / health event──▶ news.feeds.state, news.feeds.health
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "FeedSpec",
    "FetchedFeed",
    "Fetcher",
    "ParsedFeed",
    "Validators",
    "feed_id",
    "load_feeds",
]


def feed_id(url: str) -> str:
    """A feed's stable key (Kafka key of its state and health events): a hash of its registry URL.

    The registry URL, not the URL a redirect led to: a feed keeps its identity, and its state,
    when its publisher moves it.
    """
    return hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:24]


class FeedSpec(BaseModel):
    """One feed of the registry: an http(s) URL or a local file path, and its options."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(min_length=1)
    name: str | None = None
    tags: tuple[str, ...] = ()
    language: str | None = Field(None, description="Language hint, used when the feed declares none.")
    enabled: bool = True
    min_interval_s: float | None = Field(None, gt=0, description="Never poll more often (default: settings).")
    max_interval_s: float | None = Field(None, gt=0, description="Never poll less often (default: settings).")

    @property
    def id(self) -> str:
        return feed_id(self.url)


@dataclass(frozen=True)
class Validators:
    """What the last successful fetch returned, sent back so an unchanged feed costs a 304."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchedFeed:
    """The raw bytes of a feed and the response headers (lower-case names).

    `status` is 200 or 304 (not modified: `body` is empty). `permanent_redirect` is the URL a
    chain of only permanent redirects (301/308) ended at: the registry should move there.
    """

    url: str  # the URL finally fetched (after redirects)
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    status: int = 200
    permanent_redirect: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher(Protocol):
    def fetch(self, url: str, validators: Validators | None = None) -> FetchedFeed:
        """Fetch a feed; raises `newsflow.errors.FeedError` (with a `reason` field) on failure."""


@dataclass(frozen=True)
class ParsedFeed:
    """A feed parsed from any format (RSS, Atom, RDF, JSON Feed), entries in feedparser's shape.

    `entries` are mappings with feedparser's keys (title, link, id, summary, content,
    published_parsed, updated_parsed, authors, tags), whatever the source format was.
    """

    title: str = ""
    language: str | None = None
    link: str | None = None
    hub: str | None = None  # WebSub hub (<link rel="hub">)
    self_url: str | None = None  # the feed's own URL (<link rel="self">), the WebSub topic
    publisher_interval_s: float | None = None  # RSS <ttl>, sy:updatePeriod/updateFrequency
    entries: Sequence[Mapping[str, Any]] = ()
    defect: str | None = None  # a small defect the parser worked around (feedparser's bozo)


def load_feeds(path: Path) -> list[FeedSpec]:
    """Read the feed registry (kept here for callers; the registry lives in producers.registry)."""
    from producers.registry import load_registry

    return load_registry(path)
