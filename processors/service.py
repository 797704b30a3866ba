"""The processor worker: a consumer-group member that enriches ``news.raw`` into ``news.enriched``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kafka import KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError

from newsflow.deadletter import Rejected
from newsflow.errors import DeadLetter, ServiceUnavailable
from newsflow.schema import MAX_EVENT_BYTES, EnrichedArticle, RawArticle, decode_raw, encode
from processors.base import Chain

__all__ = ["EnrichHandler"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Enriched:
    record: ConsumerRecord
    payload: bytes
    article_id: str


class EnrichHandler:
    """`prepare` runs the chain (CPU); `deliver` produces and waits for Kafka's acknowledgement."""

    def __init__(
        self,
        *,
        chain: Chain,
        producer: KafkaProducer,
        topic: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._chain = chain
        self._producer = producer
        self._topic = topic
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
            payload = encode(article)
            if len(payload) > MAX_EVENT_BYTES:
                rejected.append(Rejected(record, DeadLetter(f"enriched article is {len(payload)} bytes", reason="oversize")))
                continue
            out.append(Enriched(record, payload, article.id))
        return out, rejected

    def _enrich(self, valid: list[tuple[ConsumerRecord, RawArticle]]):
        """Enrich the batch; if it fails, enrich one by one so a single poison article is isolated."""
        if not valid:
            return [], []
        now = self._clock()
        try:
            articles = self._chain.enrich([a for _, a in valid], now)
            return list(zip((r for r, _ in valid), articles, strict=True)), []
        except Exception:  # noqa: BLE001 - any failure inside a model: isolate the culprit below
            log.warning("batch enrichment failed; retrying the %d articles one by one", len(valid), exc_info=True)
        done: list[tuple[ConsumerRecord, EnrichedArticle]] = []
        failed: list[Rejected] = []
        for record, article in valid:
            try:
                done.append((record, self._chain.enrich([article], now)[0]))
            except Exception as exc:  # noqa: BLE001
                failed.append(Rejected(record, DeadLetter(f"enrichment failed: {type(exc).__name__}: {exc}", reason="enrichment-failed")))
        return done, failed

    def deliver(self, prepared: list[Enriched]) -> list[Rejected]:
        futures = [self._producer.send(self._topic, key=e.article_id.encode(), value=e.payload) for e in prepared]
        try:
            self._producer.flush(timeout=60)
            for future in futures:
                future.get(timeout=30)
        except KafkaError as exc:
            raise ServiceUnavailable(f"Kafka did not acknowledge enriched articles ({type(exc).__name__})", service="kafka") from None
        return []
