"""The consume → handle → acknowledge → commit loop that the processor and the sink share.

At-least-once, by construction: offsets are committed only after `deliver` returned (the next
hop acknowledged) and dead letters were acknowledged by Kafka. A transient failure pauses the
partitions and keeps polling (so the group does not evict us) while backing off, then retries
the same batch. A stop request (SIGTERM, Ctrl-C) lets the current batch finish and commit.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import CommitFailedError, KafkaError
from kafka.structs import OffsetAndMetadata

from newsflow.deadletter import DeadLetterQueue, Rejected
from newsflow.errors import ServiceUnavailable
from newsflow.metrics import BATCH_SECONDS, CONSUMED, CONSUMER_LAG

__all__ = ["BatchHandler", "BatchLimits", "BatchWorker", "StopFlag", "install_stop_signals"]

log = logging.getLogger(__name__)

P = TypeVar("P")


class BatchHandler(Protocol[P]):
    def prepare(self, records: list[ConsumerRecord]) -> tuple[P, list[Rejected]]:
        """CPU work on a batch. Records that can never succeed are returned as `Rejected`."""

    def deliver(self, prepared: P) -> list[Rejected]:
        """Hand the batch to the next hop and wait for its acknowledgement.

        Raises `ServiceUnavailable` when the next hop is down: the worker retries the whole
        batch, so delivery must be idempotent.
        """


@dataclass(frozen=True)
class BatchLimits:
    """A batch closes at whichever limit comes first: records, bytes, or time since its first record.

    Bigger batches make bulk requests and `nlp.pipe` cheaper per record; the time limit bounds
    the latency a quiet stream would otherwise add.
    """

    max_records: int
    max_bytes: int = 8 * 1024 * 1024
    max_wait_s: float = 0.5
    poll_timeout_ms: int = 1000


def _record_bytes(record: ConsumerRecord) -> int:
    return max(record.serialized_key_size, 0) + max(record.serialized_value_size, 0)


class StopFlag:
    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self, *_: object) -> None:
        self._event.set()

    def __bool__(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        return self._event.wait(seconds)


def install_stop_signals(stop: StopFlag) -> None:
    """SIGTERM and Ctrl-C ask for a clean stop: finish the batch, commit, exit 0."""
    signal.signal(signal.SIGTERM, stop.set)
    signal.signal(signal.SIGINT, stop.set)


class BatchWorker(Generic[P]):
    def __init__(
        self,
        *,
        stage: str,
        consumer: KafkaConsumer,
        handler: BatchHandler[P],
        dead_letters: DeadLetterQueue,
        stop: StopFlag,
        limits: BatchLimits,
        max_backoff_s: float = 30.0,
    ) -> None:
        self.stage = stage
        self._consumer = consumer
        self._handler = handler
        self._dlq = dead_letters
        self._stop = stop
        self._limits = limits
        self._max_backoff_s = max_backoff_s

    def run(self) -> None:
        while not self._stop:
            records = self._collect()
            if records:
                self.process(records)

    def _collect(self) -> list[ConsumerRecord]:
        """One batch: wait for a first record, then add more until a limit of `BatchLimits`."""
        limits = self._limits
        records = self._poll(limits.poll_timeout_ms, limits.max_records)
        if not records:
            return records
        size = sum(_record_bytes(r) for r in records)
        deadline = time.monotonic() + limits.max_wait_s
        while len(records) < limits.max_records and size < limits.max_bytes and not self._stop:
            remaining_ms = int((deadline - time.monotonic()) * 1000)
            if remaining_ms <= 0:
                break
            more = self._poll(remaining_ms, limits.max_records - len(records))
            records.extend(more)
            size += sum(_record_bytes(r) for r in more)
        return records

    def process(self, records: list[ConsumerRecord]) -> None:
        started = time.monotonic()
        prepared, rejected = self._handler.prepare(records)
        delivered = self._retry_until_done(lambda: self._handler.deliver(prepared), records)
        if delivered is None:
            return  # stopping mid-retry: nothing committed, the batch will be redelivered
        rejected = rejected + delivered
        if self._retry_until_done(lambda: self._dlq.send(rejected) or [], records) is None:
            return
        committed = self._commit(records)
        CONSUMED.labels(self.stage).inc(len(records))
        BATCH_SECONDS.labels(self.stage).observe(time.monotonic() - started)
        log.info(
            "batch stage=%s records=%d ok=%d dead_lettered=%d committed=%s seconds=%.2f",
            self.stage, len(records), len(records) - len(rejected), len(rejected), committed,
            time.monotonic() - started,
        )

    def _poll(self, timeout_ms: int, max_records: int) -> list[ConsumerRecord]:
        try:
            batches = self._consumer.poll(timeout_ms=timeout_ms, max_records=max_records)
        except KafkaError as exc:
            log.warning("poll failed stage=%s error=%s; retrying", self.stage, type(exc).__name__)
            self._stop.wait(1.0)
            return []
        self._record_lag()
        return [record for batch in batches.values() for record in batch]

    def _record_lag(self) -> None:
        """Export how far behind each assigned partition is (from the fetch responses' high
        watermarks: no extra request)."""
        for tp in self._consumer.assignment():
            highwater = self._consumer.highwater(tp)
            if highwater is not None:
                CONSUMER_LAG.labels(self.stage, tp.topic, str(tp.partition)).set(max(0, highwater - self._consumer.position(tp)))

    def _retry_until_done(self, attempt, records: list[ConsumerRecord]):
        """Run `attempt` until it succeeds; None if a stop was requested meanwhile."""
        backoff = 1.0
        while True:
            try:
                return attempt()
            except ServiceUnavailable as exc:
                if self._stop:
                    return None
                log.warning("retrying stage=%s in=%.0fs error=%s", self.stage, backoff, exc)
                self._wait_paused(backoff, records)
                backoff = min(backoff * 2, self._max_backoff_s)

    def _wait_paused(self, seconds: float, records: list[ConsumerRecord]) -> None:
        """Back off while still polling, so the group coordinator keeps us as a member."""
        partitions = self._consumer.assignment()
        self._consumer.pause(*partitions)
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline and not self._stop:
                leaked = self._poll(200, self._limits.max_records)
                if leaked:
                    # A rebalance assigned partitions that are not paused yet: rewind them so
                    # these records are fetched again once we are done with the current batch.
                    self._rewind(leaked)
                    self._consumer.pause(*self._consumer.assignment())
        finally:
            self._consumer.resume(*self._consumer.paused())

    def _rewind(self, records: Iterable[ConsumerRecord]) -> None:
        first: dict[TopicPartition, int] = {}
        for r in records:
            tp = TopicPartition(r.topic, r.partition)
            first[tp] = min(first.get(tp, r.offset), r.offset)
        for tp, offset in first.items():
            self._consumer.seek(tp, offset)

    def _commit(self, records: list[ConsumerRecord]) -> bool:
        offsets: dict[TopicPartition, OffsetAndMetadata] = {}
        for r in records:
            tp = TopicPartition(r.topic, r.partition)
            if tp not in offsets or offsets[tp].offset <= r.offset:
                offsets[tp] = OffsetAndMetadata(r.offset + 1, "", -1)
        try:
            self._consumer.commit(offsets)
            return True
        except CommitFailedError:
            # We lost these partitions in a rebalance: their new owner will process the records
            # again, which idempotent, versioned writes make harmless.
            log.warning("commit rejected after a rebalance stage=%s; records will be redelivered", self.stage)
            return False
        except KafkaError as exc:
            log.warning("commit failed stage=%s error=%s; records will be redelivered", self.stage, type(exc).__name__)
            return False
