"""A server of the pipeline stopped mid-stream and restarted: Elasticsearch for 30 s, then the
Kafka broker. Every stage rides it out (pauses, retries, reconnects) and nothing is lost."""

from __future__ import annotations

import time

from newsflow import stack
from tests.chaos.feeds import ChaosFeeds
from tests.chaos.harness import ChaosRun, Publisher
from tests.support import wait_for

FEEDS = 8
ITEMS = 24  # per feed: 4 at the start, then one a second through the outage


def _outage(run: ChaosRun, base_settings, service: str, seconds: float, *, notice: tuple[str, str]) -> None:
    run.close_readers()
    stack.down(base_settings, say=lambda line: None, only=[service])
    run.did(f"stopped {service}")
    stopped = time.monotonic()
    role, message = notice
    try:
        # A stage inside a Kafka call notices when the call times out: up to 60 s (the clients'
        # max_block_ms; the stories state's offset lookup, 30 s), not only between batches.
        wait_for(lambda: message in run.stages[role].log_text(), timeout=seconds + 75, what=f"the {role} to notice ({message!r})")
    except AssertionError as exc:  # say what the stage was doing instead
        raise AssertionError(f"{exc}; the {role}'s log ends with:\n{run.stages[role].log_tail()}") from None
    run.did(f"{role} noticed: {message!r}")
    time.sleep(max(0.0, seconds - (time.monotonic() - stopped)))  # the outage lasts this long: the scenario itself
    for stage in run.stages.values():
        assert stage.alive(), f"{stage.role} died during the {service} outage:\n{stage.log_tail()}"
    stack.up(base_settings, say=lambda line: None)
    run.did(f"restarted {service} after {time.monotonic() - stopped:.0f}s down")


def _scenario(name: str, service: str, seconds: float, notice: tuple[str, str], settings, base_settings, tmp_path) -> None:
    feeds = ChaosFeeds(FEEDS)
    feeds.publish(range(4))
    run = ChaosRun(name, settings, feeds, tmp_path)
    try:
        run.start()
        with Publisher(run, range(4, ITEMS), every_s=1.0):
            wait_for(lambda: "bulk " in run.stages["sink"].log_text(), timeout=90, what="the first bulk")
            # Mid-stream means every stage at work: on a loaded machine the processor may still be
            # loading its models when the sink's first (feed health) bulk is done, and a stage
            # still starting has nothing to notice yet.
            wait_for(lambda: "batch stage=processor" in run.stages["processor"].log_text(), timeout=180,
                     what="the processor's first batch")
            _outage(run, base_settings, service, seconds, notice=notice)
        run.wait_settled(timeout=240)
        report = run.audit()
        run.assert_clean_exits()
    finally:
        run.close()
        feeds.close()
    assert report.ok, report.problems()
    assert report.expected == FEEDS * ITEMS


def test_elasticsearch_down_for_30s_mid_stream(settings, base_settings, local_servers, tmp_path):
    _scenario("elasticsearch-outage", "elasticsearch", 30, ("sink", "retrying stage=sink"), settings, base_settings, tmp_path)


def test_kafka_broker_stopped_and_restarted_mid_stream(settings, base_settings, local_servers, tmp_path):
    _scenario("kafka-restart", "kafka", 15, ("processor", "WARNING"), settings, base_settings, tmp_path)
