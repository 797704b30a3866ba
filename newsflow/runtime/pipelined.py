"""`PipelinedBatchWorker`: the `BatchWorker` loop with delivery overlapped with preparation.

While batch N is delivered in a background thread, batch N+1 is collected and prepared; N is
still dead-lettered and committed on the worker's thread, only after its delivery returned
(`AtLeastOnce` from `newsflow.runtime.worker`, unchanged). Transactions need the plain
`BatchWorker`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from kafka.consumer.fetcher import ConsumerRecord

from newsflow.runtime.deadletter import Rejected
from newsflow.runtime.worker import AtLeastOnce, BatchWorker

__all__ = ["PipelinedBatchWorker"]

P = TypeVar("P")


@dataclass
class _InFlight(Generic[P]):
    """A batch whose first delivery attempt runs in the background."""

    records: list[ConsumerRecord]
    started: float
    prepared: P
    rejected: list[Rejected]
    attempt: Future[list[Rejected]] | None


IN_FLIGHT_POLL_MS = 50


class PipelinedBatchWorker(BatchWorker[P]):
    """A `BatchWorker` that delivers batch N in a background thread while it collects and
    prepares batch N+1, so that the next hop's work (Elasticsearch indexing a bulk) overlaps ours
    (decoding the next one) on a machine with more than one core.

    Acknowledgement does not change: batch N is dead-lettered and committed, on this thread, only
    after its delivery returned, and batch N+1 is sent only after that return (while N's dead
    letters and commit go out), so writes keep their order. If the background attempt fails
    (`ServiceUnavailable`), N is retried here with the usual pause and backoff while N+1 waits.
    A stop finishes the batch in flight; the one prepared behind it is not committed and will be
    consumed again.

    At-least-once only: a `Transactional` batch must be consumed, delivered and committed in one
    transaction, and a fenced one rewinds the consumer to its start, behind which N+1 was read.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(self._delivery, AtLeastOnce):
            raise TypeError("PipelinedBatchWorker delivers at least once; use BatchWorker for transactions")

    def run(self, *, until: Callable[[], bool] = lambda: False) -> None:
        in_flight: _InFlight[P] | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{self.stage}-deliver") as executor:
            while not self._stop and not until():
                # With a batch in flight, a quiet stream must not hold back its commit.
                records = self._collect(IN_FLIGHT_POLL_MS if in_flight is not None else None)
                started = time.monotonic()
                done = self._prepare(records) if records else None
                following: list[_InFlight[P]] = []

                def deliver_next(records=records, started=started, done=done, following=following) -> None:
                    if done is not None and not self._stop:
                        prepared, rejected = done
                        following.append(_InFlight(records, started, prepared, rejected,
                                                   executor.submit(self._handler.deliver, prepared)))

                if in_flight is None:
                    deliver_next()
                else:
                    # The next batch goes out as soon as this one is acknowledged, before this
                    # one's dead letters and commit, so that Elasticsearch is not left idle.
                    self._finish(in_flight, on_acknowledged=deliver_next)
                in_flight = following[0] if following else None
            # Stopped: finish the batch in flight. (After an exception it is left uncommitted, to
            # be consumed again: the at-least-once side of not knowing.)
            if in_flight is not None:
                self._finish(in_flight, on_acknowledged=lambda: None)

    def _finish(self, batch: _InFlight[P], *, on_acknowledged: Callable[[], None]) -> None:
        def deliver() -> list[Rejected]:
            # The background attempt's result (or its ServiceUnavailable, which starts the usual
            # retries); every retry after it delivers again on this thread.
            attempt, batch.attempt = batch.attempt, None
            refused = attempt.result() if attempt is not None else self._handler.deliver(batch.prepared)
            on_acknowledged()
            return refused

        self._complete(batch.records, batch.started, deliver, batch.rejected)
