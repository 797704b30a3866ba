"""The consume → prepare → deliver → acknowledge loop that the processor and the sink share.

A `BatchWorker` collects a batch, lets its handler prepare it (CPU work; records that can never
succeed become `Rejected`), then hands it to a `Delivery`, which decides how it is acknowledged:

- `AtLeastOnce` (the default): the handler delivers and waits for the next hop's acknowledgement,
  Kafka acknowledges the dead letters, then the consumer commits the offsets. A crash in between
  redelivers the batch, and idempotent, versioned writes downstream absorb the duplicates. With
  ``commit_offsets=False`` nothing is committed: a bounded replay without a consumer group.
- `Transactional` (the processor's exactly-once option): output, dead letters and the consumed
  offsets go into one Kafka transaction, so a ``read_committed`` reader downstream sees the
  output of each input exactly once, whatever dies when.

A transient failure pauses the partitions and keeps polling (so the group does not evict us)
while backing off, then retries. A stop request (SIGTERM, Ctrl-C) lets the current batch finish.
(`newsflow.runtime.pipelined.PipelinedBatchWorker` runs the same loop with delivery overlapped.)
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import CommitFailedError, FencedInstanceIdError, KafkaError
from kafka.structs import ConsumerGroupMetadata, OffsetAndMetadata

from newsflow.errors import ServiceUnavailable
from newsflow.runtime.deadletter import DeadLetterQueue, Rejected
from newsflow.runtime.kafka import close_producer
from newsflow.runtime.metrics import BATCH_SECONDS, CONSUMED, CONSUMER_LAG

__all__ = [
    "AtLeastOnce",
    "BatchHandler",
    "BatchLimits",
    "BatchWorker",
    "Delivery",
    "Outcome",
    "StopFlag",
    "Transactional",
    "TransactionalProducer",
    "install_stop_signals",
    "next_offsets",
]

log = logging.getLogger(__name__)

P = TypeVar("P")
T = TypeVar("T")
# Runs an attempt until it succeeds, backing off on `ServiceUnavailable`; None if a stop came first.
Retry = Callable[[Callable[[], T]], T | None]


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


@dataclass(frozen=True)
class Outcome:
    """What became of a batch handed to a `Delivery`."""

    completed: bool  # delivered and acknowledged; False: nothing of it counts (stopped or abandoned)
    dead_lettered: int = 0
    committed: bool = False  # its offsets are committed (never with commit_offsets=False)
    rewind: bool = False  # abandoned: consume the batch again (its transaction was fenced and aborted)


STOPPED = Outcome(completed=False)

# Test-only: commit a batch's offsets BEFORE the next hop has acknowledged it, which breaks the
# at-least-once guarantee on purpose. The chaos suite sets it to prove that its harness reports
# the loss that follows (tests/chaos/test_harness_detects_loss.py). Never set it anywhere else.
UNSAFE_COMMIT_BEFORE_DELIVERY_ENV = "NEWSFLOW_TEST_ONLY_UNSAFE_COMMIT_BEFORE_DELIVERY"


def _record_bytes(record: ConsumerRecord) -> int:
    return max(record.serialized_key_size, 0) + max(record.serialized_value_size, 0)


def next_offsets(records: Iterable[ConsumerRecord]) -> dict[TopicPartition, OffsetAndMetadata]:
    """The offsets to commit once `records` are done: one past the last record of each partition."""
    offsets: dict[TopicPartition, OffsetAndMetadata] = {}
    for r in records:
        tp = TopicPartition(r.topic, r.partition)
        if tp not in offsets or offsets[tp].offset <= r.offset:
            offsets[tp] = OffsetAndMetadata(r.offset + 1, "", -1)
    return offsets


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


# -- how a batch is acknowledged -----------------------------------------------------------------


class Delivery(Protocol):
    def batch_started(self) -> None:
        """Called right after the poll that brought a batch's first records."""

    def complete(
        self, records: list[ConsumerRecord], deliver: Callable[[], list[Rejected]], rejected: list[Rejected], retry: Retry
    ) -> Outcome:
        """Run `deliver` (which returns records the next hop refused for good), dead-letter those
        and `rejected`, and acknowledge the batch."""


