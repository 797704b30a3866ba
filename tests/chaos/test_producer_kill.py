"""A producer SIGKILLed mid-cycle (some feeds of the cycle produced, others not yet) and
restarted: nothing is missed, re-emission stays within the at-least-once window (the feeds
whose articles were acknowledged but whose state was not yet saved), and the index holds no
duplicate."""

from __future__ import annotations

from tests.chaos.feeds import ChaosFeeds
from tests.chaos.harness import ChaosRun
from tests.support import wait_for

FEEDS = 24
ITEMS = 4  # per feed and per round
ROUNDS = 3  # one at the start, two killed mid-cycle


def test_producer_killed_mid_cycle_then_restarted(settings, tmp_path):
    # A second per feed answer, 8 requests at a time to one host: a cycle takes ~3 s, so a kill
    # between the first and the last feed's articles is a kill mid-cycle.
    feeds = ChaosFeeds(FEEDS, delay_s=1.0)
    feeds.publish(range(ITEMS))
    run = ChaosRun("producer-kill", settings, feeds, tmp_path)
    try:
        run.start()
        wait_for(lambda: run.raw_count() >= FEEDS * ITEMS, timeout=90, what="the first round in news.raw")
        for round_ in range(1, ROUNDS):
            before = run.raw_count()
            feeds.publish(range(round_ * ITEMS, (round_ + 1) * ITEMS))
            run.did(f"published round {round_}: {FEEDS * ITEMS} new articles")
            # Some of the round's articles are in news.raw, not all: the cycle is under way.
            wait_for(lambda before=before: before < run.raw_count(50) < before + FEEDS * ITEMS, timeout=30,
                     what="a cycle half done", interval=0.02)
            run.kill("producer")
            run.did(f"killed with {run.raw_count() - before} of {FEEDS * ITEMS} articles of the round in news.raw")
            run.restart("producer")
        run.wait_settled(timeout=180)
        report = run.audit()
        run.assert_clean_exits()
    finally:
        run.close()
        feeds.close()
    assert report.ok, report.problems()
    assert report.expected == FEEDS * ITEMS * ROUNDS
    # The at-least-once window per kill: the feeds in flight (8 at a time to one host) times their new items.
    window = settings.producer.per_host_concurrency * ITEMS * (ROUNDS - 1)
    assert report.raw_reemitted <= window, f"{report.raw_reemitted} re-emitted, more than the window of {window}"
