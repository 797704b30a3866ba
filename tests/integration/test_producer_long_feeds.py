"""Long feeds: however many items a feed lists, the producer re-emits none of them, and reads at
most `producer.max_items_per_fetch` of one fetch (issue 15, items 7 and 11).

Before: the seen set kept `seen_items_per_feed` ids of what was emitted last, so a feed listing
more items than that re-emitted the forgotten ones whenever one new item appeared (a 5,000-item
feed re-emitted 3,001); and a 9.8 MiB feed became 650,000 articles in memory at once.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from newsflow.app.wiring import build_feed_service
from newsflow.runtime.kafka import make_producer
from producers.base import FeedSpec


def rss(numbers: range) -> bytes:
    items = "".join(
        f"<item><title>Item {n}</title><link>https://example.org/items/{n}</link><guid>urn:item:{n}</guid>"
        f"<description>Text of item {n}.</description></item>"
        for n in reversed(numbers)  # newest first, as feeds are
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Long</title>{items}</channel></rss>'.encode()


@contextmanager
def feed_service(settings, path: Path, **producer_settings):
    settings = settings.model_copy(update={"producer": settings.producer.model_copy(update=producer_settings)})
    producer = make_producer(settings.kafka)
    service, cleanup = build_feed_service(settings, feeds=[FeedSpec(url=str(path))], producer=producer)
    try:
        yield service
    finally:
        cleanup()
        producer.close()


def test_a_feed_longer_than_the_seen_set_re_emits_nothing(settings, tmp_path: Path) -> None:
    path = tmp_path / "long.xml"
    path.write_bytes(rss(range(1, 41)))  # 40 items, twice the 20 remembered
    with feed_service(settings, path, seen_items_per_feed=20) as service:
        assert service.run_once().emitted == 40
        path.write_bytes(rss(range(2, 42)))  # one new item on top, the oldest gone
        assert service.run_once().emitted == 1
        path.write_bytes(rss(range(2, 42)))
        assert service.run_once().emitted == 0


def test_one_fetch_yields_at_most_the_item_cap_newest_first(settings, tmp_path: Path) -> None:
    path = tmp_path / "huge.xml"
    path.write_bytes(rss(range(1, 81)))
    with feed_service(settings, path, max_items_per_fetch=50) as service:
        report = service.run_once()
        assert (report.ok, report.emitted) == (1, 50)
