"""Helpers for the integration and e2e tiers: isolated names, waiting on conditions, a feed server."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

from kafka import KafkaConsumer, TopicPartition

from newsflow.runtime.kafka import COORDINATOR_NOT_READY, make_admin, make_producer
from newsflow.settings import Settings

T = TypeVar("T")


def wait_for(condition: Callable[[], T], *, timeout: float, what: str, interval: float = 0.25) -> T:
    """Poll `condition` until it returns something truthy; fail with `what` at the deadline."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} (last value: {last!r})")


def isolated(base: Settings, label: str) -> Settings:
    """Settings whose topics, groups, index and alias belong to one test only."""
    safe = re.sub(r"[^a-z0-9-]+", "-", label.lower()).strip("-")[:24]
    suffix = f"{safe}-{uuid.uuid4().hex[:8]}"
    topics = base.kafka.topics.model_copy(
        update={"raw": f"test.{suffix}.raw", "enriched": f"test.{suffix}.enriched", "dlq": f"test.{suffix}.dlq", "partitions": 2,
                "feed_state": f"test.{suffix}.feeds.state", "feed_health": f"test.{suffix}.feeds.health", "feed_partitions": 6,
                "stories": f"test.{suffix}.stories"}
    )
    es = base.elasticsearch.model_copy(
        update={"alias": f"test-{suffix}", "write_alias": f"test-{suffix}-write", "index_prefix": f"test-{suffix}-v", "template_name": f"test-{suffix}",
                "feed_health_index": f"test-{suffix}-feed-health", "stories_index": f"test-{suffix}-stories",
                "stories_state_index": f"test-{suffix}-stories-state"}
    )
    return base.model_copy(
        update={
            "kafka": base.kafka.model_copy(update={"topics": topics}),
            "elasticsearch": es,
            "processor": base.processor.model_copy(update={"group_id": f"test-{suffix}-processor", "batch_size": 8}),
            "sink": base.sink.model_copy(update={"group_id": f"test-{suffix}-sink"}),
            # Tests serve their feeds from 127.0.0.1, which the SSRF guard refuses by default.
            "producer": base.producer.model_copy(update={
                "group_id": f"test-{suffix}-producer", "allow_private_networks": True, "per_host_delay_s": 0.0,
                "per_host_concurrency": 8, "timeout_s": 10.0,
            }),
        }
    )


def as_env(settings: Settings) -> dict[str, str]:
    """The NEWSFLOW_* variables that make a child process use these isolated names."""
    t, es = settings.kafka.topics, settings.elasticsearch
    return {
        "NEWSFLOW_KAFKA__BOOTSTRAP_SERVERS": settings.kafka.bootstrap_servers,
        "NEWSFLOW_KAFKA__TOPICS__RAW": t.raw,
        "NEWSFLOW_KAFKA__TOPICS__ENRICHED": t.enriched,
        "NEWSFLOW_KAFKA__TOPICS__DLQ": t.dlq,
        "NEWSFLOW_KAFKA__TOPICS__PARTITIONS": str(t.partitions),
        "NEWSFLOW_ELASTICSEARCH__URL": es.url,
        "NEWSFLOW_ELASTICSEARCH__ALIAS": es.alias,
        "NEWSFLOW_ELASTICSEARCH__WRITE_ALIAS": es.write_alias,
        "NEWSFLOW_ELASTICSEARCH__INDEX_PREFIX": es.index_prefix,
        "NEWSFLOW_ELASTICSEARCH__TEMPLATE_NAME": es.template_name,
        "NEWSFLOW_ELASTICSEARCH__FEED_HEALTH_INDEX": es.feed_health_index,
        "NEWSFLOW_ELASTICSEARCH__STORIES_INDEX": es.stories_index,
        "NEWSFLOW_ELASTICSEARCH__STORIES_STATE_INDEX": es.stories_state_index,
        "NEWSFLOW_KAFKA__TOPICS__STORIES": t.stories,
        "NEWSFLOW_PROCESSOR__GROUP_ID": settings.processor.group_id,
        "NEWSFLOW_PROCESSOR__BATCH_SIZE": str(settings.processor.batch_size),
        "NEWSFLOW_SINK__GROUP_ID": settings.sink.group_id,
        "NEWSFLOW_KAFKA__TOPICS__FEED_STATE": t.feed_state,
        "NEWSFLOW_KAFKA__TOPICS__FEED_HEALTH": t.feed_health,
        "NEWSFLOW_KAFKA__TOPICS__FEED_PARTITIONS": str(t.feed_partitions),
        "NEWSFLOW_PRODUCER__GROUP_ID": settings.producer.group_id,
        "NEWSFLOW_PRODUCER__ALLOW_PRIVATE_NETWORKS": str(settings.producer.allow_private_networks).lower(),
        "NEWSFLOW_PRODUCER__PER_HOST_DELAY_S": str(settings.producer.per_host_delay_s),
        "NEWSFLOW_PRODUCER__PER_HOST_CONCURRENCY": str(settings.producer.per_host_concurrency),
        "NEWSFLOW_PRODUCER__TIMEOUT_S": str(settings.producer.timeout_s),
    }


def send(settings: Settings, topic: str, messages: list[tuple[bytes, bytes | None]]) -> None:
    """Produce raw key/value pairs (valid events or poison) and wait until Kafka has them."""
    producer = make_producer(settings.kafka)
    try:
        for key, value in messages:
            producer.send(topic, key=key, value=value)
        producer.flush()
    finally:
        producer.close()


