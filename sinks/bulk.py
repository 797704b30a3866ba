"""The one bulk path every Elasticsearch sink writes through.

A subclass of `BulkSink` says how a record becomes a `Write` (`to_write`) and sets three hooks:
`action` (how each write is sent: index with an external version, create, or plain index),
`on_conflict` (what a 409 means: superseded, already written, or an error) and `keep` (which write
of an id survives when a batch holds it twice). The rest is shared:

- Each write is encoded once (a document already encoded as bytes goes as it is), and the batch
  goes out in as few requests as the request size limit allows, asking only for each item's
  status and error (`filter_path`).
- The request cannot be sent, or the cluster refuses it as a whole (overload, auth):
  `ServiceUnavailable`, so the worker pauses and retries the batch.
- The cluster answers 400 for the whole request: one item made it invalid (an over-long `_id`,
  an unparseable value). The request is halved until that item is found; the rest is delivered
  and only it is rejected. Without this, one such message would block its partition forever.
- Per item: 2xx written; 409 as `on_conflict` says; 429/5xx or a missing index retry the batch;
  anything else rejects that item (dead letter).
- One `key=value` summary line per delivered batch.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

from elasticsearch import Elasticsearch
from elasticsearch.exceptions import ApiError
from kafka.consumer.fetcher import ConsumerRecord
from pydantic_core import to_json

from newsflow.errors import DeadLetter, ServiceUnavailable
from newsflow.index.indices import TRANSIENT_ERRORS
from newsflow.redaction import redact_url
from newsflow.runtime.deadletter import Rejected
from sinks.base import Sink, Write

if TYPE_CHECKING:
    import prometheus_client

__all__ = ["MAX_REQUEST_BYTES", "Action", "BulkSink", "Keep", "OnConflict", "one_write_per_id", "request_slices", "summary_line"]

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})

# All the sink reads of a bulk response (each item's status and error; a refused request's
# error): parsing the rest (index, id, shards, seq_no... of every item) was a tenth of its CPU.
BULK_RESPONSE_FIELDS = "items.*.status,items.*.error,error,status"

# A batch is cut in requests of at most this size: Elasticsearch refuses bodies over 100 MB
# (http.max_content_length), and a batch's byte limit is configurable without bound.
MAX_REQUEST_BYTES = 50 * 1024 * 1024


class Action(Enum):
    """How each write is sent, and so which of two writes of one id the index keeps."""

    INDEX = ("index", None)  # the last one sent
    CREATE = ("create", None)  # the first one: a later one is a 409
    INDEX_EXTERNAL = ("index", "external")  # the higher version; an equal or lower one is a 409
    INDEX_EXTERNAL_GTE = ("index", "external_gte")  # the higher version, and of equal ones the later

    def __init__(self, op_type: str, version_type: str | None) -> None:
        self.op_type = op_type
        self.version_type = version_type

    @property
    def written(self) -> str:
        """What a 2xx item is counted as."""
        return "created" if self is Action.CREATE else "indexed"


class OnConflict(Enum):
    """What a 409 on one item means; the value is what it is counted as."""

    SUPERSEDED = "superseded"  # the index holds a newer version: nothing to change, done
    ALREADY_WRITTEN = "duplicate"  # the index holds this very write (a replay): done
    ERROR = "conflict"  # not expected: the item is rejected (dead letter)


class Keep(Enum):
    """Which of two writes of one id in a batch is sent: the one the index would keep if both
    were sent in order, so that the other is not sent only to come back as a conflict."""

    LATEST_VERSION = "latest-version"  # the highest version; of equal ones the first (external)
    BIGGEST_STORY = "biggest-story"  # the highest version (size); of equal ones the later (external_gte)

    def replaces(self, new: Write, kept: Write) -> bool:
        """Whether `new`, read after `kept`, takes its place."""
        if self is Keep.LATEST_VERSION:
            return new.version > kept.version
        return new.version >= kept.version


def one_write_per_id(writes: list[Write], keep: Keep) -> list[Write]:
    """One write per `doc_id`, the one `keep` says wins, where that id first appeared."""
    kept: dict[str, Write] = {}
    for write in writes:
        current = kept.get(write.doc_id)
        if current is None or keep.replaces(write, current):
            kept[write.doc_id] = write
    return list(kept.values())


def request_slices(sizes: list[int], limit: int) -> list[slice]:
    """Consecutive runs of items whose sizes add up to at most `limit` (an item bigger than
    that goes alone: Elasticsearch says whether it is too big)."""
    slices: list[slice] = []
    start, total = 0, 0
    for i, size in enumerate(sizes):
        if i > start and total + size > limit:
            slices.append(slice(start, i))
            start, total = i, 0
        total += size
    if start < len(sizes):
        slices.append(slice(start, len(sizes)))
    return slices


def summary_line(sink: str, target: str, keys: tuple[str, ...], outcomes: Mapping[str, int]) -> str:
    """`bulk sink=<sink> target=<index> <outcome>=<count>...`: every key in `keys`, zeros included,
    so that each line of one sink has the same fields, then any other outcome counted."""
    counts = [f"{key}={outcomes.get(key, 0)}" for key in keys]
    counts += [f"{key}={count}" for key, count in sorted(outcomes.items()) if key not in keys]
    return " ".join([f"bulk sink={sink} target={target}", *counts])


@dataclass
class _Tally:
    """What became of one batch's writes, over all the requests it took."""

    outcomes: Counter[str] = field(default_factory=Counter)
    rejected: list[Rejected] = field(default_factory=list)

    def reject(self, write: Write, error: DeadLetter) -> None:
        self.outcomes["rejected"] += 1
        self.rejected.append(Rejected(write.record, error))


