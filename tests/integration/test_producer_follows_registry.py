"""A running producer follows its feeds file: a feed added with `newsflow feeds add` is polled and
its items reach news.raw without a restart, a removed feed is no longer fetched, and a broken
edit of the file is logged while the feeds before it go on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from newsflow.contract.schema import decode_raw
from tests.integration.test_producer_group import feed, start_producer
from tests.support import as_env, read_topic, wait_for


def fetched_since(feed_server, mark: int) -> list[str]:
    return [path for path, _, _ in feed_server.requests()[mark:]]


def feeds_cli(settings, registry, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "newsflow", "feeds", "--feeds", str(registry), *args],
                          capture_output=True, text=True, timeout=60, env=os.environ | as_env(settings), check=False)
    assert done.returncode == 0, done.stderr


def test_a_running_producer_follows_feeds_added_removed_and_a_broken_edit(settings, feed_server, tmp_path):
    feed_server.serve("/a.xml", feed(1), etag='"a"')
    feed_server.serve("/b.xml", feed(2), etag='"b"')
    registry = tmp_path / "feeds.yaml"
    registry.write_text(f"feeds:\n  - url: {feed_server.url('/a.xml')}\n", encoding="utf-8")
    log_path = tmp_path / "producer.log"
    producer = start_producer(settings, registry, "follower", log_path)
    try:
        wait_for(lambda: "/a.xml" in fetched_since(feed_server, 0), timeout=60, what="the first feed fetched")
        assert "/b.xml" not in fetched_since(feed_server, 0)

        feeds_cli(settings, registry, "add", feed_server.url("/b.xml"))
        wait_for(lambda: "/b.xml" in fetched_since(feed_server, 0), timeout=30, what="the added feed fetched")
        articles = [decode_raw(r.value) for r in read_topic(settings, settings.kafka.topics.raw, expect=2)]
        assert sorted(a.url for a in articles) == ["https://news.example/1", "https://news.example/2"]

        feeds_cli(settings, registry, "remove", feed_server.url("/a.xml"))
        wait_for(lambda: "removed=1" in log_path.read_text(encoding="utf-8"), timeout=30, what="the removal taken")
        mark = len(feed_server.requests())
        wait_for(lambda: fetched_since(feed_server, mark).count("/b.xml") >= 2, timeout=30, what="two rounds after it")
        assert "/a.xml" not in fetched_since(feed_server, mark)

        registry.write_text("feeds: [not closed\n", encoding="utf-8")
        wait_for(lambda: "cannot be used" in log_path.read_text(encoding="utf-8"), timeout=30, what="the broken edit logged")
        mark = len(feed_server.requests())
        wait_for(lambda: "/b.xml" in fetched_since(feed_server, mark), timeout=30, what="the feed polled on after it")
        assert producer.poll() is None, "the producer is still running"
    finally:
        producer.send_signal(signal.SIGTERM)
        producer.wait(timeout=30)
        producer.log.close()
    assert producer.returncode == 0, log_path.read_text(encoding="utf-8")
