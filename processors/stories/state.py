"""The near-duplicate and story state of a processor worker: shared, in Elasticsearch (issue 18).

`StoryStateService`, one per worker process and shared by the steps of
processors/stories/steps.py (`acquire`/`release`), joins three parts:
- the store, `processors/stories/es_store.ElasticsearchStore` on `elasticsearch.stories_state_index`,
  where every decision is written before the step returns;
- a `StoryDecider` (processors/stories/decider.py), which decides with what the store answers and
  keeps only a bounded vocabulary in memory;
- an idempotent Kafka producer that publishes each story the batch changed as a `StoryDocument`
  (to `news.stories`, keyed by story id), for the sink to index; acknowledged before the step returns.

Nothing is replayed at start: a worker warms its vocabulary with one paged search and is ready.
When Elasticsearch or Kafka fails, the step raises `ServiceUnavailable` and the batch is retried
later (processors/service.py): decisions already written stay, and an article decided before gets
its recorded decision again, its story published again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from elasticsearch import ApiError
from kafka import KafkaProducer
from kafka.errors import KafkaError

from newsflow.contract.schema import StoryDocument, encode
from newsflow.errors import ServiceUnavailable
from newsflow.index.indices import TRANSIENT_ERRORS, ensure_stories_state_index, make_client, unavailable
from newsflow.runtime.kafka import close_producer, make_producer
from newsflow.settings import ElasticsearchSettings, KafkaSettings, ProcessorSettings
from processors.stories.clustering import Story
from processors.stories.decider import StoryDecider
from processors.stories.es_store import ElasticsearchStore
from processors.stories.features import article_times, features_from_draft
from processors.stories.neardup import Fingerprint, fingerprint
from processors.stories.store import Decision

__all__ = ["StoryStateService", "acquire", "release", "warm_up"]

log = logging.getLogger(__name__)

# After a failure, calls fail at once for this long: the chain may be run again article by article
# right away (processors/service.py isolates poison that way), and each attempt waiting for the
# request timeout would hold the worker for minutes.
RETRY_PAUSE_S = 5.0
EXPIRE_EVERY_S = 300.0  # how often a worker deletes (a page of) what left the windows, in the background


def draft_fingerprint(draft: Any) -> Fingerprint:
    published, arrived, _ = article_times(draft)
    return fingerprint(draft.get("id"), draft.get("text") or "", published, title=draft.get("title") or "", arrived=arrived)


class StoryStateService:
    """The store, the decider and the story publisher of one worker process. Thread-safe."""

    def __init__(self, kafka: KafkaSettings, elasticsearch: ElasticsearchSettings, processor: ProcessorSettings) -> None:
        self._kafka = kafka
        self._es = elasticsearch
        self._processor = processor
        self._timeout_s = kafka.request_timeout_ms / 1000
        self._lock = threading.RLock()
        self._producer: KafkaProducer | None = None
        self._decider: StoryDecider | None = None
        self._failed_at: float | None = None
        self._expired_at = 0.0
        self._expiring: threading.Thread | None = None
        self.story_steps = 0  # stories steps using this service: when any, they write the records

    # --- what the steps call -------------------------------------------------------------------------------------

    def decide_duplicates(self, drafts: Sequence[Any]) -> list[Decision]:
        """Near-duplicate decisions for a batch (`processors.base.Draft`s), in its order."""
        if not drafts:
            return []
        with self._lock:
            decider = self._ready()
            fingerprints = [draft_fingerprint(d) for d in drafts]
            return self._guarded(lambda: decider.decide_duplicates(fingerprints, save=not self.story_steps))

    def decide_stories(self, drafts: Sequence[Any]) -> list[Decision]:
        """Story decisions for a batch whose duplicates are decided; publishes the stories it changed."""
        if not drafts:
            return []
        with self._lock:
            decider = self._ready()
            batch = [(features_from_draft(d), d.get("duplicate_of")) for d in drafts]
            decisions, stories = self._guarded(lambda: decider.decide_stories(batch))
            self._publish(stories)
            self._expire_now_and_then(decider)
            return decisions

    def warm_up(self) -> None:
        with self._lock:
            self._ready()

    def close(self) -> None:
        with self._lock:
            self._close_producer()
            self._decider = None

    # --- connections -----------------------------------------------------------------------------------------------

    def _ready(self) -> StoryDecider:
        if self._failed_at is not None and time.monotonic() - self._failed_at < RETRY_PAUSE_S:
            raise ServiceUnavailable("the stories state failed moments ago; it waits before trying again", service="elasticsearch")
        if self._decider is None:
            self._decider = self._guarded(self._connect)
        if self._producer is None:
            try:
                self._producer = make_producer(self._kafka)
                self._producer.partitions_for(self._kafka.topics.stories)
            except KafkaError as exc:
                raise self._failure("could not reach Kafka for the stories", exc, service="kafka") from None
        self._failed_at = None
        return self._decider

    def _connect(self) -> StoryDecider:
        started = time.monotonic()
        client = make_client(self._es, fast_json=True)
        try:
            # `newsflow setup` makes the index and owns its template and mapping: a processor creates
            # it only when missing (a local run), so where it exists the processor's role needs no
            # index-template or mapping privilege (newsflow/index/security.py).
            if not client.indices.exists(index=self._es.stories_state_index):
                ensure_stories_state_index(client, self._es)
        except TRANSIENT_ERRORS as exc:
            raise unavailable(self._es, exc) from None
        except ApiError as exc:  # a missing privilege, a red cluster: waited out, with the reason
            raise ServiceUnavailable(f"could not create {self._es.stories_state_index} ({exc.meta.status}: {str(exc)[:200]})",
                                     service="elasticsearch") from None
        store = ElasticsearchStore(client, self._es.stories_state_index,
                                   cached_articles=self._processor.duplicates.cached_articles,
                                   cached_stories=self._processor.stories.cached_stories)
        decider = StoryDecider(store, self._processor)
        warmed = decider.warm_up()
        log.info("stories state ready index=%s vocabulary=%d seconds=%.1f", self._es.stories_state_index, warmed,
                 time.monotonic() - started)
        return decider

    def _guarded(self, call: Any) -> Any:
        try:
            return call()
        except ServiceUnavailable as exc:
            if self._decider is not None:
                self._decider.forget_batch()
            self._failed_at = time.monotonic()
            log.warning("stories state unavailable (%s); the batch will be retried", exc)
            raise

    def _publish(self, stories: list[Story]) -> None:
        documents = [StoryDocument.model_validate(s.to_document()) for s in stories]
        if not documents:
            return
        try:
            futures = [self._producer.send(self._kafka.topics.stories, key=doc.id.encode(), value=encode(doc)) for doc in documents]
            self._producer.flush(timeout=self._timeout_s)
            for future in futures:
                future.get(timeout=self._timeout_s)
        except KafkaError as exc:
            raise self._failure("Kafka did not acknowledge the stories", exc, service="kafka") from None

    def _expire_now_and_then(self, decider: StoryDecider) -> None:
        """Delete a page of what left both windows, in a background thread: never in a batch's time.
        A page every few minutes outpaces any feed list (5,000 every 5 minutes: 1.4 million a day)."""
        latest = decider.latest
        busy = self._expiring is not None and self._expiring.is_alive()
        if latest is None or busy or time.monotonic() - self._expired_at < EXPIRE_EVERY_S:
            return
        self._expired_at = time.monotonic()
        d, s = self._processor.duplicates, self._processor.stories
        before = latest - max(timedelta(days=d.window_days), timedelta(hours=s.window_hours))
        self._expiring = threading.Thread(target=_expire, args=(decider.store, before), name="stories-expiry", daemon=True)
        self._expiring.start()

    def _failure(self, what: str, exc: Exception, *, service: str) -> ServiceUnavailable:
        log.warning("%s (%s: %s); the batch will be retried", what, type(exc).__name__, exc)
        if self._decider is not None:
            self._decider.forget_batch()
        self._failed_at = time.monotonic()
        if service == "kafka":
            self._close_producer()
        return ServiceUnavailable(f"{what} ({type(exc).__name__}: {exc})", service=service)

    def _close_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            try:
                close_producer(producer, timeout=5)
            except KafkaError as exc:  # Kafka gone: what it held is sent again with the batch, retried
                log.warning("stories producer did not close cleanly (%s: %s)", type(exc).__name__, exc)


def _expire(store: Any, before: Any) -> None:
    try:
        deleted = store.expire(before, pages=1)
        log.info("stories state expired before=%s deleted=%d", before.isoformat(), deleted)
    except ServiceUnavailable as exc:
        log.warning("stories state: what left the window was not deleted this time (%s)", exc)


# --- one service per process, shared by the steps ----------------------------------------------------------------

_SHARED: dict[str, tuple[StoryStateService, int]] = {}
_SHARED_LOCK = threading.Lock()


def _key(kafka: KafkaSettings, elasticsearch: ElasticsearchSettings, processor: ProcessorSettings) -> str:
    return "|".join((kafka.model_dump_json(), elasticsearch.model_dump_json(), processor.duplicates.model_dump_json(),
                     processor.stories.model_dump_json()))


def acquire(kafka: KafkaSettings, elasticsearch: ElasticsearchSettings, processor: ProcessorSettings, *,
            stories: bool = False) -> StoryStateService:
    """The process's service for these settings, made at first use (it connects at its first
    batch). A stories step says so (`stories=True`): then it writes the records."""
    key = _key(kafka, elasticsearch, processor)
    with _SHARED_LOCK:
        service, users = _SHARED.get(key) or (StoryStateService(kafka, elasticsearch, processor), 0)
        _SHARED[key] = (service, users + 1)
        if stories:
            service.story_steps += 1
    return service


def warm_up() -> None:
    """Connect every service now (and fill its vocabulary), when a worker starts: seconds, whatever
    the window holds. If Elasticsearch or Kafka is not reachable yet, the first batch connects."""
    with _SHARED_LOCK:
        services = [service for service, _ in _SHARED.values()]
    for service in services:
        try:
            service.warm_up()
        except ServiceUnavailable as exc:
            log.warning("stories state not ready at start (%s); the first batch will try again", exc)


def release(service: StoryStateService, *, stories: bool = False) -> None:
    """Give back what `acquire` gave; the last user closes the producer."""
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
