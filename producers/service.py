"""The producer service: fetch the feeds this instance owns when they are due, emit new and
changed items to ``news.raw``, then persist each feed's state and health.

Order of writes, per batch of fetch outcomes: the items first, and only once Kafka has
acknowledged them the feed states (with their seen sets). A crash in between re-emits those
items after the restart (at-least-once); the sink's external versioning makes that a no-op.
"""

from __future__ import annotations

import logging
import queue
import random
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from kafka import KafkaProducer
from kafka.errors import KafkaError

from newsflow.contract.schema import RawArticle, encode
from newsflow.errors import ServiceUnavailable
from newsflow.redaction import redact_text, redact_url
from newsflow.runtime.metrics import ITEMS_PRODUCED
from newsflow.runtime.worker import StopFlag
from producers.base import FeedSpec
from producers.health import count_statuses, health_event, observe
from producers.outcome import FetchOutcome, Policy, next_state, without_credentials
from producers.ownership import FeedOwnership
from producers.reader import FeedReader
from producers.state import FeedState, SeenItems, fingerprint, short_hash, status_of
from producers.watch import RegistryWatch

__all__ = ["CycleReport", "FeedService", "Push"]

log = logging.getLogger(__name__)

# After Kafka refused a batch, its feeds are fetched again this soon (their state is unchanged).
KAFKA_RETRY = timedelta(seconds=10)


@dataclass(frozen=True)
class Push:
    """A WebSub content distribution waiting for the main thread."""

    feed_id: str
    body: bytes
    headers: dict[str, str]


