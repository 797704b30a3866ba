"""The Elasticsearch stories store against the real cluster: it decides exactly as the in-memory
store does on the labelled set (the candidates it finds are the same), a batch retried after its
stories were written counts no article twice, it refuses a story written at a stale version, and
it deletes what left the window."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsflow.errors import ServiceUnavailable
from newsflow.index.indices import make_client
from processors.clean import clean_text
from processors.stories.decider import StoryDecider
from processors.stories.es_store import ElasticsearchStore
from processors.stories.features import story_features
from processors.stories.neardup import fingerprint
from processors.stories.store import MemoryStore, StateRecord, StoredStory

DATA = Path(__file__).resolve().parent.parent / "data"
BATCH = 16


@pytest.fixture
def store(settings):
    client = make_client(settings.elasticsearch)
    yield ElasticsearchStore(client, settings.elasticsearch.stories_state_index)
    client.close()


def labelled_batches() -> list[list[tuple]]:
    rows = [json.loads(line) for line in (DATA / "stories-eval.jsonl").read_text(encoding="utf-8").splitlines()]
    rows.sort(key=lambda r: r["published"])
    items = []
    for row in rows:
        at = datetime.fromisoformat(row["published"])
        text = clean_text(row["text"])
        items.append((fingerprint(row["id"], text, at, title=row["title"], arrived=at),
                      story_features(row["id"], at, title=row["title"], text=text, source=row["source"], language="en",
                                     arrived=at)))
    return [items[n:n + BATCH] for n in range(0, len(items), BATCH)]


def decide_all(decider: StoryDecider, batches: list[list[tuple]]) -> dict[str, tuple]:
    decided = {}
    for batch in batches:
        duplicates = decider.decide_duplicates([fp for fp, _ in batch], save=False)
        stories, _ = decider.decide_stories([(f, d.duplicate_of) for (_, f), d in zip(batch, duplicates, strict=True)])
        decided |= {fp.article_id: (d.duplicate_of, s.story_id) for (fp, _), d, s in zip(batch, duplicates, stories, strict=True)}
    return decided


def test_elasticsearch_decides_as_the_memory_store_does_on_the_labelled_set(settings, store):
    batches = labelled_batches()
    in_memory = decide_all(StoryDecider(MemoryStore(), settings.processor), batches)
    on_cluster = decide_all(StoryDecider(store, settings.processor), batches)
    assert sum(1 for d, _ in in_memory.values() if d) >= 20  # the set has copies to find
    differ = {a: (in_memory[a], on_cluster[a]) for a in in_memory if in_memory[a] != on_cluster[a]}
    assert not differ, differ


def test_a_batch_retried_after_its_stories_were_written_counts_each_article_once(settings, store):
    batches = labelled_batches()
    decider = StoryDecider(store, settings.processor)
    decide_all(decider, batches[:1])
    # The second batch's stories are written, then the worker dies before its articles' records.
    write_records, store.save_records = store.save_records, _died
    with pytest.raises(ServiceUnavailable):
        decide_all(decider, batches[1:2])
    store.save_records = write_records
    decider.forget_batch()
    decided = decide_all(StoryDecider(store, settings.processor), batches[1:])  # redelivered to another worker
    members: dict[str, int] = {}
    for _, story_id in (decide_all(decider, batches[:1]) | decided).values():
        members[story_id] = members.get(story_id, 0) + 1
    sizes = {s: stored.state["size"] for s, stored in store.stories(members).items()}
    assert sum(members.values()) == sum(len(b) for b in batches)
    assert sizes == members


def _died(records):
    raise ServiceUnavailable("the worker died before writing its records", service="elasticsearch")


def test_a_story_written_at_a_stale_version_is_refused(store):
    state = {"id": "story-x", "last_arrival": "2026-03-02T08:00:00+00:00", "centroid": {"entities": [["riga", 1.0]]}}
    assert store.save_stories([StoredStory(state)]) == set()
    [read] = store.stories(["story-x"]).values()
    assert store.save_stories([StoredStory({**state, "size": 2}, read.version)]) == set()
    assert store.save_stories([StoredStory({**state, "size": 3}, read.version)]) == {"story-x"}  # the version moved on
    assert store.save_stories([StoredStory(state)]) == {"story-x"}  # a story founded twice: the second is refused
    assert store.stories(["story-x"])["story-x"].state["size"] == 2


def test_what_left_the_window_is_deleted(store, settings):
    now = datetime(2026, 3, 9, tzinfo=UTC)
    old = [StateRecord(f"old-{n}", now - timedelta(days=9), now - timedelta(days=9)) for n in range(7)]
    recent = [StateRecord(f"new-{n}", now, now) for n in range(3)]
    store.claim(old + recent)
    assert store.expire(now - timedelta(days=7), pages=1) == 7
    client = make_client(settings.elasticsearch)
    try:
        client.indices.refresh(index=store.index)
        left = {h["_id"] for h in client.search(index=store.index, size=20)["hits"]["hits"]}
    finally:
        client.close()
    assert left == {"new-0", "new-1", "new-2"}
