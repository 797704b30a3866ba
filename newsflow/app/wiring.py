"""The composition root: how each stage is wired from settings. The CLI calls these."""

from __future__ import annotations

import gc
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from newsflow.errors import ServiceUnavailable
from newsflow.index.indices import (
    ensure_feed_health_index,
    ensure_index,
    ensure_stories_index,
    ensure_stories_state_index,
    make_client,
)
from newsflow.redaction import redact_url
from newsflow.runtime.deadletter import DeadLetterQueue
from newsflow.runtime.kafka import close_producer, ensure_topics, make_consumer, make_producer
from newsflow.runtime.metrics import Check, HealthServer, kafka_reachable
from newsflow.runtime.pipelined import PipelinedBatchWorker
from newsflow.runtime.worker import (
    AtLeastOnce,
    BatchLimits,
    BatchWorker,
    StopFlag,
    Transactional,
    TransactionalProducer,
)
from newsflow.settings import Settings

__all__ = [
    "ReprocessReport",
    "build_feed_service",
    "run_process",
    "run_produce",
    "run_reprocess",
    "run_setup",
    "run_sink",
    "make_transactional_id",
]

log = logging.getLogger(__name__)

# A transaction spans only the delivery of a batch (produce, dead letters, offsets, commit), never
# its enrichment, so it takes well under a second; the coordinator aborts one left open longer
# (a worker killed mid-commit) after this long, and until then read_committed readers of the
# partitions it wrote to wait. Kafka Streams uses the same value for exactly-once.
TRANSACTION_TIMEOUT_MS = 10_000
CLOSE_TIMEOUT_MS = 5_000

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
    client = make_client(es)
    try:
        made = ensure_feed_health_index(client, es)
    finally:
        client.close()
    done.append(f"index {es.feed_health_index} (feed health): {'created' if made else 'present'}")
    client = make_client(es)
    try:
        made = ensure_stories_index(client, es)
    finally:
        client.close()
    done.append(f"index {es.stories_index} (stories): {'created' if made else 'present'}")
    client = make_client(es)
    try:
        made = ensure_stories_state_index(client, es)
    finally:
        client.close()
    done.append(f"index {es.stories_state_index} (the processors' duplicates and stories state): "
                f"{'created' if made else 'present'}")
    return done


def run_produce(settings: Settings, *, feeds, once: bool, stop: StopFlag, registry: Path | None = None) -> int:
    """Poll the feeds this instance owns; with `once`, one fetch of each and exit 1 if any failed.
    `registry`: the file `feeds` came from, whose changes the running producer follows."""
    from producers.watch import RegistryWatch

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
        service.run(stop, tick_s=settings.producer.tick_s,
                    registry=RegistryWatch(registry, feeds) if registry is not None else None)
        return 0
    finally:
        cleanup()
        if health:
            health.stop()
        close_producer(producer, timeout=10)


