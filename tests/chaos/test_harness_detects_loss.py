"""The harness can fail: with a test-only switch the sink commits its offsets before Elasticsearch
has acknowledged the bulk, which breaks the at-least-once guarantee. The producer and processor
enrich everything first (the processor's stories state lives in Elasticsearch too), then
Elasticsearch is stopped, the sink starts and takes a batch (and, broken, commits it), it is
SIGKILLed, then everything restarts.

The audit must report the loss with the switch on, and nothing lost with the same steps and the
switch off (so the loss is the switch's doing, not the scenario's)."""

from __future__ import annotations

import pytest

from newsflow import stack
from newsflow.runtime.worker import UNSAFE_COMMIT_BEFORE_DELIVERY_ENV
from tests.chaos.feeds import ChaosFeeds
from tests.chaos.harness import ChaosRun
from tests.support import wait_for

FEEDS = 6
ITEMS = 5


@pytest.mark.parametrize("commit_before_delivery", [True, False], ids=["broken-sink", "correct-sink"])
def test_the_audit_reports_the_loss_a_broken_sink_causes(commit_before_delivery, settings, base_settings, local_servers, tmp_path):
    feeds = ChaosFeeds(FEEDS)
    feeds.publish(range(ITEMS))
    stage_env = {"sink": {UNSAFE_COMMIT_BEFORE_DELIVERY_ENV: "1"}} if commit_before_delivery else {}
    run = ChaosRun("broken-sink" if commit_before_delivery else "correct-sink", settings, feeds, tmp_path, stage_env=stage_env)
    try:
        run.start("producer", "processor")
        wait_for(lambda: run.enriched_everything(), timeout=180, what="every article enriched")
        run.did("every article enriched")
        stack.down(base_settings, say=lambda line: None, only=["elasticsearch"])
        run.did("stopped elasticsearch")
        run.start("sink")
        # The sink has taken a batch and cannot deliver it: it is retrying.
        wait_for(lambda: "retrying stage=sink" in run.stages["sink"].log_text(), timeout=90, what="the sink to retry a bulk")
        run.kill("sink")
        stack.up(base_settings, say=lambda line: None)
        run.did("restarted elasticsearch")
        run.restart("sink")
        run.wait_settled(timeout=180)
        report = run.audit()
        run.assert_clean_exits()
    finally:
        run.close()
        feeds.close()
    assert report.expected == FEEDS * ITEMS
    if commit_before_delivery:
        assert not report.ok and report.missing, f"the harness did not see the loss: {report.line()}"
        assert report.found + len(report.missing) == report.expected
        assert f"missing={len(report.missing)}" in report.line()
    else:
        assert report.ok, report.problems()
