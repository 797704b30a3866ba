"""A first crawl's backlog through the real pipeline (issue 22): `newsflow process` (in a thread, the
default chain with the duplicates and stories steps and their state in Kafka), `newsflow sink`,
and the API, on the real Kafka and Elasticsearch.

The backlog is tests/data/stories-eval-realmix.jsonl: feeds fetched one after another, their items
published weeks and months before, undated items among them (`date_source` "fetched", the fetch
time as their date). Windows measured on publish dates evicted the whole backlog at the first
undated item: every article its own story, no duplicate, and the stories index holding a tenth of
the stories the articles named, so that `/stories/{id}` of an article's story answered 404.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsflow.app.wiring import run_process, run_sink
from newsflow.contract.schema import EnrichedArticle, RawArticle, decode_enriched, encode
from newsflow.read.api.app import create_app
from newsflow.runtime.kafka import make_producer
from newsflow.runtime.worker import StopFlag
from newsflow.settings import Settings
from tests.support import lag, read_topic, wait_for

DATA = Path(__file__).resolve().parent.parent / "data" / "stories-eval-realmix.jsonl"
ROWS = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


def raw(row: dict) -> RawArticle:
    return RawArticle(id=row["id"], version=1, url=f"https://{row['source'].replace(' ', '-').lower()}.example/{row['id']}",
                      feed_url=f"https://{row['source'].replace(' ', '-').lower()}.example/rss", source=row["source"],
                      title=row["title"], text=row["text"], published=datetime.fromisoformat(row["published"]),
                      fetched_at=datetime.fromisoformat(row["fetched_at"]), date_source=row["date_source"])


def in_arrival_order() -> list[RawArticle]:
    # As the crawl emitted them: feed after feed (fetch time), each feed's items oldest first.
    return sorted(map(raw, ROWS), key=lambda a: (a.fetched_at, a.published, a.id))


def produce_in_order(settings: Settings, articles: list[RawArticle]) -> None:
    """To one partition of news.raw, so that the processor sees them in arrival order."""
    producer = make_producer(settings.kafka)
    try:
        for article in articles:
            producer.send(settings.kafka.topics.raw, key=article.id.encode(), value=encode(article), partition=0)
        producer.flush()
    finally:
        producer.close()


class Running:
    """A `run_process`/`run_sink` in a thread, stopped at the end as SIGTERM stops it: it must exit 0."""

    def __init__(self) -> None:
        self._started: list[tuple[StopFlag, threading.Thread, dict]] = []

    def start(self, target, settings: Settings) -> None:
        stop, result = StopFlag(), {}
        thread = threading.Thread(target=lambda: result.setdefault("exit", target(settings, stop=stop)), daemon=True)
        thread.start()
        self._started.append((stop, thread, result))

    def stop_all(self) -> None:
        for stop, _, _ in self._started:
            stop.set()
        for _, thread, result in self._started:
            thread.join(timeout=60)
            assert not thread.is_alive(), "a worker did not stop within 60 s of the stop request"
            assert result.get("exit") == 0


@pytest.fixture
def running():
    workers = Running()
    yield workers
    workers.stop_all()


def enriched_all(settings: Settings) -> dict[str, EnrichedArticle]:
    records = read_topic(settings, settings.kafka.topics.enriched, expect=len(ROWS), timeout=240)
    return {r.key.decode(): decode_enriched(r.value) for r in records}


def groups(by_article: dict[str, str | None]) -> set[frozenset[str]]:
    members: dict[str | None, set[str]] = defaultdict(set)
    for article_id, label in by_article.items():
        members[label].add(article_id)
    return {frozenset(m) for m in members.values()}


def test_a_backlog_with_undated_items_makes_its_stories_and_duplicates_and_the_api_serves_each(settings, es, running):
    produce_in_order(settings, in_arrival_order())
    running.start(run_process, settings)
    found = enriched_all(settings)
    assert set(found) == {r["id"] for r in ROWS}

    # The duplicates and stories the labels name, no more, no fewer.
    assert {a: e.duplicate_of for a, e in found.items() if e.duplicate_of} == \
        {r["id"]: r["labels"]["duplicate_of"] for r in ROWS if r["labels"]["duplicate_of"]}
    assert groups({a: e.story_id for a, e in found.items()}) == groups({r["id"]: r["labels"]["story"] for r in ROWS})
    assert all(e.story_id for e in found.values())

    # Every story an article names is indexed, with its articles counted.
    running.start(run_sink, settings)
    group = settings.sink.group_id
    for what, topic in ((group, settings.kafka.topics.enriched), (f"{group}-stories", settings.kafka.topics.stories)):
        wait_for(lambda what=what, topic=topic: lag(settings, what, topic) == 0, timeout=120,
                 what=f"group {what} to index and commit every record of {topic}")
    stories_index = settings.elasticsearch.stories_index
    es.indices.refresh(index=[stories_index, settings.elasticsearch.alias])
    story_ids = {e.story_id for e in found.values()}
    indexed = es.search(index=stories_index, size=100, query={"match_all": {}})["hits"]["hits"]
    assert {h["_id"] for h in indexed} == story_ids
    sizes = {h["_id"]: h["_source"]["size"] for h in indexed}
    assert sorted(sizes.values()) == sorted(len(g) for g in groups({a: e.story_id for a, e in found.items()}))

    with TestClient(create_app(settings)) as api:
        # One outlet's five reports of one speech, one of them undated: dated by the others.
        speech = found["rg-speech-full"].story_id
        body = api.get(f"/stories/{speech}").json()
        assert (body["size"], body["sources"], body["articles_total"], body["indexed"]) == (5, 1, 5, True)
        assert body["first_seen"].startswith("2026-08-13T23:05") and body["last_updated"].startswith("2026-08-14T10:00")

        # A story of one article, as served for the article.
        alone = found["wn-chess"].story_id
        response = api.get(f"/stories/{alone}")
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["size"], body["article_ids"], [a["id"] for a in body["articles"]]) == (1, ["wn-chess"], ["wn-chess"])

        # Its document gone (the story sink behind the article sink): still served, from its article.
        es.delete(index=stories_index, id=alone, refresh=True)
        response = api.get(f"/stories/{alone}")
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["indexed"], body["size"], body["title"], body["articles_total"]) == \
            (False, 1, found["wn-chess"].title, 1)
        assert body["first_seen"].startswith("2026-11-02T18:00")
        assert api.get("/stories/story-no-article-has-it").status_code == 404
