"""Feed health: events from the feed-health topic -> their Elasticsearch index, through the real
batch worker on the real Kafka and Elasticsearch, each fetch once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from elasticsearch import NotFoundError
from kafka.consumer.fetcher import ConsumerRecord

from newsflow.contract.schema import FeedHealthEvent
from newsflow.errors import ServiceUnavailable
from newsflow.index.indices import ensure_feed_health_index, feed_health_mappings, feed_health_template_name, make_client
from newsflow.runtime.deadletter import DeadLetterQueue
from newsflow.runtime.kafka import make_consumer, make_producer
from newsflow.runtime.worker import BatchLimits, BatchWorker, StopFlag
from producers.base import feed_id
from sinks.base import Write
from sinks.feed_health import FeedHealthSink, document_id
from tests.support import lag, read_topic, send, wait_for

# Milliseconds on purpose: the document id carries the fetch time to the millisecond.
AT = datetime(2024, 6, 1, 12, 0, 0, 123456, tzinfo=UTC)
FEED_A, FEED_B = "https://a.example.org/rss", "https://b.example.org/feed"


def event(url: str, minutes: int, outcome: str, status: str, **fields) -> FeedHealthEvent:
    return FeedHealthEvent(feed_id=feed_id(url), url=url, name=url.split("/")[2], at=AT + timedelta(minutes=minutes),
                           outcome=outcome, status=status, **fields)


EVENTS = [
    event(FEED_A, 0, "ok", "ok", items=12, emitted=4, duration_ms=210, next_due=AT + timedelta(minutes=15)),
    event(FEED_A, 15, "not-modified", "ok", duration_ms=35, next_due=AT + timedelta(minutes=45)),
    event(FEED_B, 1, "error", "failing", reason="http-status", error="HTTP 503 Service Unavailable", duration_ms=1800),
]


def record(value: bytes | None, offset: int = 0) -> ConsumerRecord:
    return ConsumerRecord("health", 0, -1, offset, 0, 0, b"k", value, [], None, 1, len(value or b""), 0)


@pytest.fixture
def index(settings, es) -> str:
    """The feed-health index of this test, created by `ensure_feed_health_index` and removed after."""
    name = settings.elasticsearch.feed_health_index
    es.indices.delete(index=name, ignore_unavailable=True)  # start from nothing, whatever setup did
    assert ensure_feed_health_index(es, settings.elasticsearch) is True
    yield name
    es.indices.delete(index=name, ignore_unavailable=True)
    try:
        es.indices.delete_index_template(name=feed_health_template_name(settings.elasticsearch))
    except NotFoundError:
        pass


def run_worker_until_caught_up(settings, es, group: str) -> None:
    """A BatchWorker with the sink on the feed-health topic, until `group` committed every offset."""
    kafka, topic = settings.kafka, settings.kafka.topics.feed_health
    producer = make_producer(kafka)
    consumer = make_consumer(kafka, group_id=group, topics=[topic])
    stop = StopFlag()
    worker = BatchWorker(
        stage="feed-health", consumer=consumer, dead_letters=DeadLetterQueue(producer, kafka.topics.dlq, "feed-health"),
        handler=FeedHealthSink(client=es, index=settings.elasticsearch.feed_health_index, url=settings.elasticsearch.url),
        stop=stop, limits=BatchLimits(max_records=50, max_wait_s=0.2, poll_timeout_ms=200),
    )
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: lag(settings, group, topic) == 0, timeout=60, what=f"group {group} to index and commit every offset")
    finally:
        stop.set()
        thread.join(timeout=30)
        consumer.close(autocommit=False)
        producer.close(timeout=10)
    assert not thread.is_alive(), "the worker did not stop within 30 s of the stop request"


def test_ensure_is_idempotent_and_the_mapping_is_strict_and_covers_the_event(index, settings, es):
    assert ensure_feed_health_index(es, settings.elasticsearch) is False
    mapping = es.indices.get_mapping(index=index)[index]["mappings"]
    assert mapping == feed_health_mappings()
    assert mapping["dynamic"] == "strict"
    assert set(mapping["properties"]) == set(FeedHealthEvent.model_fields) - {"schema_version"}


def test_events_land_once_a_replay_adds_nothing_and_poison_is_dead_lettered(index, settings, es):
    topic = settings.kafka.topics.feed_health
    poison = [(b"bad", b"not json"), (b"bad", b'{"feed_id": "x", "url": "https://x.example.org/"}')]
    send(settings, topic, [(e.feed_id.encode(), e.model_dump_json().encode()) for e in EVENTS] + poison)

    run_worker_until_caught_up(settings, es, f"{settings.sink.group_id}-health")
    es.indices.refresh(index=index)
    assert es.count(index=index)["count"] == 3
    first = es.get(index=index, id=f"{feed_id(FEED_A)}:{int(AT.timestamp()) * 1000 + 123}")
    assert first["_source"] == {
        "feed_id": feed_id(FEED_A), "url": FEED_A, "name": "a.example.org", "at": "2024-06-01T12:00:00.123456Z",
        "outcome": "ok", "status": "ok", "reason": None, "error": None, "items": 12, "emitted": 4, "duration_ms": 210,
        "next_due": "2024-06-01T12:15:00.123456Z", "pushed": False,
    }
    failed = es.get(index=index, id=document_id(EVENTS[2]))["_source"]
    assert (failed["outcome"], failed["status"], failed["reason"], failed["error"]) == (
        "error", "failing", "http-status", "HTTP 503 Service Unavailable")
    dead = read_topic(settings, settings.kafka.topics.dlq, expect=2)
    assert sorted(dict(d.headers)["newsflow.reason"] for d in dead) == [b"bad-json", b"schema"]
    assert {dict(d.headers)["newsflow.stage"] for d in dead} == {b"feed-health"}

    # A replay of the whole topic (a new group reads it from the start) creates nothing new.
    run_worker_until_caught_up(settings, es, f"{settings.sink.group_id}-health-replay")
    es.indices.refresh(index=index)
    assert es.count(index=index)["count"] == 3
    assert {es.get(index=index, id=document_id(e))["_version"] for e in EVENTS} == {1}, "a replay overwrote a document"


def test_redelivered_batch_counts_as_done(index, settings, es):
    sink = FeedHealthSink(client=es, index=index, url=settings.elasticsearch.url)
    writes, rejected = sink.prepare([record(e.model_dump_json().encode(), i) for i, e in enumerate(EVENTS)])
    assert rejected == [] and [w.doc_id for w in writes] == [document_id(e) for e in EVENTS]
    assert sink.deliver(writes) == []
    assert sink.deliver(writes) == []  # every item a 409: already there, neither an error nor a dead letter
    es.indices.refresh(index=index)
    assert es.count(index=index)["count"] == 3


def test_what_can_never_be_indexed_is_rejected_and_the_rest_lands(index, settings, es):
    sink = FeedHealthSink(client=es, index=index, url=settings.elasticsearch.url)
    too_long = EVENTS[0].model_copy(update={"feed_id": "x" * 600})  # no document id can hold it
    writes, rejected = sink.prepare([record(too_long.model_dump_json().encode()), record(None, 1)])
    assert (writes, [r.error.reason for r in rejected]) == ([], ["schema", "empty"])

    good = [Write(None, document_id(e), 0, e.model_dump(mode="json", exclude={"schema_version"})) for e in EVENTS]
    unmapped = Write(None, "unmapped", 0, {"feed_id": "f", "surprise": 1})
    invalid = Write(None, "y" * 600, 0, {"feed_id": "f"})  # makes Elasticsearch refuse the whole bulk
    rejected = sink.deliver([good[0], unmapped, good[1], invalid, good[2]])
    assert [r.error.reason for r in rejected] == ["mapping-error", "request-rejected"]
    assert "strict_dynamic_mapping_exception" in str(rejected[0].error)
    es.indices.refresh(index=index)
    assert es.count(index=index)["count"] == 3


def test_an_unreachable_cluster_is_retried_not_dead_lettered(base_settings):
    down = base_settings.elasticsearch.model_copy(update={"url": "http://127.0.0.1:1"})
    client = make_client(down)
    try:
        sink = FeedHealthSink(client=client, index=down.feed_health_index, url=down.url)
        writes, _ = sink.prepare([record(EVENTS[0].model_dump_json().encode())])
        with pytest.raises(ServiceUnavailable, match="not reachable"):
            sink.deliver(writes)
    finally:
        client.close()
