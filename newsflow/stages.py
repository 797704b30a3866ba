"""The composition root: how each stage is wired from settings. The CLI calls these."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from newsflow.deadletter import DeadLetterQueue
from newsflow.elastic import ensure_index, make_client
from newsflow.errors import ServiceUnavailable
from newsflow.kafka import ensure_topics, make_consumer, make_producer
from newsflow.metrics import Check, HealthServer, kafka_reachable
from newsflow.settings import Settings, redact_url
from newsflow.worker import BatchLimits, BatchWorker, StopFlag

__all__ = ["DEFAULT_CHAIN", "build_feed_service", "run_process", "run_produce", "run_setup", "run_sink"]

log = logging.getLogger(__name__)

DEFAULT_CHAIN = ("news.entities.v1",)

T = TypeVar("T")


def connect_with_retry(connect: Callable[[], T], stop: StopFlag, *, what: str) -> T | None:
    """Long-running stages wait for their dependencies instead of dying; None if stopped first."""
    backoff = 1.0
    while not stop:
        try:
            return connect()
        except ServiceUnavailable as exc:
            log.warning("%s: %s; retrying in %.0fs", what, exc, backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, 30.0)
    return None


def start_health_server(settings: Settings, checks: dict[str, Check]) -> HealthServer | None:
    """The /metrics, /healthz and /readyz endpoint of a long-running stage, if a port is set."""
    if settings.metrics_port is None:
        return None
    return HealthServer(settings.metrics_host, settings.metrics_port, checks).start()


def elasticsearch_reachable(settings: Settings) -> Check:
    """A readiness check with its own client: short timeout, and never in the sink's way."""
    probe = make_client(settings.elasticsearch.model_copy(update={"request_timeout_s": 2.0}))

    def check() -> bool:
        try:
            probe.cluster.health()
            return True
        except Exception:  # noqa: BLE001 - any failure means "cannot reach it now"
            return False

    return check


def run_setup(settings: Settings) -> list[str]:
    """Create topics, index template, index and alias. Idempotent; returns what it did."""
    done = []
    created = ensure_topics(settings.kafka)
    done.append(f"topics created: {', '.join(created)}" if created else "topics: all present")
    es = settings.elasticsearch
    client = make_client(es)
    try:
        made = ensure_index(client, es)
        current = sorted(client.indices.get_alias(name=es.alias)) if not made else [es.index_name]
    finally:
        client.close()
    # After a rebuild the aliases point at a later version than the configured first one.
    done.append(f"index {', '.join(current)} behind aliases {es.alias} (read) and {es.write_alias} (write): "
                f"{'created' if made else 'present'}")
    return done


def run_produce(settings: Settings, *, feeds, once: bool, stop: StopFlag) -> int:
    """Poll the feeds this instance owns; with `once`, one fetch of each and exit 1 if any failed."""
    if once:
        health = None
        producer = make_producer(settings.kafka)  # one clear error if Kafka is down
    else:
        # Up before Kafka is: a liveness probe must not kill a producer that waits for the broker.
        health = start_health_server(settings, {"kafka": kafka_reachable(settings.kafka.bootstrap_servers)})
        producer = connect_with_retry(lambda: make_producer(settings.kafka), stop, what="producer")
        if producer is None:
            if health:
                health.stop()
            return 0
    service, cleanup = build_feed_service(settings, feeds=feeds, producer=producer)
    try:
        if once:
            report = service.run_once()
            return 1 if report.failed else 0
        service.run(stop, tick_s=settings.producer.tick_s)
        return 0
    finally:
        cleanup()
        if health:
            health.stop()
        producer.close(timeout=10)


