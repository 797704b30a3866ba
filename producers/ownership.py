"""Which feeds this producer owns, and their restored state: Kafka's group protocol, no coordinator.

Every producer instance joins one consumer group on the compacted feed-state topic. A feed's
records (its state and its seen set) live in partition ``murmur2(feed id) % partitions``, the
partition Kafka's default partitioner gives its key. The group gives each live instance a share
of the partitions; an instance owns exactly the feeds of the partitions it holds. When an
instance joins, dies (its session times out) or leaves, the group rebalances and the feeds
move, with their state, within the session timeout.

On assignment, a partition is read from its beginning to its end offset at that moment: that
restores the state of its feeds. After that, while we own it, we are the only writer of its
state records, so what we read back of those is ignored; what we do read is operator commands
(``<feed id>/enable``, written by `newsflow feeds enable`), handed to the service.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.partitioner.default import murmur2
from pydantic import ValidationError

from newsflow.runtime.kafka import make_consumer
from newsflow.settings import KafkaSettings
from producers.state import FeedState, SeenItems

__all__ = ["ENABLE_SUFFIX", "FeedOwnership", "partition_for"]

log = logging.getLogger(__name__)

SEEN_SUFFIX = "/seen"
ENABLE_SUFFIX = "/enable"


def partition_for(feed_id: str, partitions: int) -> int:
    """The partition Kafka's default partitioner gives the key `feed_id` (as the Java client does)."""
    return (murmur2(feed_id.encode("utf-8")) & 0x7FFFFFFF) % partitions


