"""Sink throughput: documents/s the sink indexes from Kafka, against `helpers.bulk` of the same
documents into the same (fresh) index in the same run.

    .venv/bin/python -m bench.sink_throughput [--docs 10000] [--rounds 3] [--json]

The baseline is the floor of what any Python indexer of these documents can do: the same
bulk helper, no Kafka, no decoding, no commits. The ratio is what our delivery guarantees
(consume, decode, version, acknowledge, commit) cost on top.
With --json, the figures (`bench.common.Figure`) follow as one JSON line, for `bench.run`.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from elasticsearch import helpers
from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from bench.common import Figure, bench_settings, emit, figure, machine, remove
from newsflow.elastic import make_client
from newsflow.kafka import make_admin
from newsflow.schema import encode
from newsflow.stages import run_sink
from newsflow.worker import StopFlag
from sinks.elasticsearch import to_document
from tests.support import sample_articles, send

__all__ = ["SinkRun", "main", "measure", "parse_args"]


def baseline_bulk(settings, articles) -> float:
    es = settings.elasticsearch
    client = make_client(es)
    now = datetime.now(UTC)
    actions = [{"_index": es.write_alias, "_id": a.id, "_source": to_document(a, indexed_at=now)} for a in articles]
    started = time.perf_counter()
    helpers.bulk(client, actions, chunk_size=settings.sink.batch_size)
    elapsed = time.perf_counter() - started
    client.indices.refresh(index=es.alias)
    assert client.count(index=es.alias)["count"] == len(articles)
    client.close()
    return len(articles) / elapsed


def reset_index(settings) -> None:
    es = settings.elasticsearch
    client = make_client(es)
    client.indices.delete(index=es.index_name)
    client.indices.create(index=es.index_name, aliases={es.alias: {}, es.write_alias: {"is_write_index": True}})
    client.close()


class Progress:
    """Reused clients (creating them per check would cost more than what is measured): whether
    the sink's group has a member yet, and how far it is from the end of the topic."""

    def __init__(self, settings) -> None:
        self.group, self.topic = settings.sink.group_id, settings.kafka.topics.enriched
        self.admin = make_admin(settings.kafka)
        self.consumer = KafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_servers)
        self.partitions = [TopicPartition(self.topic, p) for p in range(settings.kafka.topics.partitions)]
        self.ends = self.consumer.end_offsets(self.partitions)

    def joined(self) -> bool:
        try:
            return bool(self.admin.describe_groups([self.group])[self.group]["members"])
        except KafkaError:
            return False

    def caught_up(self) -> bool:
        try:
            committed = self.admin.list_group_offsets(self.group).get(self.group, {})
        except KafkaError:
            return False
        return all(tp in committed and committed[tp].offset >= self.ends[tp] for tp in self.partitions)

    def close(self) -> None:
        self.admin.close()
        self.consumer.close()


def sink_from_kafka(settings, articles) -> tuple[float, float]:
    """(docs/s from the moment the sink's consumer joined its group, seconds it took to join)."""
    send(settings, settings.kafka.topics.enriched, [(a.id.encode(), encode(a)) for a in articles])
    progress = Progress(settings)
    stop = StopFlag()
    thread = threading.Thread(target=run_sink, args=(settings,), kwargs={"stop": stop}, daemon=True)
    launched = time.perf_counter()
    thread.start()
    while not progress.joined():
        time.sleep(0.01)
    started = time.perf_counter()
    while not progress.caught_up():
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    stop.set()
    thread.join()
    progress.close()
    client = make_client(settings.elasticsearch)
    client.indices.refresh(index=settings.elasticsearch.alias)
    assert client.count(index=settings.elasticsearch.alias)["count"] == len(articles)
    client.close()
    return len(articles) / elapsed, started - launched


@dataclass(frozen=True)
class SinkRun:
    """What one run measured, round by round (docs/s)."""

    docs: int
    rounds: int
    base_rates: tuple[float, ...]  # helpers.bulk
    sink_rates: tuple[float, ...]  # newsflow sink from Kafka

    def figures(self) -> list[Figure]:
        base, ours = statistics.median(self.base_rates), statistics.median(self.sink_rates)
        return [figure("sink from Kafka vs elasticsearch.helpers.bulk", ours, "docs/s", baseline=base, goal=">= 0.8")]

    def lines(self) -> list[str]:
        base, ours = statistics.median(self.base_rates), statistics.median(self.sink_rates)
        return [
            f"documents: {self.docs} per round, {self.rounds} rounds (baseline and sink alternate)",
            f"helpers.bulk (baseline): median {base:,.0f} docs/s  (rounds: {', '.join(f'{r:,.0f}' for r in self.base_rates)})",
            f"newsflow sink from Kafka: median {ours:,.0f} docs/s  (rounds: {', '.join(f'{r:,.0f}' for r in self.sink_rates)})",
            f"ratio: {ours / base:.2f} (goal >= 0.8)",
        ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="alternate baseline and sink this many times; medians reported")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON, as the last line")
    return parser.parse_args(argv)


def measure(args: argparse.Namespace) -> SinkRun:
    articles = [a.model_copy(update={"id": f"b{i:07d}"}) for i, a in enumerate(sample_articles(args.docs))]
    base_rates, sink_rates = [], []
    for _ in range(args.rounds):
        settings = bench_settings("sink")  # fresh topics, group and index each round
        try:
            base_rates.append(baseline_bulk(settings, articles))
            reset_index(settings)
            sink_rates.append(sink_from_kafka(settings, articles)[0])
        finally:
            remove(settings)
    return SinkRun(args.docs, args.rounds, tuple(base_rates), tuple(sink_rates))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    run = measure(args)
    emit([f"machine: {machine()}", *run.lines()], run.figures(), as_json=args.json)


if __name__ == "__main__":
    main()
