"""The near-duplicate and story state of a processor worker, kept in Kafka (issue 8).

Every decision taken for an article (is it a copy, of what; which story) goes to the one-partition
topic `news.stories.state` as one record keyed by the article id: its fingerprint, its story
features and the decisions (`StateRecord`). Every worker replays that topic whole at start into a
`NearDuplicateIndex` and a `StoryClusterer`, and before each batch reads what the other workers
appended since (one end-offsets request, then polls up to it). So the state survives restarts and
is shared by all workers of the group, with no store beside Kafka.

Two parts:
- `StoryState`, pure: applies records taken elsewhere (`apply`), decides for new articles
  (`decide_duplicate`, `decide_story`), and keeps the records decided here until Kafka has them.
  The rules: the first record of an article wins (a redelivered or reprocessed article, or a
  later version of it, gets its recorded decision again and is never matched with itself or its
  own copies); articles leave by the windows of the settings, on the arrival (fetch) clock, never
  on publish dates (processors/stories/clustering.py says why).
- `StoryStateService`, the Kafka side, one per worker process and shared by the steps of
  processors/stories/steps.py (`acquire`/`release`): a consumer assigned to partition 0 (no group,
  nothing committed) and an idempotent producer. A batch's records, and a `StoryDocument` per
  story it changed (to `news.stories`, keyed by story id), are acknowledged by Kafka before the
  step returns. When Kafka fails, the step raises `ServiceUnavailable`; the in-memory state may
  then hold decisions Kafka never got, so it is dropped and replayed from the topic at the next
  batch: a decision is never guessed, nor taken twice differently.

Two workers deciding at the same moment do not see each other's batch: a copy arriving within
the same fraction of a second as its original, on another worker, is missed. Ordering within a
batch is kept (articles are decided one by one), so copies inside one batch are caught.
"""

from __future__ import annotations

import heapq
import json
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError

from newsflow.contract.schema import StoryDocument, encode
from newsflow.errors import ServiceUnavailable
from newsflow.runtime.kafka import client_config, make_producer
from newsflow.settings import KafkaSettings, ProcessorSettings
from processors.stories.clustering import Story, StoryClusterer
from processors.stories.features import StoryFeatures, article_times, features_from_draft
from processors.stories.neardup import Fingerprint, NearDuplicateIndex, fingerprint

__all__ = ["Decision", "StateRecord", "StoryState", "StoryStateService", "acquire", "release", "warm_up"]

log = logging.getLogger(__name__)

RECORD_VERSION = 1
# After a failure, calls fail at once for this long: the chain may be run again article by article
# right away (processors/service.py isolates poison that way), and each attempt waiting for the
# request timeout would hold the worker for minutes.
RETRY_PAUSE_S = 5.0
_POLL_MS = 200
_MAX_RECORDS = 5000


@dataclass(frozen=True)
class Decision:
    """What was decided for an article: the original it copies (and how closely), its story."""

    duplicate_of: str | None = None
    similarity: float | None = None
    story_id: str | None = None


