"""The pipeline on a cluster (`newsflow stack up --cluster`: three KRaft brokers, two
Elasticsearch nodes), nodes killed on purpose, audited like the rest of the chaos tier:
Elasticsearch holds exactly what the feed server served, once each, at its latest revision, and
the dead-letter topic exactly the poison.

Topics get replication factor 3 and min.insync.replicas 2, the indices one replica (the defaults
`newsflow setup` picks on 3 brokers and 2 data nodes); producers use acks=all with idempotence.

- the leader of news.raw SIGKILLed mid-stream, then restarted;
- a second broker SIGKILLed while the first is down: no write can reach 2 in-sync copies, so
  nothing is acknowledged (the producer blocks) until they are back, and nothing is dropped;
- an Elasticsearch node SIGKILLed mid-bulk, then restarted: the client retries the other node;
- a rolling restart of the three brokers;
- the harness can fail: with acks=1 (a test-only switch) a leader that dies before its followers
  copied what it acknowledged loses those records, and the audit reports them.

Slow (a few minutes each, the cluster's start included): `make test` runs them when
NEWSFLOW_CHAOS_CLUSTER=1, and CI (.ci/run) sets it.
"""

from __future__ import annotations

import re
import time

import pytest
from elasticsearch import NotFoundError
from kafka import KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType

from newsflow import stack
from newsflow.app.wiring import run_setup
from newsflow.index.indices import make_client
from newsflow.runtime.kafka import UNSAFE_PRODUCER_ACKS_ENV, make_admin, replication
from newsflow.settings import Settings, load_settings
from tests.chaos.cluster import Cluster, elapsed
from tests.chaos.feeds import ChaosFeeds, Item
from tests.chaos.harness import ChaosRun, Publisher
from tests.support import isolated, lag, wait_for

POISON = {b"cluster-bad-json": b'{"schema_version": "raw.v1", "id": ', b"cluster-tombstone": None}


@pytest.fixture(scope="module")
def cluster():
    """The local cluster, started for these scenarios and stopped after them (unless it ran before)."""
    base = load_settings()
    before = {s.name for s in stack.status(base, cluster=True) if s.state == "running"}
    started = time.monotonic()
    try:
        stack.up(base, cluster=True, say=lambda line: print(f"[cluster] {line}", flush=True))
        print(f"[cluster] up after {elapsed(started)}", flush=True)
        yield Cluster(base)
    finally:
        _thaw_all(Cluster(base))
        ours = sorted({s.name for s in stack.status(base, cluster=True) if s.state == "running"} - before)
        if ours:
            stack.down(base, cluster=True, only=ours, say=lambda line: None)


@pytest.fixture
def settings(cluster: Cluster, request: pytest.FixtureRequest):
    """Per-scenario topics, groups and indices on the cluster (whatever the last scenario left, all nodes up)."""
    cluster.restart()
    cluster.wait_es("green")
    mine = isolated(cluster.settings, request.node.name.removeprefix("test_"))
    run_setup(mine)
    t = mine.kafka.topics
    cluster.wait_metadata([*_topics(mine), t.stories])
    yield mine
    # A scenario that failed with brokers stalled or down: they must answer the clean-up.
    _thaw_all(cluster)
    cluster.restart()
    _remove(mine)


def _thaw_all(cluster: Cluster) -> None:
    """SIGCONT every node: one a scenario stalled (SIGSTOP) and never resumed, because it failed."""
    for name in cluster.nodes:
        try:
            cluster.thaw(name)
        except (AssertionError, ProcessLookupError):
            pass


def _remove(settings: Settings) -> None:
    t, es = settings.kafka.topics, settings.elasticsearch
    admin = make_admin(settings.kafka)
    try:
        admin.delete_topics([t.raw, t.enriched, t.dlq, t.feed_state, t.feed_health, t.stories])
    finally:
        admin.close()
    client = make_client(es)
    try:
        client.indices.delete(index=[es.index_name, es.feed_health_index, es.stories_index, es.stories_state_index],
                              ignore_unavailable=True)
        for template in (es.template_name, es.feed_health_index, es.stories_index, es.stories_state_index):
            try:
                client.indices.delete_index_template(name=template)
            except NotFoundError:
                pass
    finally:
        client.close()


