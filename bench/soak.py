"""Soak run (not in CI): the pipeline for a long time over a generated stream; does its memory
stay flat and its throughput steady? (issue 7)

    .venv/bin/python -m bench.soak --minutes 30 [--rate 5] [--warmup-minutes 5] [--state-window-minutes 3]
                                   [--sample-seconds 5] [--row-seconds 60]

`newsflow process` and `newsflow sink` run as OS processes on isolated topics and indices of the
running local stack (the processor with its default batch size). A thread of this process
produces generated English articles (400-900 words of news copy, each a different draw) to the
raw topic at `--rate` articles/s. Every `--sample-seconds`, each process's RSS (VmRSS of
/proc/<pid>/status) and the records indexed so far (the sink group's committed offsets on the
enriched topic) are sampled. Printed at the end: one row per `--row-seconds` (RSS of each
process, records indexed per second), the RSS growth after warm-up (median of the last minute
against the first minute after warm-up; goal < 5%), the mean throughput per row after warm-up
and its coefficient of variation, and the backlog left. Topics, indices and processes are
removed at the end, also on Ctrl-C or SIGTERM (the figures so far are still printed).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from bench.common import Figure, bench_settings, figure, machine, proc_status_mb, remove
from bench.processor_throughput import paragraph_pool
from bench.soak_stats import Sample, mean_cv, render_rows, rows, rss_growth_pct
from bench.table import render_text
from newsflow.contract.schema import RawArticle, encode
from newsflow.runtime.kafka import make_admin, make_producer
from newsflow.settings import Settings, load_settings
from tests.support import as_env

__all__ = ["Generator", "Offsets", "article_stream", "main", "summary"]

STAGES = ("process", "sink")


def article_stream(seed: int = 11) -> Iterator[RawArticle]:
    """Endless English articles of 400-900 words, each a different draw of news paragraphs."""
    rng, pool = random.Random(seed), paragraph_pool()
    n = 0
    while True:
        target, chosen = rng.randint(400, 900), []
        while sum(len(p.split()) for p in chosen) < target:
            chosen.append(rng.choice(pool))
        now = datetime.now(UTC)
        yield RawArticle(
            id=f"soak{n:08d}", version=1, url=f"https://soak.example/{n}", feed_url="https://soak.example/rss",
            source="Soak", title=" ".join(chosen[0].split()[:10]), text="\n\n".join(chosen), language="en",
            fetched_at=now, published=now,
        )
        n += 1


class Generator(threading.Thread):
    """Produces articles to the raw topic at a fixed rate, on a schedule that does not drift.

    A send that Kafka refuses (the broker restarted under us) is counted and skipped: the soak
    measures what gets indexed, and a long run should outlive a broker restart."""

    def __init__(self, settings: Settings, rate: float) -> None:
        super().__init__(name="soak-generator", daemon=True)
        self.settings, self.interval = settings, 1.0 / rate
        self.produced = self.refused = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        producer = None
        try:
            producer = make_producer(self.settings.kafka)
            topic, articles = self.settings.kafka.topics.raw, article_stream()
            next_at = time.monotonic()
            while not self.stop.wait(max(0.0, next_at - time.monotonic())):
                a = next(articles)
                try:
                    producer.send(topic, key=a.id.encode(), value=encode(a))
                    self.produced += 1
                except KafkaError:
                    self.refused += 1
                next_at = max(next_at + self.interval, time.monotonic() - 1.0)  # no catch-up burst after a stall
        except Exception as e:  # reported by the main thread, which stops the run
            self.error = e
        finally:
            if producer is not None:
                producer.close(timeout=30)


class Offsets:
    """Committed offsets of a group on a topic, with clients made once (per sample would cost CPU)."""

    def __init__(self, settings: Settings) -> None:
        self.admin = make_admin(settings.kafka)
        self.consumer = KafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_servers)
        self.partitions = settings.kafka.topics.partitions

    def committed(self, group: str, topic: str, default: int) -> int:
        """The group's committed total, or `default` (the last value seen) while Kafka cannot say."""
        try:
            offsets = self.admin.list_group_offsets(group).get(group, {})
        except KafkaError:
            return default
        return sum(offsets[tp].offset for tp in offsets if tp.topic == topic and offsets[tp].offset >= 0)

    def end(self, topic: str) -> int:
        return sum(self.consumer.end_offsets([TopicPartition(topic, p) for p in range(self.partitions)]).values())

    def close(self) -> None:
        self.admin.close()
        self.consumer.close()


