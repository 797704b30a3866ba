"""End-to-end latency: from produce into `news.raw` to searchable in Elasticsearch, p50 and p99,
at half of the pipeline's measured capacity (one processor, one sink, default refresh 1 s).

    .venv/bin/python -m bench.latency [--seconds 60] [--burst 200] [--json]

1. Capacity: a burst of articles (the product owner's sample article, ~550 words, varied) is
   produced at once; capacity = articles / time until all are searchable.
2. Latency: articles are produced one by one at half that rate; a watcher searches for the
   pending ids every 50 ms and records when each becomes visible to search.

With --json, the figures (`bench.common.Figure`) follow as one JSON line, for `bench.run`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.common import Figure, bench_settings, emit, figure, machine, remove
from newsflow.contract.schema import RawArticle, encode
from newsflow.index.indices import make_client
from newsflow.runtime.kafka import make_producer
from tests.conftest import SHARED
from tests.support import as_env

__all__ = ["LatencyRun", "main", "measure", "parse_args"]

SEED = SHARED / "fixtures" / "seed-article.txt"


def article(n: int, text: str) -> RawArticle:
    now = datetime.now(UTC)
    return RawArticle(id=f"lat{n:07d}", version=1, url=f"https://bench.example/{n}", feed_url="https://bench.example/rss",
                      source="Bench", title=f"Report {n}: Tokayev meets Khamenei", text=f"Report {n}. {text}",
                      fetched_at=now, published=now)


class Watcher(threading.Thread):
    """Searches for pending ids every 50 ms and records when each first shows up."""

    def __init__(self, settings) -> None:
        super().__init__(daemon=True)
        self.client = make_client(settings.elasticsearch)
        self.alias = settings.elasticsearch.alias
        self.sent: dict[str, float] = {}
        self.seen: dict[str, float] = {}
        self.lock = threading.Lock()
        self.done = threading.Event()

    def expect(self, article_id: str, at: float) -> None:
        with self.lock:
            self.sent[article_id] = at

    def run(self) -> None:
        while not self.done.is_set():
            with self.lock:
                pending = [i for i in self.sent if i not in self.seen]
            if pending:
                hits = self.client.search(index=self.alias, query={"ids": {"values": pending[:1000]}}, size=1000, source=False)
                now = time.perf_counter()
                for hit in hits["hits"]["hits"]:
                    self.seen.setdefault(hit["_id"], now)
            time.sleep(0.05)

    def wait_all(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.seen) < len(self.sent):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(self.sent) - len(self.seen)} articles never became searchable")
            time.sleep(0.05)

    def latencies(self) -> list[float]:
        return sorted(self.seen[i] - self.sent[i] for i in self.sent)


def start_workers(settings, log_dir: Path) -> list[subprocess.Popen]:
    env = os.environ | as_env(settings)
    return [
        subprocess.Popen([sys.executable, "-m", "newsflow", stage], env=env,
                         stdout=(log_dir / f"{stage}.log").open("w"), stderr=subprocess.STDOUT)
        for stage in ("process", "sink")
    ]


def produce(producer, settings, watcher: Watcher, items: list[RawArticle]) -> None:
    for a in items:
        producer.send(settings.kafka.topics.raw, key=a.id.encode(), value=encode(a))
    producer.flush()
    at = time.perf_counter()
    for a in items:
        watcher.expect(a.id, at)


@dataclass(frozen=True)
class LatencyRun:
    """What one run measured: capacity and steady rate in articles/s, latencies in seconds (sorted)."""

    burst: int
    seconds: float
    capacity: float
    rate: float
    latencies: tuple[float, ...]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p99(self) -> float:
        lat = self.latencies
        return lat[min(len(lat) - 1, int(0.99 * len(lat)))]

    def figures(self) -> list[Figure]:
        return [
            figure(f"latency: capacity, 1 processor + 1 sink (burst of {self.burst})", self.capacity, "articles/s"),
            figure(f"latency produce -> searchable p50, at {self.rate:.1f} articles/s", self.p50, "s", goal="< 2"),
            figure(f"latency produce -> searchable p99, at {self.rate:.1f} articles/s", self.p99, "s", goal="< 5"),
        ]

    def lines(self) -> list[str]:
        lat = self.latencies
        return [
            f"capacity (1 processor + 1 sink, burst of {self.burst}): {self.capacity:.1f} articles/s",
            f"steady load: {self.rate:.1f} articles/s for {self.seconds:.0f} s ({len(lat)} articles)",
            f"latency produce -> searchable: p50 {self.p50:.2f} s (goal < 2), p99 {self.p99:.2f} s (goal < 5), max {lat[-1]:.2f} s",
        ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help="duration of the latency run")
    parser.add_argument("--burst", type=int, default=200, help="articles in the capacity burst")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON, as the last line")
    return parser.parse_args(argv)


def measure(args: argparse.Namespace) -> LatencyRun:
    text = SEED.read_text(encoding="utf-8")
    settings = bench_settings("latency")
    log_dir = Path(os.environ.get("TMPDIR", "/tmp"))
    workers = start_workers(settings, log_dir)
    producer = make_producer(settings.kafka)
    n = 0
    try:
        warm = Watcher(settings)
        warm.start()
        produce(producer, settings, warm, [article(n + i, text) for i in range(8)])
        n += 8
        warm.wait_all(timeout=180)
        warm.done.set()

        burst = Watcher(settings)
        burst.start()
        started = time.perf_counter()
        produce(producer, settings, burst, [article(n + i, text) for i in range(args.burst)])
        n += args.burst
        burst.wait_all(timeout=600)
        capacity = args.burst / (time.perf_counter() - started)
        burst.done.set()

        rate = capacity / 2
        steady = Watcher(settings)
        steady.start()
        interval = 1.0 / rate
        deadline = time.perf_counter() + args.seconds
        next_at = time.perf_counter()
        while time.perf_counter() < deadline:
            produce(producer, settings, steady, [article(n, text)])
            n += 1
            next_at += interval
            time.sleep(max(0.0, next_at - time.perf_counter()))
        steady.wait_all(timeout=120)
        steady.done.set()
        lat = steady.latencies()
    finally:
        producer.close()
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=60)
        remove(settings)
    return LatencyRun(args.burst, args.seconds, capacity, rate, tuple(lat))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    run = measure(args)
    emit([f"machine: {machine()}", *run.lines()], run.figures(), as_json=args.json)


if __name__ == "__main__":
    main()
