"""`newsflow reprocess` on the real servers: a changed chain re-enriches news.raw and the index
takes the new enrichment, while a replay of the same enrichment changes nothing and an older
article version never overwrites a newer one."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from newsflow.app.wiring import run_process, run_reprocess
from newsflow.contract.schema import RawArticle, decode_enriched, encode
from newsflow.runtime.worker import StopFlag
from newsflow.settings import Settings
from processors.base import register_step
from processors.service import automatic_revision
from sinks.articles import REVISIONS_PER_VERSION, ArticleSink
from tests.integration.test_processor import LIGHT_STEPS, with_processor
from tests.support import as_env, lag, read_topic, send, wait_for

NOW = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
MARK_STEP = "test.mark-reprocessed.v1"


@register_step(MARK_STEP)
class MarkReprocessed:
    """Stands for a changed chain: a step the first enrichment did not have."""

    reads = ("title",)
    writes = ("keyphrases",)

    def __init__(self, *, settings) -> None:
        pass

    def run(self, drafts):
        return [{"keyphrases": ("reprocessed",)} for _ in drafts]

    def provenance(self) -> dict[str, str]:
        return {}


def article(article_id: str, version: int, title: str) -> RawArticle:
    return RawArticle(
        id=article_id, version=version, url=f"https://news.example.org/{article_id}", feed_url="https://news.example.org/rss",
        source="Example", title=title, text=f"{title}. The regional parliament debated the new transport budget on Monday.",
        fetched_at=NOW, published=NOW,
    )


@contextmanager
def processing(settings: Settings) -> Iterator[None]:
    """The live processor in a thread until every raw offset is committed, then stopped."""
    stop, result = StopFlag(), {}
    thread = threading.Thread(target=lambda: result.setdefault("exit", run_process(settings, stop=stop)), daemon=True)
    thread.start()
    try:
        yield
        wait_for(lambda: lag(settings, settings.processor.group_id, settings.kafka.topics.raw) == 0, timeout=60,
                 what="the processor to commit every raw offset")
    finally:
        stop.set()
        thread.join(timeout=60)
    assert result.get("exit") == 0


def index(settings: Settings, es, records: list) -> None:
    """What the sink does with these news.enriched records, then a refresh."""
    sink = ArticleSink(client=es, alias=settings.elasticsearch.write_alias, url=settings.elasticsearch.url)
    writes, rejected = sink.prepare(records)
    assert not rejected and not sink.deliver(writes)
    es.indices.refresh(index=settings.elasticsearch.alias)


def documents(settings: Settings, es) -> dict[str, dict]:
    hits = es.search(index=settings.elasticsearch.alias, size=100, version=True, seq_no_primary_term=True)["hits"]["hits"]
    return {h["_id"]: h for h in hits}


def test_a_reprocess_with_a_changed_chain_updates_the_index_and_a_replay_changes_nothing(settings, es):
    topics = settings.kafka.topics
    stable = [article(f"r-{i}", 1709542800000 + i, f"Budget story {i}") for i in range(4)]
    old, new = article("r-updated", 1709542800000, "First headline"), article("r-updated", 1709542800001, "Corrected headline")
    send(settings, topics.raw, [(a.id.encode(), encode(a)) for a in [*stable, old, new]])
    with processing(settings.model_copy(update={"processor": settings.processor.model_copy(update={"steps": LIGHT_STEPS})})):
        pass
    live = read_topic(settings, topics.enriched, expect=6)
    index(settings, es, live)
    before = documents(settings, es)
    assert set(before) == {a.id for a in stable} | {"r-updated"}
    assert before["r-updated"]["_source"]["title"] == "Corrected headline"
    assert all(d["_version"] == d["_source"]["version"] * REVISIONS_PER_VERSION for d in before.values())
    assert all(d["_source"]["keyphrases"] == [] for d in before.values())

    # A plain replay of the same enrichment (a restarted sink, a rebuild) rewrites nothing.
    index(settings, es, live)
    assert {k: d["_seq_no"] for k, d in documents(settings, es).items()} == {k: d["_seq_no"] for k, d in before.items()}

    report = run_reprocess(with_processor(settings, steps=(*LIGHT_STEPS, MARK_STEP)), since=None, revision=7, stop=StopFlag())
    assert (report.complete, report.records, report.dead_lettered, report.expected) == (True, 6, 0, 6)
    assert report.summary().startswith("reprocess complete: records=6 enriched=6 dead_lettered=0 of=6 since=all revision=7")
    everything = read_topic(settings, topics.enriched, expect=12)
    redone = [r for r in everything if decode_enriched(r.value).enrichment.revision == 7]
    assert sorted(decode_enriched(r.value).version for r in redone) == sorted(a.version for a in [*stable, old, new])

    # The re-enriched older version of the updated article loses against the newer version.
    [redone_old] = [r for r in redone if r.key == old.id.encode() and decode_enriched(r.value).version == old.version]
    index(settings, es, [redone_old])
    assert documents(settings, es)["r-updated"]["_seq_no"] == before["r-updated"]["_seq_no"]

    index(settings, es, everything)
    after = documents(settings, es)
    for doc_id, doc in after.items():
        assert doc["_source"]["keyphrases"] == ["reprocessed"], doc_id
        assert doc["_version"] == doc["_source"]["version"] * REVISIONS_PER_VERSION + 7
        assert doc["_seq_no"] > before[doc_id]["_seq_no"]
        assert MARK_STEP in doc["_source"]["enrichment"]["steps"]
    assert (after["r-updated"]["_source"]["title"], after["r-updated"]["_source"]["version"]) == ("Corrected headline", new.version)

    # ...and replaying all of it again, old and new enrichments, changes nothing any more.
    index(settings, es, everything)
    assert {k: d["_seq_no"] for k, d in documents(settings, es).items()} == {k: d["_seq_no"] for k, d in after.items()}

    tomorrow = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    nothing = run_reprocess(with_processor(settings, steps=LIGHT_STEPS), since=tomorrow, revision=8, stop=StopFlag())
    assert (nothing.complete, nothing.records, nothing.expected) == (True, 0, 0)


def test_the_reprocess_command_prints_a_summary_with_its_automatic_revision(settings):
    raw = article("cli-1", 1709542800000, "Command line story")
    send(settings, settings.kafka.topics.raw, [(raw.id.encode(), encode(raw))])
    env = os.environ | as_env(settings) | {"NEWSFLOW_PROCESSOR__STEPS": json.dumps(LIGHT_STEPS)}
    low = automatic_revision(datetime.now(UTC))
    result = subprocess.run([sys.executable, "-m", "newsflow", "reprocess", "--since", "2024-01-01"], env=env,
                            capture_output=True, text=True, timeout=120)
    high = automatic_revision(datetime.now(UTC))
    assert result.returncode == 0, result.stderr[-2000:]
    summary = re.fullmatch(r"reprocess complete: records=1 enriched=1 dead_lettered=0 of=1 since=2024-01-01 revision=(\d+) "
                           r"seconds=[\d.]+\n", result.stdout)
    assert summary, result.stdout
    assert low <= int(summary[1]) <= high
    [record] = read_topic(settings, settings.kafka.topics.enriched, expect=1)
    assert decode_enriched(record.value).enrichment.revision == int(summary[1])

    bad = subprocess.run([sys.executable, "-m", "newsflow", "reprocess", "--since", "yesterday"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "not a date as YYYY-MM-DD: 'yesterday'" in bad.stderr
