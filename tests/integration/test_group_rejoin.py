"""A group consumer that polls in short slices still takes its partitions when the group rebalances.

kafka-python 3.0.12 loses a rebalance that a metadata change started (the group leader saw new
partitions) when the poll's timeout cuts the join short: the leader's own assignment makes the
consumer believe no rejoin is needed, so the finished join is never taken up, its partitions are
never assigned and its heartbeats stay off. On a fresh cluster the producer hung like this for
good (issue 19); newsflow.runtime.kafka holds the rejoin until the join completes.
"""

from __future__ import annotations

import time

from kafka import TopicPartition
from kafka.admin import NewPartitions, NewTopic

from newsflow.runtime.kafka import make_admin, make_consumer
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