def build_feed_service(settings: Settings, *, feeds, producer):
    """The producer service and a function that releases what it holds (group, sockets, threads)."""
    from producers.fetch import HttpFetcher
    from producers.fetching import FeedReader
    from producers.outcome import Policy
    from producers.ownership import FeedOwnership
    from producers.politeness import HostGate
    from producers.push import attach_websub
    from producers.service import FeedService, Topics

    p, topics = settings.producer, settings.kafka.topics
    fetcher = HttpFetcher(
        connect_timeout_s=p.connect_timeout_s, read_timeout_s=p.read_timeout_s, total_timeout_s=p.timeout_s,
        max_body_bytes=p.max_body_bytes, user_agent=p.user_agent, allow_private_networks=p.allow_private_networks,
    )
    ownership = FeedOwnership(settings.kafka, group_id=p.group_id)
    service = FeedService(
        feeds=feeds,
        reader=FeedReader(fetcher=fetcher, gate=HostGate(per_host_concurrency=p.per_host_concurrency,
                                                         min_delay_s=p.per_host_delay_s)),
        ownership=ownership,
        producer=producer,
        topics=Topics(raw=topics.raw, health=topics.feed_health),
        policy=Policy(min_interval_s=p.min_interval_s, max_interval_s=p.max_interval_s, jitter=p.jitter,
                      disable_after_s=p.disable_after_s),
        seen_limit=p.seen_items_per_feed,
        concurrency=p.concurrency,
    )
    websub = attach_websub(settings, service)

    def cleanup() -> None:
        if websub:
            websub.stop()
        service.close()
        ownership.close()
        fetcher.close()

    return service, cleanup


def _run_worker(
    settings: Settings, *, stage: str, group_id: str, topic: str, handler_factory, limits: BatchLimits, stop: StopFlag,
    checks: dict[str, Check],
) -> int:
    kafka = settings.kafka
    health = start_health_server(settings, {"kafka": kafka_reachable(kafka.bootstrap_servers)} | checks)
    try:
        return _work(settings, stage=stage, group_id=group_id, topic=topic, handler_factory=handler_factory,
                     limits=limits, stop=stop)
    finally:
        if health:
            health.stop()


def _work(settings: Settings, *, stage: str, group_id: str, topic: str, handler_factory, limits: BatchLimits, stop: StopFlag) -> int:
    kafka = settings.kafka
    producer = connect_with_retry(lambda: make_producer(kafka), stop, what=stage)
    if producer is None:
        return 0
    consumer = connect_with_retry(lambda: make_consumer(kafka, group_id=group_id, topics=[topic]), stop, what=stage)
    if consumer is None:
        producer.close(timeout=10)
        return 0
    handler = handler_factory(producer)
    worker = BatchWorker(
        stage=stage,
        consumer=consumer,
        handler=handler,
        dead_letters=DeadLetterQueue(producer, kafka.topics.dlq, stage),
        stop=stop,
        limits=limits,
    )
    log.info("%s started group=%s topic=%s", stage, group_id, topic)
    try:
        worker.run()
    finally:
        consumer.close(autocommit=False)
        producer.close(timeout=10)
    log.info("%s stopped cleanly", stage)
    return 0


def run_process(settings: Settings, *, stop: StopFlag) -> int:
    import processors.entities  # noqa: F401 - registers the step
    from processors.base import build_chain
    from processors.service import EnrichHandler

    p = settings.processor
    chain = build_chain(DEFAULT_CHAIN, model=p.model, batch_size=p.batch_size, max_text_chars=p.max_text_chars)
    return _run_worker(
        settings,
        stage="processor",
        group_id=p.group_id,
        topic=settings.kafka.topics.raw,
        handler_factory=lambda producer: EnrichHandler(chain=chain, producer=producer, topic=settings.kafka.topics.enriched),
        limits=BatchLimits(p.batch_size, p.batch_max_bytes, p.batch_max_wait_s, p.poll_timeout_ms),
        stop=stop,
        checks={},
    )


def run_sink(settings: Settings, *, stop: StopFlag) -> int:
    from sinks.elasticsearch import ElasticsearchSink

    s, es = settings.sink, settings.elasticsearch
    client = make_client(es)
    try:
        return _run_worker(
            settings,
            stage="sink",
            group_id=s.group_id,
            topic=settings.kafka.topics.enriched,
            handler_factory=lambda _producer: ElasticsearchSink(client=client, alias=es.write_alias, url=redact_url(es.url)),
            limits=BatchLimits(s.batch_size, s.batch_max_bytes, s.batch_max_wait_s, s.poll_timeout_ms),
            stop=stop,
            checks={"elasticsearch": elasticsearch_reachable(settings)},
        )
    finally:
        client.close()
