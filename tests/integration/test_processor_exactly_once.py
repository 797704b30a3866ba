"""Exactly-once on the real broker: a transactional `newsflow process` killed with SIGKILL in the
middle of the stream, then restarted, leaves each input exactly once in `news.enriched` for a
read_committed reader."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition

from newsflow.contract.schema import RawArticle, decode_enriched, encode
from newsflow.runtime.deadletter import DeadLetterQueue
from newsflow.runtime.kafka import make_consumer, make_producer
from newsflow.runtime.worker import BatchLimits, BatchWorker, StopFlag, Transactional, TransactionalProducer
from newsflow.settings import Settings
from processors.base import build_chain
from processors.catalog import load_steps
from processors.service import EnrichHandler
from tests.integration.test_processor import LIGHT_STEPS
from tests.support import as_env, lag, send, wait_for

COUNT = 300
NOW = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def small_articles(count: int) -> list[RawArticle]:
    return [
        RawArticle(
            id=f"eos-{i:04d}", version=1714550400000 + i, url=f"https://news.example.org/eos/{i}",
            feed_url="https://news.example.org/rss", source="Example", title=f"Council report {i}",
            text=f"The city council met on Monday and approved spending plan number {i} for the libraries.",
            fetched_at=NOW, published=NOW,
        )
        for i in range(count)
    ]


def start_processor(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    with log_path.open("a") as log:  # the child keeps its own handle
        return subprocess.Popen([sys.executable, "-m", "newsflow", "process"], env=env, stdout=log, stderr=subprocess.STDOUT)


def partitions(settings: Settings, topic: str) -> list[TopicPartition]:
    return [TopicPartition(topic, p) for p in range(settings.kafka.topics.partitions)]


def read_all(settings: Settings, topic: str, *, isolation_level: str) -> list:
    """Every record of `topic` up to its end (the last stable offset for read_committed)."""
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_servers, group_id=None, enable_auto_commit=False,
                             isolation_level=isolation_level)
    try:
        tps = partitions(settings, topic)
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        end = consumer.end_offsets(tps)
        records: list = []

        def done() -> bool:
            records.extend(r for batch in consumer.poll(timeout_ms=200).values() for r in batch)
            return all(consumer.position(tp) >= end[tp] for tp in tps)

        wait_for(done, timeout=60, what=f"{topic} read to its end ({isolation_level})", interval=0)
        return records
    finally:
        consumer.close()


class TransactionProbe:
    """Compares each partition's high watermark with its last stable offset: a difference means
    a transaction has written records that it has not committed yet."""

    def __init__(self, settings: Settings, topic: str) -> None:
        self._tps = partitions(settings, topic)
        self._stable = KafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_servers, isolation_level="read_committed")
        self._written = KafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_servers, isolation_level="read_uncommitted")

    def open_with_records(self) -> bool:
        stable, written = self._stable.end_offsets(self._tps), self._written.end_offsets(self._tps)
        return any(stable[tp] > 0 for tp in self._tps) and any(written[tp] > stable[tp] for tp in self._tps)

    def close(self) -> None:
        self._stable.close()
        self._written.close()


def completed_batches(log_path: Path) -> int:
    return len(re.findall(r"batch stage=processor records=\d+ ok=\d+ dead_lettered=0 committed=True", log_path.read_text()))


def kill_mid_stream(process: subprocess.Popen, probe: TransactionProbe, log_path: Path) -> bool:
    """SIGKILL the worker while a transaction is open with records written (True), or failing
    that once most batches are done but not all (False)."""
    total_batches = -(-COUNT // 8)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the processor died by itself: {log_path.read_text()[-2000:]}"
        if completed_batches(log_path) >= 1 and probe.open_with_records():
            process.kill()
            return True
        if completed_batches(log_path) >= total_batches - 8:
            process.kill()
            return False
    raise AssertionError(f"the processor made no progress: {log_path.read_text()[-2000:]}")


def test_a_transactional_worker_killed_mid_stream_and_restarted_leaves_each_input_exactly_once(settings, tmp_path):
    topics = settings.kafka.topics
    articles = small_articles(COUNT)
    send(settings, topics.raw, [(a.id.encode(), encode(a)) for a in articles])
    env = os.environ | as_env(settings) | {
        "NEWSFLOW_PROCESSOR__EXACTLY_ONCE": "true",
        "NEWSFLOW_PROCESSOR__TRANSACTIONAL_ID": f"{settings.processor.group_id}-txn",
        "NEWSFLOW_PROCESSOR__STEPS": json.dumps(LIGHT_STEPS),
    }
    log_path = tmp_path / "process.log"
    probe = TransactionProbe(settings, topics.enriched)
    try:
        first = start_processor(env, log_path)
        caught_open = kill_mid_stream(first, probe, log_path)
        assert first.wait(timeout=30) == -signal.SIGKILL
    finally:
        probe.close()
    at_kill = len(read_all(settings, topics.enriched, isolation_level="read_committed"))
    assert 0 < at_kill < COUNT, f"killed with {at_kill} of {COUNT} articles committed: not mid-stream"

    second = start_processor(env, log_path)
    try:
        # The killed member holds its partitions until its session times out (kafka.session_timeout_ms,
        # 10 s); its open transaction is aborted by the coordinator after the transaction timeout and
        # its next clean-up round. Until then that transaction holds back what read_committed readers
        # may see (the last stable offset), even though the new worker has committed everything after it.
        wait_for(lambda: lag(settings, settings.processor.group_id, topics.raw) == 0, timeout=180,
                 what="the restarted processor to commit every raw offset")

        def all_visible() -> list:
            records = read_all(settings, topics.enriched, isolation_level="read_committed")
            return records if len({decode_enriched(r.value).id for r in records}) >= COUNT else []

        committed = wait_for(all_visible, timeout=90, what="every input's output to be readable committed", interval=2.0)
        everything = read_all(settings, topics.enriched, isolation_level="read_uncommitted")
    finally:
        second.send_signal(signal.SIGTERM)
        code = second.wait(timeout=60)
    output = log_path.read_text()
    assert code == 0, output[-3000:]
    assert "delivery=exactly-once transactional_id=" in output and "Traceback" not in output

    seen = Counter(decode_enriched(r.value).id for r in committed)
    assert seen == Counter(a.id for a in articles), {k: v for k, v in seen.items() if v != 1}
    assert all(r.key == decode_enriched(r.value).id.encode() for r in committed)
    # Without the transactions, a reader sees what the killed worker wrote and never committed.
    print(f"\nkilled inside an open transaction: {caught_open}; committed when killed: {at_kill}/{COUNT}; "
          f"read_committed: {len(committed)} records, {len(seen)} ids; read_uncommitted: {len(everything)} records, "
          f"{len(everything) - len(committed)} of them aborted duplicates")
    assert len(everything) >= len(committed)


class Stream:
    """Raw articles sent a few at a time while the test waits on something else."""

    def __init__(self, settings: Settings) -> None:
        self._topic = settings.kafka.topics.raw
        self._producer = make_producer(settings.kafka)
        self.sent: list[RawArticle] = []

    def more(self, count: int = 8) -> None:
        start = len(self.sent)
        batch = small_articles(start + count)[start:]
        for a in batch:
            self._producer.send(self._topic, key=a.id.encode(), value=encode(a))
        self._producer.flush()
        self.sent.extend(batch)

    def close(self) -> None:
        self._producer.close()


def test_rebalances_mid_stream_keep_each_input_exactly_once(settings, tmp_path):
    """A second worker joins while articles flow in and later leaves with SIGTERM: two
    rebalances, each moving partitions between transactional workers with batches in flight."""
    topics = settings.kafka.topics
    env = os.environ | as_env(settings) | {
        "NEWSFLOW_PROCESSOR__EXACTLY_ONCE": "true",
        "NEWSFLOW_PROCESSOR__STEPS": json.dumps(LIGHT_STEPS),
    }
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    stream = Stream(settings)
    first = start_processor(env, first_log)
    try:
        wait_for(lambda: stream.more() or completed_batches(first_log) >= 2, timeout=60, what="the first worker's batches")
        second = start_processor(env, second_log)
        try:
            wait_for(lambda: stream.more() or completed_batches(second_log) >= 3, timeout=90,
                     what="the second worker to take partitions and commit batches")
        finally:
            second.send_signal(signal.SIGTERM)
        wait_for(lambda: stream.more() or second.poll() is not None, timeout=60, what="the second worker to stop")
        assert second.returncode == 0, second_log.read_text()[-3000:]
        stream.more()
        wait_for(lambda: lag(settings, settings.processor.group_id, topics.raw) == 0, timeout=120,
                 what="every raw offset committed")
    finally:
        stream.close()
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=60) == 0, first_log.read_text()[-3000:]
    committed = read_all(settings, topics.enriched, isolation_level="read_committed")
    seen = Counter(decode_enriched(r.value).id for r in committed)
    assert seen == Counter(a.id for a in stream.sent), {k: v for k, v in seen.items() if v != 1}
    logs = first_log.read_text() + second_log.read_text()
    print(f"\nsent {len(stream.sent)}; batches: first worker {completed_batches(first_log)}, second "
          f"{completed_batches(second_log)}; fenced and consumed again: {logs.count('abandoned')}")


def test_a_batch_whose_group_moved_on_is_fenced_aborted_and_consumed_again(settings, caplog):
    """KIP-447 at work: the group rebalances between the consumption of a batch and its commit;
    the broker refuses the batch's offsets, its transaction aborts, and the worker rewinds."""
    topics, group = settings.kafka.topics, settings.processor.group_id
    articles = small_articles(10)
    send(settings, topics.raw, [(a.id.encode(), encode(a)) for a in articles])
    load_steps()
    producer = TransactionalProducer(lambda: make_producer(settings.kafka, transactional_id=f"{group}-fence", transaction_timeout_ms=10_000))
    member = make_consumer(settings.kafka, group_id=group, topics=[topics.raw])
    dead_letters = DeadLetterQueue(producer, topics.dlq, "processor")
    delivery = Transactional(producer, member, dead_letters, stage="processor")
    worker = BatchWorker(
        stage="processor", consumer=member, dead_letters=dead_letters, stop=StopFlag(), limits=BatchLimits(100), delivery=delivery,
        handler=EnrichHandler(chain=build_chain(LIGHT_STEPS, settings=settings.processor), producer=producer, topic=topics.enriched),
    )
    other = None
    try:
        records = wait_for(lambda: [r for batch in member.poll(timeout_ms=500).values() for r in batch], timeout=30,
                           what="a first batch")
        delivery.batch_started()  # as the worker does after the poll that starts a batch
        generation = member.group_metadata().generation_id
        other = make_consumer(settings.kafka, group_id=group, topics=[topics.raw])
        member.pause(*member.assignment())

        def rebalanced() -> bool:
            other.poll(timeout_ms=100)
            member.poll(timeout_ms=100)
            member.pause(*member.assignment())  # fetch nothing more: the batch is what we hold
            return member.group_metadata().generation_id > generation and bool(other.assignment())

        wait_for(rebalanced, timeout=60, what="a rebalance into a new generation", interval=0)
        caplog.set_level(logging.INFO, logger="newsflow.runtime.worker")
        worker.process(records)
        assert any("transaction fenced" in m for m in caplog.messages), caplog.messages
        assert any("abandoned" in m for m in caplog.messages), caplog.messages
        assert read_all(settings, topics.enriched, isolation_level="read_committed") == []
        assert len(read_all(settings, topics.enriched, isolation_level="read_uncommitted")) == len(records)
        assert lag(settings, group, topics.raw) == len(articles), "no offset of the fenced batch is committed"
        first = {}
        for r in records:
            first.setdefault(TopicPartition(r.topic, r.partition), r.offset)
        for tp in member.assignment() & set(first):
            assert member.position(tp) == first[tp], "the batch is consumed again from its start"
    finally:
        if other is not None:
            other.close(autocommit=False)
        member.close(autocommit=False)
        producer.close(timeout=10)
