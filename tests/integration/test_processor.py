"""Processor on the real broker: `news.raw` -> enrichment chain -> `news.enriched`; every kind of
poison to `news.dlq` while the good articles of the same batch go through; N worker processes."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsflow.app.wiring import run_process
from newsflow.contract.schema import MAX_EVENT_BYTES, RawArticle, decode_enriched, encode
from newsflow.runtime.kafka import make_admin, make_producer
from newsflow.runtime.worker import StopFlag
from newsflow.settings import Settings
from processors.base import register_step
from tests.support import as_env, lag, read_topic, send, wait_for

NOW = datetime(2022, 6, 19, 14, 30, tzinfo=UTC)
# Fast real steps: enough to show a chain running, no spaCy model to load.
LIGHT_STEPS = ("news.clean.v1", "news.language.v1")
POISON_STEP = "test.poison.v1"


@register_step(POISON_STEP)
class PoisonStep:
    """Fails the ways a model can: raises for a batch holding an article with EXPLODE, and bloats
    an article with INFLATE past the event size limit. Others get one key phrase."""

    reads = ("text",)
    writes = ("keyphrases",)

    def __init__(self, *, settings) -> None:
        pass

    def run(self, drafts):
        if any("EXPLODE" in d.get("text") for d in drafts):
            raise RuntimeError("the model choked on EXPLODE")
        return [{"keyphrases": ("x" * MAX_EVENT_BYTES,) if "INFLATE" in d.get("text") else ("checked",)} for d in drafts]

    def provenance(self) -> dict[str, str]:
        return {"poison-model": "1"}


def raw(article_id: str, text: str, **fields) -> RawArticle:
    return RawArticle(
        id=article_id, version=1655649000000, url=f"https://news.example.org/{article_id}", feed_url="https://news.example.org/rss",
        source="Example", title=f"Article {article_id}", text=text, fetched_at=NOW, published=NOW, **fields,
    )


def with_processor(settings: Settings, **changes) -> Settings:
    return settings.model_copy(update={"processor": settings.processor.model_copy(update=changes)})


def produce(settings: Settings, messages: list[tuple[bytes, bytes | None]], *, partition: int) -> list[int]:
    """Produce key/value pairs to news.raw, all to one partition; their offsets."""
    producer = make_producer(settings.kafka)
    try:
        futures = [producer.send(settings.kafka.topics.raw, key=k, value=v, partition=partition) for k, v in messages]
        producer.flush()
        return [f.get(timeout=30).offset for f in futures]
    finally:
        producer.close()


@pytest.fixture
def start_processor():
    """`run_process` in a thread; at the end stopped the way SIGTERM stops it, and must exit 0."""
    running = []

    def start(settings: Settings) -> None:
        stop, result = StopFlag(), {}
        thread = threading.Thread(target=lambda: result.setdefault("exit", run_process(settings, stop=stop)), daemon=True)
        thread.start()
        running.append((stop, thread, result))

    yield start
    for stop, thread, result in running:
        stop.set()
        thread.join(timeout=60)
        assert not thread.is_alive(), "processor did not stop within 60 s of the stop request"
        assert result.get("exit") == 0


def test_the_default_chain_enriches_the_seed_article(settings, seed_article, start_processor):
    article = RawArticle(
        id="seed0000000000000000000000000000", version=1655649000000, url="https://news.example.org/seed",
        feed_url="https://news.example.org/rss", source="Example", title="Tokayev meets Khamenei",
        text=seed_article, fetched_at=NOW, published=NOW,
    )
    send(settings, settings.kafka.topics.raw, [(article.id.encode(), encode(article))])
    start_processor(settings)
    [record] = read_topic(settings, settings.kafka.topics.enriched, expect=1, timeout=120)
    enriched = decode_enriched(record.value)
    assert record.key == article.id.encode()
    assert (enriched.id, enriched.version) == (article.id, article.version)
    assert [s.name for s in enriched.enrichment.steps] == list(settings.processor.steps)
    assert enriched.detected_language == "en" and enriched.enrichment.revision == 0
    people = {e.name for e in enriched.entities if e.type == "PERSON"}
    places = {e.name for e in enriched.entities if e.type == "GPE"}
    assert any("Tokayev" in p for p in people) and any("Raisi" in p for p in people), people
    assert {"Iran", "Tehran"} <= places
    wait_for(lambda: lag(settings, settings.processor.group_id, settings.kafka.topics.raw) == 0,
             timeout=30, what="the processor to commit the raw offset")


def test_every_kind_of_poison_is_dead_lettered_while_the_rest_of_its_batch_is_enriched(settings, start_processor, caplog):
    good = [raw(f"good-{i}", f"The city council met on Tuesday and approved budget number {i} for the schools.") for i in range(3)]
    schema_violation = raw("bad-schema", "fine text").model_dump(mode="json") | {"version": 0}
    poison = {
        b"bad-json": (b'{"schema_version": "raw.v1", "id": ', "bad-json"),
        b"bad-schema": (json.dumps(schema_violation).encode(), "schema"),
        b"tombstone": (None, "empty"),
        b"raw-oversize": (encode(raw("raw-oversize", "y" * MAX_EVENT_BYTES)), "oversize"),
        b"inflate": (encode(raw("inflate", "INFLATE this article when enriching it.")), "oversize"),
        b"explode": (encode(raw("explode", "EXPLODE: a step raises on this article only.")), "enrichment-failed"),
    }
    messages = [(a.id.encode(), encode(a)) for a in good[:2]] + [(k, v) for k, (v, _) in poison.items()]
    messages.append((good[2].id.encode(), encode(good[2])))
    # All in one partition before the worker starts, and a batch that waits long enough for all
    # of them: one batch holds the good and the poison together.
    offsets = dict(zip((k for k, _ in messages), produce(settings, messages, partition=0), strict=True))
    caplog.set_level(logging.INFO, logger="newsflow.runtime.worker")
    start_processor(with_processor(settings, steps=(*LIGHT_STEPS, POISON_STEP), batch_size=16, batch_max_wait_s=2.0))

    enriched = read_topic(settings, settings.kafka.topics.enriched, expect=3, timeout=60)
    assert sorted(r.key for r in enriched) == [b"good-0", b"good-1", b"good-2"]
    for record in enriched:
        article = decode_enriched(record.value)
        assert article.keyphrases == ("checked",)
        assert [s.name for s in article.enrichment.steps] == [*LIGHT_STEPS, POISON_STEP]

    dead = read_topic(settings, settings.kafka.topics.dlq, expect=len(poison))
    assert sorted(r.key for r in dead) == sorted(poison)
    for record in dead:
        headers = dict(record.headers)
        assert headers["newsflow.reason"].decode() == poison[record.key][1], record.key
        assert headers["newsflow.stage"] == b"processor"
        assert headers["newsflow.origin_topic"] == settings.kafka.topics.raw.encode()
        assert (headers["newsflow.origin_partition"], int(headers["newsflow.origin_offset"])) == (b"0", offsets[record.key])
        assert headers["newsflow.error"]
    by_key = {r.key: r for r in dead}
    assert by_key[b"tombstone"].value is None
    assert by_key[b"explode"].value == poison[b"explode"][0], "the original message is kept for a later replay"
    assert b"EXPLODE" in dict(by_key[b"explode"].headers)["newsflow.error"]
    # A message near Kafka's size limit is cut so that the headers still fit beside it.
    assert int(dict(by_key[b"raw-oversize"].headers)["newsflow.value_truncated_from"]) == len(poison[b"raw-oversize"][0])

    wait_for(lambda: lag(settings, settings.processor.group_id, settings.kafka.topics.raw) == 0,
             timeout=30, what="the processor to commit every raw offset")
    batches = [m for m in caplog.messages if m.startswith("batch stage=processor")]
    assert any(re.search(r"records=9 ok=3 dead_lettered=6 committed=True", m) for m in batches), batches


def _started_children(log_path: Path) -> list[tuple[str, int]]:
    return [(m[1], int(m[2])) for m in re.finditer(r"started child=(\S+) pid=(\d+)", log_path.read_text())]


def _group_members(settings: Settings) -> int:
    """Members of the processor group once it is stable (0 while it rebalances)."""
    admin = make_admin(settings.kafka)
    try:
        group = admin.describe_groups([settings.processor.group_id])[settings.processor.group_id]
        return len(group["members"]) if group["group_state"] == "Stable" else 0
    finally:
        admin.close()


def test_n_workers_share_the_group_a_killed_one_is_restarted_and_sigterm_stops_all(settings, tmp_path):
    env = os.environ | as_env(settings) | {"NEWSFLOW_PROCESSOR__STEPS": json.dumps(LIGHT_STEPS)}
    log_path = tmp_path / "process.log"
    with log_path.open("w") as log:
        parent = subprocess.Popen([sys.executable, "-m", "newsflow", "process", "--workers", "2"], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            first = wait_for(lambda: len(_started_children(log_path)) == 2 and _started_children(log_path), timeout=30,
                             what="two workers started")
            assert sorted(name for name, _ in first) == ["processor-0", "processor-1"]
            wait_for(lambda: _group_members(settings) == 2, timeout=60, what="both workers in one consumer group")

            articles = [raw(f"w-{i}", f"The harbour of Rotterdam handled shipment number {i} this week.") for i in range(20)]
            send(settings, settings.kafka.topics.raw, [(a.id.encode(), encode(a)) for a in articles])
            enriched = read_topic(settings, settings.kafka.topics.enriched, expect=20, timeout=60)
            assert sorted(decode_enriched(r.value).id for r in enriched) == sorted(a.id for a in articles)

            killed = dict(first)["processor-1"]
            os.kill(killed, signal.SIGKILL)
            restarted = wait_for(lambda: [pid for name, pid in _started_children(log_path)[2:] if name == "processor-1"],
                                 timeout=30, what="the killed worker to be restarted")
            assert restarted[0] != killed
            assert "child=processor-1 exited code=-9; restarting in 1s" in log_path.read_text()
            # Stop only once the new worker runs (a SIGTERM during its start-up has nothing to finish).
            wait_for(lambda: log_path.read_text().count("processor started group=") == 3, timeout=60,
                     what="the restarted worker to join")
        finally:
            parent.send_signal(signal.SIGTERM)
            try:
                code = parent.wait(timeout=90)
            finally:
                parent.kill()
    output = log_path.read_text()
    assert code == 0, output[-3000:]
    assert output.count("processor stopped cleanly") >= 2, output[-3000:]
    assert "Traceback" not in output
