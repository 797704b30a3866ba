"""Three faults of the pinned kafka-python (3.0.12) that newsflow.runtime.kafka works around, each
shown on the real broker.

A group consumer that polls in short slices still takes its partitions when the group rebalances.
kafka-python 3.0.12 loses a rebalance that a metadata change started (the group leader saw new
partitions) when the poll's timeout cuts the join short: the leader's own assignment makes the
consumer believe no rejoin is needed, so the finished join is never taken up, its partitions are
never assigned and its heartbeats stay off. On a fresh cluster the producer hung like this for
good (issue 19); newsflow.runtime.kafka holds the rejoin until the join completes.

A producer that cannot deliver what it holds is closed all the same: kafka-python raises from
`close()` without closing, and its `__del__` then printed a traceback into the processor's log
(the cluster scenario with two brokers down caught it).

An idempotent producer delivers again once Kafka answers after a stall longer than
delivery_timeout_ms. kafka-python 3.0.12 drops the producer id when a batch it had sent expires
(rightly: nobody knows whether the broker appended it) but never asks for a new one, so every later
record waits for ever. The cluster scenario with stalled followers caught it in CI: the producer's
state writes expired after two minutes and the feeds were never emitted again.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import time

import pytest
from kafka import TopicPartition
from kafka.admin import NewPartitions, NewTopic
from kafka.errors import KafkaError, KafkaTimeoutError

from newsflow import stack
from newsflow.runtime.kafka import close_producer, make_admin, make_consumer, make_producer
from tests.support import wait_for

SHORT_POLL_MS = 5  # shorter than a JoinGroup and SyncGroup round trip: every rebalance is cut short


def test_a_rebalance_cut_short_by_the_poll_timeout_still_assigns_the_new_partitions(settings):
    topic = f"{settings.kafka.topics.raw}.grows"
    group = f"{settings.processor.group_id}-grows"
    admin = make_admin(settings.kafka)
    admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    # Metadata refreshed every half second, so the consumer sees the new partitions at once.
    consumer = make_consumer(settings.kafka, group_id=group, topics=[topic], metadata_max_age_ms=500)
    try:
        wait_for(lambda: consumer.poll(timeout_ms=500) == {} and consumer.assignment() == {TopicPartition(topic, 0)},
                 timeout=60, what="the first assignment")
        admin.create_partitions({topic: NewPartitions(total_count=3)})
        wanted = {TopicPartition(topic, p) for p in range(3)}

        def assigned_all() -> bool:
            deadline = time.monotonic() + 0.25
            while time.monotonic() < deadline:  # a tight loop of short polls, as a busy stage polls
                consumer.poll(timeout_ms=SHORT_POLL_MS)
            return consumer.assignment() == wanted

        wait_for(assigned_all, timeout=60, what="the three partitions after the rebalance", interval=0)
    finally:
        consumer.close(autocommit=False)
        admin.delete_topics([topic])
        admin.close()


class LocalBroker:
    """The local broker (the one `newsflow stack up` started), silenced with SIGSTOP and resumed."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.frozen = False

    def freeze(self) -> None:
        os.kill(self.pid, signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        os.kill(self.pid, signal.SIGCONT)
        self.frozen = False


@pytest.fixture
def broker(base_settings):
    """The local broker, for tests that freeze it; resumed whatever happens."""
    [kafka] = [s for s in stack.status(base_settings) if s.name == "kafka"]
    if kafka.state != "running" or kafka.pid is None:
        pytest.fail(f"this test freezes the local Kafka; it is {kafka.state}, not started by `newsflow stack up`")
    local = LocalBroker(kafka.pid)
    yield local
    if local.frozen:
        local.thaw()


def test_a_producer_that_cannot_deliver_is_closed_and_leaves_no_traceback_behind(settings, broker):
    unraisable: list = []
    hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        producer = make_producer(settings.kafka)
        producer.partitions_for(settings.kafka.topics.raw)  # metadata first: the send itself does not block
        broker.freeze()
        producer.send(settings.kafka.topics.raw, b"never acknowledged")
        with pytest.raises(KafkaError):
            close_producer(producer, timeout=0.5)
        del producer
        gc.collect()
    finally:
        sys.unraisablehook = hook
    assert not unraisable, f"the producer's __del__ raised: {unraisable[0].exc_value!r}"


def test_an_idempotent_producer_delivers_again_after_a_batch_expired_unacknowledged(settings, broker):
    """Kafka silent for longer than delivery_timeout_ms (shortened here from two minutes): the
    stalled record fails, as it should, and once Kafka answers again the next one is delivered."""
    # One partition for every record: the topic has six, and a record after an expired batch may
    # land on another one (the sticky partitioner), where its offset says nothing of the first.
    topic, partition = settings.kafka.topics.raw, 0
    producer = make_producer(settings.kafka, request_timeout_ms=1000, delivery_timeout_ms=3000, retry_backoff_ms=100)
    try:
        before = producer.send(topic, b"before the stall", partition=partition).get(timeout=30)
        broker.freeze()
        stalled = producer.send(topic, b"sent, retried, expired", partition=partition)
        with pytest.raises(KafkaTimeoutError, match="Expiring"):
            stalled.get(timeout=30)
        broker.thaw()
        # kafka-python 3.0.12 without the work-around: KafkaTimeoutError, and every later send too.
        after = producer.send(topic, b"after the stall", partition=partition).get(timeout=30)
        assert (after.partition, after.offset > before.offset) == (partition, True)
    finally:
        with contextlib.suppress(KafkaError):
            close_producer(producer, timeout=5)
