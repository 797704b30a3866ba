"""Processor benchmark: articles/s of `newsflow process` from and to the real Kafka, against bare
spaCy on the same texts in the same run (issue 4).

    .venv/bin/python -m bench.processor_throughput [--articles 1000] [--rounds 2] [--naive-sample 200] [--json]

Figures, all on the same articles (realistic news of 400-900 words, see `realistic_articles`):
- bare `nlp.pipe` with the components our NER uses (ner + sentencizer), batch = processor batch
  size, in this process: the baseline;
- one `newsflow process` worker (OS process, the default chain: clean, language, extract,
  entities, topics, keyphrases) consuming `news.raw` and producing `news.enriched`, timed from
  its group join to its last commit; ratio to the baseline (goal >= 0.9);
- two workers (one consumer group) against one: the speed-up (goal >= 1.7x on 2 cores);
- peak RSS of each worker (VmHWM; goal < 600 MB);
- the naive way, `nlp(text)` per article with the full pipeline, on a sample of the articles.
With --json, the figures (`bench.common.Figure`) follow as one JSON line, for `bench.run`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import spacy

from bench.common import Figure, bench_settings, emit, figure, machine, proc_status_mb, remove
from newsflow.contract.schema import RawArticle, encode
from newsflow.runtime.kafka import COORDINATOR_NOT_READY, make_admin
from processors.entities import load_ner_pipeline
from tests.conftest import SHARED
from tests.support import as_env, send

__all__ = ["ProcessorRun", "main", "measure", "paragraph_pool", "parse_args", "realistic_articles"]

PARAGRAPHS = Path(__file__).resolve().parent.parent / "tests" / "data"
SEED = SHARED / "fixtures" / "seed-article.txt"


def paragraph_pool() -> list[str]:
    """Real-news-like paragraphs: the topic evaluation set (written as wire copy of every IPTC
    category) and the product owner's sample article."""
    pool = [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n")[1:] if len(p.split()) > 12]
    for path in sorted(PARAGRAPHS.glob("iptc-eval-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if row.get("language") == "en" and len(row.get("text", "").split()) > 25:
                pool.append(row["text"])
    return pool


def realistic_articles(count: int, seed: int = 7) -> list[RawArticle]:
    """`count` English articles of 400-900 words, each a different draw of paragraphs."""
    rng = random.Random(seed)
    pool = paragraph_pool()
    now = datetime.now(UTC)
    articles = []
    for n in range(count):
        target = rng.randint(400, 900)
        chosen: list[str] = []
        while sum(len(p.split()) for p in chosen) < target:
            chosen.append(rng.choice(pool))
        title = " ".join(chosen[0].split()[:10])
        articles.append(RawArticle(
            id=f"proc{n:07d}", version=1, url=f"https://bench.example/{n}", feed_url="https://bench.example/rss",
            source="Bench", title=title, text="\n\n".join(chosen), language="en", fetched_at=now, published=now,
        ))
    return articles


def bare_pipe(model: str, texts: list[str], batch_size: int) -> float:
    nlp = load_ner_pipeline(model)
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    return len(texts) / (time.perf_counter() - started)


def naive(model: str, texts: list[str]) -> float:
    nlp = spacy.load(model)
    started = time.perf_counter()
    for text in texts:
        nlp(text)
    return len(texts) / (time.perf_counter() - started)


class GroupProgress:
    """Members of the processor group and what it has yet to commit, with clients made once
    (making them per check would compete with the worker for the CPU being measured)."""

    def __init__(self, settings) -> None:
        from kafka import KafkaConsumer, TopicPartition

        self.group, self.admin = settings.processor.group_id, make_admin(settings.kafka)
        self.consumer = KafkaConsumer(bootstrap_servers=settings.kafka.bootstrap_servers)
        self.parts = [TopicPartition(settings.kafka.topics.raw, p) for p in range(settings.kafka.topics.partitions)]
        self.ends = self.consumer.end_offsets(self.parts)

    def members(self) -> int:
        try:
            return len(self.admin.describe_groups([self.group])[self.group]["members"])
        except COORDINATOR_NOT_READY:
            return 0

    def remaining(self) -> int | None:
        """Records the group has yet to commit; None while the broker cannot say."""
        try:
            committed = self.admin.list_group_offsets(self.group).get(self.group, {})
        except COORDINATOR_NOT_READY:
            return None
        return sum(self.ends[tp] - (committed[tp].offset if tp in committed else 0) for tp in self.parts)

    def close(self) -> None:
        self.admin.close()
        self.consumer.close()


def peak_rss_mb(pid: int) -> float:
    return proc_status_mb(pid, "VmHWM")


def workers_rate(articles: list[RawArticle], workers: int, log_dir: Path) -> tuple[float, list[float]]:
    """Articles/s of `workers` processor processes over the articles, and each one's peak RSS."""
    settings = bench_settings(f"proc{workers}")
    send(settings, settings.kafka.topics.raw, [(a.id.encode(), encode(a)) for a in articles])
    env = os.environ | as_env(settings)
    logs = [open(log_dir / f"worker-{workers}-{n}.log", "w") for n in range(workers)]  # noqa: SIM115
    procs = [subprocess.Popen([sys.executable, "-m", "newsflow", "process"], env=env, stdout=log, stderr=subprocess.STDOUT)
             for log in logs]
    progress = GroupProgress(settings)
    try:
        while progress.members() < workers:
            time.sleep(0.05)
        started = time.perf_counter()
        while (left := progress.remaining()) is None or left > 0:
            time.sleep(0.25)
        elapsed = time.perf_counter() - started
        rss = [peak_rss_mb(p.pid) for p in procs]
    finally:
        progress.close()
        for p in procs:
            p.terminate()
            p.wait(timeout=60)
        for log in logs:
            log.close()
        remove(settings)
    return len(articles) / elapsed, rss


@dataclass(frozen=True)
class ProcessorRun:
    """What one run measured, round by round (rates in articles/s, RSS in MB)."""

    articles: int
    words: tuple[int, ...]
    model: str
    batch_size: int
    nlp_batch_size: int
    steps: tuple[str, ...]
    bases: tuple[float, ...]  # bare nlp.pipe
    ones: tuple[float, ...]  # one worker via Kafka
    two: float  # two workers, one group
    rss: tuple[float, ...]  # peak RSS of every worker started
    naive_sample: int
    slow: float  # naive nlp(text)
    self_peak_mb: float

    def figures(self) -> list[Figure]:
        base, one = statistics.median(self.bases), statistics.median(self.ones)
        return [
            figure("processor 1 worker via Kafka vs bare nlp.pipe", one, "articles/s", baseline=base, goal=">= 0.9"),
            figure("processor 2 workers vs 1", self.two, "articles/s", baseline=one, goal=">= 1.7"),
            figure("processor peak RSS per worker (max)", max(self.rss), "MB", goal="< 600"),
            figure("processor naive nlp(text), full pipeline, vs bare nlp.pipe", self.slow, "articles/s", baseline=base),
        ]

    def lines(self) -> list[str]:
        base, one = statistics.median(self.bases), statistics.median(self.ones)
        words = self.words
        return [
            f"articles: {self.articles}, {min(words)}-{max(words)} words (mean {sum(words) / len(words):.0f}); "
            f"model {self.model}, batch {self.batch_size} (nlp.pipe {self.nlp_batch_size}); steps {', '.join(self.steps)}",
            f"bare nlp.pipe, ner + sentencizer (baseline): median {base:.1f} articles/s "
            f"(rounds: {', '.join(f'{r:.1f}' for r in self.bases)})",
            f"newsflow process, 1 worker via Kafka: median {one:.1f} articles/s (rounds: {', '.join(f'{r:.1f}' for r in self.ones)}), "
            f"ratio {one / base:.2f} (goal >= 0.9)",
            f"newsflow process, 2 workers via Kafka: {self.two:.1f} articles/s, {self.two / one:.2f}x one worker (goal >= 1.7)",
            f"peak RSS per worker: {', '.join(f'{r:.0f} MB' for r in self.rss)} (goal < 600 MB)",
            f"naive nlp(text), full pipeline, {self.naive_sample} articles: {self.slow:.1f} articles/s "
            f"({base / self.slow:.1f}x slower than the baseline)",
            f"this process peak RSS: {self.self_peak_mb:.0f} MB",
        ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--naive-sample", type=int, default=200, help="articles for the naive nlp(text) figure")
    parser.add_argument("--rounds", type=int, default=2, help="alternate baseline and one worker; medians reported")
    parser.add_argument("--log-dir", type=Path, default=Path("/tmp/newsflow-bench"))
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON, as the last line")
    return parser.parse_args(argv)


def measure(args: argparse.Namespace) -> ProcessorRun:
    args.log_dir.mkdir(parents=True, exist_ok=True)
    from newsflow.settings import load_settings

    p = load_settings().processor
    articles = realistic_articles(args.articles)
    texts = [f"{a.title}\n\n{a.text}" for a in articles]
    bases, ones, rss = [], [], []
    for _ in range(args.rounds):  # alternate: this machine's speed drifts by 20% within minutes
        bases.append(bare_pipe(p.model, texts, p.nlp_batch_size))
        rate, peaks = workers_rate(articles, 1, args.log_dir)
        ones.append(rate)
        rss += peaks
    two, peaks = workers_rate(articles, 2, args.log_dir)
    rss += peaks
    slow = naive(p.model, texts[: args.naive_sample])
    return ProcessorRun(
        articles=len(articles), words=tuple(len(a.text.split()) for a in articles), model=p.model, batch_size=p.batch_size,
        nlp_batch_size=p.nlp_batch_size,
        steps=tuple(p.steps), bases=tuple(bases), ones=tuple(ones), two=two, rss=tuple(rss), naive_sample=args.naive_sample,
        slow=slow, self_peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    run = measure(args)
    emit([f"machine: {machine()}", *run.lines()], run.figures(), as_json=args.json)


if __name__ == "__main__":
    main()