class BulkSink(Sink):
    """A sink writing each record as one document of one index through the bulk API."""

    name: ClassVar[str]  # which sink, in the summary line
    action: ClassVar[Action]
    on_conflict: ClassVar[OnConflict]
    keep: ClassVar[Keep | None] = None  # None: every write is sent
    items_metric: ClassVar[prometheus_client.Counter | None] = None  # counts items by outcome

    def __init__(self, *, client: Elasticsearch, target: str, url: str, require_alias: bool = False) -> None:
        self._client = client
        self.target = target  # the index or alias written to
        self.url = redact_url(url)  # for messages
        self._require_alias = require_alias

    @abstractmethod
    def to_write(self, record: ConsumerRecord, now: datetime) -> Write:
        """The write for one record (`now`: the batch's time); raises `DeadLetter` if there is none."""

    def prepare(self, records: list[ConsumerRecord]) -> tuple[list[Write], list[Rejected]]:
        now = datetime.now(UTC)
        writes, rejected = [], []
        for record in records:
            try:
                writes.append(self.to_write(record, now))
            except DeadLetter as err:
                rejected.append(Rejected(record, err))
        return (writes if self.keep is None else one_write_per_id(writes, self.keep)), rejected

    def deliver(self, prepared: list[Write]) -> list[Rejected]:
        if not prepared:
            return []
        lines = [self.encode(write) for write in prepared]
        tally = _Tally()
        for part in request_slices([len(line) for line in lines], MAX_REQUEST_BYTES):
            self._deliver_isolating(prepared[part], lines[part], tally)
        self.summarise(tally.outcomes)
        return tally.rejected

    def encode(self, write: Write) -> bytes:
        """The write's two NDJSON lines: the action, then the document."""
        meta: dict[str, Any] = {"_index": self.target, "_id": write.doc_id}
        if self.action.version_type is not None:
            meta["version"] = write.version
            meta["version_type"] = self.action.version_type
        document = write.document if isinstance(write.document, bytes) else to_json(write.document)
        return b"".join((to_json({self.action.op_type: meta}), b"\n", document, b"\n"))

    def outcome(self, result: Mapping[str, Any]) -> str | DeadLetter:
        """What one item's result means: the outcome it counts as, or why it is rejected.
        Raises `ServiceUnavailable` for an item the cluster cannot take now."""
        status, error = result.get("status", 0), result.get("error") or {}
        if 200 <= status < 300:
            return self.action.written
        if status == 409 and self.on_conflict is not OnConflict.ERROR:
            return self.on_conflict.value
        if status in RETRYABLE_STATUS or error.get("type") == "index_not_found_exception":
            raise ServiceUnavailable(
                f"Elasticsearch cannot take the write now (status {status}, {error.get('type', '?')}: "
                f"{error.get('reason', '')[:160]}); if {self.target!r} is missing, run `newsflow setup`",
                service="elasticsearch",
            )
        reason = {400: "mapping-error", 409: OnConflict.ERROR.value}.get(status, f"http-{status}")
        return DeadLetter(f"{error.get('type', 'error')}: {error.get('reason', '')}", reason=reason)

    def summarise(self, outcomes: Mapping[str, int]) -> None:
        """Count (if this sink has a metric) and log what one batch's writes became: one line."""
        if self.items_metric is not None:
            for outcome, count in outcomes.items():
                self.items_metric.labels(outcome).inc(count)
        log.info("%s", summary_line(self.name, self.target, self.outcome_keys(), outcomes))

    def outcome_keys(self) -> tuple[str, ...]:
        """The outcomes an item of this sink can have."""
        conflict = () if self.on_conflict is OnConflict.ERROR else (self.on_conflict.value,)
        return (self.action.written, *conflict, "rejected")

    def _deliver_isolating(self, writes: list[Write], lines: list[bytes], tally: _Tally) -> None:
        try:
            results = self._send(lines)
        except ApiError as exc:
            if exc.meta.status != 400:
                # Nothing in the request is the documents' fault: pause and retry, never dead-letter.
                raise ServiceUnavailable(
                    f"Elasticsearch refused the bulk request: HTTP {exc.meta.status} {exc.message}", service="elasticsearch"
                ) from None
            if len(writes) == 1:
                tally.reject(writes[0], _request_rejected(exc))
                return
            middle = len(writes) // 2
            self._deliver_isolating(writes[:middle], lines[:middle], tally)
            self._deliver_isolating(writes[middle:], lines[middle:], tally)
            return
        for write, result in zip(writes, results, strict=True):
            outcome = self.outcome(result)
            if isinstance(outcome, DeadLetter):
                tally.reject(write, outcome)
            else:
                tally.outcomes[outcome] += 1

    def _send(self, lines: list[bytes]) -> list[Mapping[str, Any]]:
        """One bulk request; each item's result (status, error), in order."""
        try:
            response = self._client.bulk(operations=b"".join(lines), filter_path=BULK_RESPONSE_FIELDS,
                                         require_alias=self._require_alias)
        except TRANSIENT_ERRORS as exc:
            raise ServiceUnavailable(f"Elasticsearch is not reachable at {self.url} ({type(exc).__name__})",
                                     service="elasticsearch") from None
        # Each item is {"<op_type>": {...}}: one key, the action it answers.
        return [next(iter(item.values())) for item in response["items"]]


def _request_rejected(exc: ApiError) -> DeadLetter:
    detail = exc.body.get("error", {}).get("reason", "") if isinstance(exc.body, dict) else str(exc.body)
    if len(detail) > 300:  # the cause is often at the end, after the offending value
        detail = f"{detail[:120]}…{detail[-160:]}"
    return DeadLetter(f"Elasticsearch refused the request ({exc.message}): {detail}", reason="request-rejected")