def build_feed_service(settings: Settings, *, feeds, producer):
    """The producer service and a function that releases what it holds (group, sockets, threads)."""
    from newsflow.net.politeness import HostGate
    from newsflow.net.transport import HttpFetcher
    from producers.outcome import Policy
    from producers.ownership import FeedOwnership
    from producers.reader import FeedReader
    from producers.service import FeedService, Topics
    from producers.websub.attach import attach_websub

    p, topics = settings.producer, settings.kafka.topics
    fetcher = HttpFetcher(
        connect_timeout_s=p.connect_timeout_s, read_timeout_s=p.read_timeout_s, total_timeout_s=p.timeout_s,
        max_body_bytes=p.max_body_bytes, user_agent=p.user_agent, allow_private_networks=p.allow_private_networks,
    )
    ownership = FeedOwnership(settings.kafka, group_id=p.group_id)
    parsing = _feed_parsing(p)
    service = FeedService(
        feeds=feeds,
        reader=FeedReader(fetcher=fetcher, gate=HostGate(per_host_concurrency=p.per_host_concurrency,
                                                         min_delay_s=p.per_host_delay_s),
                          parsing=parsing, max_items=p.max_items_per_fetch),
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
        parsing.close()
        ownership.close()
        fetcher.close()

    return service, cleanup


def _feed_parsing(p):
    """Feed bodies parsed in `producer.parse_processes` worker processes (none: one per core,
    at most 4), or in the fetch threads when that is 0."""
    from producers.parsing import InlineParsing, ProcessParsing

    processes = p.parse_processes if p.parse_processes is not None else min(os.cpu_count() or 1, 4)
    return ProcessParsing(processes, timeout_s=p.parse_timeout_s) if processes else InlineParsing()


def _run_worker(
    settings: Settings, *, stage: str, group_id: str, topic: str, handler_factory, limits: BatchLimits, stop: StopFlag,
    checks: dict[str, Check], transactional_id: str | None = None, pipelined: bool = False,
) -> int:
    kafka = settings.kafka
    health = start_health_server(settings, {"kafka": kafka_reachable(kafka.bootstrap_servers)} | checks)
    try:
        return _work(settings, stage=stage, group_id=group_id, topic=topic, handler_factory=handler_factory,
                     limits=limits, stop=stop, transactional_id=transactional_id, pipelined=pipelined)
    finally:
        if health:
            health.stop()


def make_transactional_id(prefix: str, worker_index: int) -> str:
    """Unique to one worker process: prefix, host, worker index and process id.

    Zombies are fenced by the consumer group, not by this id (KIP-447: the offsets of a batch go
    into its transaction with the group generation it was consumed in, and the broker refuses
    them once the partitions have moved on). So the id need not be stable across restarts, and
    being unique it never lets two live workers fence each other in a loop (two `newsflow process`
    started by hand on one host). The cost: the transaction a killed worker left open is aborted
    after TRANSACTION_TIMEOUT_MS rather than at once by its successor.
    """
    return f"{prefix}-{socket.gethostname()}-{worker_index}-{os.getpid()}"


def _open_producer(settings: Settings, transactional_id: str | None):
    kafka = settings.kafka
    if transactional_id is None:
        return make_producer(kafka)
    return TransactionalProducer(
        lambda: make_producer(kafka, transactional_id=transactional_id, transaction_timeout_ms=TRANSACTION_TIMEOUT_MS)
    )


def _work(
    settings: Settings, *, stage: str, group_id: str, topic: str, handler_factory, limits: BatchLimits, stop: StopFlag,
    transactional_id: str | None = None, pipelined: bool = False,
) -> int:
    """Run one consumer group's worker until stopped. `pipelined`: deliver each batch in the
    background while the next is prepared (`PipelinedBatchWorker`; at-least-once only)."""
    kafka = settings.kafka
    producer = connect_with_retry(lambda: _open_producer(settings, transactional_id), stop, what=stage)
    if producer is None:
        return 0
    consumer = connect_with_retry(lambda: make_consumer(kafka, group_id=group_id, topics=[topic]), stop, what=stage)
    if consumer is None:
        close_producer(producer, timeout=10)
        return 0
    dead_letters = DeadLetterQueue(producer, kafka.topics.dlq, stage)
    if transactional_id is None:
        delivery = AtLeastOnce(consumer, dead_letters, stage=stage)
    else:
        delivery = Transactional(producer, consumer, dead_letters, stage=stage)
    worker_class = PipelinedBatchWorker if pipelined and transactional_id is None else BatchWorker
    worker = worker_class(
        stage=stage,
        consumer=consumer,
        handler=handler_factory(producer),
        dead_letters=dead_letters,
        stop=stop,
        limits=limits,
        delivery=delivery,
    )
    mode = f"exactly-once transactional_id={transactional_id}" if transactional_id else "at-least-once"
    log.info("%s started group=%s topic=%s delivery=%s", stage, group_id, topic, mode)
    try:
        worker.run()
    finally:
        # Leaving the group lets the others take our partitions at once; during a rebalance that
        # waits on a dead member it would block for request_timeout_ms, so bound it: the session
        # timeout removes us anyway.
        consumer.close(autocommit=False, timeout_ms=CLOSE_TIMEOUT_MS)
        close_producer(producer, timeout=10)
    log.info("%s stopped cleanly", stage)
    return 0


def _processor_chain(settings: Settings):
    """The configured enrichment chain, every model loaded once (before the first batch)."""
    from processors.base import build_chain
    from processors.catalog import load_steps

    load_steps()
    from processors.stories import state as storystate

    # The Kafka and Elasticsearch settings too: the duplicates and stories steps keep their state in
    # Elasticsearch and publish stories to Kafka; connected here, before the worker joins its group.
    chain = build_chain(settings.processor.steps, settings=settings.processor, kafka=settings.kafka,
                        elasticsearch=settings.elasticsearch)
    storystate.warm_up()
    tune_garbage_collection()
    return chain


# Collections of the young generation every 50,000 allocations instead of 700, and of the older
# ones 20 times rarer each (CPython's defaults: 700, 10, 10).
GC_THRESHOLDS = (50_000, 20, 20)


def tune_garbage_collection() -> None:
    """Once the models are loaded: move what is loaded (kept for the process's life) out of the
    garbage collector's reach, and collect rarely. A batch allocates millions of short-lived
    objects (spaCy's, the stories state's); at CPython's defaults, full collections of ~80 ms took
    1.8 s of a 25 s run of the stories scale benchmark (about four per batch of 128), most of it in
    the stories steps' time (issue 18). What a batch leaves behind is freed by reference counting;
    the rare cycles wait for the next collection."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def _processor_limits(settings: Settings) -> BatchLimits:
    p = settings.processor
    return BatchLimits(p.batch_size, p.batch_max_bytes, p.batch_max_wait_s, p.poll_timeout_ms)


def run_process(settings: Settings, *, stop: StopFlag, worker_index: int = 0) -> int:
    """One processor worker: a member of the processor group, at-least-once or exactly-once."""
    from processors.service import EnrichHandler

    p, topics = settings.processor, settings.kafka.topics
    chain = _processor_chain(settings)
    # At least once, the stateful steps of batch N (Elasticsearch round trips) run while batch N+1
    # goes through the models; a transaction must hold a batch from consumption to commit.
    overlap = not p.exactly_once
    try:
        return _run_worker(
            settings,
            stage="processor",
            group_id=p.group_id,
            topic=topics.raw,
            handler_factory=lambda producer: EnrichHandler(chain=chain, producer=producer, topic=topics.enriched,
                                                           overlap=overlap),
            limits=_processor_limits(settings),
            stop=stop,
            checks={},
            transactional_id=make_transactional_id(p.transactional_id, worker_index) if p.exactly_once else None,
            pipelined=overlap,
        )
    finally:
        chain.close()  # the extract step's fetch threads and HTTP clients


@dataclass(frozen=True)
class ReprocessReport:
    records: int
    dead_lettered: int
    expected: int  # records in the range when it started
    revision: int
    since: datetime | None
    complete: bool
    seconds: float

    def summary(self) -> str:
        since = self.since.date().isoformat() if self.since else "all"
        return (
            f"reprocess {'complete' if self.complete else 'stopped early'}: records={self.records} "
            f"enriched={self.records - self.dead_lettered} dead_lettered={self.dead_lettered} of={self.expected} "
            f"since={since} revision={self.revision} seconds={self.seconds:.1f}"
        )


def run_reprocess(settings: Settings, *, since: datetime | None, revision: int, stop: StopFlag) -> ReprocessReport:
    """Re-enrich news.raw (every retained record, or those since `since`) up to its end offsets at
    the start, into news.enriched with `revision` stamped, so the sink replaces earlier
    enrichments of the same article versions. No consumer group: the live processors' offsets
    are untouched, and an interrupted reprocess is simply run again."""
    from kafka import KafkaConsumer
    from kafka.errors import KafkaError

    from newsflow.runtime.kafka import client_config
    from processors.service import EnrichHandler, TopicRange

    started = time.monotonic()
    kafka, topics = settings.kafka, settings.kafka.topics
    chain = _processor_chain(settings)
    producer = make_producer(kafka)  # a one-shot command: one clear error if Kafka is down
    try:
        try:
            consumer = KafkaConsumer(**client_config(kafka), group_id=None, enable_auto_commit=False, isolation_level="read_committed")
        except KafkaError as exc:
            raise ServiceUnavailable(f"Kafka is not reachable at {kafka.bootstrap_servers} ({type(exc).__name__})", service="kafka") from None
        try:
            reader = TopicRange.open(consumer, topics.raw, since=since)
            dead_letters = DeadLetterQueue(producer, topics.dlq, "reprocess")
            worker = BatchWorker(
                stage="reprocess",
                consumer=reader,
                handler=EnrichHandler(chain=chain, producer=producer, topic=topics.enriched, revision=revision),
                dead_letters=dead_letters,
                stop=stop,
                limits=_processor_limits(settings),
                delivery=AtLeastOnce(reader, dead_letters, stage="reprocess", commit_offsets=False),
            )
            log.info("reprocess started topic=%s records=%d revision=%d", topics.raw, reader.total, revision)
            worker.run(until=reader.finished)
            complete = reader.finished()
        finally:
            consumer.close()
    finally:
        close_producer(producer, timeout=10)
    return ReprocessReport(
        records=worker.totals["records"], dead_lettered=worker.totals["dead_lettered"], expected=reader.total,
        revision=revision, since=since, complete=complete, seconds=time.monotonic() - started,
    )


def run_sink(settings: Settings, *, stop: StopFlag) -> int:
    """The article sink, and beside it (threads, same stop) the feed-health sink that feeds the
    "Feed health" dashboard and the story sink that keeps the stories index: one process to run,
    three consumer groups."""
    from sinks.articles import ArticleSink
    from sinks.feed_health import FeedHealthSink
    from sinks.stories import StorySink

    s, es, topics = settings.sink, settings.elasticsearch, settings.kafka.topics
    limits = BatchLimits(s.batch_size, s.batch_max_bytes, s.batch_max_wait_s, s.poll_timeout_ms)
    client = make_client(es)
    failed: list[BaseException] = []

    def side_sink(**kwargs) -> None:
        try:
            _work(**kwargs)
        except Exception as exc:
            # One process, three sinks: if any dies the process must exit non-zero (so whatever
            # supervises it restarts it), not live on partly working.
            log.exception("%s failed; stopping the sink process", kwargs["stage"])
            failed.append(exc)
            stop.set()

    def side_thread(stage: str, group_suffix: str, topic: str, handler_factory) -> threading.Thread:
        return threading.Thread(
            target=side_sink, name=stage, daemon=True,
            kwargs={"settings": settings, "stage": stage, "group_id": f"{s.group_id}-{group_suffix}", "topic": topic,
                    "limits": limits, "stop": stop, "handler_factory": handler_factory},
        )

    side = [
        side_thread("feed-health-sink", "feed-health", topics.feed_health,
                    lambda _producer: FeedHealthSink(client=client, index=es.feed_health_index, url=redact_url(es.url))),
        side_thread("story-sink", "stories", topics.stories,
                    lambda _producer: StorySink(client=client, index=es.stories_index, url=redact_url(es.url))),
    ]
    for thread in side:
        thread.start()
    try:
        code = _run_worker(
            settings,
            stage="sink",
            group_id=s.group_id,
            topic=settings.kafka.topics.enriched,
            handler_factory=lambda _producer: ArticleSink(client=client, alias=es.write_alias, url=redact_url(es.url)),
            limits=limits,
            stop=stop,
            checks={"elasticsearch": elasticsearch_reachable(settings)},
            # Elasticsearch indexes one bulk while the next is decoded (bench/README.md, "Sink throughput").
            pipelined=True,
        )
    finally:
        stop.set()  # the article sink ended (stop or failure): the other sinks end with it
        for thread in side:
            thread.join(timeout=60)
        client.close()
    return 1 if failed else code
