"""A feed removed from the registry while its fetch is running (producers/service.py,
`FeedService.replace_feeds`): the fetch's outcome is dropped when it completes, so nothing of the
removed feed is emitted or stored. The Kafka side is a stand-in that fails the test if touched:
this is the service's scheduling logic, not its delivery (which the integration tests run on a
real broker, tests/integration/test_producer_follows_registry.py)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from types import SimpleNamespace

from newsflow.contract.schema import RawArticle
from producers.base import FeedSpec
from producers.outcome import FetchOutcome
from producers.service import FeedService, Topics

REMOVED = FeedSpec(url="http://127.0.0.1:9/removed.xml")
_ARTICLE = RawArticle(id="removed-1", version=1, url="http://127.0.0.1:9/a", feed_url=REMOVED.url, source="test",
                      title="An item of a removed feed", fetched_at=datetime(2026, 12, 7, tzinfo=UTC))


class _Untouchable:
    """A Kafka producer that must not be used: the removed feed's outcome sends nothing."""

    def __getattr__(self, name: str):
        raise AssertionError(f"the producer was used ({name}) for a feed removed from the registry")


class _OwnsEverything:
    restoring = False

    def poll(self, timeout_ms: int) -> None:
        return None

    def owns(self, feed_id: str) -> bool:
        return True

    def state(self, feed_id: str):
        return None

    def take_enable_requests(self) -> list[str]:
        return []

    def __getattr__(self, name: str):  # what applying an outcome asks of the feed's state (seen items...)
        raise AssertionError(f"the outcome of a feed removed from the registry was applied (ownership.{name})")


class _HeldReader:
    """Reads block until released; each read says it started."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()

    def read(self, feed: FeedSpec, state) -> FetchOutcome:
        self.started.set()
        assert self.release.wait(10), "the test never released the fetch"
        return FetchOutcome(feed, "ok", datetime.now(UTC), articles=(_ARTICLE,))


def test_a_fetch_still_running_when_its_feed_is_removed_is_dropped_when_it_completes():
    reader = _HeldReader()
    service = FeedService(feeds=[REMOVED], reader=reader, ownership=_OwnsEverything(), producer=_Untouchable(),
                          topics=Topics(raw="raw", health="health"), policy=SimpleNamespace(), seen_limit=10,
                          concurrency=1)
    try:
        assert service.step(0).fetched == 0  # submitted: the fetch is running
        assert reader.started.wait(10)
        service.replace_feeds([])
        reader.release.set()
        service.close()  # waits for the fetch to complete
        report = service.step(0)
        assert (report.fetched, report.emitted, report.failed) == (0, 0, [])
        assert service.owned_feeds() == []
    finally:
        reader.release.set()
