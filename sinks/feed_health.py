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
from elasticsearch.exceptions import ApiError
from kafka.consumer.fetcher import ConsumerRecord
from pydantic import ValidationError

from newsflow.deadletter import Rejected
from newsflow.elastic import TRANSIENT_ERRORS
from newsflow.errors import DeadLetter, ServiceUnavailable
from newsflow.schema import MAX_EVENT_BYTES
from producers.health import FeedHealthEvent
from sinks.base import Write

__all__ = ["FeedHealthSink", "decode_health", "document_id", "to_health_document"]

log = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_ID_BYTES = 512  # Elasticsearch refuses longer ids, and the whole bulk with them
# Per-item statuses that mean "not now" rather than "never".
_RETRYABLE_STATUS = {429, 500, 502, 503, 504}


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


class FeedHealthSink:
    """A `newsflow.worker.BatchHandler` writing FeedHealthEvents to `index` (create-only)."""

    def __init__(self, *, client: Elasticsearch, index: str, url: str) -> None:
        self._client = client
        self._index = index
        self._url = url  # for messages: pass it redacted

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

    def deliver(self, writes: list[Write]) -> list[Rejected]:
        if not writes:
            return []
        operations: list[dict[str, Any]] = []
        for write in writes:
            operations += [{"create": {"_index": self._index, "_id": write.doc_id}}, write.document]
        try:
            response = self._client.bulk(operations=operations)
        except TRANSIENT_ERRORS as exc:
            raise ServiceUnavailable(f"Elasticsearch is not reachable at {self._url} ({type(exc).__name__})", service="elasticsearch") from None
        except ApiError as exc:
            if exc.meta.status == 400:
                return self._isolate_invalid(writes, exc)
            # Overload, auth, a cluster-level refusal: not the events' fault, so pause and retry.
            raise ServiceUnavailable(
                f"Elasticsearch refused the bulk request: HTTP {exc.meta.status} {exc.message}", service="elasticsearch"
            ) from None
        return self._classify(writes, [item["create"] for item in response["items"]])

    def _isolate_invalid(self, writes: list[Write], exc: ApiError) -> list[Rejected]:
        """A 400 for the whole bulk means one item made the request invalid: find it by halving,
        deliver the rest, reject only it (otherwise it would block its partition forever)."""
        if len(writes) == 1:
            detail = exc.body.get("error", {}).get("reason", "") if isinstance(exc.body, dict) else str(exc.body)
            message = f"Elasticsearch refused the request ({exc.message}): {detail[:300]}"
            return [Rejected(writes[0].record, DeadLetter(message, reason="request-rejected"))]
        middle = len(writes) // 2
        return self.deliver(writes[:middle]) + self.deliver(writes[middle:])

    def _classify(self, writes: list[Write], results: list[dict[str, Any]]) -> list[Rejected]:
        outcomes: Counter[str] = Counter()
        rejected: list[Rejected] = []
        for write, result in zip(writes, results, strict=True):
            status, error = result.get("status", 0), result.get("error") or {}
            if 200 <= status < 300:
                outcomes["created"] += 1
            elif status == 409:
                outcomes["duplicate"] += 1  # this fetch is already in the index: a replay
            elif status in _RETRYABLE_STATUS or error.get("type") == "index_not_found_exception":
                raise ServiceUnavailable(
                    f"Elasticsearch cannot take the write now (status {status}, {error.get('type', '?')}: "
                    f"{error.get('reason', '')[:160]}); if the index {self._index!r} is missing, run `newsflow setup`",
                    service="elasticsearch",
                )
            else:
                outcomes["rejected"] += 1
                reason = "mapping-error" if status == 400 else f"http-{status}"
                rejected.append(Rejected(write.record, DeadLetter(f"{error.get('type', 'error')}: {error.get('reason', '')}", reason=reason)))
        log.info("feed-health bulk %s", " ".join(f"{k}={v}" for k, v in sorted(outcomes.items())))
        return rejected
