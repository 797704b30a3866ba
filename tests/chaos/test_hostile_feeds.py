"""Three feeds of nine turn hostile halfway (a server that hangs, one that answers 500, one that
answers garbage) while the others stay fine: what the hostile ones served before is all indexed,
the healthy ones go on undisturbed, and the hostile ones are reported unhealthy."""

from __future__ import annotations

import json

from tests.chaos.feeds import ChaosFeeds
from tests.chaos.harness import ChaosRun, Publisher, TopicReader
from tests.support import wait_for

FEEDS = 9
ITEMS = 16
HOSTILE = {0: "timeout", 1: "error", 2: "garbage"}


def test_feeds_turning_hostile_halfway_do_not_disturb_the_others(settings, tmp_path):
    feeds = ChaosFeeds(FEEDS, hang_s=10)
    feeds.publish(range(4))
    run = ChaosRun("hostile-feeds", settings, feeds, tmp_path)
    health = TopicReader(settings, settings.kafka.topics.feed_health, partitions=settings.kafka.topics.feed_partitions)
    try:
        run.start()
        with Publisher(run, range(4, ITEMS), every_s=1.0) as publisher:
            wait_for(lambda: run.raw_count() >= FEEDS * 6, timeout=90, what="the first half in news.raw")
            for feed, mode in HOSTILE.items():
                feeds.set_mode([feed], mode)
            run.did(f"feeds {sorted(HOSTILE)} turned hostile: {HOSTILE}")
            wait_for(publisher.done, timeout=60, what="the publisher to finish")

        def hostile_reported() -> dict[str, set[str]]:
            reasons: dict[str, set[str]] = {}
            for record in health.read():
                event = json.loads(record.value)
                if event["outcome"] == "error":
                    reasons.setdefault(event["url"], set()).add(event["reason"])
            return reasons if all(feeds.url(f) in reasons for f in HOSTILE) else {}

        reported = wait_for(hostile_reported, timeout=60, what="the hostile feeds' errors on the health topic")
        run.did(f"health topic: {({k.rsplit('/', 1)[-1]: sorted(v) for k, v in reported.items()})}")
        run.wait_settled(timeout=180)
        report = run.audit()
        run.assert_clean_exits()
    finally:
        health.close()
        run.close()
        feeds.close()
    assert report.ok, report.problems()
    served = report.expected
    healthy = (FEEDS - len(HOSTILE)) * ITEMS
    assert healthy < served < FEEDS * ITEMS, "the healthy feeds served everything, the hostile ones only their first half"
    assert set(reported) == {feeds.url(f) for f in HOSTILE}, "only the hostile feeds reported errors"
    assert reported[feeds.url(0)] == {"timeout"} and reported[feeds.url(1)] == {"http-error"}
    assert reported[feeds.url(2)] == {"not-a-feed"}
