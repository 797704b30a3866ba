"""The sink contract: a batch in, each record either written, superseded or rejected.

A sink is a `newsflow.runtime.worker.BatchHandler`: `prepare` turns records into writes (bad records
become `Rejected`), `deliver` writes them and returns only after the store acknowledged, raising
`ServiceUnavailable` when the store is down. Writes must be idempotent: the worker retries whole
batches, and after a crash Kafka redelivers what was not committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kafka.consumer.fetcher import ConsumerRecord

__all__ = ["Write"]


@dataclass(frozen=True)
class Write:
    """One document to write, with the record it came from (for dead-letter headers).

    `document` is what the bulk request carries: a dict, or its JSON already encoded (bytes),
    which the bulk serializer passes through as it is."""

    record: ConsumerRecord
    doc_id: str
    version: int
    document: dict[str, Any] | bytes