@dataclass(frozen=True)
class StateRecord:
    """One record of `news.stories.state`: an article's fingerprint and story features (None when
    the chain has no such step) and the decisions taken for it."""

    article_id: str
    published: datetime
    fingerprint: Fingerprint | None = None
    features: StoryFeatures | None = None
    duplicate_of: str | None = None
    similarity: float | None = None
    story_id: str | None = None
    arrived: datetime | None = None  # its fetch time; None in records written before it was kept

    @property
    def decision(self) -> Decision:
        return Decision(self.duplicate_of, self.similarity, self.story_id)

    def __post_init__(self) -> None:
        if self.arrived is None:  # as in records written before it was kept: published stood for it
            object.__setattr__(self, "arrived", self.published)

    @property
    def arrival(self) -> datetime:
        """When the article came in: what keeps it in the state (its published time in old records)."""
        return self.arrived if self.arrived is not None else self.published

    def to_bytes(self) -> bytes:
        """Compact JSON (about 1 KB with both fingerprint and features)."""
        value = {
            "v": RECORD_VERSION, "id": self.article_id, "published": self.published.isoformat(),
            "fingerprint": self.fingerprint.to_json() if self.fingerprint else None,
            "story": self.features.to_json() if self.features else None,
            "duplicate_of": self.duplicate_of, "similarity": self.similarity, "story_id": self.story_id,
        }
        if self.arrived is not None and self.arrived != self.published:
            value["arrived"] = self.arrived.isoformat()  # absent, as in older records, when it is `published`
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_bytes(cls, payload: bytes) -> StateRecord:
        """Parse a record; raises ValueError when it is not one (of this version)."""
        try:
            data = json.loads(payload)
            if data.get("v") != RECORD_VERSION:
                raise ValueError(f"state record version {data.get('v')!r}, expected {RECORD_VERSION}")
            similarity = data.get("similarity")
            return cls(
                article_id=str(data["id"]),
                published=datetime.fromisoformat(data["published"]),
                fingerprint=Fingerprint.from_json(data["fingerprint"]) if data.get("fingerprint") else None,
                features=StoryFeatures.from_json(data["story"]) if data.get("story") else None,
                duplicate_of=data.get("duplicate_of"),
                similarity=None if similarity is None else float(similarity),
                story_id=data.get("story_id"),
                arrived=datetime.fromisoformat(data["arrived"]) if data.get("arrived") else None,
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:  # JSONDecodeError is a ValueError
            raise ValueError(f"not a stories state record: {type(exc).__name__}: {exc}") from None


class StoryState:
    """The decisions of the window, in memory: those replayed or read from other workers, and
    those taken here (`pending` until Kafka has acknowledged their records)."""

    def __init__(self, processor: ProcessorSettings) -> None:
        d, s = processor.duplicates, processor.stories
        self.index = NearDuplicateIndex(window=timedelta(days=d.window_days), jaccard_threshold=d.jaccard_threshold,
                                        containment_threshold=d.containment_threshold)
        self.clusterer = StoryClusterer(window=timedelta(hours=s.window_hours), threshold=s.threshold,
                                        on_close=self._closing)
        # An article is known as long as either window may still need it.
        self._window = max(timedelta(days=d.window_days), timedelta(hours=s.window_hours))
        self._known: dict[str, Decision] = {}
        self._by_arrival: list[tuple[datetime, str]] = []  # heap, for eviction
        self._latest: datetime | None = None  # the latest arrival seen
        self._pending: dict[str, StateRecord] = {}
        self._closed: dict[str, StoryDocument] = {}  # stories closed while records of theirs are pending
        self._deciding: str | None = None  # the article the clusterer is placing

    def __len__(self) -> int:
        return len(self._known)

    def known(self, article_id: str) -> Decision | None:
        return self._known.get(article_id)

    def apply(self, record: StateRecord) -> bool:
        """A decision taken elsewhere (another worker, or this one before a restart). The first
        record of an article wins: a later one (its own record read back, a concurrent decision
        by another worker during a rebalance) is ignored. Returns whether it was applied."""
        if record.article_id in self._known:
            return False
        if record.fingerprint is not None:
            self.index.record(record.fingerprint, record.duplicate_of)
        if record.features is not None and record.story_id is not None:
            self.clusterer.record(record.features, record.story_id, duplicate_of=record.duplicate_of)
        self._remember(record.article_id, record.arrival, record.decision)
        return True

    def replay(self, records: Iterable[StateRecord]) -> None:
        for record in records:
            self.apply(record)

    def decide_duplicate(self, fp: Fingerprint) -> Decision:
        """The recorded decision of a known article; otherwise the index decides (and records)."""
        known = self._known.get(fp.article_id)
        if known is not None:
            return known
        match = self.index.decide(fp)
        record = StateRecord(fp.article_id, fp.published, fingerprint=fp, duplicate_of=match.article_id if match else None,
                             similarity=match.similarity if match else None, arrived=fp.arrived)
        self._pending[fp.article_id] = record
        self._remember(fp.article_id, fp.arrival, record.decision)
        return record.decision

    def decide_story(self, features: StoryFeatures, *, duplicate_of: str | None = None) -> Decision:
        """The recorded story of a known article; otherwise the clusterer decides (and records).
        A duplicate joins its original's story (processors/stories/clustering.py)."""
        article_id = features.article_id
        known = self._known.get(article_id)
        if known is not None and known.story_id is not None:
            return known
        if known is not None:
            duplicate_of = known.duplicate_of  # decided by the duplicates step, or recorded before
        self._deciding = article_id
        try:
            story = self.clusterer.decide(features, duplicate_of=duplicate_of)
        finally:
            self._deciding = None
        record = self._pending.get(article_id) or StateRecord(
            article_id, features.published, fingerprint=self.index.fingerprint_of(article_id),
            duplicate_of=duplicate_of, similarity=known.similarity if known else None, arrived=features.arrived,
        )
        record = replace(record, features=features, story_id=story.story_id)
        self._pending[article_id] = record
        self._remember(article_id, features.arrival, record.decision)
        return record.decision

    def pending(self, article_ids: Iterable[str]) -> list[StateRecord]:
        """The records decided here for these articles that Kafka has not acknowledged yet."""
        return [self._pending[a] for a in dict.fromkeys(article_ids) if a in self._pending]

    def acknowledge(self, article_ids: Iterable[str]) -> None:
        for article_id in article_ids:
            record = self._pending.pop(article_id, None)
            if record is not None and record.story_id is not None:
                self._closed.pop(record.story_id, None)

    def story_document(self, story_id: str) -> StoryDocument | None:
        """The `news.stories` event of a story: as it stands, or as it closed when it closed with
        records of its articles still pending (None for a story closed and published already)."""
        story = self.clusterer.story(story_id)
        return StoryDocument.model_validate(story.to_document()) if story else self._closed.get(story_id)

    def _closing(self, story: Story) -> None:
        # A batch whose arrivals span more than the window (a topic replayed from days back) can
        # close a story it just placed an article in: its document is kept until Kafka has the
        # batch, or the article would name a story that no document ever described.
        if self._deciding is None and not self._pending:
            return  # a replay: nothing of this story waits to be published
        # The article being placed is among the tracked ones already (and is pending, or about to be).
        if self._deciding in story.tracked or any(a in self._pending for a in story.tracked):
            self._closed[story.id] = StoryDocument.model_validate(story.to_document())

    def _remember(self, article_id: str, arrival: datetime, decision: Decision) -> None:
        if article_id not in self._known:
            heapq.heappush(self._by_arrival, (arrival, article_id))
        self._known[article_id] = decision
        self._latest = arrival if self._latest is None else max(self._latest, arrival)
        cutoff = self._latest - self._window
        while self._by_arrival and self._by_arrival[0][0] < cutoff:
            self._known.pop(heapq.heappop(self._by_arrival)[1], None)


def _fingerprint(draft: Any) -> Fingerprint:
    published, arrived, _ = article_times(draft)
    return fingerprint(draft.get("id"), draft.get("text") or "", published, title=draft.get("title") or "", arrived=arrived)


class StoryStateService:
    """The Kafka side of a `StoryState`: replay at first use, catch up before each batch, and
    publish (then wait for) each batch's records and story documents. Thread-safe."""

    def __init__(self, kafka: KafkaSettings, processor: ProcessorSettings) -> None:
        self._kafka = kafka
        self._processor = processor
        self._partition = TopicPartition(kafka.topics.stories_state, 0)
        self._timeout_s = kafka.request_timeout_ms / 1000
        self._lock = threading.RLock()
        self._consumer: KafkaConsumer | None = None
        self._producer: KafkaProducer | None = None
        self._state: StoryState | None = None
        self._failed_at: float | None = None
        self.story_steps = 0  # stories steps using this service: when any, they publish the records

    # --- what the steps call -------------------------------------------------------------------------------------

    def decide_duplicates(self, drafts: Sequence[Any]) -> list[Decision]:
        """Near-duplicate decisions for a batch (`processors.base.Draft`s), in its order."""
        if not drafts:
            return []
        with self._lock:
            state = self._caught_up()
            fingerprints = [_fingerprint(d) for d in drafts]
            decisions = [state.decide_duplicate(fp) for fp in fingerprints]
            if not self.story_steps:
                self._publish(state, [fp.article_id for fp in fingerprints])
            return decisions

    def decide_stories(self, drafts: Sequence[Any]) -> list[Decision]:
        """Story decisions for a batch whose duplicates are decided; publishes the batch's records."""
        if not drafts:
            return []
        with self._lock:
            state = self._state
            if state is None or not all(state.known(d.get("id")) for d in drafts):
                # Articles the duplicates step did not see just now: read what came in meanwhile.
                # Otherwise it has caught up for this very batch, and a second round trip buys nothing.
                state = self._caught_up()
            features = [features_from_draft(d) for d in drafts]
            decisions = [state.decide_story(f, duplicate_of=d.get("duplicate_of")) for f, d in zip(features, drafts, strict=True)]
            self._publish(state, [f.article_id for f in features])
            return decisions

    def state(self) -> StoryState:
        """The state, caught up with the topic (replayed first if need be)."""
        with self._lock:
            return self._caught_up()

    def close(self) -> None:
        with self._lock:
            self._close_clients()

    # --- Kafka -------------------------------------------------------------------------------------------------------

    def _caught_up(self) -> StoryState:
        if self._failed_at is not None and time.monotonic() - self._failed_at < RETRY_PAUSE_S:
            raise ServiceUnavailable("Kafka failed moments ago; the stories state waits before trying again", service="kafka")
        try:
            if self._consumer is None or self._producer is None:
                self._connect()
            if self._state is None:
                self._replay()
            else:
                self._read_to_end(self._state)
        except (KafkaError, ServiceUnavailable) as exc:
            raise self._failure("could not read the stories state", exc) from None
        self._failed_at = None
        return self._state

    def _connect(self) -> None:
        self._close_clients()
        self._producer = make_producer(self._kafka)
        self._consumer = KafkaConsumer(**client_config(self._kafka) | {
            "group_id": None, "enable_auto_commit": False, "auto_offset_reset": "earliest",
        })
        for topic in (self._partition.topic, self._kafka.topics.stories):
            if not self._consumer.partitions_for_topic(topic):
                # Waited for, like a broker down: the articles are never dropped for want of it.
                raise ServiceUnavailable(f"topic {topic} does not exist: run `newsflow setup`", service="kafka", topic=topic)
            # The producer learns where the topics live now rather than in the first batch's time.
            self._producer.partitions_for(topic)
        self._consumer.assign([self._partition])

    def _replay(self) -> None:
        started = time.monotonic()
        state = StoryState(self._processor)
        self._consumer.seek_to_beginning(self._partition)
        records = self._read_to_end(state)
        self._state = state
        log.info("stories state replayed topic=%s records=%d articles=%d stories=%d seconds=%.1f",
                 self._partition.topic, records, len(state), len(state.clusterer), time.monotonic() - started)

    def _read_to_end(self, state: StoryState) -> int:
        """Apply every record up to the topic's end as of now; returns how many were read."""
        tp, consumer = self._partition, self._consumer
        end = consumer.end_offsets([tp], timeout_ms=self._kafka.request_timeout_ms)[tp]
        read = 0
        deadline = time.monotonic() + self._timeout_s
        while consumer.position(tp, timeout_ms=self._kafka.request_timeout_ms) < end:
            batch = consumer.poll(timeout_ms=_POLL_MS, max_records=_MAX_RECORDS).get(tp, [])
            if batch:
                deadline = time.monotonic() + self._timeout_s  # progress: a long replay is no timeout
            elif time.monotonic() > deadline:
                raise ServiceUnavailable(f"no record of {tp.topic} came within {self._timeout_s:.0f}s", service="kafka")
            for record in batch:
                read += 1
                self._apply(state, record)
        return read

    def _apply(self, state: StoryState, record: Any) -> None:
        if record.value is None:
            return  # a tombstone: nothing to learn
        try:
            parsed = StateRecord.from_bytes(record.value)
        except ValueError as exc:
            log.warning("stories state: record skipped topic=%s offset=%d error=%s", record.topic, record.offset, exc)
            return
        state.apply(parsed)

    def _publish(self, state: StoryState, article_ids: list[str]) -> None:
        """Send the batch's new records and the stories they changed; return once Kafka has them."""
        records = state.pending(article_ids)
        if not records:
            return
        story_ids = dict.fromkeys(r.story_id for r in records if r.story_id)
        documents = [doc for doc in map(state.story_document, story_ids) if doc is not None]
        try:
            futures = [self._producer.send(self._partition.topic, key=r.article_id.encode(), value=r.to_bytes(),
                                           partition=self._partition.partition) for r in records]
            futures += [self._producer.send(self._kafka.topics.stories, key=doc.id.encode(), value=encode(doc))
                        for doc in documents]
            self._producer.flush(timeout=self._timeout_s)
            for future in futures:
                future.get(timeout=self._timeout_s)
        except KafkaError as exc:
            raise self._failure("Kafka did not acknowledge the stories state", exc) from None
        state.acknowledge(r.article_id for r in records)

    def _failure(self, what: str, exc: Exception) -> ServiceUnavailable:
        """Drop the state (it may hold decisions Kafka never got) and the clients: the next batch
        replays the topic with new ones."""
        log.warning("%s (%s: %s); the state will be replayed", what, type(exc).__name__, exc)
        self._state = None
        self._failed_at = time.monotonic()
        self._close_clients()
        return ServiceUnavailable(f"{what} ({type(exc).__name__}: {exc})", service="kafka")

    def _close_clients(self) -> None:
        consumer, producer = self._consumer, self._producer
        self._consumer = self._producer = None
        if consumer is not None:
            try:
                consumer.close()
            except KafkaError:
                log.warning("stories state consumer did not close cleanly", exc_info=True)
        if producer is not None:
            try:
                producer.close(timeout=5)
            except KafkaError:
                log.warning("stories state producer did not close cleanly", exc_info=True)


# --- one service per process, shared by the steps ----------------------------------------------------------------

_SHARED: dict[str, tuple[StoryStateService, int]] = {}
_SHARED_LOCK = threading.Lock()


def _key(kafka: KafkaSettings, processor: ProcessorSettings) -> str:
    return "|".join((kafka.model_dump_json(), processor.duplicates.model_dump_json(), processor.stories.model_dump_json()))


def acquire(kafka: KafkaSettings, processor: ProcessorSettings, *, stories: bool = False) -> StoryStateService:
    """The process's service for these settings, made at first use (it connects at its first
    batch). A stories step says so (`stories=True`): then it publishes the records."""
    key = _key(kafka, processor)
    with _SHARED_LOCK:
        service, users = _SHARED.get(key) or (StoryStateService(kafka, processor), 0)
        _SHARED[key] = (service, users + 1)
        if stories:
            service.story_steps += 1
    return service


def warm_up() -> None:
    """Replay every service's state now. Called when a worker starts, before it joins its consumer
    group: a replay in the first batch could outlast the group's poll interval (max_poll_interval_ms)
    once the topic holds days of articles. If Kafka is not reachable yet, the first batch replays."""
    with _SHARED_LOCK:
        services = [service for service, _ in _SHARED.values()]
    for service in services:
        try:
            service.state()
        except ServiceUnavailable as exc:
            log.warning("stories state not replayed at start (%s); the first batch will", exc)


def release(service: StoryStateService, *, stories: bool = False) -> None:
    """Give back what `acquire` gave; the last user closes the consumer and producer."""
    with _SHARED_LOCK:
        key = next((k for k, (s, _) in _SHARED.items() if s is service), None)
        if key is None:
            return
        users = _SHARED[key][1] - 1
        if stories:
            service.story_steps -= 1
        if users > 0:
            _SHARED[key] = (service, users)
            return
        del _SHARED[key]
    service.close()
