"""The processor worker: enriches ``news.raw`` into ``news.enriched``, live or as a reprocess.

`EnrichHandler` is the `newsflow.runtime.worker.BatchHandler` of both: `prepare` decodes and runs the
chain (CPU), `deliver` produces and waits for Kafka's acknowledgement. `TopicRange` is what a
reprocess consumes instead of a consumer group: a fixed range of offsets, read once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError

from newsflow.contract.schema import MAX_EVENT_BYTES, EnrichedArticle, RawArticle, decode_raw, encode
from newsflow.errors import DeadLetter, NewsflowError, ServiceUnavailable
from newsflow.runtime.deadletter import Producer, Rejected
from processors.base import Chain

__all__ = ["EnrichHandler", "Enriched", "TopicRange", "automatic_revision"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Enriched:
    record: ConsumerRecord
    payload: bytes
    article_id: str


class EnrichHandler:
    """`prepare` runs the chain (CPU); `deliver` produces and waits for Kafka's acknowledgement.

    `revision` is stamped on every article's provenance: 0 live, higher when reprocessing, so the
    sink lets a re-enrichment replace the earlier one of the same article version.
    """

    def __init__(
        self,
        *,
        chain: Chain,
        producer: Producer,
        topic: str,
        revision: int = 0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._chain = chain
        self._producer = producer
        self._topic = topic
        self._revision = revision
        self._clock = clock

    def prepare(self, records: list[ConsumerRecord]) -> tuple[list[Enriched], list[Rejected]]:
        rejected: list[Rejected] = []
        valid: list[tuple[ConsumerRecord, RawArticle]] = []
        for record in records:
            try:
                valid.append((record, decode_raw(record.value)))
            except DeadLetter as err:
                rejected.append(Rejected(record, err))
        enriched, failed = self._enrich(valid)
        rejected.extend(failed)
        out: list[Enriched] = []
        for record, article in enriched:
            payload = encode(self._stamped(article))
            if len(payload) > MAX_EVENT_BYTES:
                rejected.append(Rejected(record, DeadLetter(f"enriched article is {len(payload)} bytes", reason="oversize")))
                continue
            out.append(Enriched(record, payload, article.id))
        return out, rejected

    def _stamped(self, article: EnrichedArticle) -> EnrichedArticle:
        if not self._revision:
            return article
        return article.model_copy(update={"enrichment": article.enrichment.model_copy(update={"revision": self._revision})})

    def _enrich(self, valid: list[tuple[ConsumerRecord, RawArticle]]):
        """Enrich the batch; if it fails, enrich one by one so a single poison article is isolated."""
        if not valid:
            return [], []
        now = self._clock()
        try:
            articles = self._chain.enrich([a for _, a in valid], now)
            return list(zip((r for r, _ in valid), articles, strict=True)), []
        except ServiceUnavailable:
            raise  # a step's service (the stories state in Kafka) is down: the worker pauses and retries
        except Exception:  # noqa: BLE001 - any failure inside a model: isolate the culprit below
            log.warning("batch enrichment failed; retrying the %d articles one by one", len(valid), exc_info=True)
        done: list[tuple[ConsumerRecord, EnrichedArticle]] = []
        failed: list[Rejected] = []
        for record, article in valid:
            try:
                done.append((record, self._chain.enrich([article], now)[0]))
            except ServiceUnavailable:
                raise
            except Exception as exc:  # noqa: BLE001
                failed.append(Rejected(record, DeadLetter(f"enrichment failed: {type(exc).__name__}: {exc}", reason="enrichment-failed")))
        return done, failed

    def deliver(self, prepared: list[Enriched]) -> list[Rejected]:
        try:
            # send() itself raises when Kafka is unreachable (no metadata) or a transaction failed.
            futures = [self._producer.send(self._topic, key=e.article_id.encode(), value=e.payload) for e in prepared]
            self._producer.flush(timeout=60)
            for future in futures:
                future.get(timeout=30)
        except KafkaError as exc:
            raise ServiceUnavailable(f"Kafka did not acknowledge enriched articles ({type(exc).__name__})", service="kafka") from None
        return []


Offsets = dict[TopicPartition, int]

REVISION_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


def automatic_revision(now: datetime) -> int:
    """The enrichment revision of a reprocess started at `now`: hours since 2025-01-01 UTC.

    It grows with every reprocess started in a later hour with nothing to remember between runs,
    and stays under the schema's bound (1,000,000) until 2139. A second reprocess within the same
    hour needs an explicit, higher revision.
    """
    return max(1, int((now - REVISION_EPOCH).total_seconds() // 3600))


class TopicRange:
    """Every partition of a topic read once, from start offsets up to the end offsets it saw when
    it opened; records produced later are left to the live consumers.

    No consumer group: nothing is committed, and it stands in for the group consumer of a
    `BatchWorker` (whatever it does not override goes to the underlying consumer).
    """

    def __init__(self, consumer: KafkaConsumer, start: Offsets, end: Offsets) -> None:
        self._consumer = consumer
        self.start, self.end = start, end
        consumer.assign(list(end))
        for tp, offset in start.items():
            consumer.seek(tp, offset)
        self._pending = {tp for tp in end if start[tp] < end[tp]}
        consumer.pause(*(set(end) - self._pending))

    @classmethod
    def open(cls, consumer: KafkaConsumer, topic: str, *, since: datetime | None = None) -> TopicRange:
        """The range of `topic` from its oldest retained record (or the first at or after `since`)
        to its current end."""
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        if not partitions:
            raise NewsflowError(f"topic {topic} does not exist: run `newsflow setup`")
        end = consumer.end_offsets(partitions)
        if since is None:
            start = consumer.beginning_offsets(partitions)
        else:
            found = consumer.offsets_for_times({tp: int(since.timestamp() * 1000) for tp in partitions})
            start = {tp: found[tp].offset if found.get(tp) is not None else end[tp] for tp in partitions}
        return cls(consumer, start, end)

    @property
    def total(self) -> int:
        return sum(self.end[tp] - self.start[tp] for tp in self.end)

    def finished(self) -> bool:
        # Past the end without a record to show for it (control records, a compacted gap).
        for tp in list(self._pending):
            if self._consumer.position(tp) >= self.end[tp]:
                self._finish(tp)
        return not self._pending

    def _finish(self, tp: TopicPartition) -> None:
        self._pending.discard(tp)
        self._consumer.pause(tp)

    def poll(self, timeout_ms: int = 0, max_records: int | None = None) -> dict[TopicPartition, list[ConsumerRecord]]:
        batches = self._consumer.poll(timeout_ms=timeout_ms, max_records=max_records)
        kept: dict[TopicPartition, list[ConsumerRecord]] = {}
        for tp, records in batches.items():
            inside = [r for r in records if r.offset < self.end[tp]]
            if inside:
                kept[tp] = inside
            if len(inside) < len(records) or (inside and inside[-1].offset + 1 >= self.end[tp]):
                self._finish(tp)
        return kept

    def resume(self, *partitions: TopicPartition) -> None:
        # The worker resumes everything after a back-off; finished partitions stay paused.
        self._consumer.resume(*(tp for tp in partitions if tp in self._pending))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._consumer, name)