class AtLeastOnce:
    """Deliver, dead-letter, then commit the offsets: each step only after the previous one was
    acknowledged. Delivery and dead letters are retried separately, so a dead-letter outage does
    not deliver the batch twice."""

    def __init__(self, consumer: KafkaConsumer, dead_letters: DeadLetterQueue, *, stage: str = "", commit_offsets: bool = True) -> None:
        self._consumer = consumer
        self._dlq = dead_letters
        self._stage = stage
        self._commit_offsets = commit_offsets
        self._commit_before_delivery = commit_offsets and os.environ.get(UNSAFE_COMMIT_BEFORE_DELIVERY_ENV) == "1"
        if self._commit_before_delivery:
            log.warning("UNSAFE stage=%s commits offsets before delivery (%s is set: a test that breaks the guarantee "
                        "on purpose); records can be lost", stage, UNSAFE_COMMIT_BEFORE_DELIVERY_ENV)

    def batch_started(self) -> None:
        pass

    def complete(self, records, deliver, rejected, retry) -> Outcome:
        if self._commit_before_delivery:
            self._commit(records)
        delivered = retry(deliver)
        if delivered is None:
            return STOPPED  # nothing committed: the batch will be redelivered
        dead = rejected + delivered
        if retry(lambda: self._dlq.send(dead) or []) is None:
            return STOPPED
        committed = self._commit(records) if self._commit_offsets else False
        return Outcome(completed=True, dead_lettered=len(dead), committed=committed)

    def _commit(self, records: list[ConsumerRecord]) -> bool:
        try:
            self._consumer.commit(next_offsets(records))
            return True
        except CommitFailedError:
            # We lost these partitions in a rebalance: their new owner will process the records
            # again, which idempotent, versioned writes make harmless.
            log.warning("commit rejected after a rebalance stage=%s; records will be redelivered", self._stage)
            return False
        except KafkaError as exc:
            log.warning("commit failed stage=%s error=%s; records will be redelivered", self._stage, type(exc).__name__)
            return False


class TransactionalProducer:
    """A transactional KafkaProducer, replaced by a fresh one (same transactional id, next epoch)
    after a fatal error such as the coordinator timing a transaction out.

    The handler and the dead-letter queue produce through it (`send`, `flush`), so they never
    hold a producer that can no longer be used.
    """

    def __init__(self, factory: Callable[[], KafkaProducer]) -> None:
        self._factory = factory
        self._producer: KafkaProducer | None = self._open()
        self._in_transaction = False

    def _open(self) -> KafkaProducer:
        producer = self._factory()
        try:
            # Fences any earlier producer with our transactional id and completes (aborts) its
            # open transaction; then gives us our producer id and epoch.
            producer.init_transactions()
        except KafkaError as exc:
            close_producer(producer, timeout=5)
            raise ServiceUnavailable(f"Kafka could not initialise transactions ({type(exc).__name__}: {exc})", service="kafka") from None
        return producer

    @property
    def _current(self) -> KafkaProducer:
        if self._producer is None:
            self._producer = self._open()
        return self._producer

    def send(self, topic: str, **kwargs: Any):
        return self._current.send(topic, **kwargs)

    def flush(self, timeout: float | None = None) -> None:
        self._current.flush(timeout=timeout)

    def begin(self) -> None:
        self._current.begin_transaction()
        self._in_transaction = True

    def commit(self, offsets: dict[TopicPartition, OffsetAndMetadata], group: ConsumerGroupMetadata) -> None:
        """Add the consumed offsets to the transaction and commit it. The full group metadata
        (not just the group id) lets the broker refuse the offsets of a consumer that has been
        rebalanced away meanwhile (KIP-447): `CommitFailedError`, and the transaction aborts."""
        self._current.send_offsets_to_transaction(offsets, group)
        self._current.commit_transaction()
        self._in_transaction = False

    def abort(self) -> None:
        if not self._in_transaction or self._producer is None:
            return
        self._in_transaction = False
        try:
            self._producer.abort_transaction()
        except KafkaError as exc:
            # A fatal state (fenced, or the transaction timed out on the coordinator): the broker
            # aborts it on its side; only a new producer (a new epoch) can go on.
            log.warning("transaction could not be aborted (%s); starting a new transactional producer", type(exc).__name__)
            close_producer(self._producer, timeout=5)
            self._producer = None

    def close(self, timeout: float | None = None) -> None:
        if self._producer is not None:
            close_producer(self._producer, timeout=timeout)


