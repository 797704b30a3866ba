"""Each feed's health for the feeds page, from the feed-health index: one document per fetch
outcome (newsflow.contract.schema.FeedHealthEvent, written by sinks/feed_health.py), the same
index as the Kibana "Feed health" dashboard reads.

One request: a terms aggregation on `feed_id` and, per feed, its newest event (top_hits on `at`),
the time of its last successful fetch (any outcome but `error`: ok, not-modified and unchanged
all mean the feed answered) and its failed fetches in the last 24 hours.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch
from pydantic import BaseModel, ConfigDict

from newsflow.read.search import translated_errors
from newsflow.redaction import redact_text, redact_url
from newsflow.settings import ElasticsearchSettings

__all__ = ["ERROR_WINDOW", "MAX_FEEDS", "FeedHealth", "FeedRow", "build_feed_health_body", "feed_health"]

# A deployment has a few hundred feeds; beyond this many the page says how many it left out.
MAX_FEEDS = 1000
ERROR_WINDOW = "24h"
_LATEST_FIELDS = ["feed_id", "name", "url", "at", "outcome", "status", "reason", "error"]


class FeedRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    feed_id: str
    name: str  # the feed's name, else its (redacted) URL
    url: str
    status: str | None
    last_outcome: str | None
    last_at: str | None
    reason: str | None
    error: str | None  # the newest event's error, when it failed
    last_success: str | None
    recent_errors: int


class FeedHealth(BaseModel):
    model_config = ConfigDict(frozen=True)

    feeds: list[FeedRow]
    left_out: int = 0  # feeds beyond MAX_FEEDS


def build_feed_health_body(*, size: int = MAX_FEEDS) -> dict[str, Any]:
    return {
        "size": 0,
        "aggs": {
            "feeds": {
                "terms": {"field": "feed_id", "size": size, "order": {"_key": "asc"}},
                "aggs": {
                    "latest": {"top_hits": {"size": 1, "sort": [{"at": {"order": "desc"}}], "_source": _LATEST_FIELDS}},
                    "succeeded": {"filter": {"bool": {"must_not": [{"term": {"outcome": "error"}}]}},
                                  "aggs": {"last": {"max": {"field": "at"}}}},
                    "recent_errors": {"filter": {"bool": {"filter": [
                        {"term": {"outcome": "error"}}, {"range": {"at": {"gte": f"now-{ERROR_WINDOW}"}}}]}}},
                },
            },
            "feed_count": {"cardinality": {"field": "feed_id"}},
        },
    }


def _row(bucket: dict[str, Any]) -> FeedRow:
    [latest] = bucket["latest"]["hits"]["hits"] or [{"_source": {}}]
    src = latest["_source"]
    url = redact_url(str(src.get("url") or ""))  # redacted by the producer already; shown, so again
    failed = src.get("outcome") == "error"
    return FeedRow(
        feed_id=str(bucket["key"]),
        name=redact_text(str(src.get("name") or url or bucket["key"])),
        url=url,
        status=src.get("status"),
        last_outcome=src.get("outcome"),
        last_at=src.get("at"),
        reason=src.get("reason") if failed else None,
        error=redact_text(str(src["error"])) if failed and src.get("error") else None,
        last_success=bucket["succeeded"]["last"].get("value_as_string"),
        recent_errors=bucket["recent_errors"]["doc_count"],
    )


def feed_health(client: Elasticsearch, settings: ElasticsearchSettings) -> FeedHealth:
    """Every feed with fetches recorded, by name; raises IndexMissing without the index."""
    index = settings.feed_health_index
    with translated_errors(settings, "feed health", index=index):
        response = client.search(index=index, **build_feed_health_body())
    aggs = response["aggregations"]
    rows = sorted((_row(b) for b in aggs["feeds"]["buckets"]), key=lambda r: (r.name.casefold(), r.feed_id))
    return FeedHealth(feeds=rows, left_out=max(0, aggs["feed_count"]["value"] - len(rows)))