@dataclass
class CycleReport:
    """What one batch of outcomes did; one `key=value` log line."""

    fetched: int = 0
    ok: int = 0
    not_modified: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    items: int = 0
    emitted: int = 0

    def add(self, other: CycleReport) -> None:
        for name in ("fetched", "ok", "not_modified", "unchanged", "items", "emitted"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failed.extend(other.failed)

    def summary(self) -> str:
        return (
            f"feeds fetched={self.fetched} ok={self.ok} not_modified={self.not_modified} unchanged={self.unchanged} "
            f"failed={len(self.failed)} items={self.items} emitted={self.emitted}"
        )


@dataclass(frozen=True)
class Topics:
    raw: str
    health: str


class FeedService:
    """Schedules, fetches (in a thread pool) and emits; the Kafka clients stay on the calling thread."""

    def __init__(
        self,
        *,
        feeds: Sequence[FeedSpec],
        reader: FeedReader,
        ownership: FeedOwnership,
        producer: KafkaProducer,
        topics: Topics,
        policy: Policy,
        seen_limit: int,
        concurrency: int,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        rng: random.Random | None = None,
    ) -> None:
        self._feeds = {f.id: f for f in feeds}
        self._reader = reader
        self._ownership = ownership
        self._producer = producer
        self._topics = topics
        self._policy = policy
        self._seen_limit = seen_limit
        self._clock = clock
        self._rng = rng or random.Random()
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="fetch")
        self._in_flight: dict[str, Future[FetchOutcome]] = {}
        self._retry_at: dict[str, datetime] = {}
        self.pushes: queue.Queue[Push] = queue.Queue()
        self.push = None  # producers.websub.attach.PushSubscriptions, when WebSub is configured

    # -- running ------------------------------------------------------------------------------

    def run(self, stop: StopFlag, *, tick_s: float = 1.0, registry: RegistryWatch | None = None) -> None:
        """Turn the loop until `stop`; with `registry`, the feeds follow the registry file's changes."""
        while not stop:
            try:
                if registry is not None and (change := registry.poll()) is not None:
                    self.replace_feeds(change.feeds)
                    log.info(change.summary())
                self.step(tick_s)
            except ServiceUnavailable as exc:
                log.warning("producer paused error=%s", exc)
                stop.wait(min(tick_s * 5, 10.0))
        self.close()

    def wait_until_ready(self, timeout_s: float = 60.0) -> bool:
        """Join the group and restore the state of the assigned feeds; False if that took too long."""
        deadline = self._clock() + timedelta(seconds=timeout_s)
        while self._ownership.restoring and self._clock() < deadline:
            self._ownership.poll(500)
        return not self._ownership.restoring

    def run_once(self, *, timeout_s: float = 300.0) -> CycleReport:
        """Fetch every owned, enabled feed once, whether due or not (`newsflow produce --once`)."""
        self.wait_until_ready(timeout_s)
        self._enable_requested()
        report = CycleReport()
        futures = [self._submit(feed) for feed in self.owned_feeds() if self._enabled(feed)]
        wait(futures, timeout=timeout_s)
        report.add(self._apply(self._completed()))
        log.info(report.summary())
        return report

    def step(self, timeout_s: float) -> CycleReport:
        """One turn of the loop: group duty, submit due feeds, apply what completed."""
        self._ownership.poll(int(timeout_s * 1000))
        self._enable_requested()
        now = self._clock()
        for feed in self.owned_feeds():
            if self.push is not None:
                state = self._state(feed)
                if state.websub_topic:
                    self.push.restore(feed.id, topic=state.websub_topic)
            if feed.id not in self._in_flight and self._is_due(feed, now):
                self._submit(feed)
        report = self._apply(self._completed() + self._pushed())
        if report.fetched:
            log.info(report.summary())
        return report

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def replace_feeds(self, feeds: Sequence[FeedSpec]) -> None:
        """Poll these feeds from now on. A feed kept keeps its state and schedule (its id is its
        URL's); a removed feed's fetch still running is dropped when it completes."""
        self._feeds = {f.id: f for f in feeds}
        for feed_id in [f for f in self._retry_at if f not in self._feeds]:
            del self._retry_at[feed_id]

    def _enable_requested(self) -> None:
        """Operators re-enable a feed disabled after failing too long (`newsflow feeds enable`):
        its failure history is cleared and it is due at once."""
        for feed_id in self._ownership.take_enable_requests():
            feed = self._feeds.get(feed_id)
            state = self._ownership.state(feed_id) if feed else None
            if state is None:
                continue
            enabled = state.model_copy(update={"disabled_reason": None, "failing_since": None,
                                               "consecutive_failures": 0, "next_due": None, "due_reason": "enabled"})
            futures = self._ownership.publish(self._producer, enabled, None)
            futures.append(self._ownership.done_enabling(self._producer, feed_id))
            try:
                self._producer.flush(timeout=30)
                for future in futures:
                    future.get(timeout=30)
            except KafkaError as exc:
                raise ServiceUnavailable(f"Kafka did not acknowledge re-enabling a feed ({type(exc).__name__})",
                                         service="kafka") from None
            self._ownership.remember(enabled, None)
            log.info("feed re-enabled url=%s", redact_url(feed.url))

    # -- scheduling -------------------------------------------------------------------------

    def owned_feeds(self) -> list[FeedSpec]:
        return [f for f in self._feeds.values() if self._ownership.owns(f.id)]

    def _state(self, feed: FeedSpec) -> FeedState:
        return self._ownership.state(feed.id) or FeedState(feed_id=feed.id, url=feed.url)

    def _enabled(self, feed: FeedSpec) -> bool:
        return feed.enabled and not self._state(feed).disabled_reason

    def _is_due(self, feed: FeedSpec, now: datetime) -> bool:
        if not self._enabled(feed):
            return False
        due = self._retry_at.get(feed.id) or self._state(feed).next_due
        return due is None or due <= now

    def _submit(self, feed: FeedSpec) -> Future[FetchOutcome]:
        self._retry_at.pop(feed.id, None)
        future = self._pool.submit(self._reader.read, feed, self._state(feed))
        self._in_flight[feed.id] = future
        return future

    def _completed(self) -> list[FetchOutcome]:
        done = [feed_id for feed_id, future in self._in_flight.items() if future.done()]
        return [self._in_flight.pop(feed_id).result() for feed_id in done]

    def _pushed(self) -> list[FetchOutcome]:
        outcomes = []
        while True:
            try:
                push = self.pushes.get_nowait()
            except queue.Empty:
                return outcomes
            feed = self._feeds.get(push.feed_id)
            if feed is not None and self._ownership.owns(feed.id):
                outcomes.append(self._reader.from_push(feed, self._state(feed), push.body, push.headers))

    # -- applying outcomes -----------------------------------------------------------------------

    def _apply(self, outcomes: list[FetchOutcome]) -> CycleReport:
        # A feed whose partition moved while it was fetched is the new owner's now; one removed
        # from the registry meanwhile is nobody's.
        outcomes = [o for o in outcomes if o.feed.id in self._feeds and self._ownership.owns(o.feed.id)]
        # From here on an outcome's error is shown (logs, health events, the state): no credentials.
        outcomes = [without_credentials(o, self._state(o.feed).fetch_url) for o in outcomes]
        report = CycleReport()
        if not outcomes:
            return report
        fresh = {o.feed.id: self._fresh_items(o) for o in outcomes}
        try:
            for future in self._send_all(a for items, _ in fresh.values() for a, _ in items):
                future.get(timeout=30)  # every item acknowledged before any state says "emitted"
            results = [self._persist(o, *fresh[o.feed.id]) for o in outcomes]
            self._producer.flush(timeout=60)
            for future in (f for _, _, futures in results for f in futures):
                future.get(timeout=30)
        except (KafkaError, ServiceUnavailable) as exc:
            retry = self._clock() + KAFKA_RETRY
            self._retry_at.update({o.feed.id: retry for o in outcomes})
            # The client's own words say why (an expired batch, a producer in a fatal state...).
            raise ServiceUnavailable(f"Kafka did not acknowledge the feed batch ({type(exc).__name__}: "
                                     f"{redact_text(str(exc))})", service="kafka") from None
        for outcome, (state, seen, _) in zip(outcomes, results, strict=True):
            self._ownership.remember(state, seen)
            self._count(report, outcome, len(fresh[outcome.feed.id][0]))
        ITEMS_PRODUCED.inc(report.emitted)
        count_statuses([status_of(self._ownership.state(f.id), enabled=f.enabled, now=self._clock())
                        for f in self.owned_feeds()])
        return report

    def _fresh_items(self, outcome: FetchOutcome) -> tuple[list[tuple[RawArticle, str]], bool]:
        """Items not emitted before, or changed since (with a version that grows); and whether
        the feed gave a known link a new GUID (unstable GUIDs: the link, not the GUID, decides)."""
        seen = self._ownership.seen(outcome.feed.id).items
        fresh, unstable = [], False
        for article in outcome.articles:
            digest = fingerprint(article)
            previous = seen.get(article.id)
            if previous and previous[0] == digest:
                unstable = unstable or (article.url is not None and _guid_changed(previous[2], article))
                continue
            if previous and article.version <= previous[1]:
                article = article.model_copy(update={"version": previous[1] + 1})
            fresh.append((article, digest))
        return _unique(fresh), unstable

    def _send_all(self, articles) -> list[Future]:
        futures = [self._producer.send(self._topics.raw, key=a.id.encode(), value=encode(a)) for a in articles]
        self._producer.flush(timeout=60)
        return futures

    def _seen_after(self, outcome: FetchOutcome, fresh: list[tuple[RawArticle, str]]) -> SeenItems:
        # Never fewer than the feed lists now: a 5,000-item feed with 2,000 remembered re-emitted
        # 3,000 old items when one new item appeared.
        present = [article.id for article in outcome.articles]
        limit = max(self._seen_limit, len(present))
        return self._ownership.seen(outcome.feed.id).merged(fresh, limit=limit, present=present)

    def _persist(self, outcome: FetchOutcome, fresh: list[tuple[RawArticle, str]], unstable: bool):
        state = self._state(outcome.feed)
        push_lease = False
        if self.push is not None and outcome.kind != "error":
            # A 304 or an unchanged body carries no hub: the one the feed advertised last time counts.
            hub, topic = (outcome.hub, outcome.topic) if outcome.hub else (state.websub_hub, state.websub_topic)
            if hub and topic:
                self.push.ensure(state.feed_id, hub=hub, topic=topic)
            push_lease = self.push.lease_active(state.feed_id)
        new_state = next_state(state, outcome, emitted=len(fresh), unstable_guids=unstable, policy=self._policy,
                               rng=self._rng, push_lease_active=push_lease)
        seen = self._seen_after(outcome, fresh) if fresh else None
        futures = self._ownership.publish(self._producer, new_state, seen)
        event = health_event(outcome, new_state, emitted=len(fresh))
        futures.append(self._producer.send(self._topics.health, key=new_state.feed_id.encode(),
                                           value=event.model_dump_json().encode()))
        observe(event)
        if outcome.kind == "error":
            log.warning("feed unhealthy url=%s reason=%s error=%s next=%s", redact_url(outcome.feed.url), outcome.reason,
                        outcome.error, new_state.next_due)
        return new_state, seen, futures

    @staticmethod
    def _count(report: CycleReport, outcome: FetchOutcome, emitted: int) -> None:
        report.fetched += 1
        report.items += len(outcome.articles)
        report.emitted += emitted
        if outcome.kind == "error":
            report.failed.append((redact_url(outcome.feed.url), outcome.error or ""))
        elif outcome.kind == "not-modified":
            report.not_modified += 1
        elif outcome.kind == "unchanged":
            report.unchanged += 1
        else:
            report.ok += 1


def _guid_changed(previous_guid_hash: str, article: RawArticle) -> bool:
    return previous_guid_hash != short_hash(article.guid or "")


def _unique(fresh: list[tuple[RawArticle, str]]) -> list[tuple[RawArticle, str]]:
    # A feed that lists one link twice (as unstable-GUID feeds do) emits it once: the last wins.
    by_id = {article.id: (article, digest) for article, digest in fresh}
    return list(by_id.values())
