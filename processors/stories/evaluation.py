"""`newsflow eval stories`: near-duplicate and story decisions measured on a labelled set.

The set (tests/data/stories-eval.jsonl, made by tests/data/make_stories_eval.py; or a real mix
such as tests/data/stories-eval-realmix.jsonl, made by tests/data/make_stories_realmix.py) runs
through the real enrichment chain in arrival order, then through the processor's own decisions
(`StoryDecider`, over a `MemoryStore` in place of Elasticsearch, which decides the same:
tests/integration/test_stories_store.py) in batches of the processor's batch size, with the times
the processor gives them (processors/stories/features.py `article_times`); duplicate pairs are
scored by precision and recall, stories by pairwise precision, recall and F1. `format_stories_summary` puts the figures of several sets side by side
(the tuning set and the held-out tests/data/stories-eval-heldout.jsonl, which nothing was tuned on).
"""

from __future__ import annotations

__all__ = [
    "EvalArticle",
    "PairScores",
    "StoriesReport",
    "duplicate_scores",
    "evaluate_stories",
    "format_stories_report",
    "format_stories_summary",
    "load_eval_articles",
    "pairwise_scores",
]

import json
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsflow.errors import ConfigError
from newsflow.settings.user_files import read_text
from processors.stories.decider import StoryDecider
from processors.stories.features import features_from_draft
from processors.stories.store import MemoryStore

if TYPE_CHECKING:
    from newsflow.settings import ProcessorSettings
    from processors.base import Chain



@dataclass(frozen=True)
class EvalArticle:
    """One line of a labelled set: an article, the original it duplicates (or None) and its story label.
    `fetched_at` (default: `published`) and `date_source` as in `RawArticle`: an undated feed item
    has date_source "fetched" and its fetch time as published."""

    id: str
    source: str
    published: datetime
    title: str
    text: str
    duplicate_of: str | None
    story: str
    fetched_at: datetime | None = None
    date_source: str | None = None

    @property
    def arrival(self) -> datetime:
        return self.fetched_at or self.published