def _topics(settings: Settings) -> list[str]:
    t = settings.kafka.topics
    return [t.raw, t.enriched, t.dlq, t.feed_state, t.feed_health]


def _bulks(run: ChaosRun) -> int:
    return run.stages["sink"].log_text().count("bulk sink=")


def _finish(run: ChaosRun, feeds: ChaosFeeds, expected: int) -> None:
    run.wait_settled(timeout=300)
    report = run.audit()
    run.assert_clean_exits()
    assert report.ok, report.problems()
    assert report.expected == expected
    assert report.dlq_found == len(POISON)


def test_setup_replicates_three_ways_with_two_in_sync(settings, cluster):
    """What the scenarios rely on: `newsflow setup` counted the brokers and the data nodes."""
    parts = cluster.partitions(_topics(settings))
    assert parts and all(len(p["replica_nodes"]) == 3 for p in parts.values())
    assert str(replication(settings.kafka, 3)) == "replication factor 3, min.insync.replicas 2 (3 brokers)"
    admin = make_admin(settings.kafka)
    try:
        configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, settings.kafka.topics.raw)])
    finally:
        admin.close()
    assert configs["topic"][settings.kafka.topics.raw]["min.insync.replicas"]["value"] == "2"
    client = make_client(settings.elasticsearch)
    try:
        index = client.indices.get_settings(index=settings.elasticsearch.index_name)
        assert index[settings.elasticsearch.index_name]["settings"]["index"]["number_of_replicas"] == "1"
    finally:
        client.close()


FEEDS = 8
ITEMS = 24  # per feed: 4 at the start, then one a second while nodes die


def test_raw_partition_leader_sigkilled_mid_stream_then_restarted(settings, cluster, tmp_path):
    feeds = ChaosFeeds(FEEDS)
    feeds.publish(range(4))
    run = ChaosRun("cluster-leader-kill", settings, feeds, tmp_path)
    raw = settings.kafka.topics.raw
    try:
        run.start()
        run.send_poison(raw, POISON)
        with Publisher(run, range(4, ITEMS), every_s=1.0) as publisher:
            wait_for(lambda: _bulks(run) > 0, timeout=120, what="the first bulk")
            leader = cluster.leader(raw)
            pid = cluster.kill(cluster.broker_name(leader))
            run.did(f"SIGKILL kafka-{leader} (pid {pid}), the leader of {raw}-0")
            killed = time.monotonic()
            new = cluster.wait_new_leader(raw, gone=leader)
            run.did(f"kafka-{new} leads {raw}-0 after {elapsed(killed)}")
            served, raw_before = len(feeds.expected()), run.raw_count()
            wait_for(lambda: len(feeds.expected()) > served and run.raw_count() > raw_before, timeout=90,
                     what="new articles produced while the old leader is down")
            run.did(f"news.raw grew from {raw_before} to {run.raw_count()} records with kafka-{leader} down")
            cluster.restart()
            run.did(f"restarted kafka-{leader} after {elapsed(killed)} down")
            cluster.wait_in_sync(_topics(settings))
            run.did("every replica back in sync")
            wait_for(publisher.done, timeout=90, what="the publisher to finish")
        _finish(run, feeds, FEEDS * ITEMS)
    finally:
        run.close()
        feeds.close()


