"""How the shared worker closes a batch: by records, bytes or time (a fake consumer: pure logic)."""

from __future__ import annotations

from kafka.consumer.fetcher import ConsumerRecord

from newsflow.runtime.worker import BatchLimits, BatchWorker, StopFlag


def record(offset: int, size: int = 100) -> ConsumerRecord:
    return ConsumerRecord("t", 0, -1, offset, 0, 0, b"k", b"v" * size, [], None, 1, size, 0)


class ScriptedConsumer:
    """Answers each poll with the next scripted list of records (then nothing)."""

    def __init__(self, script: list[list[ConsumerRecord]]) -> None:
        self.script = list(script)
        self.polls: list[tuple[int, int]] = []

    def assignment(self) -> set:
        return set()  # no partitions to report lag for

    def poll(self, timeout_ms: int, max_records: int):
        self.polls.append((timeout_ms, max_records))
        batch = self.script.pop(0)[:max_records] if self.script else []
        return {("t", 0): batch} if batch else {}


def collect(script, limits: BatchLimits) -> tuple[list[ConsumerRecord], ScriptedConsumer]:
    consumer = ScriptedConsumer(script)
    worker = BatchWorker(stage="test", consumer=consumer, handler=None, dead_letters=None, stop=StopFlag(), limits=limits)
    return worker._collect(), consumer


def test_a_batch_fills_up_to_the_record_limit_across_polls():
    batch, consumer = collect([[record(0), record(1)], [record(2), record(3), record(4)]], BatchLimits(max_records=4, max_wait_s=5))
    assert [r.offset for r in batch] == [0, 1, 2, 3]
    assert consumer.polls[1][1] == 2, "the second poll asks only for what the batch still has room for"


def test_a_batch_closes_at_the_byte_limit():
    batch, _ = collect([[record(0, 600)], [record(1, 600)], [record(2, 600)]], BatchLimits(max_records=100, max_bytes=1000, max_wait_s=5))
    assert [r.offset for r in batch] == [0, 1]


def test_a_quiet_stream_closes_the_batch_after_the_wait():
    batch, consumer = collect([[record(0)]], BatchLimits(max_records=100, max_wait_s=0.05))
    assert [r.offset for r in batch] == [0]
    assert all(timeout <= 50 for timeout, _ in consumer.polls[1:])


def test_no_record_means_no_batch():
    batch, consumer = collect([], BatchLimits(max_records=10, poll_timeout_ms=7))
    assert batch == [] and consumer.polls == [(7, 10)]


class _Coordinator:
    def __init__(self, states: list[bool]) -> None:
        self.states = list(states)

    def coordinator_unknown(self) -> bool:
        return self.states.pop(0) if self.states else False


def test_an_idle_worker_says_when_kafka_goes_and_comes_back(caplog):
    """Before: with nothing to consume, a worker whose broker was stopped logged nothing (the chaos
    tier's Kafka restart waited for a WARNING that only a busy worker gave)."""
    consumer = ScriptedConsumer([])
    consumer._coordinator = _Coordinator([True, False, False, True, True, True, False])  # unknown at start: joining
    worker = BatchWorker(stage="test", consumer=consumer, handler=None, dead_letters=None, stop=StopFlag(),
                         limits=BatchLimits(max_records=10, poll_timeout_ms=1))
    with caplog.at_level("INFO", logger="newsflow.runtime.worker"):
        for _ in range(7):
            worker._collect()
    lines = [(r.levelname, r.getMessage().split(":")[0]) for r in caplog.records]
    assert lines == [("WARNING", "kafka unreachable stage=test"), ("INFO", "kafka reachable again stage=test")]
