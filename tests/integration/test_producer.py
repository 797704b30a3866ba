"""Producer -> Kafka: feeds served over local HTTP, items on the real `news.raw` topic, feed state in
the real compacted state topic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import contextmanager

from newsflow.app.wiring import build_feed_service
from newsflow.contract.schema import decode_raw
from newsflow.runtime.kafka import make_producer
from producers.base import FeedSpec
from producers.health import read_states
from tests.support import as_env, read_topic, wait_for


@contextmanager
def feed_service(settings, urls: list[str]):
    """A producer service as `newsflow produce` builds it (group member of the state topic)."""
    producer = make_producer(settings.kafka)
    service, cleanup = build_feed_service(settings, feeds=[FeedSpec(url=u) for u in urls], producer=producer)
    try:
        yield service
    finally:
        cleanup()
        producer.close()


def raw_articles(settings, expect: int):
    return [decode_raw(r.value) for r in read_topic(settings, settings.kafka.topics.raw, expect=expect)]


def test_items_reach_news_raw_and_a_304_emits_and_parses_nothing(settings, feed_server, sample_feed):
    url = feed_server.serve("/world.xml", sample_feed.read_bytes(), etag='"v1"')
    with feed_service(settings, [url]) as service:
        first = service.run_once()
        second = service.run_once()
    assert (first.emitted, first.ok, first.failed) == (4, 1, [])
    assert (second.emitted, second.not_modified, second.items) == (0, 1, 0)
    assert [etag for path, _, etag in feed_server.requests()] == [None, '"v1"']
    records = read_topic(settings, settings.kafka.topics.raw, expect=4)
    articles = [decode_raw(r.value) for r in records]
    assert len(articles) == 4 and all(r.key == a.id.encode() for r, a in zip(records, articles, strict=True))
    assert any("Al-Farabi" in a.text for a in articles)


def test_an_unchanged_body_without_validators_is_not_parsed_again(settings, feed_server, sample_feed):
    url = feed_server.serve("/world.xml", sample_feed.read_bytes())
    with feed_service(settings, [url]) as service:
        service.run_once()
        again = service.run_once()
    assert (again.unchanged, again.emitted, again.items) == (1, 0, 0)


def test_a_restarted_producer_restores_its_state_and_re_emits_nothing(settings, feed_server, sample_feed):
    url = feed_server.serve("/world.xml", sample_feed.read_bytes(), etag='"v1"')
    with feed_service(settings, [url]) as first:
        assert first.run_once().emitted == 4
    # The feed was rebuilt (new ETag, new bytes) with the same items: the new process must know them all.
    feed_server.serve("/world.xml", sample_feed.read_bytes() + b"\n<!-- rebuilt -->\n", etag='"v2"')
    with feed_service(settings, [url]) as restarted:
        report = restarted.run_once()
    assert (report.ok, report.items, report.emitted) == (1, 4, 0)
    assert feed_server.requests()[-1][2] == '"v1"', "the restarted producer sent the stored ETag"
    states = read_states(settings)
    [state] = states.values()
    assert state.etag == '"v2"' and state.last_success_at is not None and state.next_due is not None
    assert len(raw_articles(settings, expect=4)) == 4


def test_a_changed_item_is_re_emitted_with_a_higher_version(settings, feed_server, sample_feed):
    body = sample_feed.read_bytes()
    url = feed_server.serve("/world.xml", body)
    with feed_service(settings, [url]) as service:
        service.run_once()
        feed_server.serve("/world.xml", body.replace(b"Port of Rotterdam reports", b"Port of Rotterdam confirms"))
        changed = service.run_once()
    assert changed.emitted == 1
    versions: dict[str, list[int]] = {}
    for article in raw_articles(settings, expect=5):
        versions.setdefault(article.id, []).append(article.version)
    [rotterdam] = [v for v in versions.values() if len(v) == 2]
    assert rotterdam[1] > rotterdam[0]


def _feed_with_guids(prefix: str) -> bytes:
    items = "".join(
        f"<item><title>Story {n}</title><link>https://news.example/story-{n}</link>"
        f"<guid isPermaLink='false'>{prefix}-{n}</guid><description>Text {n}</description></item>"
        for n in range(3)
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>Flaky</title>{items}</channel></rss>".encode()


def test_a_feed_with_unstable_guids_is_deduplicated_by_link(settings, feed_server):
    url = feed_server.serve("/flaky.xml", _feed_with_guids("run-1"))
    with feed_service(settings, [url]) as service:
        first = service.run_once()
        feed_server.serve("/flaky.xml", _feed_with_guids("run-2"))
        second = service.run_once()
    assert (first.emitted, second.items, second.emitted) == (3, 3, 0)
    [state] = read_states(settings).values()
    assert state.unstable_guids


def test_one_broken_feed_does_not_stop_the_others_and_its_state_says_why(settings, feed_server, sample_feed):
    good = feed_server.serve("/good.xml", sample_feed.read_bytes())
    broken = feed_server.serve("/broken.xml", b"oops", status=500)
    with feed_service(settings, [broken, good]) as service:
        report = service.run_once()
    assert report.emitted == 4
    assert [u for u, _ in report.failed] == [broken] and "500" in report.failed[0][1]
    states = {s.url: s for s in read_states(settings).values()}
    assert states[broken].consecutive_failures == 1 and states[broken].last_error_reason == "http-error"
    assert states[broken].next_due > states[broken].last_fetch_at
    health = [r.value for r in read_topic(settings, settings.kafka.topics.feed_health, expect=2)]
    assert sorted(b'"outcome":"error"' in h for h in health) == [False, True]


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


def test_cli_reports_a_web_page_without_feed_links_as_not_a_feed(settings, feed_server):
    page = feed_server.serve("/about", b"<!doctype html><html><body>About us</body></html>", content_type="text/html")
    result = produce_once(settings, page)
    assert result.returncode == 1
    [line] = _problem_lines(result.stderr)
    assert "reason=not-a-feed" in line and "HTML page" in line


def test_a_web_page_leads_to_its_feed_by_autodiscovery(settings, feed_server, sample_feed):
    feed = feed_server.serve("/feed.xml", sample_feed.read_bytes())
    page = feed_server.serve(
        "/", b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head></html>',
        content_type="text/html",
    )
    with feed_service(settings, [page]) as service:
        assert service.run_once().emitted == 4
        again = service.run_once()
    assert again.emitted == 0
    [state] = read_states(settings).values()
    assert state.fetch_url == feed and state.url == page
    assert feed_server.requests()[-1][0] == "/feed.xml", "the discovered feed is fetched directly from then on"


def test_feeds_status_shows_each_feed_state_from_kafka(settings, feed_server, sample_feed, tmp_path):
    good = feed_server.serve("/good.xml", sample_feed.read_bytes())
    broken = feed_server.serve("/broken.xml", b"oops", status=500)
    registry = tmp_path / "feeds.yaml"
    registry.write_text(f"feeds:\n  - url: {good}\n    name: Good\n  - url: {broken}\n    name: Broken\n"
                        f"  - url: {feed_server.url('/later.xml')}\n    name: Later\n", encoding="utf-8")
    with feed_service(settings, [good, broken]) as service:
        service.run_once()
    result = subprocess.run([sys.executable, "-m", "newsflow", "feeds", "status", "--json", "--feeds", str(registry)],
                            capture_output=True, text=True, timeout=120, env=os.environ | as_env(settings))
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert (rows["Good"]["status"], rows["Good"]["items_24h"], rows["Good"]["last_error"]) == ("ok", 4, None)
    assert rows["Broken"]["status"] == "failing" and "500" in rows["Broken"]["last_error"]
    assert rows["Later"]["status"] == "new" and rows["Later"]["next_fetch"] is None
    table = subprocess.run([sys.executable, "-m", "newsflow", "feeds", "status", "--feeds", str(registry)],
                           capture_output=True, text=True, timeout=120, env=os.environ | as_env(settings))
    header, *lines = table.stdout.splitlines()
    assert header.split()[:2] == ["FEED", "STATE"] and len(lines) == 3


def test_a_feed_disabled_after_failing_too_long_is_re_enabled_by_the_operator(settings, feed_server, sample_feed, tmp_path):
    settings = settings.model_copy(update={"producer": settings.producer.model_copy(update={"disable_after_s": 0.001})})
    url = feed_server.serve("/down.xml", b"oops", status=500)
    registry = tmp_path / "feeds.yaml"
    registry.write_text(f"feeds:\n  - url: {url}\n    name: Down\n", encoding="utf-8")
    with feed_service(settings, [url]) as service:
        service.run_once()
        service.run_once()  # failing for longer than disable_after_s now
        [state] = read_states(settings).values()
        assert state.disabled_reason and "HTTP 500" in state.disabled_reason
        feed_server.serve("/down.xml", sample_feed.read_bytes())  # the publisher fixed it
        assert service.run_once().fetched == 0, "a disabled feed is not fetched"
        enable = subprocess.run([sys.executable, "-m", "newsflow", "feeds", "enable", "Down", "--feeds", str(registry)],
                                capture_output=True, text=True, timeout=120, env=os.environ | as_env(settings))
        assert enable.returncode == 0, enable.stderr
        emitted = wait_for(lambda: service.step(0.2).emitted or None, timeout=30, what="the re-enabled feed's items")
    assert emitted == 4
    [state] = read_states(settings).values()
    assert state.disabled_reason is None and state.consecutive_failures == 0
