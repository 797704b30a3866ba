"""What a producer remembers about each feed, and how one fetch outcome changes it.

Two kinds of record per feed live in the compacted feed-state topic, both in the feed's
partition (producers/ownership.py):

- ``<feed id>``: a small `FeedState` (validators, schedule, failure history), written after
  every fetch;
- ``<feed id>/seen``: the `SeenItems` of the feed (fingerprints of the items already emitted),
  written only when items were emitted, so an unchanged feed costs a few hundred bytes per
  fetch and not the whole seen set.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator

from newsflow.contract.schema import FeedStatus, RawArticle
from newsflow.redaction import redact_url

__all__ = [
    "FeedState",
    "SeenItems",
    "fingerprint",
    "short_hash",
    "status_of",
]


# A feed whose fetches succeed but that published nothing new for this long is "stale".
STALE_AFTER = timedelta(days=7)
# Publish times kept per feed to learn its posting frequency.
ITEM_TIMES_KEPT = 30


class FeedState(BaseModel):
    """The durable state of one feed (frozen: a fetch outcome makes a new one)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    feed_id: str
    url: str = Field(description="The registry URL, credentials redacted (the identity is `feed_id`, its hash).")
    fetch_url: str | None = Field(None, description="Where the feed lives now (permanent redirect, autodiscovery).")
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    next_due: datetime | None = None
    due_reason: str = "new"
    last_fetch_at: datetime | None = None
    last_success_at: datetime | None = None
    last_new_item_at: datetime | None = None
    last_error: str | None = None
    last_error_reason: str | None = None
    last_error_at: datetime | None = None
    failing_since: datetime | None = None
    consecutive_failures: int = 0
    disabled_reason: str | None = None
    discovery_tried: bool = False
    unstable_guids: bool = False
    websub_hub: str | None = None
    websub_topic: str | None = None
    item_times: tuple[datetime, ...] = Field((), description="Recent publish times, newest last.")
    emissions: tuple[tuple[datetime, int], ...] = Field((), description="(time, items emitted) over the last 24 h.")

    @field_validator("url")
    @classmethod
    def _without_credentials(cls, url: str) -> str:
        # The fetch takes the URL (and its credentials) from the registry; this one is only shown.
        return redact_url(url)

    def items_last_24h(self, now: datetime) -> int:
        return sum(count for at, count in self.emissions if now - at <= timedelta(hours=24))


class SeenItems(BaseModel):
    """Items already emitted for one feed: article id -> (content fingerprint, version, guid
    fingerprint), oldest first, bounded so a feed that publishes forever costs constant memory."""

    model_config = ConfigDict(frozen=True)

    feed_id: str
    items: dict[str, tuple[str, int, str]] = Field(default_factory=dict)

    def merged(self, emitted: list[tuple[RawArticle, str]], *, limit: int, present: Sequence[str] = ()) -> SeenItems:
        """With `emitted` added and the items still `present` in the feed (ids of its latest
        fetch) made the most recent, so that what ages out first is what the feed dropped:
        however long the feed, an item it still lists is never forgotten and emitted again."""
        items: OrderedDict[str, tuple[str, int, str]] = OrderedDict(self.items)
        for article_id in present:
            if article_id in items:
                items.move_to_end(article_id)
        for article, digest in emitted:
            items.pop(article.id, None)  # re-inserted: now the most recent
            items[article.id] = (digest, article.version, short_hash(article.guid or ""))
        while len(items) > limit:
            items.popitem(last=False)
        return SeenItems(feed_id=self.feed_id, items=dict(items))


def fingerprint(article: RawArticle) -> str:
    """What a reader would notice changing; fetch time, dates we filled in, version are bookkeeping."""
    content = article.model_dump_json(
        include={"url", "title", "summary", "text", "authors", "tags", "published_reported", "updated"}
    )
    return short_hash(content)


def short_hash(text: str) -> str:
    # 64 bits: one feed's few thousand items never collide; keeps the seen set small.
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def status_of(state: FeedState | None, *, enabled: bool, now: datetime) -> FeedStatus:
    """The one-word health of a feed, as `newsflow feeds status` and the metrics show it."""
    if not enabled or (state and state.disabled_reason):
        return "disabled"
    if state is None or state.last_fetch_at is None:
        return "new"
    if state.consecutive_failures:
        return "not-a-feed" if state.last_error_reason == "not-a-feed" else "failing"
    newest = state.last_new_item_at or state.last_success_at
    if newest and now - newest > STALE_AFTER:
        return "stale"
    return "ok"
