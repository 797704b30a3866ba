"""The feed-health sink: fetch outcomes from the feed-health topic into their Elasticsearch index.

Each event is written once: its `_id` is the feed id and the fetch time, and `op_type=create`
turns a replay (a retried batch, a redelivery after a crash) into 409 conflicts that count as
done, so the Feed health dashboard never counts a fetch twice.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch
from kafka.consumer.fetcher import ConsumerRecord
from pydantic import ValidationError

from newsflow.contract.schema import MAX_EVENT_BYTES, FeedHealthEvent
from newsflow.errors import DeadLetter
from newsflow.runtime.deadletter import Rejected
from sinks.base import Write
from sinks.bulk import BulkSink

__all__ = ["FeedHealthSink", "decode_health", "document_id", "to_health_document"]

log = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_ID_BYTES = 512  # Elasticsearch refuses longer ids, and the whole bulk with them
# Per-item statuses that mean "not now" rather than "never".


def decode_health(payload: bytes | None) -> FeedHealthEvent:
    """Parse a feed-health message; raises `DeadLetter` when it can never be indexed."""
    if payload is None:
        raise DeadLetter("empty message (tombstone) where a feed-health event was expected", reason="empty")
    if len(payload) > MAX_EVENT_BYTES:
        raise DeadLetter(f"message of {len(payload)} bytes exceeds {MAX_EVENT_BYTES}", reason="oversize")
    try:
        event = FeedHealthEvent.model_validate_json(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "message"
        raise DeadLetter(f"{where}: {first['msg']}", reason="bad-json" if first["type"] == "json_invalid" else "schema") from None
    if len(document_id(event).encode("utf-8")) > _MAX_ID_BYTES:
        raise DeadLetter(f"feed_id of {len(event.feed_id)} characters is too long for a document id", reason="schema")
    return event


def _epoch_ms(moment: datetime) -> int:
    # Exact integer arithmetic (a float timestamp can round 0.123 s to 122 ms); naive means UTC.
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return (aware - _EPOCH) // timedelta(milliseconds=1)


def document_id(event: FeedHealthEvent) -> str:
    """One fetch of one feed: the same event always gets the same id."""
    return f"{event.feed_id}:{_epoch_ms(event.at)}"


def to_health_document(event: FeedHealthEvent) -> dict[str, Any]:
    return event.model_dump(mode="json", exclude={"schema_version"})


class FeedHealthSink(BulkSink):
    """A `newsflow.runtime.worker.BatchHandler` writing FeedHealthEvents to `index` (create-only)."""

    done_outcome = "created"
    conflict_outcome = "duplicate"  # this fetch is already in the index: a replay

    def __init__(self, *, client: Elasticsearch, index: str, url: str) -> None:
        self._client = client
        self._index = self.target = index
        self.url = url  # for messages: pass it redacted

    def prepare(self, records: list[ConsumerRecord]) -> tuple[list[Write], list[Rejected]]:
        writes, rejected = [], []
        for record in records:
            try:
                event = decode_health(record.value)
            except DeadLetter as err:
                rejected.append(Rejected(record, err))
                continue
            # `version` is unused: create-only writes need none; the fetch time in ms says which is newer.
            writes.append(Write(record, document_id(event), _epoch_ms(event.at), to_health_document(event)))
        return writes, rejected

    def send(self, writes: list[Write]) -> list[dict[str, Any]]:
        operations: list[dict[str, Any]] = []
        for write in writes:
            operations += [{"create": {"_index": self._index, "_id": write.doc_id}}, write.document]
        return [item["create"] for item in self._client.bulk(operations=operations)["items"]]

    def summarise(self, outcomes: Counter[str]) -> None:
        log.info("feed-health bulk %s", " ".join(f"{k}={v}" for k, v in sorted(outcomes.items())))