def load_eval_articles(path: Path) -> list[EvalArticle]:
    """Read labelled JSONL (see tests/data/make_stories_eval.py), in arrival order: by fetch time
    (default: the published time), then published time. Raises `ConfigError` naming the file and
    line of the first bad one."""
    lines = read_text(path).splitlines()
    articles = [_eval_article(path, number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    if not articles:
        raise ConfigError(f"{path}: no articles")
    ids = {a.id for a in articles}
    if len(ids) != len(articles):
        raise ConfigError(f"{path}: article ids are not unique")
    unknown = sorted({a.duplicate_of for a in articles if a.duplicate_of and a.duplicate_of not in ids})
    if unknown:
        raise ConfigError(f"{path}: duplicate_of names articles not in the file: {', '.join(unknown[:5])}")
    return sorted(articles, key=lambda a: (a.arrival, a.published, a.id))


def _eval_article(path: Path, number: int, line: str) -> EvalArticle:
    where = f"{path}: line {number}"
    try:
        row = json.loads(line)
    except json.JSONDecodeError:
        raise ConfigError(f"{where}: not valid JSON") from None
    if not isinstance(row, dict) or not isinstance(row.get("labels"), dict):
        raise ConfigError(f"{where}: expected a JSON object with \"labels\"")
    labels = row["labels"]
    try:
        published = datetime.fromisoformat(str(row["published"]))
        fetched_at = datetime.fromisoformat(str(row["fetched_at"])) if row.get("fetched_at") else None
        duplicate_of = labels.get("duplicate_of")
        article = EvalArticle(_name(row["id"], "id"), str(row.get("source", "")), published, str(row.get("title", "")),
                              str(row["text"]), None if duplicate_of is None else _name(duplicate_of, "labels.duplicate_of"),
                              _name(labels["story"], "labels.story"), fetched_at, row.get("date_source"))
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"{where}: needs id, published (ISO 8601), text and labels.story ({exc})") from None
    if published.tzinfo is None or (fetched_at is not None and fetched_at.tzinfo is None):
        raise ConfigError(f"{where}: published and fetched_at need a time zone")
    if article.date_source not in _DATE_SOURCES:
        raise ConfigError(f"{where}: date_source must be one of feed, page, fetched (or absent)")
    return article


_DATE_SOURCES = (None, "feed", "page", "fetched")


def _name(value: object, field: str) -> str:
    """An id or a label: a string or a whole number, as text (not a list or an object)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"{field} must be a string or a whole number, not {type(value).__name__}")
    return str(value)


@dataclass(frozen=True)
class PairScores:
    precision: float
    recall: float
    f1: float
    correct: int  # pairs both predicted and expected
    predicted: int
    expected: int


def _scores(correct: int, predicted: int, expected: int) -> PairScores:
    precision = correct / predicted if predicted else 1.0
    recall = correct / expected if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(round(precision, 4), round(recall, 4), round(f1, 4), correct, predicted, expected)


def duplicate_scores(predicted: Mapping[str, str | None], expected: Mapping[str, str | None]) -> PairScores:
    """Pairs (article -> its original): a predicted pair is right when the labels have the same pair."""
    found = {(a, o) for a, o in predicted.items() if o}
    truth = {(a, o) for a, o in expected.items() if o}
    return _scores(len(found & truth), len(found), len(truth))


def pairwise_scores(predicted: Mapping[str, str], expected: Mapping[str, str]) -> PairScores:
    """Pairwise clustering scores over the articles of `expected`: a pair is positive when both
    articles are in one cluster. Counted per cluster, not per pair, so large sets stay cheap."""
    ids = list(expected)
    def pairs(groups: Counter[Any]) -> int:
        return sum(n * (n - 1) // 2 for n in groups.values())
    both = pairs(Counter((predicted[a], expected[a]) for a in ids))
    return _scores(both, pairs(Counter(predicted[a] for a in ids)), pairs(Counter(expected[a] for a in ids)))


@dataclass
class StoriesReport:
    articles: int
    duplicates: PairScores
    stories: PairScores
    stories_without_duplicates: PairScores
    expected_stories: int
    predicted_stories: int
    ms_per_article: dict[str, float]  # "dedup", "clustering", "ner" and every chain step
    missed_duplicates: list[str]
    wrong_duplicates: list[str]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def evaluate_stories(articles: Sequence[EvalArticle], chain: Chain, settings: ProcessorSettings) -> StoriesReport:
    """Enrich the articles with `chain` (a `processors.base.Chain`: clean, language, entities...),
    timing each step, then decide duplicates and stories as the processor does with `settings`
    (thresholds, windows, batch size), in the articles' order (`load_eval_articles` gives arrival
    order), each set in a store of its own."""
    from newsflow.contract.schema import RawArticle
    from processors.base import Draft
    from processors.stories.state import draft_fingerprint

    raws = [RawArticle(id=a.id, version=1, url=None, feed_url=f"eval://{a.source or 'unknown'}", source=a.source or "unknown",
                       title=a.title, text=a.text, published=a.published, fetched_at=a.arrival, date_source=a.date_source)
            for a in articles]
    drafts = [Draft(raw, {}) for raw in raws]
    timings: dict[str, float] = {}
    for step in chain.steps:
        started = time.perf_counter()
        additions = step.run(drafts)
        timings[step.name] = time.perf_counter() - started
        drafts = [d.with_fields(fields) for d, fields in zip(drafts, additions, strict=True)]
    decider = StoryDecider(MemoryStore(), settings)
    duplicate_of: dict[str, str | None] = {}
    story_of: dict[str, str] = {}
    dedup_seconds = clustering_seconds = 0.0
    for start in range(0, len(drafts), settings.batch_size):
        batch = drafts[start:start + settings.batch_size]
        started = time.perf_counter()
        copies = decider.decide_duplicates([draft_fingerprint(d) for d in batch], save=False)
        dedup_seconds += time.perf_counter() - started
        started = time.perf_counter()
        stories, _ = decider.decide_stories([(features_from_draft(d), c.duplicate_of) for d, c in zip(batch, copies, strict=True)])
        clustering_seconds += time.perf_counter() - started
        for draft, copy, story in zip(batch, copies, stories, strict=True):
            duplicate_of[draft.get("id")], story_of[draft.get("id")] = copy.duplicate_of, story.story_id
    expected_duplicates = {a.id: a.duplicate_of for a in articles}
    expected_stories = {a.id: a.story for a in articles}
    originals = {a.id: a.story for a in articles if not a.duplicate_of}
    count = max(len(articles), 1)
    ms = {"dedup": dedup_seconds, "clustering": clustering_seconds,
          "ner": sum(s for name, s in timings.items() if name.startswith("news.entities.")), **timings}
    return StoriesReport(
        articles=len(articles),
        duplicates=duplicate_scores(duplicate_of, expected_duplicates),
        stories=pairwise_scores(story_of, expected_stories),
        stories_without_duplicates=pairwise_scores(story_of, originals),
        expected_stories=len(set(expected_stories.values())),
        predicted_stories=len(set(story_of.values())),
        ms_per_article={name: round(seconds * 1000 / count, 3) for name, seconds in ms.items()},
        missed_duplicates=sorted(a for a, o in expected_duplicates.items() if o and duplicate_of[a] != o),
        wrong_duplicates=sorted(a for a, o in duplicate_of.items() if o and expected_duplicates[a] != o),
    )


def format_stories_report(report: StoriesReport) -> str:
    def line(label: str, scores: PairScores) -> str:
        return (f"{label:<28} precision {scores.precision:.3f}  recall {scores.recall:.3f}  F1 {scores.f1:.3f}  "
                f"({scores.correct} right of {scores.predicted} predicted, {scores.expected} expected)")

    ms = report.ms_per_article
    share = 100 * (ms["dedup"] + ms["clustering"]) / max(ms["ner"], 1e-9)
    rows = [
        f"articles                     {report.articles}",
        line("duplicates (pairs)", report.duplicates),
        line("stories (pairwise)", report.stories),
        line("stories, originals only", report.stories_without_duplicates),
        f"stories                      {report.predicted_stories} found, {report.expected_stories} expected",
        f"ms per article               dedup {ms['dedup']:.2f}  clustering {ms['clustering']:.2f}  "
        f"NER {ms['ner']:.2f}  (dedup + clustering = {share:.1f}% of NER)",
    ]
    if report.missed_duplicates:
        rows.append(f"missed duplicates            {', '.join(report.missed_duplicates)}")
    if report.wrong_duplicates:
        rows.append(f"wrong duplicates             {', '.join(report.wrong_duplicates)}")
    return "\n".join(rows)


def format_stories_summary(reports: Sequence[tuple[str, StoriesReport]]) -> str:
    """One row per labelled set: duplicate pair precision and recall, story pairwise precision,
    recall and F1. Side by side, so that a tuning set's figures are read next to a held-out one's."""
    width = max([len("set"), *(len(name) for name, _ in reports)])
    header = f"{'set':<{width}}  duplicates P  duplicates R  story P  story R  story F1"
    rows = [header, "-" * len(header)]
    for name, report in reports:
        d, s = report.duplicates, report.stories
        rows.append(f"{name:<{width}}  {d.precision:>12.3f}  {d.recall:>12.3f}  {s.precision:>7.3f}  {s.recall:>7.3f}"
                    f"  {s.f1:>8.3f}")
    return "\n".join(rows)
