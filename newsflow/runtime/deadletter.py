"""The dead-letter topic: messages that can never succeed, with headers saying why and from where."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Protocol

from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError

from newsflow.errors import DeadLetter, ServiceUnavailable
from newsflow.runtime.metrics import DEAD_LETTERS

__all__ = ["DeadLetterQueue", "Producer", "Rejected"]

log = logging.getLogger(__name__)

# A dead letter carries its original message, but the headers must fit beside it under Kafka's
# ~1 MB message limit: a message near that limit would otherwise never leave the worker.
MAX_KEPT_VALUE_BYTES = 900_000


class Producer(Protocol):
    """What stages produce through: a KafkaProducer, or newsflow.runtime.worker.TransactionalProducer."""

    def send(self, topic: str, **kwargs: Any) -> Any: ...

    def flush(self, timeout: float | None = None) -> None: ...


@dataclass(frozen=True)
class Rejected:
    """A consumed record and the reason it can never be processed."""

    record: ConsumerRecord
    error: DeadLetter


class DeadLetterQueue:
    def __init__(self, producer: Producer, topic: str, stage: str) -> None:
        self._producer = producer
        self._topic = topic
        self._stage = stage

    def headers(self, rejected: Rejected) -> list[tuple[str, bytes]]:
        rec, err = rejected.record, rejected.error
        fields = {
            "stage": self._stage,
            "reason": err.reason,
            "error": str(err)[:2000],
            "error_code": err.code,
            "origin_topic": rec.topic,
            "origin_partition": str(rec.partition),
            "origin_offset": str(rec.offset),
            "failed_at_ms": str(int(time.time() * 1000)),
        }
        if rec.value is not None and len(rec.value) > MAX_KEPT_VALUE_BYTES:
            fields["value_truncated_from"] = str(len(rec.value))
        return [(f"newsflow.{k}", v.encode("utf-8")) for k, v in fields.items()]

    def send(self, rejected: list[Rejected]) -> None:
        """Publish and wait for the acknowledgement; raises ServiceUnavailable if Kafka is down.

        Inside a transaction the acknowledgement means "written, pending the commit"."""
        if not rejected:
            return
        try:
            # send() itself fails when Kafka is unreachable (no metadata) or a transaction failed.
            futures = [
                self._producer.send(self._topic, key=r.record.key, value=_kept_value(r.record), headers=self.headers(r))
                for r in rejected
            ]
            self._producer.flush()
            for future in futures:
                future.get(timeout=30)
        except KafkaError as exc:
            raise ServiceUnavailable(f"dead-letter publish failed ({type(exc).__name__})", service="kafka") from None
        for r in rejected:
            DEAD_LETTERS.labels(self._stage, r.error.reason).inc()
            log.warning(
                "dead-lettered stage=%s reason=%s origin=%s/%d@%d error=%s",
                self._stage, r.error.reason, r.record.topic, r.record.partition, r.record.offset, r.error,
            )


def _kept_value(record: ConsumerRecord) -> bytes | None:
    value = record.value
    return value[:MAX_KEPT_VALUE_BYTES] if value is not None and len(value) > MAX_KEPT_VALUE_BYTES else value