def state_window_env(minutes: float) -> dict[str, str]:
    """The processor's duplicates and stories windows shortened to `minutes` (0: as configured).

    Their state holds every article of the window (~20 KB each, measured), so with the
    production windows (7 days, 72 h) the processor's memory grows through any soak by design
    and a leak could hide in that growth. Windows that fill during the warm-up leave a flat line
    to a processor that does not leak."""
    if not minutes:
        return {}
    return {"NEWSFLOW_PROCESSOR__DUPLICATES__WINDOW_DAYS": str(minutes / (24 * 60)),
            "NEWSFLOW_PROCESSOR__STORIES__WINDOW_HOURS": str(minutes / 60)}


def start_stages(settings: Settings, log_dir: Path, state_window_minutes: float) -> tuple[dict[str, subprocess.Popen], list]:
    env = os.environ | as_env(settings) | state_window_env(state_window_minutes)
    logs = [(log_dir / f"soak-{stage}.log").open("w") for stage in STAGES]
    # Own sessions: a Ctrl-C at the terminal reaches this process, which stops them in order.
    procs = {stage: subprocess.Popen([sys.executable, "-m", "newsflow", stage], env=env, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
             for stage, log in zip(STAGES, logs, strict=True)}
    return procs, logs


def stop_stages(procs: dict[str, subprocess.Popen]) -> None:
    for p in procs.values():
        if p.poll() is None:
            p.terminate()  # SIGTERM: finish the batch, commit, exit
    for p in procs.values():
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def summary(samples: list[Sample], args: argparse.Namespace) -> tuple[str, list[Figure]]:
    """The per-row table and the figures (growth per process, throughput mean and CV)."""
    warmup = args.warmup_minutes * 60
    table = rows(samples, args.row_seconds, warmup)
    # Percentages to two decimals: 0.00101 % would claim a precision that RSS sampling has not.
    figures = [figure(f"soak RSS growth after warm-up, {stage}", round(rss_growth_pct(samples, stage, warmup, 60.0), 2), "%",
                      goal="< 5") for stage in STAGES]
    mean, cv = mean_cv([r.rate for r in table if not r.warmup])
    figures += [
        figure(f"soak throughput after warm-up, mean per {args.row_seconds:g} s row", mean, "indexed/s"),
        figure("soak throughput after warm-up, coefficient of variation", round(cv * 100, 2), "%"),
    ]
    return render_rows(table, STAGES), figures


def _sigterm_as_interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def sample_loop(args, settings, procs, generator, offsets, samples: list[Sample]) -> str | None:
    """Sample until the time is up; why it stopped early, if it did."""
    group, topic = settings.sink.group_id, settings.kafka.topics.enriched
    started = time.monotonic()
    duration, indexed, next_row = args.minutes * 60, 0, args.row_seconds
    while True:
        t = time.monotonic() - started
        indexed = offsets.committed(group, topic, indexed)
        samples.append(Sample(t, {stage: proc_status_mb(p.pid) for stage, p in procs.items()}, indexed))
        if t >= next_row:
            rss = ", ".join(f"{s} {mb:.0f} MB" for s, mb in samples[-1].rss.items())
            print(f"  {t / 60:5.1f} min: produced {generator.produced}, indexed {indexed}; RSS {rss}", file=sys.stderr, flush=True)
            next_row += args.row_seconds
        dead = [stage for stage, p in procs.items() if p.poll() is not None]
        if dead:
            return f"{', '.join(dead)} exited (see {args.log_dir}/soak-*.log)"
        if generator.error is not None:
            return f"the generator failed: {generator.error!r}"
        if t >= duration:
            return None
        time.sleep(max(0.0, started + len(samples) * args.sample_seconds - time.monotonic()))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30.0, help="length of the run, warm-up included")
    parser.add_argument("--warmup-minutes", type=float, default=5.0, help="not counted in growth and throughput")
    parser.add_argument("--rate", type=float, default=5.0, help="articles/s produced to the raw topic")
    parser.add_argument("--sample-seconds", type=float, default=5.0, help="how often RSS and progress are sampled")
    parser.add_argument("--row-seconds", type=float, default=60.0, help="one row (and one throughput interval) per this")
    parser.add_argument("--state-window-minutes", type=float, default=3.0,
                        help="the processor's duplicates and stories windows (0: the configured 7 days / 72 h, whose "
                             "state grows through the whole run by design); must fill within the warm-up")
    parser.add_argument("--log-dir", type=Path, default=Path("/tmp/newsflow-bench"))
    args = parser.parse_args(argv)
    if args.warmup_minutes >= args.minutes:
        parser.error("--warmup-minutes must be shorter than --minutes")
    if args.state_window_minutes < 0 or args.state_window_minutes >= args.warmup_minutes:
        parser.error("--state-window-minutes must be 0 (as configured) or shorter than --warmup-minutes")
    return args


