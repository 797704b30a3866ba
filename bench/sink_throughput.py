"""Sink throughput: documents/s the sink indexes from Kafka, against `helpers.bulk` of the same
documents into the same (fresh) index in the same run.

    .venv/bin/python -m bench.sink_throughput [--docs 30000] [--rounds 3] [--json]

The baseline is the floor of what any Python indexer of these documents can do: the same
bulk helper, no Kafka, no decoding, no commits. The ratio is what our delivery guarantees
(consume, decode, version, acknowledge, commit) cost on top.
With --json, the figures (`bench.common.Figure`) follow as one JSON line, for `bench.run`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from elasticsearch import helpers
from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from bench.common import Figure, bench_settings, emit, figure, machine, remove
from newsflow.contract.schema import encode
from newsflow.index.indices import make_client
from newsflow.runtime.kafka import make_admin
from sinks.articles import to_document
from tests.support import as_env, sample_articles, send

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
    """How far the sink's group has committed, against the end of the topic; with reused
    clients (creating them per check would cost more than what is measured)."""

    def __init__(self, settings) -> None:
        self.group, self.topic = settings.sink.group_id, settings.kafka.topics.enriched
        self.admin = make_admin(settings.kafka)
        self.consumer = KafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_servers)
        self.partitions = [TopicPartition(self.topic, p) for p in range(settings.kafka.topics.partitions)]
        self.ends = self.consumer.end_offsets(self.partitions)

    def committed(self) -> int | None:
        """Records the group has committed over all partitions (None: not known right now)."""
        try:
            offsets = self.admin.list_group_offsets(self.group).get(self.group, {})
        except KafkaError:
            return None
        return sum(max(offsets[tp].offset, 0) for tp in self.partitions if tp in offsets)

    def total(self) -> int:
        return sum(self.ends.values())

    def close(self) -> None:
        self.admin.close()
        self.consumer.close()


def sink_from_kafka(settings, articles, log_path: Path) -> tuple[float, float]:
    """(steady docs/s, seconds from launch to the first committed batch).

    The sink runs as `newsflow sink`, its own process as in production: run as a thread of this
    one, every full garbage collection of the sink would also walk the benchmark's own copy of
    the documents, a cost (a third of its rate, measured) no deployed sink has. The rate is
    counted from its first committed batch to its last, as the committed offsets show: a
    service that runs for months joins its group once, so the join and first fetch (~0.6 s
    here) are reported apart, not spread over these few seconds."""
    send(settings, settings.kafka.topics.enriched, [(a.id.encode(), encode(a)) for a in articles])
    progress = Progress(settings)
    launched = time.perf_counter()
    with log_path.open("w") as log:
        sink = subprocess.Popen([sys.executable, "-m", "newsflow", "sink"], env=os.environ | as_env(settings),
                                stdout=log, stderr=subprocess.STDOUT)
    try:
        first = (0.0, 0)
        while not first[1]:
            _check_alive(sink, log_path)
            first = (time.perf_counter(), progress.committed() or 0)
            time.sleep(0.01)
        while (progress.committed() or 0) < progress.total():
            _check_alive(sink, log_path)
            time.sleep(0.01)
        elapsed = time.perf_counter() - first[0]
    finally:
        sink.terminate()
        sink.wait(timeout=60)
        progress.close()
    client = make_client(settings.elasticsearch)
    client.indices.refresh(index=settings.elasticsearch.alias)
    assert client.count(index=settings.elasticsearch.alias)["count"] == len(articles)
    client.close()
    return (len(articles) - first[1]) / elapsed, first[0] - launched


def _check_alive(sink: subprocess.Popen, log_path: Path) -> None:
    if sink.poll() is not None:
        raise RuntimeError(f"newsflow sink exited with {sink.returncode} before it caught up; see {log_path}")


@dataclass(frozen=True)
class SinkRun:
    """What one run measured, round by round (docs/s)."""

    docs: int
    rounds: int
    base_rates: tuple[float, ...]  # helpers.bulk
    sink_rates: tuple[float, ...]  # newsflow sink from Kafka, first commit to last
    startups: tuple[float, ...]  # seconds from the sink's launch to its first commit

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
            f"sink start to first commit (not in the rate): median {statistics.median(self.startups):.2f} s",
        ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=3, help="alternate baseline and sink this many times; medians reported")
    parser.add_argument("--log-dir", type=Path, default=Path("/tmp/newsflow-bench"), help="where the sink process's log goes")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON, as the last line")
    return parser.parse_args(argv)


def measure(args: argparse.Namespace) -> SinkRun:
    articles = [a.model_copy(update={"id": f"b{i:07d}"}) for i, a in enumerate(sample_articles(args.docs))]
    base_rates, sink_rates, startups = [], [], []
    for _ in range(args.rounds):
        settings = bench_settings("sink")  # fresh topics, group and index each round
        try:
            base_rates.append(baseline_bulk(settings, articles))
            reset_index(settings)
            rate, startup = sink_from_kafka(settings, articles, args.log_dir / "sink-throughput.log")
            sink_rates.append(rate)
            startups.append(startup)
        finally:
            remove(settings)
    return SinkRun(args.docs, args.rounds, tuple(base_rates), tuple(sink_rates), tuple(startups))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    args.log_dir.mkdir(parents=True, exist_ok=True)
    run = measure(args)
    emit([f"machine: {machine()}", *run.lines()], run.figures(), as_json=args.json)


if __name__ == "__main__":
    main()
