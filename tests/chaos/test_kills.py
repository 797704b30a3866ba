"""SIGKILL of a pipeline process at random moments, several times per run, each restarted:
Elasticsearch ends up with every served article once, at its latest revision, enriched."""

from __future__ import annotations

import time

import pytest

from tests.chaos.feeds import ChaosFeeds
from tests.chaos.harness import ChaosRun, Publisher
from tests.support import wait_for

FEEDS = 10
KILLS = 3
ITEMS = 30  # per feed: 6 at the start, then one a second while the kills happen


def _first_batch_logged(run: ChaosRun, role: str) -> bool:
    """The current incarnation has done some work (so a kill now lands mid-stream, not at start-up)."""
    stage = run.stages[role]
    log = (run.stages[role]._log_dir / f"{role}-{stage.incarnation}.log").read_text(errors="replace")
    return f"batch stage={role}" in log


@pytest.mark.parametrize("role", ["processor", "sink"])
def test_sigkill_at_random_moments_loses_and_duplicates_nothing(role, settings, tmp_path, rng):
    feeds = ChaosFeeds(FEEDS)
    feeds.publish(range(6))
    run = ChaosRun(f"sigkill-{role}", settings, feeds, tmp_path)
    try:
        run.start()
        with Publisher(run, range(6, ITEMS), every_s=1.0) as publisher:
            for _ in range(KILLS):
                wait_for(lambda: _first_batch_logged(run, role), timeout=90, what=f"the {role} to process a batch")
                # The kill itself lands at a random moment of the stream: that is the chaos, not a wait for a result.
                time.sleep(rng.uniform(0.0, 2.0))
                run.kill(role)
                run.restart(role)
            wait_for(publisher.done, timeout=60, what="the publisher to finish")
        run.wait_settled(timeout=240)
        report = run.audit()
        run.assert_clean_exits()
    finally:
        run.close()
        feeds.close()
    assert report.ok, report.problems()
    assert report.extra["kills"] == KILLS
    assert report.expected == FEEDS * ITEMS