class Transactional:
    """Output, dead letters and consumed offsets in one Kafka transaction per batch.

    The consumer never commits by itself. On a transient failure the transaction is aborted and
    the same prepared batch retried in a new one. If the group moved on meanwhile (the broker
    fenced our offsets), the batch is abandoned and the consumer rewound to its start, so it is
    consumed again from where the group stands.
    """

    def __init__(self, producer: TransactionalProducer, consumer: KafkaConsumer, dead_letters: DeadLetterQueue, *, stage: str) -> None:
        self._producer = producer
        self._consumer = consumer
        self._dlq = dead_letters
        self._stage = stage
        self._group: ConsumerGroupMetadata | None = None

    def batch_started(self) -> None:
        # The generation the batch was consumed in: a rebalance during the rest of the batch
        # (later polls, retries) makes the broker refuse these offsets, which is what we want.
        self._group = self._consumer.group_metadata()

    def complete(self, records, deliver, rejected, retry) -> Outcome:
        group = self._group or self._consumer.group_metadata()
        outcome = retry(lambda: self._in_transaction(records, deliver, rejected, group))
        return outcome or Outcome(completed=False, rewind=True)

    def _in_transaction(self, records, deliver, rejected, group: ConsumerGroupMetadata) -> Outcome:
        try:
            self._producer.begin()
            dead = rejected + deliver()
            self._dlq.send(dead)
            self._producer.commit(next_offsets(records), group)
        except (CommitFailedError, FencedInstanceIdError) as exc:
            self._producer.abort()
            log.warning("transaction fenced stage=%s (%s); batch aborted, it will be consumed again", self._stage, exc)
            return Outcome(completed=False, rewind=True)
        except (KafkaError, ServiceUnavailable) as exc:
            self._producer.abort()
            raise ServiceUnavailable(f"transaction aborted ({type(exc).__name__}: {exc})", service="kafka") from None
        return Outcome(completed=True, dead_lettered=len(dead), committed=True)


