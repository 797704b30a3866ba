"""Producer benchmark: 1,000 feeds on a local server (a separate process), as issue 3 asks.

    .venv/bin/python -m bench.producer_throughput [--feeds 1000] [--items 50] [--rounds 3] [--json]

(a) All feeds unchanged (the server answers 304 to our ETag): the wall time and the CPU seconds
    of one producer cycle over every feed.
(b) All feeds changed, `--items` items each: articles per second produced to Kafka and
    acknowledged (fetch, parse, clean, dedup, produce, persist feed state), against bare
    `feedparser.parse` (default options) over the same bytes in the same run; the ratio.
    The producer runs with its default settings: feeds are parsed in worker processes, one
    per core (`producer.parse_processes`).
(c) The same with `producer.parse_processes = 0` (parsing in the fetch threads, so on one
    core, as bare feedparser does): reported beside (b), so that the share of the second core
    in (b) is plain.

Politeness is off (every feed is on 127.0.0.1, and a per-host delay would measure the delay).
With --json, the figures (`bench.common.Figure`) follow as one JSON line, for `bench.run`.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import feedparser

from bench.common import Figure, bench_settings, emit, figure, machine, remove
from newsflow.app.wiring import build_feed_service
from newsflow.runtime.kafka import make_producer
from producers.base import FeedSpec

__all__ = ["ProducerRun", "changed_cycle_rate", "main", "measure", "parse_args"]

PARAGRAPH = (
    "<p>The <b>port authority</b> said on <i>Tuesday</i> that container volumes rose for a third month, "
    "according to <a href='https://news.example/data?utm_source=rss'>figures</a> released in Rotterdam. "
    "Analysts at <a href='/analysis'>the bank</a> expect the trend to hold &amp; widen.</p>"
)


def feed_body(feed: int, items: int, generation: int) -> bytes:
    entries = "".join(
        f"<item><title>Story {feed}-{n} &amp; more (g{generation})</title>"
        f"<link>https://news.example/{feed}/{generation}/{n}?utm_medium=rss</link><guid>{feed}-{generation}-{n}</guid>"
        f"<pubDate>Sat, 28 Nov 2026 {n % 24:02d}:{n % 60:02d}:00 GMT</pubDate><author>desk@news.example (Desk)</author>"
        f"<category>World</category><description><![CDATA[<img src='/i/{n}.jpg'/>{PARAGRAPH * 3}]]></description></item>"
        for n in range(items)
    )
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Feed {feed}</title>"
            f"<link>https://news.example/{feed}</link>{entries}</channel></rss>").encode()


def serve(port_queue, feeds: int, items: int, generation) -> None:
    """The feed server, in its own process so that its CPU is not counted as the producer's."""
    bodies: dict[int, dict[int, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            feed = int(self.path.strip("/").split(".")[0])
            gen = generation.value
            etag = f'"{feed}-{gen}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = bodies.setdefault(gen, {}).get(feed) or bodies[gen].setdefault(feed, feed_body(feed, items, gen))
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    ThreadingHTTPServer.request_queue_size = 256
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_queue.put(httpd.server_port)
    httpd.serve_forever()


def baseline_parse(bodies: list[bytes]) -> float:
    started = time.perf_counter()
    entries = sum(len(feedparser.parse(body).entries) for body in bodies)
    return entries / (time.perf_counter() - started)


def timed_cycle(service) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    report = service.run_once()
    return time.perf_counter() - wall, time.process_time() - cpu, report


@dataclass(frozen=True)
class ProducerRun:
    """What one run measured, round by round."""

    feeds: int
    items: int
    rounds: int
    base_rates: tuple[float, ...]  # bare feedparser.parse, entries/s
    rates: tuple[float, ...]  # producer, fetched to acknowledged, articles/s
    one_core_rates: tuple[float, ...]  # the same, parsing in the fetch threads
    walls_304: tuple[float, ...]
    cpus_304: tuple[float, ...]

    def figures(self) -> list[Figure]:
        med = statistics.median
        return [
            figure(f"producer (a) 304 cycle over {self.feeds} feeds, wall", med(self.walls_304), "s"),
            figure(f"producer (a) 304 cycle over {self.feeds} feeds, CPU", med(self.cpus_304), "s"),
            figure("producer (b) articles/s vs bare feedparser.parse", med(self.rates), "articles/s",
                   baseline=med(self.base_rates), goal=">= 1.3"),
            figure("producer (c) parsing on one core (parse_processes=0) vs bare feedparser.parse",
                   med(self.one_core_rates), "articles/s", baseline=med(self.base_rates)),
        ]

    def lines(self) -> list[str]:
        base, ours = statistics.median(self.base_rates), statistics.median(self.rates)
        one_core = statistics.median(self.one_core_rates)
        walls, cpus = self.walls_304, self.cpus_304
        return [
            f"feeds: {self.feeds} x {self.items} items, {self.rounds} rounds (baseline and producer alternate)",
            f"(a) all unchanged (304): cycle wall median {statistics.median(walls):.2f} s, "
            f"CPU median {statistics.median(cpus):.2f} s  (rounds: {', '.join(f'{w:.2f}/{c:.2f}' for w, c in zip(walls, cpus, strict=True))})",
            f"(b) bare feedparser.parse (baseline): median {base:,.0f} entries/s  (rounds: {', '.join(f'{r:,.0f}' for r in self.base_rates)})",
            f"(b) newsflow producer, fetched to acknowledged: median {ours:,.0f} articles/s  (rounds: {', '.join(f'{r:,.0f}' for r in self.rates)})",
            f"(b) ratio: {ours / base:.2f} (goal >= 1.3)",
            f"(c) parsing in the fetch threads (one core): median {one_core:,.0f} articles/s  "
            f"(rounds: {', '.join(f'{r:,.0f}' for r in self.one_core_rates)}), ratio {one_core / base:.2f}",
        ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="alternate baseline and producer; medians reported")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON, as the last line")
    return parser.parse_args(argv)


def measure(args: argparse.Namespace) -> ProducerRun:
    generation = multiprocessing.Value("i", 1)
    ports: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(ports, args.feeds, args.items, generation), daemon=True)
    server.start()
    port = ports.get(timeout=30)
    urls = [f"http://127.0.0.1:{port}/{n}.xml" for n in range(args.feeds)]
    settings = bench_settings("producer")
    settings = settings.model_copy(update={"producer": settings.producer.model_copy(
        update={"per_host_concurrency": 16, "per_host_delay_s": 0.0})})
    # The one-core producer is a second group with its own feed states: it emits every item too.
    one_core_settings = settings.model_copy(update={"producer": settings.producer.model_copy(
        update={"parse_processes": 0, "group_id": f"{settings.producer.group_id}-one-core"})})
    producer = make_producer(settings.kafka)
    feeds = [FeedSpec(url=u) for u in urls]
    service, cleanup = build_feed_service(settings, feeds=feeds, producer=producer)
    one_core, one_core_cleanup = build_feed_service(one_core_settings, feeds=feeds, producer=producer)
    rates, one_core_rates, base_rates, walls_304, cpus_304 = [], [], [], [], []
    try:
        for ready in (service, one_core):  # not part of a cycle
            assert ready.wait_until_ready(), "the producer did not join its group"
        for round_ in range(args.rounds):
            generation.value = round_ + 1  # every feed changed: new ETag, new items
            bodies = [feed_body(n, args.items, generation.value) for n in range(args.feeds)]
            base_rates.append(baseline_parse(bodies))
            rates.append(changed_cycle_rate(service, args))
            one_core_rates.append(changed_cycle_rate(one_core, args))
            wall, cpu, report = timed_cycle(service)  # nothing changed: all 304
            assert report.not_modified == args.feeds, report.summary()
            walls_304.append(wall)
            cpus_304.append(cpu)
    finally:
        one_core_cleanup()
        cleanup()
        producer.close()
        server.terminate()
        remove(settings)
    return ProducerRun(args.feeds, args.items, args.rounds, tuple(base_rates), tuple(rates), tuple(one_core_rates),
                       tuple(walls_304), tuple(cpus_304))


def changed_cycle_rate(service, args: argparse.Namespace) -> float:
    """Articles per second of one cycle where every feed changed; every item must be emitted."""
    wall, _, report = timed_cycle(service)
    assert report.emitted == args.feeds * args.items and not report.failed, report.summary()
    return report.emitted / wall


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    run = measure(args)
    emit([f"machine: {machine()}", *run.lines()], run.figures(), as_json=args.json)


if __name__ == "__main__":
    main()