def test_second_broker_sigkilled_while_one_is_down(settings, cluster, tmp_path):
    """With two of three brokers gone no write reaches min.insync.replicas=2: the producer must
    block (or fail visibly), never drop; once the brokers are back every article arrives."""
    feeds = ChaosFeeds(FEEDS)
    feeds.publish(range(4))
    run = ChaosRun("cluster-two-brokers-down", settings, feeds, tmp_path)
    raw = settings.kafka.topics.raw
    try:
        run.start()
        run.send_poison(raw, POISON)
        wait_for(lambda: _bulks(run) > 0, timeout=120, what="the first bulk")
        first = cluster.leader(raw)
        run.did(f"SIGKILL kafka-{first} (pid {cluster.kill(cluster.broker_name(first))}), the leader of {raw}-0")
        second = cluster.wait_new_leader(raw, gone=first)
        run.did(f"kafka-{second} took over {raw}-0")
        # Items 0..3 all in news.raw first: what the producer emits from here on is items 4..7 only.
        wait_for(run._all_emitted, timeout=90, what=f"items 0..3 emitted with kafka-{first} down")
        producer = run.stages["producer"]
        log_offset = len(producer.log_text())
        run.did(f"SIGKILL kafka-{second} (pid {cluster.kill(cluster.broker_name(second))}) while kafka-{first} is down")
        down = time.monotonic()
        feeds.publish(range(4, 8))
        run.did("published items 4..7 on every feed with one broker left")
        # The outage itself: long enough for the producer to try, time out and retry (its sends wait
        # up to request_timeout_ms=30 s), which is the scenario, not a wait for a result. Whether
        # it fetches the new items meanwhile depends on where its group coordinator was: blocked
        # before the fetch or after it, either way nothing may be acknowledged, nothing dropped.
        time.sleep(max(0.0, 40 - (time.monotonic() - down)))
        run.did(f"{len(feeds.expected())} of {FEEDS * 8} articles served to the producer so far")
        assert producer.alive(), f"the producer died with two brokers down:\n{producer.log_tail()}"
        # What the producer counts as emitted, Kafka acknowledged (it waits for each ack first).
        acknowledged = _emitted_since(run, log_offset)
        paused = "producer paused" in producer.log_text()[log_offset:]
        run.did(f"after {elapsed(down)} with one broker: {acknowledged} articles acknowledged; "
                f"producer {'logged it paused' if paused else 'blocked on its sends'}")
        assert acknowledged == 0, "records were acknowledged with one in-sync replica (min.insync.replicas=2)"
        cluster.restart()
        run.did(f"restarted kafka-{first} and kafka-{second} after {elapsed(down)}")
        cluster.wait_in_sync(_topics(settings))
        run.did("every replica back in sync")
        wait_for(lambda: len(feeds.expected()) == FEEDS * 8, timeout=120, what="the producer to fetch items 4..7")
        _finish(run, feeds, FEEDS * 8)
    finally:
        run.close()
        feeds.close()


def test_elasticsearch_node_sigkilled_mid_bulk_then_restarted(settings, cluster, tmp_path, rng):
    feeds = ChaosFeeds(FEEDS)
    feeds.publish(range(4))
    run = ChaosRun("cluster-es-node-kill", settings, feeds, tmp_path)
    try:
        run.start()
        run.send_poison(settings.kafka.topics.raw, POISON)
        with Publisher(run, range(4, ITEMS), every_s=1.0) as publisher:
            wait_for(lambda: _bulks(run) > 0, timeout=120, what="the first bulk")
            time.sleep(rng.uniform(0.0, 1.0))  # a random moment of the stream: that is the chaos
            # Node 2 holds data only: the cluster lives on, node 1's replicas become primaries.
            run.did(f"SIGKILL elasticsearch-2 (pid {cluster.kill('elasticsearch-2')}) after {_bulks(run)} bulks")
            killed, bulks = time.monotonic(), _bulks(run)
            wait_for(lambda: _bulks(run) > bulks + 1, timeout=120, what="bulks with one Elasticsearch node")
            run.did(f"{_bulks(run) - bulks} bulks on the remaining node; cluster {cluster.es_health().get('status')}")
            cluster.restart()
            run.did(f"restarted elasticsearch-2 after {elapsed(killed)} down")
            cluster.wait_es("green")
            run.did("Elasticsearch green again")
            wait_for(publisher.done, timeout=90, what="the publisher to finish")
        _finish(run, feeds, FEEDS * ITEMS)
    finally:
        run.close()
        feeds.close()


