"""The whole pipeline as three OS processes (producer, processor, sink) on the real servers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from newsflow.contract.ids import article_id
from tests.support import as_env, lag, read_topic, send, wait_for

SEED_LINK = "https://news.example.org/2022/06/19/tokayev-meets-khamenei?utm_source=rss&utm_medium=feed"


def newsflow(settings, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsflow", *args], capture_output=True, text=True,
                          timeout=120, env=os.environ | as_env(settings), **kwargs)


@pytest.fixture
def workers(settings, tmp_path):
    """`newsflow process` and `newsflow sink` as long-running processes, stopped with SIGTERM."""
    env = os.environ | as_env(settings)
    procs = {}
    for stage in ("process", "sink"):
        log = (tmp_path / f"{stage}.log").open("w")
        procs[stage] = (subprocess.Popen([sys.executable, "-m", "newsflow", stage], env=env, stdout=log, stderr=subprocess.STDOUT), log)
    yield procs
    for stage, (proc, log) in procs.items():
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=60)
        finally:
            proc.kill()
            log.close()
        assert code == 0, f"{stage} exited {code} on SIGTERM; log: {(tmp_path / f'{stage}.log').read_text()[-2000:]}"


def caught_up(settings) -> bool:
    t = settings.kafka.topics
    return lag(settings, settings.processor.group_id, t.raw) == 0 and lag(settings, settings.sink.group_id, t.enriched) == 0


def test_feed_to_search_through_three_processes(settings, es, feed_server, sample_feed, workers):
    url = feed_server.serve("/world.xml", sample_feed.read_bytes())
    alias = settings.elasticsearch.alias
    seed_id = article_id(link=SEED_LINK, feed_url=url, guid=None)

    first = newsflow(settings, "produce", "--once", "--feed", url)
    assert first.returncode == 0, first.stderr
    assert "emitted=4" in first.stderr

    def seed_document():
        es.indices.refresh(index=alias)
        response = es.options(ignore_status=404).get(index=alias, id=seed_id)
        return response if response.get("found") else None

    doc = wait_for(seed_document, timeout=120, what="the sample article in Elasticsearch")
    source = doc["_source"]
    entities = {(e["name"], e["type"]) for e in source["entities"]}
    assert {("Kassym-Jomart Tokayev", "PERSON"), ("Ebrahim Raisi", "PERSON")} <= entities
    assert {("Iran", "GPE"), ("Kazakhstan", "GPE"), ("Tehran", "GPE")} <= entities
    assert any("Khamenei" in name for name, _ in entities)
    assert {"Kassym-Jomart Tokayev", "Ebrahim Raisi"} <= set(source["persons"])
    wait_for(lambda: caught_up(settings), timeout=60, what="processor and sink to commit everything")
    es.indices.refresh(index=alias)
    assert es.count(index=alias)["count"] == 4

    # Polling the same feed again from a new producer process re-emits nothing: the feed's state
    # (what was emitted) is restored from Kafka.
    second = newsflow(settings, "produce", "--once", "--feed", url)
    assert second.returncode == 0, second.stderr
    assert "emitted=0" in second.stderr
    # Items re-emitted anyway (a producer killed between Kafka's ack and its state write) must
    # neither add a document nor rewrite one: replay them.
    raw = read_topic(settings, settings.kafka.topics.raw, expect=4)
    send(settings, settings.kafka.topics.raw, [(r.key, r.value) for r in raw])
    wait_for(lambda: lag(settings, settings.sink.group_id, settings.kafka.topics.enriched) == 0
             and read_end(settings) >= 8, timeout=120, what="the re-polled items to pass through the pipeline")
    es.indices.refresh(index=alias)
    assert es.count(index=alias)["count"] == 4
    assert es.count(index=alias, query={"term": {"url": source["url"]}})["count"] == 1
    again = es.get(index=alias, id=seed_id)
    assert (again["_seq_no"], again["_version"]) == (doc["_seq_no"], doc["_version"])

    search = newsflow(settings, "search", "Al-Farabi", "--json")
    assert search.returncode == 0, search.stderr
    hits = json.loads(search.stdout)["hits"]
    assert [h["id"] for h in hits] == [seed_id]
    assert "Kassym-Jomart Tokayev (PERSON)" in hits[0]["top_entities"]  # the surname resolved to the full name
    assert "<mark>Al-Farabi</mark>" in hits[0]["snippet"]

    shown = newsflow(settings, "search", "Al-Farabi")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("1 article(s) match")
    assert "Kazakh President Tokayev meets Leader of the Islamic Revolution in Tehran" in shown.stdout
    assert "Example World News · 2022-06-19" in shown.stdout
    assert "**Al-Farabi**" in shown.stdout  # the highlighted snippet


def read_end(settings) -> int:
    """How many enriched records exist (both polls' worth once the processor caught up)."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_servers)
    try:
        t = settings.kafka.topics
        ends = consumer.end_offsets([TopicPartition(t.enriched, p) for p in range(t.partitions)])
        return sum(ends.values())
    finally:
        consumer.close()
