"""The processor worker: enriches ``news.raw`` into ``news.enriched``, live or as a reprocess.

`EnrichHandler` is the `newsflow.runtime.worker.BatchHandler` of both: `prepare` decodes and runs the
chain (CPU), `deliver` produces and waits for Kafka's acknowledgement (and, live, runs the stateful
steps first, overlapped with the next batch's preparation). `TopicRange` is what a
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

from newsflow.contract.schema import MAX_EVENT_BYTES, EnrichedArticle, decode_raw, encode
from newsflow.errors import DeadLetter, NewsflowError, ServiceUnavailable
from newsflow.runtime.deadletter import Producer, Rejected
from processors.base import Chain, Draft

__all__ = ["EnrichHandler", "Enriched", "TopicRange", "automatic_revision"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Enriched:
    record: ConsumerRecord
    payload: bytes
    article_id: str


@dataclass(frozen=True)
class Prepared:
    """A batch after `prepare`: articles enriched and encoded, and (when the stateful steps
    overlap the next batch) drafts still to go through those steps in `deliver`."""

    enriched: list[Enriched]
    halfway: list[tuple[ConsumerRecord, Draft]]
    processed_at: datetime


class EnrichHandler:
    """`prepare` runs the chain (CPU); `deliver` produces and waits for Kafka's acknowledgement.

    `overlap`: the chain's stateful steps (the duplicates and stories steps, which wait on
    Elasticsearch more than they compute: `Chain.stateful_from`) run in `deliver` instead, which
    the pipelined worker runs in the background while it prepares the next batch, so their round
    trips overlap the next batch's NER. Batches still go through them one after the other, in order.

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
        overlap: bool = False,
    ) -> None:
        self._chain = chain
        self._producer = producer
        self._topic = topic
        self._revision = revision
        self._clock = clock
        self._split = chain.stateful_from() if overlap else len(chain.steps)

    def prepare(self, records: list[ConsumerRecord]) -> tuple[Prepared, list[Rejected]]:
        rejected: list[Rejected] = []
        valid: list[tuple[ConsumerRecord, Draft]] = []
        for record in records:
            try:
                valid.append((record, Draft(decode_raw(record.value), {})))
            except DeadLetter as err:
                rejected.append(Rejected(record, err))
        now = self._clock()
        halfway, failed = self._run(valid, 0, self._split)
        rejected.extend(failed)
        if self._split < len(self._chain.steps):
            return Prepared([], halfway, now), rejected
        enriched, refused = self._encoded(halfway, now)
        return Prepared(enriched, [], now), rejected + refused

    def _encoded(self, done: list[tuple[ConsumerRecord, Draft]], now: datetime) -> tuple[list[Enriched], list[Rejected]]:
        articles = self._chain.finish([d for _, d in done], now)
        out: list[Enriched] = []
        rejected: list[Rejected] = []
        for (record, _), article in zip(done, articles, strict=True):
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

    def _run(self, pairs: list[tuple[ConsumerRecord, Draft]], start: int, stop: int | None):
        """Run steps[start:stop] over the batch; if it fails, one by one so a single poison article is isolated."""
        if not pairs or start == stop:
            return pairs, []
        try:
            drafts = self._chain.run([d for _, d in pairs], start, stop)
            return list(zip((r for r, _ in pairs), drafts, strict=True)), []
        except ServiceUnavailable:
            raise  # a step's service (the stories state in Elasticsearch) is down: the worker pauses and retries
        except Exception:  # noqa: BLE001 - any failure inside a model: isolate the culprit below
            log.warning("batch enrichment failed; retrying the %d articles one by one", len(pairs), exc_info=True)
        done: list[tuple[ConsumerRecord, Draft]] = []
        failed: list[Rejected] = []
        for record, draft in pairs:
            try:
                done.append((record, self._chain.run([draft], start, stop)[0]))
            except ServiceUnavailable:
                raise
            except Exception as exc:  # noqa: BLE001
                failed.append(Rejected(record, DeadLetter(f"enrichment failed: {type(exc).__name__}: {exc}", reason="enrichment-failed")))
        return done, failed

    def deliver(self, prepared: Prepared) -> list[Rejected]:
        rejected: list[Rejected] = []
        enriched = prepared.enriched
        if prepared.halfway:
            done, rejected = self._run(prepared.halfway, self._split, None)
            finished, refused = self._encoded(done, prepared.processed_at)
            enriched, rejected = enriched + finished, rejected + refused
        try:
            # send() itself raises when Kafka is unreachable (no metadata) or a transaction failed.
            futures = [self._producer.send(self._topic, key=e.article_id.encode(), value=e.payload) for e in enriched]
            self._producer.flush(timeout=60)
            for future in futures:
                future.get(timeout=30)
        except KafkaError as exc:
            raise ServiceUnavailable(f"Kafka did not acknowledge enriched articles ({type(exc).__name__})", service="kafka") from None
        return rejected


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
