"""The pipelined worker's order of events: batch N is delivered in the background while N+1 is
prepared, and still committed only after its delivery returned (fakes: pure logic; the sink's
integration and chaos tests run it against the real Kafka and Elasticsearch)."""

from __future__ import annotations

import threading

import pytest
from kafka.consumer.fetcher import ConsumerRecord

from newsflow.errors import ServiceUnavailable
from newsflow.runtime.pipelined import PipelinedBatchWorker
from newsflow.runtime.worker import AtLeastOnce, BatchLimits, StopFlag, Transactional

WAIT_S = 5.0


def record(offset: int) -> ConsumerRecord:
    return ConsumerRecord("t", 0, -1, offset, 0, 0, b"k", b"v", [], None, 1, 1, 0)


class Journal:
    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []
        self.lock = threading.Lock()

    def add(self, what: str, first_offset: int) -> None:
        with self.lock:
            self.events.append((what, first_offset))

    def index(self, event: tuple[str, int]) -> int:
        return self.events.index(event)


class FakeConsumer:
    """One scripted batch per poll; commits go to the journal."""

    def __init__(self, batches: list[list[ConsumerRecord]], journal: Journal) -> None:
        self.batches, self.journal = list(batches), journal

    def poll(self, timeout_ms: int, max_records: int):
        return {("t", 0): self.batches.pop(0)} if self.batches else {}

    def commit(self, offsets) -> None:
        (offset,) = [o.offset for o in offsets.values()]
        self.journal.add("commit", offset)

    def assignment(self) -> set:
        return set()

    def pause(self, *_) -> None: ...

    def resume(self, *_) -> None: ...

    def paused(self) -> set:
        return set()


class NoDeadLetters:
    def send(self, dead) -> None:
        assert dead == []


class Handler:
    """Prepares and delivers by writing to the journal; `on_deliver` may block or fail."""

    def __init__(self, journal: Journal, on_deliver=lambda first: None, on_prepare=lambda first: None) -> None:
        self.journal, self.on_deliver, self.on_prepare = journal, on_deliver, on_prepare

    def prepare(self, records):
        self.journal.add("prepare", records[0].offset)
        self.on_prepare(records[0].offset)
        return records[0].offset, []

    def deliver(self, first: int):
        self.journal.add("deliver", first)
        self.on_deliver(first)
        self.journal.add("delivered", first)
        return []


def run(handler: Handler, journal: Journal, batches: list[list[ConsumerRecord]], stop: StopFlag | None = None) -> None:
    consumer = FakeConsumer(batches, journal)
    stop = stop if stop is not None else StopFlag()
    worker = PipelinedBatchWorker(
        stage="test", consumer=consumer, handler=handler, dead_letters=None, stop=stop,
        limits=BatchLimits(max_records=2, max_wait_s=0, poll_timeout_ms=10),
        delivery=AtLeastOnce(consumer, NoDeadLetters(), stage="test"),
    )
    worker.run(until=lambda: not consumer.batches)


def test_the_next_batch_is_prepared_while_the_last_is_delivered_and_commits_keep_their_order():
    journal = Journal()
    next_prepared = {0: threading.Event(), 2: threading.Event()}

    def on_prepare(first: int) -> None:
        if first - 2 in next_prepared:
            next_prepared[first - 2].set()

    def on_deliver(first: int) -> None:
        # A worker that prepared only after delivering would wait here in vain.
        if first in next_prepared:
            assert next_prepared[first].wait(WAIT_S), f"batch {first + 2} was not prepared while {first} was delivered"

    run(Handler(journal, on_deliver, on_prepare), journal, [[record(0), record(1)], [record(2), record(3)], [record(4)]])

    assert [e for e in journal.events if e[0] == "commit"] == [("commit", 2), ("commit", 4), ("commit", 5)]
    for first, commit in ((0, 2), (2, 4), (4, 5)):
        assert journal.index(("delivered", first)) < journal.index(("commit", commit)), "committed before delivered"
    assert journal.index(("delivered", 0)) < journal.index(("deliver", 2)), "batch 2 delivered before batch 0 was"
    assert journal.index(("delivered", 2)) < journal.index(("deliver", 4))


def test_a_failed_background_attempt_is_retried_before_the_next_batch_is_delivered():
    journal = Journal()
    failures = {0: 1}

    def on_deliver(first: int) -> None:
        if failures.get(first):
            failures[first] -= 1
            raise ServiceUnavailable("Elasticsearch is down", service="elasticsearch")

    run(Handler(journal, on_deliver), journal, [[record(0), record(1)], [record(2)]])

    delivered = [e for e in journal.events if e[0] in ("deliver", "delivered")]
    assert delivered == [("deliver", 0), ("deliver", 0), ("delivered", 0), ("deliver", 2), ("delivered", 2)]
    assert [e for e in journal.events if e[0] == "commit"] == [("commit", 2), ("commit", 3)]


def test_a_stop_finishes_the_batch_in_flight_and_leaves_the_next_uncommitted():
    journal, stop = Journal(), StopFlag()

    def on_prepare(first: int) -> None:
        if first == 2:
            stop.set()  # SIGTERM while batch 0 is in flight and batch 2 is being prepared

    run(Handler(journal, on_prepare=on_prepare), journal, [[record(0), record(1)], [record(2)], [record(3)]], stop)

    assert ("commit", 2) in journal.events
    assert ("deliver", 2) not in journal.events and ("commit", 3) not in journal.events


def test_transactions_are_refused():
    consumer = FakeConsumer([], Journal())
    with pytest.raises(TypeError, match="at least once"):
        PipelinedBatchWorker(
            stage="test", consumer=consumer, handler=None, dead_letters=None, stop=StopFlag(),
            limits=BatchLimits(max_records=1), delivery=Transactional(None, consumer, NoDeadLetters(), stage="test"),
        )


def test_an_unexpected_error_leaves_the_batch_in_flight_uncommitted():
    journal = Journal()

    def on_prepare(first: int) -> None:
        if first == 2:
            raise RuntimeError("a bug while preparing the next batch")

    with pytest.raises(RuntimeError, match="a bug"):
        run(Handler(journal, on_prepare=on_prepare), journal, [[record(0), record(1)], [record(2)], [record(3)]])

    assert ("deliver", 0) in journal.events
    assert not [e for e in journal.events if e[0] == "commit"], "a batch was committed on the way out of an error"