def read_topic(settings: Settings, topic: str, *, expect: int, timeout: float = 30.0) -> list:
    """Every record of `topic` from the beginning, once at least `expect` are there."""
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka.bootstrap_servers, auto_offset_reset="earliest",
        enable_auto_commit=False, group_id=None, consumer_timeout_ms=500,
    )
    partitions = [TopicPartition(topic, p) for p in range(settings.kafka.topics.partitions)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    records: list = []
    try:
        def enough():
            records.extend(consumer)
            return len(records) >= expect

        wait_for(enough, timeout=timeout, what=f"{expect} records on {topic}", interval=0.1)
        records.extend(consumer)  # anything beyond `expect` that already arrived
    finally:
        consumer.close()
    return records


def lag(settings: Settings, group: str, topic: str) -> int:
    """Records of `topic` that `group` has not committed yet (the end minus the commit).

    -1 while the broker cannot say yet (a fresh broker creates its offsets topic and group
    coordinator on first use), which no caller mistakes for "caught up".
    """
    admin = make_admin(settings.kafka)
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_servers)
    try:
        try:
            committed = admin.list_group_offsets(group).get(group, {})
        except COORDINATOR_NOT_READY:
            return -1
        partitions = [TopicPartition(topic, p) for p in range(settings.kafka.topics.partitions)]
        ends = consumer.end_offsets(partitions)
        return sum(ends[tp] - (committed[tp].offset if tp in committed else 0) for tp in partitions)
    finally:
        consumer.close()
        admin.close()


class FeedServer:
    """A local HTTP server the test controls: path -> (status, content type, body, etag).

    It answers a conditional GET whose If-None-Match matches the route's ETag with a 304, and
    keeps a log of every request: (path, User-Agent, If-None-Match).
    """

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, str, bytes, str | None]] = {}
        self.hits: dict[str, int] = {}
        self.log: list[tuple[str, str, str | None]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                with server._lock:
                    server.hits[self.path] = server.hits.get(self.path, 0) + 1
                    server.log.append((self.path, self.headers.get("User-Agent", ""), self.headers.get("If-None-Match")))
                status, content_type, body, etag = server.routes.get(self.path, (404, "text/plain", b"not found", None))
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._httpd.server_port}{path}"

    def serve(
        self, path: str, body: bytes, *, content_type: str = "application/rss+xml", status: int = 200, etag: str | None = None
    ) -> str:
        self.routes[path] = (status, content_type, body, etag)
        return self.url(path)

    def requests(self) -> list[tuple[str, str, str | None]]:
        with self._lock:
            return list(self.log)

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


# -- indexed test articles -----------------------------------------------------------------------

_PLACES = {"Tehran": (35.69, 51.39), "Paris": (48.86, 2.35), "Rotterdam": (51.92, 4.48), "Kerala": (10.85, 76.27)}
_SOURCES = ["Example World News", "Daily Planet", "Le Monde Exemple"]
_TOPICS = ["politics", "economy", "science", "weather"]
_PERSONS = ["Ebrahim Raisi", "Kassym-Jomart Tokayev", "Sophie Adenot", "Allard Castelein"]
_ORGS = ["NATO", "European Space Agency", "Maersk"]


def sample_articles(count: int = 24, *, now=None) -> list:
    """Varied enriched articles over the last 30 days (a third within the last 24 h): several
    sources, languages, topics, persons, organisations and places with coordinates."""
    from datetime import UTC, datetime, timedelta

    from newsflow.contract.schema import EnrichedArticle, Entity, GeoPoint, Provenance, StepRun

    now = now or datetime.now(UTC)
    provenance = Provenance(steps=(StepRun(name="news.entities.v1", version="v1"),), model="en_core_web_sm",
                            model_version="3.8.0", processed_at=now)
    articles = []
    for i in range(count):
        place = list(_PLACES)[i % len(_PLACES)]
        person, org = _PERSONS[i % len(_PERSONS)], _ORGS[i % len(_ORGS)]
        published = now - (timedelta(hours=2 * i) if i % 3 == 0 else timedelta(days=1 + i % 29))
        title = f"{person} and {org} in {place} (report {i})"
        articles.append(EnrichedArticle(
            id=f"sample{i:04d}", version=1 + i, url=f"https://news.example.org/{i}", feed_url="https://news.example.org/rss",
            source=_SOURCES[i % len(_SOURCES)], title=title,
            summary=f"{person} met {org} officials in {place}.",
            text=f"{place.upper()} — {person} met {org} officials in {place} on report day {i}. The talks covered trade.",
            authors=(f"Reporter {i % 4}",), tags=("sample",), language="fr" if i % 5 == 4 else "en",
            published=published, fetched_at=published, date_source="feed", topics=(_TOPICS[i % len(_TOPICS)],),
            entities=(
                Entity(name=person, type="PERSON", count=2, first_offset=len(place) + 3, salience=0.9),
                Entity(name=org, type="ORG", count=1, first_offset=40, salience=0.5),
                Entity(name=place, type="GPE", count=2, first_offset=0, salience=0.8,
                       location=GeoPoint(lat=_PLACES[place][0], lon=_PLACES[place][1])),
            ),
            enrichment=provenance,
        ))
    return articles


def index_articles(settings: Settings, articles: list) -> None:
    """Index articles the way the sink does (same documents, same write alias), then refresh."""
    from datetime import UTC, datetime

    from newsflow.index.indices import make_client
    from sinks.articles import ArticleSink, external_version, to_document
    from sinks.base import Write

    es = settings.elasticsearch
    client = make_client(es)
    try:
        sink = ArticleSink(client=client, alias=es.write_alias, url=es.url)
        now = datetime.now(UTC)
        writes = [Write(None, a.id, external_version(a), to_document(a, indexed_at=now)) for a in articles]
        rejected = sink.deliver(writes)
        assert not rejected, [str(r.error) for r in rejected]
        client.indices.refresh(index=es.alias)
    finally:
        client.close()
