"""Producer -> Kafka: feeds served over local HTTP, items on the real `news.raw` topic."""

from __future__ import annotations

import os
import subprocess
import sys

from newsflow.kafka import make_producer
from newsflow.schema import decode_raw
from producers.base import FeedSpec
from producers.fetch import HttpFetcher
from producers.service import FeedPoller
from tests.support import as_env, read_topic


def poller_for(settings, urls: list[str]) -> tuple[FeedPoller, object, HttpFetcher]:
    producer = make_producer(settings.kafka)
    fetcher = HttpFetcher(timeout_s=5, max_body_bytes=1_000_000, user_agent="newsflow-test")
    poller = FeedPoller(feeds=[FeedSpec(url=u) for u in urls], fetcher=fetcher, producer=producer, topic=settings.kafka.topics.raw)
    return poller, producer, fetcher


def test_items_reach_news_raw_keyed_by_article_id_and_unchanged_items_are_not_re_emitted(settings, feed_server, sample_feed):
    url = feed_server.serve("/world.xml", sample_feed.read_bytes())
    poller, producer, fetcher = poller_for(settings, [url])
    try:
        first = poller.poll_once()
        second = poller.poll_once()
    finally:
        producer.close()
        fetcher.close()
    assert (first.emitted, first.feeds_ok, first.feed_errors) == (4, 1, [])
    assert (second.emitted, second.unchanged) == (0, 4)
    records = read_topic(settings, settings.kafka.topics.raw, expect=4)
    assert len(records) == 4
    articles = [decode_raw(r.value) for r in records]
    assert all(r.key == a.id.encode() for r, a in zip(records, articles, strict=True))
    assert any("Al-Farabi" in a.text for a in articles)
    assert {a.feed_url for a in articles} == {url}


def test_a_changed_item_is_re_emitted_with_a_higher_version(settings, feed_server, sample_feed):
    body = sample_feed.read_bytes()
    url = feed_server.serve("/world.xml", body)
    poller, producer, fetcher = poller_for(settings, [url])
    try:
        poller.poll_once()
        feed_server.serve("/world.xml", body.replace(b"Port of Rotterdam reports", b"Port of Rotterdam confirms"))
        changed = poller.poll_once()
    finally:
        producer.close()
        fetcher.close()
    assert changed.emitted == 1
    versions = {}
    for record in read_topic(settings, settings.kafka.topics.raw, expect=5):
        article = decode_raw(record.value)
        versions.setdefault(article.id, []).append(article.version)
    [rotterdam] = [v for v in versions.values() if len(v) == 2]
    assert rotterdam[1] > rotterdam[0]


def test_one_broken_feed_does_not_stop_the_others(settings, feed_server, sample_feed):
    good = feed_server.serve("/good.xml", sample_feed.read_bytes())
    broken = feed_server.serve("/broken.xml", b"oops", status=500)
    poller, producer, fetcher = poller_for(settings, [broken, good])
    try:
        report = poller.poll_once()
    finally:
        producer.close()
        fetcher.close()
    assert report.emitted == 4
    assert report.feed_errors == [(broken, f"feed {broken} answered HTTP 500")]


def produce_once(settings, feed_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsflow", "produce", "--once", "--feed", feed_url],
        capture_output=True, text=True, timeout=120, env=os.environ | as_env(settings),
    )


def _problem_lines(stderr: str) -> list[str]:
    assert "Traceback" not in stderr
    return [line for line in stderr.splitlines() if " WARNING " in line or " ERROR " in line or "error:" in line]


def test_cli_reports_an_unreachable_feed_in_one_line_and_fails(settings):
    result = produce_once(settings, "http://127.0.0.1:1/feed.xml")
    assert result.returncode == 1
    [line] = _problem_lines(result.stderr)
    assert "feed unhealthy url=http://127.0.0.1:1/feed.xml" in line and "unreachable" in line


def test_cli_reports_a_web_page_as_not_a_feed(settings, feed_server):
    page = feed_server.serve("/about", b"<!doctype html><html><body>About us</body></html>", content_type="text/html")
    result = produce_once(settings, page)
    assert result.returncode == 1
    [line] = _problem_lines(result.stderr)
    assert f"not a feed: {page} is an HTML page" in line
