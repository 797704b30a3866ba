"""Scale-out: two producer processes share 50 feeds through the consumer group on the feed-state
topic; every feed is fetched by exactly one of them, and when one is killed the other takes its
feeds over (with their state: nothing re-emitted)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import defaultdict

from kafka.errors import KafkaError

from newsflow.runtime.kafka import make_admin
from tests.support import as_env, read_topic, wait_for

FEEDS = 50


def feed(n: int) -> bytes:
    return (f"<?xml version='1.0'?><rss version='2.0'><channel><title>Feed {n}</title>"
            f"<item><title>Story {n}</title><link>https://news.example/{n}</link>"
            f"<pubDate>Sat, 28 Nov 2026 10:00:00 GMT</pubDate><description>Text {n}</description></item>"
            "</channel></rss>").encode()


def start_producer(settings, registry, name: str, log_path) -> subprocess.Popen:
    env = os.environ | as_env(settings) | {
        "NEWSFLOW_PRODUCER__USER_AGENT": name,
        "NEWSFLOW_PRODUCER__MIN_INTERVAL_S": "2",
        "NEWSFLOW_PRODUCER__MAX_INTERVAL_S": "3",
        "NEWSFLOW_PRODUCER__TICK_S": "0.2",
    }
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed by the test's finally
    process = subprocess.Popen([sys.executable, "-m", "newsflow", "produce", "--feeds", str(registry)],
                               stdout=log, stderr=subprocess.STDOUT, env=env)
    process.log = log  # type: ignore[attr-defined]
    return process


def members(settings) -> int:
    admin = make_admin(settings.kafka)
    try:
        group = admin.describe_groups([settings.producer.group_id])[settings.producer.group_id]
        return len(group["members"]) if group.get("group_state") == "Stable" else 0
    except KafkaError:
        return 0
    finally:
        admin.close()


def fetchers_since(feed_server, mark: int) -> dict[str, set[str]]:
    seen: dict[str, set[str]] = defaultdict(set)
    for path, agent, _ in feed_server.requests()[mark:]:
        seen[path].add(agent)
    return seen


def all_fetched_since(feed_server, mark: int, paths: list[str]) -> dict[str, set[str]] | None:
    seen = fetchers_since(feed_server, mark)
    return seen if all(p in seen for p in paths) else None


def test_two_producers_share_50_feeds_and_one_takes_over_when_the_other_dies(settings, feed_server, tmp_path):
    paths = [f"/feeds/{n}.xml" for n in range(FEEDS)]
    for n, path in enumerate(paths):
        feed_server.serve(path, feed(n), etag=f'"{n}"')
    registry = tmp_path / "feeds.yaml"
    registry.write_text("feeds:\n" + "".join(f"  - url: {feed_server.url(p)}\n" for p in paths), encoding="utf-8")
    a = start_producer(settings, registry, "producer-a", tmp_path / "a.log")
    b = start_producer(settings, registry, "producer-b", tmp_path / "b.log")
    try:
        wait_for(lambda: members(settings) == 2, timeout=60, what="both producers in the group")
        # Fetches started before the last rebalance may still land: skip one full round, measure the next.
        first = len(feed_server.requests())
        wait_for(lambda: all_fetched_since(feed_server, first, paths), timeout=30, what="a full round of fetches")
        mark = len(feed_server.requests())
        shared = wait_for(lambda: all_fetched_since(feed_server, mark, paths), timeout=30, what="a second round")
        shared_by = {p: agents for p, agents in shared.items() if p in paths}
        assert all(len(agents) == 1 for agents in shared_by.values()), {p: a for p, a in shared_by.items() if len(a) > 1}
        owned_by_a = sorted(p for p, agents in shared_by.items() if agents == {"producer-a"})
        assert 0 < len(owned_by_a) < FEEDS, "both producers own some of the feeds"
        print(f"producer-a owns {len(owned_by_a)} feeds, producer-b {FEEDS - len(owned_by_a)}")

        a.send_signal(signal.SIGKILL)
        a.wait(timeout=10)
        killed = len(feed_server.requests())
        taken = wait_for(
            lambda: (lambda s: s if all(s.get(p) == {"producer-b"} for p in owned_by_a) else None)(fetchers_since(feed_server, killed)),
            timeout=60, what="producer-b fetching producer-a's feeds",
        )
        assert all(taken[p] == {"producer-b"} for p in owned_by_a)
    finally:
        for process in (a, b):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
            process.log.close()
    # Each feed's one item was emitted once: the new owner restored the dead one's seen sets.
    records = read_topic(settings, settings.kafka.topics.raw, expect=FEEDS, timeout=10)
    assert len(records) == FEEDS, f"{len(records)} records for {FEEDS} items"
    assert b.returncode == 0, (tmp_path / "b.log").read_text()
