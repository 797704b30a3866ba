"""The feed-health sink: fetch outcomes from the feed-health topic into their Elasticsearch index.

Each event is written once: its `_id` is the feed id and the fetch time, and `op_type=create`
turns a replay (a retried batch, a redelivery after a crash) into 409 conflicts that count as
done, so the Feed health dashboard never counts a fetch twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch
from kafka.consumer.fetcher import ConsumerRecord
from pydantic import ValidationError

from newsflow.contract.schema import MAX_EVENT_BYTES, FeedHealthEvent
from newsflow.errors import DeadLetter
from sinks.base import Write
from sinks.bulk import Action, BulkSink, OnConflict

__all__ = ["FeedHealthSink", "decode_health", "document_id", "to_health_document"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_ID_BYTES = 512  # Elasticsearch refuses longer ids, and the whole bulk with them


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
    """FeedHealthEvents into `index`, each created once: a replayed event is a 409, already written."""

    name = "feed-health"
    action = Action.CREATE
    on_conflict = OnConflict.ALREADY_WRITTEN

    def __init__(self, *, client: Elasticsearch, index: str, url: str) -> None:
        super().__init__(client=client, target=index, url=url)

    def to_write(self, record: ConsumerRecord, now: datetime) -> Write:
        event = decode_health(record.value)
        # `version` is unused: create-only writes need none; the fetch time in ms says which is newer.
        return Write(record, document_id(event), _epoch_ms(event.at), to_health_document(event))
