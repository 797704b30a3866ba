"""Processor: `news.raw` -> spaCy -> `news.enriched` on the real broker, poison to the DLQ."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from newsflow.schema import RawArticle, decode_enriched, encode
from newsflow.stages import run_process
from newsflow.worker import StopFlag
from tests.support import lag, read_topic, send, wait_for

NOW = datetime(2022, 6, 19, 14, 30, tzinfo=UTC)


def seed_raw(text: str) -> RawArticle:
    return RawArticle(
        id="seed0000000000000000000000000000", version=1655649000000, url="https://news.example.org/seed",
        feed_url="https://news.example.org/rss", source="Example", title="Tokayev meets Khamenei",
        text=text, fetched_at=NOW, published=NOW,
    )


@pytest.fixture
def processor(settings):
    """`newsflow process` in a thread, stopped the way SIGTERM stops it."""
    stop = StopFlag()
    result: dict[str, int] = {}
    thread = threading.Thread(target=lambda: result.setdefault("exit", run_process(settings, stop=stop)), daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=60)
    assert not thread.is_alive(), "processor did not stop within 60 s of the stop request"
    assert result["exit"] == 0


def test_articles_are_enriched_poison_is_dead_lettered_and_offsets_committed(settings, seed_article, processor):
    article = seed_raw(seed_article)
    send(settings, settings.kafka.topics.raw, [
        (article.id.encode(), encode(article)),
        (b"bad-json", b"{this is not json"),
        (b"bad-schema", b'{"schema_version": "raw.v1", "id": "x"}'),
    ])
    [enriched_record] = read_topic(settings, settings.kafka.topics.enriched, expect=1, timeout=60)
    enriched = decode_enriched(enriched_record.value)
    assert enriched_record.key == article.id.encode()
    assert (enriched.id, enriched.version, enriched.text) == (article.id, article.version, article.text)
    names = {(e.name, e.type) for e in enriched.entities}
    assert {("Kassym-Jomart Tokayev", "PERSON"), ("Ebrahim Raisi", "PERSON"), ("Iran", "GPE"), ("Tehran", "GPE")} <= names
    assert enriched.enrichment.steps[0].name == "news.entities.v1"
    assert enriched.enrichment.model_version == "3.8.0"

    dead = read_topic(settings, settings.kafka.topics.dlq, expect=2)
    by_key = {r.key: dict(r.headers) for r in dead}
    assert set(by_key) == {b"bad-json", b"bad-schema"}
    assert by_key[b"bad-json"]["newsflow.reason"] == b"bad-json"
    assert by_key[b"bad-schema"]["newsflow.reason"] == b"schema"
    for headers in by_key.values():
        assert headers["newsflow.stage"] == b"processor"
        assert headers["newsflow.origin_topic"] == settings.kafka.topics.raw.encode()
        assert int(headers["newsflow.origin_offset"]) >= 0
    wait_for(lambda: lag(settings, settings.processor.group_id, settings.kafka.topics.raw) == 0,
             timeout=30, what="the processor to commit every raw offset")
