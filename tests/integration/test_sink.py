"""Sink: `news.enriched` -> Elasticsearch on the real cluster, versioned and acknowledged."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from newsflow.app.wiring import run_sink
from newsflow.contract.schema import EnrichedArticle, Entity, Provenance, StepRun, encode
from newsflow.runtime.worker import StopFlag
from sinks.articles import REVISIONS_PER_VERSION, ArticleSink
from sinks.base import Write
from tests.support import lag, read_topic, send, wait_for

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def article(article_id: str, version: int, title: str) -> EnrichedArticle:
    return EnrichedArticle(
        id=article_id, version=version, url=f"https://e.org/{article_id}", feed_url="https://e.org/rss", source="E",
        title=title, text=f"{title}. Ebrahim Raisi visited Tehran.", fetched_at=NOW, published=NOW,
        entities=(Entity(name="Ebrahim Raisi", type="PERSON", count=1, first_offset=0),),
        enrichment=Provenance(steps=(StepRun(name="news.entities.v1", version="v1"),), model="m", model_version="1", processed_at=NOW),
    )


def run_sink_thread(settings, stop: StopFlag) -> threading.Thread:
    thread = threading.Thread(target=run_sink, args=(settings,), kwargs={"stop": stop}, daemon=True)
    thread.start()
    return thread


def sink_until_caught_up(settings) -> None:
    """Run the sink until it has committed every offset of news.enriched, then stop it."""
    stop = StopFlag()
    thread = run_sink_thread(settings, stop)
    try:
        wait_for(lambda: lag(settings, settings.sink.group_id, settings.kafka.topics.enriched) == 0,
                 timeout=60, what="the sink to index and commit every offset")
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not thread.is_alive(), "the sink did not stop within 60 s of the stop request"


def test_documents_are_indexed_and_an_older_version_never_overwrites_a_newer(settings, es):
    newer, older = article("a1", 20, "Newer title"), article("a1", 10, "Older title")
    other = article("a2", 5, "Other article")
    send(settings, settings.kafka.topics.enriched, [(b"a1", encode(newer)), (b"a2", encode(other)), (b"a1", encode(older)), (b"x", b"not json")])
    sink_until_caught_up(settings)
    es.indices.refresh(index=settings.elasticsearch.alias)
    doc = es.get(index=settings.elasticsearch.alias, id="a1")
    assert (doc["_version"], doc["_source"]["title"]) == (20 * REVISIONS_PER_VERSION, "Newer title")
    assert doc["_source"]["persons"] == ["Ebrahim Raisi"]
    assert es.count(index=settings.elasticsearch.alias)["count"] == 2
    [dead] = read_topic(settings, settings.kafka.topics.dlq, expect=1)
    assert dict(dead.headers)["newsflow.stage"] == b"sink"
    assert dict(dead.headers)["newsflow.reason"] == b"bad-json"


def test_a_document_the_mapping_refuses_is_rejected_not_retried(settings, es):
    """The strict mapping refuses unknown fields: that is permanent, so it must be dead-lettered."""
    sink = ArticleSink(client=es, alias=settings.elasticsearch.write_alias, url=settings.elasticsearch.url)
    good = Write(record=None, doc_id="ok", version=1, document={"article_id": "ok", "title": "fine"})
    bad = Write(record=None, doc_id="bad", version=1, document={"article_id": "bad", "surprise": 1})
    rejected = sink.deliver([good, bad])
    assert [r.error.reason for r in rejected] == ["mapping-error"]
    assert "strict_dynamic_mapping_exception" in str(rejected[0].error)
    es.indices.refresh(index=settings.elasticsearch.alias)
    assert es.exists(index=settings.elasticsearch.alias, id="ok")
    assert not es.exists(index=settings.elasticsearch.alias, id="bad")


def test_nothing_is_committed_while_elasticsearch_is_down_and_all_lands_once_it_is_back(settings, es, caplog):
    send(settings, settings.kafka.topics.enriched, [(b"a3", encode(article("a3", 1, "Waiting article")))])
    down = settings.model_copy(update={"elasticsearch": settings.elasticsearch.model_copy(update={"url": "http://127.0.0.1:1"})})
    stop = StopFlag()
    with caplog.at_level(logging.WARNING, logger="newsflow.runtime.worker"):
        thread = run_sink_thread(down, stop)
        try:
            wait_for(lambda: any("retrying stage=sink" in r.message for r in caplog.records), timeout=60,
                     what="the sink to retry against the unreachable cluster")
            assert lag(settings, settings.sink.group_id, settings.kafka.topics.enriched) == 1
        finally:
            stop.set()
            thread.join(timeout=60)
    assert not thread.is_alive()
    assert lag(settings, settings.sink.group_id, settings.kafka.topics.enriched) == 1, "committed without an ack"

    sink_until_caught_up(settings)
    es.indices.refresh(index=settings.elasticsearch.alias)
    assert es.get(index=settings.elasticsearch.alias, id="a3")["_source"]["title"] == "Waiting article"


def test_an_item_that_invalidates_the_whole_bulk_is_isolated_and_the_rest_lands(settings, es):
    """Elasticsearch answers 400 for the whole request when one _id is over 512 bytes; the sink
    must not retry that forever (a blocked partition) nor dead-letter the innocent items."""
    sink = ArticleSink(client=es, alias=settings.elasticsearch.write_alias, url=settings.elasticsearch.url)
    writes = [Write(record=None, doc_id=f"ok{i}", version=1, document={"article_id": f"ok{i}"}) for i in range(5)]
    poison = Write(record=None, doc_id="x" * 600, version=1, document={"article_id": "long"})
    rejected = sink.deliver(writes[:3] + [poison] + writes[3:])
    assert [r.error.reason for r in rejected] == ["request-rejected"]
    assert "512" in str(rejected[0].error)
    es.indices.refresh(index=settings.elasticsearch.alias)
    assert es.count(index=settings.elasticsearch.alias)["count"] == 5