def test_rolling_restart_of_all_three_brokers(settings, cluster, tmp_path):
    feeds = ChaosFeeds(FEEDS)
    feeds.publish(range(4))
    run = ChaosRun("cluster-rolling-restart", settings, feeds, tmp_path)
    try:
        run.start()
        run.send_poison(settings.kafka.topics.raw, POISON)
        with Publisher(run, range(4, ITEMS + 12), every_s=1.0):
            wait_for(lambda: _bulks(run) > 0, timeout=120, what="the first bulk")
            for n in (1, 2, 3):
                began = time.monotonic()
                cluster.stop(f"kafka-{n}")
                run.did(f"stopped kafka-{n} (SIGTERM: controlled shutdown)")
                cluster.restart()
                cluster.wait_in_sync(_topics(settings))
                run.did(f"kafka-{n} back and every replica in sync after {elapsed(began)}")
        _finish(run, feeds, FEEDS * (ITEMS + 12))
    finally:
        run.close()
        feeds.close()


# -- the harness can fail ------------------------------------------------------------------------

LOSS_FEEDS = 6
DELIVERY_TIMEOUT_S = KafkaProducer.DEFAULT_CONFIG["delivery_timeout_ms"] / 1000  # newsflow keeps the client's


def _emitted_since(run: ChaosRun, offset: int) -> int:
    text = run.stages["producer"].log_text()[offset:]
    return sum(int(n) for n in re.findall(r"feeds fetched=\d+ .*? emitted=(\d+)", text))


