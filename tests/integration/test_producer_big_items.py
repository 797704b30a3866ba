"""An item bigger than a Kafka message is cut to fit, not taken for a Kafka outage (issue 15, item 6).

Before: the oversized message failed the whole send, the producer reported Kafka unavailable and
retried the batch forever, re-sending the good feeds' items, never marking the bad feed.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from newsflow.app.wiring import build_feed_service
from newsflow.contract.schema import MAX_EVENT_BYTES, decode_raw
from newsflow.runtime.kafka import make_producer
from producers.base import FeedSpec
from producers.budget import TRUNCATED
from tests.support import read_topic

BODY_WORDS = 400_000  # ~2.8 MB of text, sent as both description and content: ~5.6 MB of article


def feed_with_a_huge_item() -> bytes:
    body = " ".join(f"w{i % 1000}" for i in range(BODY_WORDS))
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>Big</title>"
        f"<item><title>Huge</title><link>https://example.org/huge</link><description>{body}</description>"
        f"<content:encoded>{body}</content:encoded></item>"
        "<item><title>Small</title><link>https://example.org/small</link><description>Fine.</description></item>"
        "</channel></rss>"
    ).encode()


@contextmanager
def feed_service(settings, path: Path):
    settings = settings.model_copy(update={"producer": settings.producer.model_copy(update={"max_body_bytes": 64 << 20})})
    producer = make_producer(settings.kafka)
    service, cleanup = build_feed_service(settings, feeds=[FeedSpec(url=str(path))], producer=producer)
    try:
        yield service
    finally:
        cleanup()
        producer.close()


@pytest.mark.timeout(120)
def test_an_oversized_item_is_cut_to_fit_and_the_feed_goes_on(settings, tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(feed_with_a_huge_item())
    with feed_service(settings, path) as service:
        report = service.run_once()
    assert (report.ok, report.failed, report.emitted) == (1, [], 2)
    records = read_topic(settings, settings.kafka.topics.raw, expect=2)
    assert all(len(r.value) <= MAX_EVENT_BYTES for r in records)
    articles = {a.title: a for a in (decode_raw(r.value) for r in records)}
    assert articles["Small"].text == "Fine."
    huge = articles["Huge"]
    assert huge.text.endswith(TRUNCATED) and huge.text.startswith("w0 w1 w2")
    assert huge.summary.endswith(TRUNCATED) and len(huge.summary) < 600
