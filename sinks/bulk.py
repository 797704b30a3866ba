"""What every Elasticsearch sink does with a bulk request: send it, then sort its outcome.

- The request cannot be sent, or the cluster refuses it as a whole (overload, auth):
  `ServiceUnavailable`, so the worker pauses and retries the batch.
- The cluster answers 400 for the whole request: one item made it invalid (an over-long `_id`,
  an unparseable value). The batch is halved until that item is found; the rest is delivered
  and only it is rejected. Without this, one such message would block its partition forever.
- Per item: 2xx done; 409 is a write the index already holds (a replay, an older version);
  429/5xx or a missing index retry the batch; anything else rejects that item (dead letter).
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections import Counter
from typing import Any

from elasticsearch.exceptions import ApiError

from newsflow.errors import DeadLetter, ServiceUnavailable
from newsflow.index.indices import TRANSIENT_ERRORS
from newsflow.runtime.deadletter import Rejected
from sinks.base import Write

__all__ = ["BulkSink"]

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


class BulkSink(ABC):
    """`deliver` for a sink whose subclass says how to send a bulk and how to name its outcomes."""

    target: str  # the index or alias written to, for messages
    url: str  # the cluster, credentials redacted
    done_outcome = "indexed"  # what a 2xx item is counted as
    conflict_outcome = "superseded"  # ...and a 409

    @abstractmethod
    def send(self, writes: list[Write]) -> list[dict[str, Any]]:
        """Send one bulk request; return each item's result (status, error), in order."""

    def summarise(self, outcomes: Counter[str]) -> None:
        """Log (and count) what one bulk did: one key=value line."""
        log.info("bulk target=%s %s", self.target, " ".join(f"{k}={v}" for k, v in sorted(outcomes.items())) or "empty")

    def deliver(self, writes: list[Write]) -> list[Rejected]:
        if not writes:
            return []
        try:
            results = self.send(writes)
        except TRANSIENT_ERRORS as exc:
            raise ServiceUnavailable(f"Elasticsearch is not reachable at {self.url} ({type(exc).__name__})",
                                     service="elasticsearch") from None
        except ApiError as exc:
            if exc.meta.status == 400:
                return self._isolate_invalid(writes, exc)
            # Nothing in the request is the documents' fault: pause and retry, never dead-letter.
            raise ServiceUnavailable(
                f"Elasticsearch refused the bulk request: HTTP {exc.meta.status} {exc.message}", service="elasticsearch"
            ) from None
        return self._classify(writes, results)

    def _isolate_invalid(self, writes: list[Write], exc: ApiError) -> list[Rejected]:
        if len(writes) == 1:
            detail = exc.body.get("error", {}).get("reason", "") if isinstance(exc.body, dict) else str(exc.body)
            if len(detail) > 300:  # the cause is often at the end, after the offending value
                detail = f"{detail[:120]}…{detail[-160:]}"
            message = f"Elasticsearch refused the request ({exc.message}): {detail}"
            return [Rejected(writes[0].record, DeadLetter(message, reason="request-rejected"))]
        middle = len(writes) // 2
        return self.deliver(writes[:middle]) + self.deliver(writes[middle:])

    def _classify(self, writes: list[Write], results: list[dict[str, Any]]) -> list[Rejected]:
        outcomes: Counter[str] = Counter()
        rejected: list[Rejected] = []
        for write, result in zip(writes, results, strict=True):
            status, error = result.get("status", 0), result.get("error") or {}
            if 200 <= status < 300:
                outcomes[self.done_outcome] += 1
            elif status == 409:
                outcomes[self.conflict_outcome] += 1
            elif status in RETRYABLE_STATUS or error.get("type") == "index_not_found_exception":
                raise ServiceUnavailable(
                    f"Elasticsearch cannot take the write now (status {status}, {error.get('type', '?')}: "
                    f"{error.get('reason', '')[:160]}); if {self.target!r} is missing, run `newsflow setup`",
                    service="elasticsearch",
                )
            else:
                outcomes["rejected"] += 1
                reason = "mapping-error" if status == 400 else f"http-{status}"
                message = f"{error.get('type', 'error')}: {error.get('reason', '')}"
                rejected.append(Rejected(write.record, DeadLetter(message, reason=reason)))
        self.summarise(outcomes)
        return rejected
