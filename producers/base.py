"""The producer contract: what a feed is, what fetching and parsing one return, how articles leave.

Flow of one feed (producers/service.py drives it):

    FeedSpec ──fetch.HttpFetcher──▶ FetchedFeed ──items.parse_feed──▶ ParsedFeed
             ──items.to_article──▶ RawArticle ──▶ news.raw
    and the outcome ──state.FeedState / health event──▶ news.feeds.state, news.feeds.health
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from newsflow.net.response import FetchedFeed, Validators

__all__ = [
    "FeedSpec",
    "Fetcher",
    "ParsedFeed",
    "feed_id",
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