class FeedOwnership(ConsumerRebalanceListener):
    """The group membership of one producer instance and the state of the feeds it owns."""

    def __init__(self, settings: KafkaSettings, *, group_id: str, session_timeout_ms: int = 10_000) -> None:
        self._topic = settings.topics.feed_state
        self._partitions = settings.topics.feed_partitions
        self._newly_assigned: set[TopicPartition] = set()
        self._restoring: dict[int, int] = {}  # partition -> end offset to reach
        self._ready: set[int] = set()
        self._states: dict[str, FeedState] = {}
        self._enable_requests: set[str] = set()
        self._seen: dict[str, SeenItems] = {}
        self._consumer: KafkaConsumer = make_consumer(
            settings, group_id=group_id, topics=[self._topic], listener=self,
            session_timeout_ms=session_timeout_ms, heartbeat_interval_ms=max(1000, session_timeout_ms // 4),
            isolation_level="read_uncommitted", max_partition_fetch_bytes=4 * 1024 * 1024,
        )

    # -- the group protocol ------------------------------------------------------------------

    def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        lost = {tp.partition for tp in revoked}
        self._newly_assigned = {tp for tp in self._newly_assigned if tp.partition not in lost}
        self._ready -= lost
        for partition in lost:
            self._restoring.pop(partition, None)
        for key in [k for k in self._states if self.partition_of(k) in lost]:
            del self._states[key]
        for key in [k for k in self._seen if self.partition_of(k) in lost]:
            del self._seen[key]
        if lost:
            log.info("feeds released partitions=%s", sorted(lost))

    def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        # Runs on kafka-python's network thread, which must not block: the restore starts in poll().
        self._newly_assigned |= set(assigned)

    def _start_restores(self) -> None:
        assigned, self._newly_assigned = self._newly_assigned, set()
        assigned &= self._consumer.assignment()
        if not assigned:
            return
        self._partitions = len(self._consumer.partitions_for_topic(self._topic) or ()) or self._partitions
        self._consumer.resume(*assigned)
        self._consumer.seek_to_beginning(*assigned)
        ends = self._consumer.end_offsets(list(assigned))
        for tp in assigned:
            self._restoring[tp.partition] = ends[tp]
        log.info("feeds assigned partitions=%s restoring", sorted(tp.partition for tp in assigned))

    # -- what the service asks ---------------------------------------------------------------

    def poll(self, timeout_ms: int) -> None:
        """Take part in the group (heartbeats run on their own) and restore newly assigned partitions."""
        busy = self._restoring or self._newly_assigned
        batches = self._consumer.poll(timeout_ms=100 if busy else timeout_ms, max_records=5000)
        for tp, records in batches.items():
            restoring = tp.partition not in self._ready
            for record in records:
                if _is_command(record.key):
                    self._command(record.key, record.value)
                elif restoring:
                    self._restore(record.key, record.value)
        self._start_restores()
        self._finish_restores()

    @property
    def restoring(self) -> bool:
        return bool(self._restoring or self._newly_assigned) or not self._consumer.assignment()

    def partition_of(self, feed_id: str) -> int:
        return partition_for(feed_id.removesuffix(SEEN_SUFFIX).removesuffix(ENABLE_SUFFIX), self._partitions)

    def take_enable_requests(self) -> list[str]:
        """Feeds an operator asked to re-enable (`newsflow feeds enable`), among those we own."""
        owned = sorted(f for f in self._enable_requests if self.owns(f))
        self._enable_requests -= set(owned)
        return owned

    def done_enabling(self, producer: KafkaProducer, feed_id: str) -> Future:
        """Remove the command from the topic (a tombstone), once the feed's new state is written."""
        return producer.send(self._topic, key=f"{feed_id}{ENABLE_SUFFIX}".encode(), value=None,
                             partition=self.partition_of(feed_id))

    def owns(self, feed_id: str) -> bool:
        return self.partition_of(feed_id) in self._ready

    def state(self, feed_id: str) -> FeedState | None:
        return self._states.get(feed_id)

    def seen(self, feed_id: str) -> SeenItems:
        return self._seen.get(feed_id) or SeenItems(feed_id=feed_id)

    def publish(self, producer: KafkaProducer, state: FeedState, seen: SeenItems | None) -> list[Future]:
        """Send the feed's new state (and seen set) to its partition; the caller waits for the acks
        and then calls `remember`."""
        partition = self.partition_of(state.feed_id)
        futures = [producer.send(self._topic, key=state.feed_id.encode(), value=state.model_dump_json().encode(),
                                 partition=partition)]
        if seen is not None:
            futures.append(producer.send(self._topic, key=f"{state.feed_id}{SEEN_SUFFIX}".encode(),
                                         value=seen.model_dump_json().encode(), partition=partition))
        return futures

    def remember(self, state: FeedState, seen: SeenItems | None) -> None:
        self._states[state.feed_id] = state
        if seen is not None:
            self._seen[state.feed_id] = seen

    def close(self) -> None:
        # Leaving the group at once hands our feeds to the others without waiting for a timeout.
        self._consumer.close(autocommit=False)

    # -- restoring ---------------------------------------------------------------------------

    def _restore(self, key: bytes | None, value: bytes | None) -> None:
        if key is None:
            return
        name = key.decode("utf-8", "replace")
        feed_id = name.removesuffix(SEEN_SUFFIX)
        store = self._seen if name.endswith(SEEN_SUFFIX) else self._states
        if value is None:
            store.pop(feed_id, None)
            return
        try:
            model = SeenItems if store is self._seen else FeedState
            store[feed_id] = model.model_validate_json(value)
        except ValidationError as exc:
            # An unreadable record costs that feed its memory, not the producer its life.
            log.warning("feed state unreadable feed=%s error=%s", feed_id, exc.errors()[0]["msg"])

    def _command(self, key: bytes, value: bytes | None) -> None:
        feed_id = key.decode("utf-8", "replace").removesuffix(ENABLE_SUFFIX)
        if value is None:
            self._enable_requests.discard(feed_id)  # done by whoever owned the feed then
        else:
            self._enable_requests.add(feed_id)

    def _finish_restores(self) -> None:
        for partition, end in list(self._restoring.items()):
            tp = TopicPartition(self._topic, partition)
            if self._consumer.position(tp) >= end:
                del self._restoring[partition]
                self._ready.add(partition)
                count = sum(1 for k in self._states if self.partition_of(k) == partition)
                log.info("feeds restored partition=%d feeds_with_state=%d", partition, count)


def _is_command(key: bytes | None) -> bool:
    return key is not None and key.endswith(ENABLE_SUFFIX.encode())
