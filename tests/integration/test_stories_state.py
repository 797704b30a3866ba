"""Near-duplicates and stories on the real broker and cluster, with `newsflow process` worker
processes: the state in the stories-state index survives a worker restart (which replays nothing)
and is shared by the workers of a group, an article about the same event joins the story that
`news.stories` then carries, and without Elasticsearch the step raises `ServiceUnavailable` rather
than decide anything."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsflow.contract.schema import EnrichedArticle, RawArticle, StoryDocument, decode_enriched, decode_story, encode
from newsflow.errors import ServiceUnavailable
from newsflow.index.indices import make_client
from newsflow.runtime.kafka import make_admin, make_producer
from newsflow.settings import Settings
from processors.base import build_chain
from processors.catalog import load_steps
from tests.support import as_env, read_topic, send, wait_for

DATA = Path(__file__).resolve().parent.parent / "data"
# Enough for near-duplicates, with no spaCy model to load: the state is what is tested.
DUPLICATES_ONLY = ("news.clean.v1", "news.duplicates.v1")


@pytest.fixture(scope="module")
def eval_rows() -> dict[str, dict]:
    rows = (json.loads(line) for line in (DATA / "stories-eval.jsonl").read_text(encoding="utf-8").splitlines())
    return {r["id"]: r for r in rows}


def article(article_id: str, row: dict, *, text: str | None = None) -> RawArticle:
    published = datetime.fromisoformat(row["published"])
    return RawArticle(id=article_id, version=1, url=f"https://{row['source'].replace(' ', '-').lower()}.example/{article_id}",
                      feed_url="https://news.example.org/rss", source=row["source"], title=row["title"],
                      text=text if text is not None else row["text"], published=published, fetched_at=published)


class Worker:
    """One `newsflow process` (a single worker) writing its log to a file."""

    def __init__(self, settings: Settings, log_path: Path, steps: tuple[str, ...] | None) -> None:
        env = os.environ | as_env(settings) | ({"NEWSFLOW_PROCESSOR__STEPS": json.dumps(steps)} if steps else {})
        self.log_path = log_path
        self._log = log_path.open("w")
        self.process = subprocess.Popen([sys.executable, "-m", "newsflow", "process"], env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT)

    def text(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        """SIGTERM, as an orchestrator stops it: it must finish its batch and exit 0."""
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        assert code == 0, self.text()[-3000:]
        assert "Traceback" not in self.text()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self._log.close()


@pytest.fixture
def workers(settings, tmp_path):
    started: list[Worker] = []

    def start(name: str, steps: tuple[str, ...] | None = None) -> Worker:
        worker = Worker(settings, tmp_path / f"{name}.log", steps)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.close()


def enriched(settings: Settings, ids: set[str], *, timeout: float = 120) -> dict[str, EnrichedArticle]:
    """The latest enriched version of each of `ids`, once all are on news.enriched."""
    found: dict[str, EnrichedArticle] = {}

    def all_there() -> bool:
        for record in read_topic(settings, settings.kafka.topics.enriched, expect=len(ids), timeout=timeout):
            found[record.key.decode()] = decode_enriched(record.value)
        return ids <= set(found)

    wait_for(all_there, timeout=timeout, what=f"enriched {sorted(ids)}")
    return found


def latest_story(settings: Settings, story_id: str) -> StoryDocument | None:
    records = read_topic(settings, settings.kafka.topics.stories, expect=1)
    mine = [decode_story(r.value) for r in records if r.key == story_id.encode()]
    return mine[-1] if mine else None  # one key, one partition: in the order produced


def test_the_state_survives_a_restart_and_an_article_on_the_same_event_joins_the_story(settings, workers, seed_article, eval_rows):
    x = article("x", eval_rows["tokayev-tehran-0"], text=seed_article)
    copy = article("x-copy", eval_rows["tokayev-tehran-0~edited"])  # words replaced, paragraphs swapped
    same_event = article("y", eval_rows["tokayev-tehran-1"])  # another outlet's own report of the meeting
    first = workers("first")
    send(settings, settings.kafka.topics.raw, [(x.id.encode(), encode(x))])
    original = enriched(settings, {"x"})["x"]
    assert original.duplicate_of is None and original.story_id
    first.stop()

    second = workers("second")
    send(settings, settings.kafka.topics.raw, [(a.id.encode(), encode(a)) for a in (copy, same_event)])
    found = enriched(settings, {"x", "x-copy", "y"})
    assert "stories state ready" in second.text() and "vocabulary=1 " in second.text()
    assert (found["x-copy"].duplicate_of, found["x-copy"].story_id) == ("x", original.story_id)
    assert found["x-copy"].duplicate_similarity >= 0.7
    assert (found["y"].duplicate_of, found["y"].story_id) == (None, original.story_id)
    assert {m.name for m in found["y"].enrichment.models} >= {"minhash-lsh", "story-clustering"}

    story = wait_for(lambda: (doc := latest_story(settings, original.story_id)) and doc.size == 3 and doc,
                     timeout=30, what="the story document with its three articles")
    assert set(story.article_ids) == {"x", "x-copy", "y"} and story.sources == 3
    assert any("Tokayev" in e.name for e in story.entities), story.entities
    second.stop()


def test_two_workers_of_one_group_share_the_state(settings, workers, seed_article, eval_rows):
    x = article("x", eval_rows["tokayev-tehran-0"], text=seed_article)
    copy = article("x-copy", eval_rows["tokayev-tehran-0~boilerplate"])  # another site's byline and footer around it
    pair = [workers("one", DUPLICATES_ONLY), workers("two", DUPLICATES_ONLY)]
    wait_for(lambda: group_members(settings) == 2, timeout=60, what="both workers in one consumer group")

    # Two partitions, one per worker: X on one, and once X is enriched, its copy on the other.
    produce_to(settings, x, partition=0)
    assert enriched(settings, {"x"})["x"].duplicate_of is None
    produce_to(settings, copy, partition=1)
    found = enriched(settings, {"x-copy"})["x-copy"]
    assert found.duplicate_of == "x" and found.duplicate_similarity >= 0.7
    assert found.story_id is None  # no stories step in this chain
    # Each worker enriched one of the two articles (the line comes once the batch is committed).
    wait_for(lambda: [w.text().count("batch stage=processor records=1 ") for w in pair] == [1, 1], timeout=30,
             what="one batch of one article in each worker's log")
    for worker in pair:
        worker.stop()


def group_members(settings: Settings) -> int:
    """Members of the processor group once it is stable (0 while it rebalances)."""
    admin = make_admin(settings.kafka)
    try:
        group = admin.describe_groups([settings.processor.group_id])[settings.processor.group_id]
        return len(group["members"]) if group["group_state"] == "Stable" else 0
    finally:
        admin.close()


def produce_to(settings: Settings, raw: RawArticle, *, partition: int) -> None:
    producer = make_producer(settings.kafka)
    try:
        producer.send(settings.kafka.topics.raw, key=raw.id.encode(), value=encode(raw), partition=partition)
        producer.flush()
    finally:
        producer.close()


def test_without_elasticsearch_the_step_raises_service_unavailable_and_decides_nothing(settings, eval_rows):
    elasticsearch = settings.elasticsearch.model_copy(update={"url": "http://127.0.0.1:9"})  # nothing listens there
    load_steps()
    chain = build_chain(DUPLICATES_ONLY, settings=settings.processor, kafka=settings.kafka, elasticsearch=elasticsearch)
    try:
        with pytest.raises(ServiceUnavailable, match="Elasticsearch is not reachable"):
            chain.enrich([article("x", eval_rows["tokayev-tehran-0"])], datetime.now(UTC))
        # Tried again at once (the processor isolates a failing batch article by article), it fails
        # fast rather than waiting for the cluster's timeouts once per article.
        started = time.monotonic()
        with pytest.raises(ServiceUnavailable, match="moments ago"):
            chain.enrich([article("x", eval_rows["tokayev-tehran-0"])], datetime.now(UTC))
        assert time.monotonic() - started < 0.5
    finally:
        chain.close()
    client = make_client(settings.elasticsearch)
    try:  # nothing was decided, so nothing was written where the state lives
        index = settings.elasticsearch.stories_state_index
        assert client.count(index=index)["count"] == 0
    finally:
        client.close()