# -- the loop ------------------------------------------------------------------------------------


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
        delivery: Delivery | None = None,
    ) -> None:
        self.stage = stage
        self._consumer = consumer
        self._handler = handler
        self._stop = stop
        self._limits = limits
        self._max_backoff_s = max_backoff_s
        self._delivery = delivery or AtLeastOnce(consumer, dead_letters, stage=stage)
        self.totals: Counter[str] = Counter()  # records and dead letters of the completed batches
        self._coordinator_lost: bool | None = None  # None until the group's coordinator was first known

    def run(self, *, until: Callable[[], bool] = lambda: False) -> None:
        """Process batches until a stop is requested (or `until` says the work is done)."""
        while not self._stop and not until():
            records = self._collect()
            if records:
                self.process(records)

    def _collect(self, first_timeout_ms: int | None = None) -> list[ConsumerRecord]:
        """One batch: wait for a first record, then add more until a limit of `BatchLimits`."""
        limits = self._limits
        records = self._poll(limits.poll_timeout_ms if first_timeout_ms is None else first_timeout_ms, limits.max_records)
        if not records:
            return records
        self._delivery.batch_started()
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
        done = self._prepare(records)
        if done is not None:
            prepared, rejected = done
            self._complete(records, started, lambda: self._handler.deliver(prepared), rejected)

    def _prepare(self, records: list[ConsumerRecord]) -> tuple[P, list[Rejected]] | None:
        # Preparing may need a service too (a step whose state lives in Kafka): retried like delivery.
        done = self._retry_until_done(lambda: self._handler.prepare(records), records)
        if done is None:
            log.info("batch stage=%s records=%d abandoned (stopped while preparing; nothing committed)", self.stage, len(records))
        return done

    def _complete(
        self, records: list[ConsumerRecord], started: float, deliver: Callable[[], list[Rejected]], rejected: list[Rejected]
    ) -> None:
        outcome = self._delivery.complete(records, deliver, rejected, lambda attempt: self._retry_until_done(attempt, records))
        if outcome.rewind:
            self._rewind(records)
        if not outcome.completed:
            log.info("batch stage=%s records=%d abandoned (nothing committed; it will be consumed again)", self.stage, len(records))
            return
        self.totals.update(records=len(records), dead_lettered=outcome.dead_lettered)
        CONSUMED.labels(self.stage).inc(len(records))
        BATCH_SECONDS.labels(self.stage).observe(time.monotonic() - started)
        log.info(
            "batch stage=%s records=%d ok=%d dead_lettered=%d committed=%s seconds=%.2f",
            self.stage, len(records), len(records) - outcome.dead_lettered, outcome.dead_lettered, outcome.committed,
            time.monotonic() - started,
        )

    def _poll(self, timeout_ms: int, max_records: int) -> list[ConsumerRecord]:
        try:
            batches = self._consumer.poll(timeout_ms=timeout_ms, max_records=max_records)
        except KafkaError as exc:
            log.warning("poll failed stage=%s error=%s; retrying", self.stage, type(exc).__name__)
            self._stop.wait(1.0)
            return []
        finally:
            self._watch_coordinator()
        self._record_lag()
        return [record for batch in batches.values() for record in batch]

    def _watch_coordinator(self) -> None:
        """One line when the group's coordinator (a broker) is lost and one when it is back, also
        for a worker with nothing to do: kafka-python reconnects quietly (its logs are muted, see
        runtime.logs), so an idle stage would otherwise not say that Kafka is gone."""
        coordinator = getattr(self._consumer, "_coordinator", None)  # kafka-python's group coordinator
        if coordinator is None:
            return
        try:
            lost = bool(coordinator.coordinator_unknown())
        except Exception:  # noqa: BLE001 - a probe only: never the reason a worker stops
            return
        if lost and self._coordinator_lost is False:
            log.warning("kafka unreachable stage=%s: the group coordinator is gone; consuming resumes when it is back",
                        self.stage)
        elif not lost and self._coordinator_lost:
            log.info("kafka reachable again stage=%s", self.stage)
        if not lost or self._coordinator_lost is not None:
            self._coordinator_lost = lost

    def _record_lag(self) -> None:
        """Export how far behind each assigned partition is (from the fetch responses' high
        watermarks: no extra request)."""
        try:
            for tp in self._consumer.assignment():
                highwater = self._consumer.highwater(tp)
                if highwater is not None:
                    CONSUMER_LAG.labels(self.stage, tp.topic, str(tp.partition)).set(max(0, highwater - self._consumer.position(tp)))
        except KafkaError:
            # `position` may ask the broker (offset validation after a reconnect); while it is down
            # the metric waits for the next poll rather than taking the worker down.
            pass

    def _retry_until_done(self, attempt: Callable[[], T], records: list[ConsumerRecord]) -> T | None:
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
        """Seek each partition still ours back to the first of these records."""
        first: dict[TopicPartition, int] = {}
        for r in records:
            tp = TopicPartition(r.topic, r.partition)
            first[tp] = min(first.get(tp, r.offset), r.offset)
        assigned = self._consumer.assignment()
        for tp, offset in first.items():
            if tp in assigned:  # a partition we lost restarts from its committed offset with its new owner
                self._consumer.seek(tp, offset)
