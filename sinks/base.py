"""The sink contract: a batch in, each record either written, superseded or rejected.

A sink is a `newsflow.runtime.worker.BatchHandler` over `Write`s: `prepare` turns records into
writes (a record that can never be written becomes `Rejected`), `deliver` writes them and returns
only after the store acknowledged, raising `ServiceUnavailable` when the store is down. Of what
is delivered, each write ends up written, superseded (the store already holds it or something
newer: done, nothing to change) or rejected (dead-lettered). Writes must be idempotent: the
worker retries whole batches, and after a crash Kafka redelivers what was not committed.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from kafka.consumer.fetcher import ConsumerRecord

from newsflow.runtime.deadletter import Rejected
from newsflow.runtime.worker import BatchHandler

__all__ = ["Sink", "Write"]


@dataclass(frozen=True)
class Write:
    """One document to write, with the record it came from (for dead-letter headers).

    `document` is what the bulk request carries: a dict, or its JSON already encoded (bytes),
    which is sent as it is. `version` orders two writes of one `doc_id`."""

    record: ConsumerRecord
    doc_id: str
    version: int
    document: dict[str, Any] | bytes


class Sink(BatchHandler[list[Write]], ABC):
    """What the batch worker drives: records in, writes out, each acknowledged or rejected."""

    @abstractmethod
    def prepare(self, records: list[ConsumerRecord]) -> tuple[list[Write], list[Rejected]]:
        """Decode a batch into writes; records that can never be written come back `Rejected`."""

    @abstractmethod
    def deliver(self, prepared: list[Write]) -> list[Rejected]:
        """Write them, and return once the store acknowledged, with the writes it refused for good.

        Raises `ServiceUnavailable` when the store cannot take them now: the whole batch is retried."""