@pytest.mark.parametrize("acks_1", [True, False], ids=["acks-1", "acks-all"])
def test_the_audit_reports_what_acks_1_loses_when_the_leader_dies(acks_1, settings, cluster, tmp_path):
    """Broker 1 leads every partition the producer writes; the two others stall (SIGSTOP, like a
    long GC pause) while the producer emits a round of articles; broker 1 is SIGKILLed and the
    others resume. With acks=1 the producer had its acknowledgements from broker 1 alone, moved on,
    and the round is gone with broker 1's log: the audit reports it missing. With acks=all (same
    steps) nothing was acknowledged before the kill, the producer retries on the new leader, and
    nothing is lost. The acks=all variant also stalls the followers for longer than the producer's
    delivery.timeout.ms (two minutes) before the round: the producer's pending writes expire, and
    it must still deliver once the cluster is whole (kafka-python 3.0.12 wedged for good there)."""
    leader, followers = 1, ["kafka-2", "kafka-3"]
    t = settings.kafka.topics
    # The group coordinators too (__consumer_offsets): a producer whose coordinator stalls stops fetching.
    cluster.lead_everything(leader, [t.raw, t.feed_state, t.feed_health, "__consumer_offsets"])
    feeds = ChaosFeeds(LOSS_FEEDS)
    feeds.publish(range(3))
    stage_env = {"producer": {UNSAFE_PRODUCER_ACKS_ENV: "1"}} if acks_1 else {}
    run = ChaosRun("acks-1-leader-kill" if acks_1 else "acks-all-leader-kill", settings, feeds, tmp_path, stage_env=stage_env)
    run.did(f"kafka-{leader} leads every partition of {t.raw}, {t.feed_state}, {t.feed_health} and __consumer_offsets")
    try:
        run.start()
        run.send_poison(t.raw, POISON)
        run.wait_settled(timeout=180)
        log_offset = len(run.stages["producer"].log_text())
        for name in followers:
            cluster.freeze(name)
        run.did(f"SIGSTOP {', '.join(followers)}: the followers stall")
        if not acks_1:
            frozen_at = time.monotonic()
            wait_for(lambda: "producer paused" in run.stages["producer"].log_text()[log_offset:], timeout=120,
                     what="the producer to hold writes Kafka does not acknowledge", interval=1.0)
            run.did("the producer holds writes Kafka does not acknowledge (producer paused)")
            # A scenario duration, not a hope: past delivery.timeout.ms every write pending since the
            # freeze has expired unacknowledged (the producer's log does not say so: a flush times out first).
            time.sleep(max(0.0, frozen_at + DELIVERY_TIMEOUT_S + 10 - time.monotonic()))
            run.did(f"stalled {DELIVERY_TIMEOUT_S + 10:.0f}s: the writes pending since the freeze expired")
        feeds.publish(range(3, 6))
        round_ = [Item(f, n).title for f in range(LOSS_FEEDS) for n in range(3, 6)]
        run.did(f"published items 3..5 on every feed ({len(round_)} articles)")

        def on_leader_disk() -> bool:
            held = b"".join(cluster.segment_bytes(leader, t.raw, p) for p in range(t.partitions))
            return all(title.encode() in held for title in round_)

        if acks_1:
            wait_for(on_leader_disk, timeout=60, what=f"the round in kafka-{leader}'s log of {t.raw}")
            run.did(f"the round is in kafka-{leader}'s log, not in its followers'")
            wait_for(lambda: _emitted_since(run, log_offset) >= len(round_), timeout=60,
                     what="the producer to have the round acknowledged")
            run.did(f"the producer had {_emitted_since(run, log_offset)} articles acknowledged (acks=1)")
        else:
            # With acks=all the leader appends the round only while the stalled followers are still in
            # sync; once they drop out (replica.lag.time.max.ms) it refuses it instead. Either way the
            # producer holds the round, unacknowledged.
            links = {Item(f, n).link for f in range(LOSS_FEEDS) for n in range(3, 6)}
            wait_for(lambda: links <= feeds.expected().keys(), timeout=180, what="the producer to fetch the round")
            acknowledged = _emitted_since(run, log_offset)
            run.did(f"the producer fetched the round; {acknowledged} articles acknowledged (acks=all), "
                    f"round in kafka-{leader}'s log: {on_leader_disk()}")
            assert acknowledged == 0, "acknowledged with both followers stalled (min.insync.replicas=2)"
        run.did(f"SIGKILL kafka-{leader} (pid {cluster.kill(f'kafka-{leader}')})")
        for name in followers:
            cluster.thaw(name)
        run.did(f"SIGCONT {', '.join(followers)}")
        cluster.wait_new_leader(t.raw, gone=leader, timeout=90)
        cluster.restart()
        cluster.wait_in_sync(_topics(settings))
        run.did(f"restarted kafka-{leader}; every replica in sync")
        # Settled: every served article emitted, or (what a loss looks like) the producer has fetched
        # every feed three more times without emitting anything; and both groups committed everything.
        requests = feeds.requests

        def quiet() -> bool:
            emitted_or_idle = run._all_emitted() or feeds.requests >= requests + 3 * LOSS_FEEDS
            return emitted_or_idle and (lag(settings, settings.processor.group_id, t.raw) == 0
                                        and lag(settings, settings.sink.group_id, t.enriched) == 0)

        wait_for(quiet, timeout=240, what="the pipeline to settle", interval=1.0)
        run.did("settled: nothing more to emit, every offset committed")
        report = run.audit()
        run.assert_clean_exits()
    finally:
        run.close()
        feeds.close()
    assert report.expected == LOSS_FEEDS * 6
    assert report.dlq_found == len(POISON) and not report.dlq_missing and not report.dlq_unexpected
    if acks_1:
        assert not report.ok and report.missing, f"the harness did not see the loss: {report.line()}"
        assert report.found + len(report.missing) == report.expected
        assert f"missing={len(report.missing)}" in report.line()
    else:
        assert report.ok, report.problems()

