"""The producer service: poll every feed, emit new and changed items, wait for Kafka's ack."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kafka import KafkaProducer
from kafka.errors import KafkaError

from newsflow.errors import FeedError, ServiceUnavailable
from newsflow.metrics import FEEDS, FETCHES, ITEMS_PRODUCED
from newsflow.schema import RawArticle, encode
from newsflow.worker import StopFlag
from producers.base import FeedSpec, Fetcher
from producers.items import parse_feed, to_article

__all__ = ["CycleReport", "FeedPoller"]

log = logging.getLogger(__name__)


@dataclass
class CycleReport:
    feeds_ok: int = 0
    feed_errors: list[tuple[str, str]] = field(default_factory=list)
    items: int = 0
    emitted: int = 0
    unchanged: int = 0
    invalid: int = 0

    def summary(self) -> str:
        return (
            f"cycle feeds_ok={self.feeds_ok} feeds_failed={len(self.feed_errors)} items={self.items} "
            f"emitted={self.emitted} unchanged={self.unchanged} invalid={self.invalid}"
        )


def _content_hash(article: RawArticle) -> str:
    # What a reader would notice; fetch time and version are bookkeeping, not content.
    content = article.model_dump_json(exclude={"fetched_at", "version"})
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


class FeedPoller:
    """Polls a list of feeds and produces each new or changed item once per process.

    Items already emitted with the same content are skipped; the sink's external versioning
    makes any re-emission (after a restart) a no-op in the index.
    """

    def __init__(
        self,
        *,
        feeds: Sequence[FeedSpec],
        fetcher: Fetcher,
        producer: KafkaProducer,
        topic: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._feeds = [f for f in feeds if f.enabled]
        self._fetcher = fetcher
        self._producer = producer
        self._topic = topic
        self._clock = clock
        self._emitted: dict[str, tuple[str, int]] = {}  # article id -> (content hash, version)

    def poll_once(self) -> CycleReport:
        report = CycleReport()
        pending: list[tuple[RawArticle, str]] = []
        for feed in self._feeds:
            try:
                articles = self._read_feed(feed, report)
            except FeedError as exc:
                FETCHES.labels(exc.fields.get("reason", "error")).inc()
                report.feed_errors.append((feed.url, str(exc)))
                log.warning("feed unhealthy url=%s error=%s", feed.url, exc)
                continue
            FETCHES.labels("ok").inc()
            report.feeds_ok += 1
            pending.extend(self._changed(articles, report))
        self._send(pending)
        report.emitted = len(pending)
        ITEMS_PRODUCED.inc(report.emitted)
        FEEDS.labels("ok").set(report.feeds_ok)
        FEEDS.labels("failing").set(len(report.feed_errors))
        log.info(report.summary())
        return report

    def run(self, stop: StopFlag, interval_s: float) -> None:
        while not stop:
            try:
                self.poll_once()
            except ServiceUnavailable as exc:
                log.warning("produce failed, will retry next cycle error=%s", exc)
                stop.wait(min(interval_s, 10.0))
                continue
            stop.wait(interval_s)

    def _read_feed(self, feed: FeedSpec, report: CycleReport) -> list[RawArticle]:
        fetched = self._fetcher.fetch(feed)
        parsed = parse_feed(fetched)
        fetched_at = self._clock()
        articles = []
        for entry in parsed.entries:
            report.items += 1
            try:
                articles.append(to_article(entry, feed=feed, parsed=parsed, fetched_url=fetched.url, fetched_at=fetched_at))
            except ValueError as exc:
                report.invalid += 1
                log.warning("item skipped feed=%s error=%s", feed.url, str(exc).splitlines()[0])
        return articles

    def _changed(self, articles: list[RawArticle], report: CycleReport) -> list[tuple[RawArticle, str]]:
        changed = []
        for article in articles:
            digest = _content_hash(article)
            previous = self._emitted.get(article.id)
            if previous and previous[0] == digest:
                report.unchanged += 1
                continue
            if previous and article.version <= previous[1]:
                # Same timestamp, new content: the version must still grow.
                article = article.model_copy(update={"version": previous[1] + 1})
            changed.append((article, digest))
        return changed

    def _send(self, pending: list[tuple[RawArticle, str]]) -> None:
        """Produce and wait for every acknowledgement before remembering anything as sent."""
        futures = [self._producer.send(self._topic, key=a.id.encode(), value=encode(a)) for a, _ in pending]
        try:
            self._producer.flush(timeout=60)
            for future in futures:
                future.get(timeout=30)
        except KafkaError as exc:
            raise ServiceUnavailable(f"Kafka did not acknowledge the items ({type(exc).__name__})", service="kafka") from None
        for article, digest in pending:
            self._emitted[article.id] = (digest, article.version)


