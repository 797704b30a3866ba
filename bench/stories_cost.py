"""Cost of near-duplicates and stories (issue 8): the `news.duplicates.v1` and `news.stories.v1`
steps against NER, per article, on the processor benchmark's articles.

    .venv/bin/python -m bench.stories_cost [--articles 1000] [--batch 32] [--json]

Every step of the default chain is timed one by one over the same articles that
bench/processor_throughput.py builds (`realistic_articles`), in batches as the processor runs them
(bench/README.md, "Per step"). The two steps keep their state in Elasticsearch and publish stories
to Kafka, so they run against the local stack with an index and topics of their own (removed at
the end), and their time includes those round trips. Also shown: the decisions alone (the same
articles through a `StoryDecider` over a `MemoryStore`), and how long a worker takes to be ready
on the state the run left. bench/stories_scale.py measures the same with a million articles in
the window.
Goal: each step, and both together, under 10% of the entities step (NER and normalisation).
With --json, the figures (`bench.common.Figure`) follow as one JSON line, for `bench.run`.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bench.common import Figure, bench_settings, emit, figure, machine, remove
from bench.processor_throughput import realistic_articles
from newsflow.app.wiring import tune_garbage_collection
from newsflow.index.indices import make_client
from newsflow.settings import ProcessorSettings, Settings
from processors.base import Chain, Draft, build_chain
from processors.catalog import load_steps
from processors.stories.decider import StoryDecider
from processors.stories.features import features_from_draft
from processors.stories.state import StoryStateService, draft_fingerprint
from processors.stories.store import MemoryStore

__all__ = ["StoriesCost", "main", "measure", "parse_args", "run"]

NER, DUPLICATES, STORIES = "news.entities.v2", "news.duplicates.v1", "news.stories.v1"
GOAL = "< 0.1"


@dataclass(frozen=True)
class StoriesCost:
    """What one run measured: ms per article of each step, and around the two steps."""

    articles: int
    batch: int
    step_ms: dict[str, float]  # every step of the chain, in its order
    decide_ms: dict[str, float]  # the in-memory decisions alone: "duplicates", "stories"
    start_s: float  # a new worker getting ready on the state the run left
    duplicates_found: int
    stories: int

    def figures(self) -> list[Figure]:
        ner, dup, story = self.step_ms[NER], self.step_ms[DUPLICATES], self.step_ms[STORIES]
        return [
            figure("stories: duplicates step vs entities step (NER)", dup, "ms/article", baseline=ner, goal=GOAL),
            figure("stories: stories step vs entities step (NER)", story, "ms/article", baseline=ner, goal=GOAL),
            figure("stories: duplicates + stories steps vs entities step (NER)", dup + story, "ms/article", baseline=ner, goal=GOAL),
            figure(f"stories: worker ready on the state of {self.articles} articles", self.start_s, "s"),
        ]

    def lines(self) -> list[str]:
        ner = self.step_ms[NER]
        dup, story = self.step_ms[DUPLICATES], self.step_ms[STORIES]
        return [
            f"articles: {self.articles} (bench.processor_throughput.realistic_articles), batches of {self.batch}",
            "per step, ms/article: " + ", ".join(f"{name} {ms:.2f}" for name, ms in self.step_ms.items()),
            f"entities (NER) {ner:.2f} ms; duplicates {dup:.2f} ms = {100 * dup / ner:.1f}% of NER; "
            f"stories {story:.2f} ms = {100 * story / ner:.1f}%; both {100 * (dup + story) / ner:.1f}% (goal < 10%)",
            f"decisions alone (in memory): duplicates {self.decide_ms['duplicates']:.2f} ms, "
            f"stories {self.decide_ms['stories']:.2f} ms (the rest: Elasticsearch and Kafka round trips)",
            f"found: {self.duplicates_found} duplicates, {self.stories} stories (these articles are draws from one "
            f"pool of paragraphs, so many overlap)",
            f"a new worker is ready on the state of {self.articles} articles in {self.start_s:.2f} s",
        ]


def time_steps(chain: Chain, drafts: list[Draft], batch: int) -> tuple[dict[str, float], list[Draft]]:
    """Seconds spent in each step over all the drafts, and the drafts after the chain. Batch by
    batch, each through every step in turn, as the processor runs them: a batch's duplicates and
    stories steps meet the state (and the worker's caches) as the batches before it left them."""
    seconds = {step.name: 0.0 for step in chain.steps}
    done: list[Draft] = []
    for start in range(0, len(drafts), batch):
        part = drafts[start:start + batch]
        for step in chain.steps:
            started = time.perf_counter()
            additions = step.run(part)
            seconds[step.name] += time.perf_counter() - started
            part = [d.with_fields(fields) for d, fields in zip(part, additions, strict=True)]
        done += part
    return seconds, done


def time_decisions(settings: Settings, drafts: Sequence[Draft]) -> dict[str, float]:
    """Seconds of the decisions alone, in memory: what the steps do besides the round trips."""
    decider = StoryDecider(MemoryStore(), settings.processor)
    started = time.perf_counter()
    decisions = decider.decide_duplicates([draft_fingerprint(d) for d in drafts], save=False)
    duplicates = time.perf_counter() - started
    started = time.perf_counter()
    decider.decide_stories([(features_from_draft(d), c.duplicate_of) for d, c in zip(drafts, decisions, strict=True)])
    return {"duplicates": duplicates, "stories": time.perf_counter() - started}


def time_start(settings: Settings) -> float:
    service = StoryStateService(settings.kafka, settings.elasticsearch, settings.processor)
    try:
        started = time.perf_counter()
        service.warm_up()
        return time.perf_counter() - started
    finally:
        service.close()


def run(args: argparse.Namespace) -> StoriesCost:
    settings = bench_settings("stories")
    try:
        load_steps()
        chain = build_chain(settings.processor.steps, settings=settings.processor, kafka=settings.kafka,
                            elasticsearch=settings.elasticsearch)
        tune_garbage_collection()  # as the processor does once its chain is loaded
        try:
            drafts = [Draft(a, {}) for a in realistic_articles(args.articles)]
            seconds, done = time_steps(chain, drafts, args.batch)
        finally:
            chain.close()
        decide = time_decisions(settings, done)
        start = time_start(settings)
    finally:
        _remove(settings)
    per_article = 1000 / len(done)
    return StoriesCost(
        articles=len(done), batch=args.batch, step_ms={n: s * per_article for n, s in seconds.items()},
        decide_ms={n: s * per_article for n, s in decide.items()}, start_s=start,
        duplicates_found=sum(1 for d in done if d.get("duplicate_of")), stories=len(Counter(d.get("story_id") for d in done)),
    )


def _remove(settings: Settings) -> None:
    remove(settings, settings.elasticsearch.stories_index)
    # `newsflow setup` also put the stories template, named like its index.
    client = make_client(settings.elasticsearch)
    try:
        client.options(ignore_status=404).indices.delete_index_template(name=settings.elasticsearch.stories_index)
    finally:
        client.close()


def measure(args: argparse.Namespace) -> list[Figure]:
    return run(args).figures()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=ProcessorSettings().batch_size,
                        help="articles per step call: the processor's batch size (processor.batch_size, default %(default)s)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON, as the last line")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    cost = run(args)
    emit([f"machine: {machine()}", *cost.lines()], cost.figures(), as_json=args.json)


if __name__ == "__main__":
    main()
