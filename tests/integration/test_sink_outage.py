"""Elasticsearch stopped for 30 s mid-stream, then restarted: the sink pauses and retries, keeps
its place in the consumer group, and in the end the index holds every article exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from newsflow import stack
from newsflow.contract.schema import encode
from newsflow.runtime.kafka import make_admin
from sinks.articles import external_version
from tests.support import as_env, lag, sample_articles, send, wait_for

OUTAGE_S = 30


def group_members(settings) -> set[str]:
    admin = make_admin(settings.kafka)
    try:
        described = admin.describe_groups([settings.sink.group_id])
    finally:
        admin.close()
    group = described[settings.sink.group_id] if isinstance(described, dict) else described[0]
    return {m["member_id"] for m in group["members"]}


def test_sink_rides_out_an_elasticsearch_outage_without_loss_or_duplicates(settings, es, base_settings, local_elasticsearch, tmp_path):
    topic = settings.kafka.topics.enriched
    articles = sample_articles(150)
    log_path = tmp_path / "sink.log"
    log = log_path.open("w")
    sink = subprocess.Popen([sys.executable, "-m", "newsflow", "sink"], env=os.environ | as_env(settings),
                            stdout=log, stderr=subprocess.STDOUT)

    def stream(batch: list) -> None:
        for i in range(0, len(batch), 5):  # a steady trickle, as feeds deliver
            send(settings, topic, [(a.id.encode(), encode(a)) for a in batch[i:i + 5]])
            time.sleep(0.1)

    try:
        stream(articles[:50])
        wait_for(lambda: lag(settings, settings.sink.group_id, topic) == 0, timeout=60, what="the sink to index the first 50")
        members = wait_for(lambda: group_members(settings), timeout=30, what="the sink's group membership")

        stack.down(base_settings, say=lambda line: None, only=["elasticsearch"])
        outage_started = time.monotonic()
        streamer = threading.Thread(target=stream, args=(articles[50:],))
        streamer.start()  # articles keep arriving during the outage
        wait_for(lambda: "retrying stage=sink" in log_path.read_text(), timeout=OUTAGE_S, what="the sink to notice the outage")
        assert lag(settings, settings.sink.group_id, topic) > 0, "offsets were committed while Elasticsearch was down"
        time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - outage_started)))  # the outage itself lasts 30 s
        assert sink.poll() is None, "the sink died during the outage"
        stack.up(base_settings, say=lambda line: None)
        streamer.join(timeout=120)

        wait_for(lambda: lag(settings, settings.sink.group_id, topic) == 0, timeout=180, what="the sink to catch up")
        assert group_members(settings) == members, "the sink left (and rejoined) its consumer group"
    finally:
        sink.send_signal(signal.SIGTERM)
        code = sink.wait(timeout=60)
        log.close()
    output = log_path.read_text()
    assert code == 0, output[-2000:]
    assert "Traceback" not in output

    es.indices.refresh(index=settings.elasticsearch.alias)
    found = es.search(index=settings.elasticsearch.alias, size=200, source=False, version=True)["hits"]["hits"]
    assert len(found) == len(articles)
    assert {h["_id"]: h["_version"] for h in found} == {a.id: external_version(a) for a in articles}
    print(f"outage={OUTAGE_S}s expected={len(articles)} found={len(found)} duplicated=0 missing=0")