def backlog(offsets: Offsets, settings: Settings) -> str:
    t = settings.kafka.topics
    try:
        raw_left = offsets.end(t.raw) - offsets.committed(settings.processor.group_id, t.raw, 0)
        enriched_left = offsets.end(t.enriched) - offsets.committed(settings.sink.group_id, t.enriched, 0)
    except KafkaError as e:
        return f"backlog at the end: unknown ({e!r})"
    return f"backlog at the end: {raw_left} raw not yet processed, {enriched_left} enriched not yet indexed"


def report(args: argparse.Namespace, settings: Settings, samples: list[Sample], generator: Generator | None) -> None:
    rows_table, figures = summary(samples, args)
    produced, refused = (generator.produced, generator.refused) if generator else (0, 0)
    print(f"machine: {machine()}")
    print(f"soak: {samples[-1].t / 60 if samples else 0:.1f} of {args.minutes:g} min, warm-up {args.warmup_minutes:g} min; "
          f"{produced} articles produced at {args.rate:g}/s ({refused} refused by Kafka); "
          f"processor batch {settings.processor.batch_size}; samples every {args.sample_seconds:g} s")
    windows = (f"{args.state_window_minutes:g} min (shortened to fill during the warm-up)" if args.state_window_minutes
               else f"as configured ({settings.processor.duplicates.window_days:g} days / {settings.processor.stories.window_hours:g} h)")
    print(f"duplicates and stories windows: {windows}")
    print(rows_table)
    print(render_text(figures))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.log_dir.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored (`cmd &`)
    settings = bench_settings("soak")
    # Isolated settings use a small test batch; soak what production runs.
    settings = settings.model_copy(update={"processor": settings.processor.model_copy(
        update={"batch_size": load_settings().processor.batch_size})})
    samples: list[Sample] = []
    procs, logs, offsets, generator, stopped, left = {}, [], None, None, None, ""
    try:
        procs, logs = start_stages(settings, args.log_dir, args.state_window_minutes)
        offsets = Offsets(settings)
        generator = Generator(settings, args.rate)
        generator.start()
        print(f"soak: {args.minutes:g} min (warm-up {args.warmup_minutes:g}), {args.rate:g} articles/s; "
              f"logs in {args.log_dir}", file=sys.stderr, flush=True)
        stopped = sample_loop(args, settings, procs, generator, offsets, samples)
    except KeyboardInterrupt:
        stopped = "interrupted"
    finally:
        # A second Ctrl-C must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if generator is not None:
            generator.stop.set()
            generator.join(timeout=60)
        if offsets is not None:
            left = backlog(offsets, settings)
            offsets.close()
        stop_stages(procs)
        for log in logs:
            log.close()
        try:
            remove(settings)
        except Exception as e:  # the figures still count; say what is left behind
            print(f"clean-up failed, remove {settings.kafka.topics.raw} etc. by hand: {e!r}", file=sys.stderr)
    report(args, settings, samples, generator)
    if left:
        print(left)
    if stopped:
        print(f"stopped early: {stopped}")
    return 1 if stopped else 0


if __name__ == "__main__":
    sys.exit(main())
