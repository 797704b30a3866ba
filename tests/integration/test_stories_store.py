"""The Elasticsearch stories store against the real cluster: it decides exactly as the in-memory
store does on the labelled set (the candidates it finds are the same), a batch retried after its
stories were written counts no article twice, it refuses a story written at a stale version, it
reads a candidate again only once another worker changed it (and never what it wrote itself), and it
deletes what left the window."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsflow.errors import ServiceUnavailable
from newsflow.index.indices import make_client
from processors.clean import clean_text
from processors.stories.decider import StoryDecider
from processors.stories.es_store import ElasticsearchStore
from processors.stories.es_store import candidate_reads as es_candidate_reads
from processors.stories.features import story_features
from processors.stories.neardup import fingerprint
from processors.stories.store import MemoryStore, StateRecord, StoredStory

DATA = Path(__file__).resolve().parent.parent / "data"
BATCH = 16


@pytest.fixture
def store(settings):
    client = make_client(settings.elasticsearch)
    # With the caches of a worker's defaults: deciding with them must not change a decision.
    p = settings.processor
    yield ElasticsearchStore(client, settings.elasticsearch.stories_state_index, cached_articles=p.duplicates.cached_articles,
                             cached_stories=p.stories.cached_stories)
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


@pytest.fixture
def two_workers(settings):
    """Two stores on one index, each with its own client (two workers), and the ids each one's
    client read with mget (a wrapper around the real client's method)."""
    es = settings.elasticsearch
    clients = [make_client(es), make_client(es)]
    reads: list[list[str]] = [[], []]
    for client, read in zip(clients, reads, strict=True):
        real = client.mget

        def mget(*args, _real=real, _read=read, **kwargs):
            _read.extend(kwargs["ids"])
            return _real(*args, **kwargs)

        client.mget = mget
    stores = [ElasticsearchStore(c, es.stories_state_index, cached_articles=100, cached_stories=100) for c in clients]
    yield stores, reads
    for client in clients:
        client.close()


def candidate_reads(kind: str = "article") -> Counter:
    """newsflow_stories_state_reads of `kind` by source, as this process counted them so far."""
    return Counter(es_candidate_reads()[kind])


def _refresh(store: ElasticsearchStore) -> None:
    store._client.indices.refresh(index=store.index)  # noqa: SLF001 - the searches see what was written


def test_a_candidate_story_is_read_again_only_once_another_worker_changed_it(two_workers):
    (mine, theirs), (my_reads, _) = two_workers
    since = datetime(2026, 3, 1, tzinfo=UTC)
    state = {"id": "story-riga", "last_arrival": "2026-03-02T08:00:00+00:00", "size": 1,
             "centroid": {"entities": [["riga", 1.0]]}, "members": [{"written": "only"}]}
    assert mine.save_stories([StoredStory(state)]) == set()
    _refresh(mine)
    counted = candidate_reads("story")
    [[found]] = mine.story_candidates([["entities:riga"]], since, 5)
    assert found.state["size"] == 1 and "members" not in found.state  # as a candidate: partial
    assert my_reads == []  # written by this worker: known at the version it wrote
    assert candidate_reads("story") - counted == Counter(cache=1)
    whole = mine.stories(["story-riga"], versions={"story-riga": found.version})["story-riga"]
    assert (whole.state["members"], my_reads) == ([{"written": "only"}], [])  # whole too, to write it again

    [read] = theirs.stories(["story-riga"]).values()
    assert theirs.save_stories([StoredStory({**state, "size": 2}, read.version)]) == set()
    _refresh(theirs)
    [[found]] = mine.story_candidates([["entities:riga"]], since, 5)
    assert found.state["size"] == 2  # changed by the other worker: read again
    assert my_reads == ["story-riga"]
    mine.stories(["story-riga"], versions={"story-riga": found.version})
    assert my_reads == ["story-riga", "story-riga"]  # known as a candidate only: read whole to write it
    [[found]] = mine.story_candidates([["entities:riga"]], since, 5)
    assert (found.state["size"], len(my_reads)) == (2, 2)  # unchanged since: not read again
    found.state["centroid"]["entities"][0][1] = 99.0  # a reader's state is its own, to its depths:
    [[found]] = mine.story_candidates([["entities:riga"]], since, 5)  # the next reader gets it as stored
    assert (found.state["centroid"]["entities"], len(my_reads)) == ([["riga", 1.0]], 2)


def test_a_candidate_article_is_read_again_only_once_its_decision_changed(two_workers):
    (mine, theirs), (my_reads, _) = two_workers
    [(fp, features)] = labelled_batches()[0][:1]
    theirs.claim([StateRecord(fp.article_id, fp.published, fp.arrived, fingerprint=fp)])
    copy = replace(fp, article_id="the-copy")
    since = fp.arrival - timedelta(days=1)

    [first] = mine.duplicate_candidates([copy], since, 5)["the-copy"]
    assert (first.record.article_id, first.record.story_id) == (fp.article_id, None)
    mine.duplicate_candidates([copy], since, 5)
    assert my_reads == [fp.article_id]  # unchanged: read once

    theirs.save_records([StateRecord(fp.article_id, fp.published, fp.arrived, fingerprint=fp, features=features, checked=True,
                                     story_id="story-1", claimed=first.seq)])
    _refresh(theirs)
    [again] = mine.duplicate_candidates([copy], since, 5)["the-copy"]
    assert again.record.story_id == "story-1"  # decided by the other worker meanwhile: read again
    assert (again.seq, my_reads) == (first.seq, [fp.article_id, fp.article_id])


def test_when_more_stories_match_than_may_be_read_those_sharing_most_keys_are_read(store):
    """Three stories share keys with the article and one may be read (`limit` 1): the filter that
    finds them all finds too many, and the search ranked by keys shared picks the closest, though
    it was written last."""
    def story(story_id: str, keys: list[str]) -> StoredStory:
        return StoredStory({"id": story_id, "last_arrival": "2026-03-02T08:00:00+00:00",
                            "centroid": {"entities": [[k, 1.0] for k in keys]}})

    assert store.save_stories([story("story-a", ["riga"]), story("story-b", ["riga"]),
                               story("story-c", ["riga", "tallinn", "vilnius"])]) == set()
    _refresh(store)
    since = datetime(2026, 3, 1, tzinfo=UTC)
    wanted = ["entities:riga", "entities:tallinn", "entities:vilnius"]
    [[best]] = store.story_candidates([wanted], since, 1)
    assert best.state["id"] == "story-c"
    found = store.story_candidates([wanted], since, 5)[0]  # all of them fit: found by the filter, ranked the same
    assert [s.state["id"] for s in found] == ["story-c", "story-a", "story-b"]


def test_an_article_this_worker_wrote_is_a_candidate_it_does_not_read_again(two_workers):
    """Its claim and its decision are kept at the versions written, as a read would parse them:
    the other worker, which reads them, finds the same candidates."""
    (mine, theirs), (my_reads, their_reads) = two_workers
    [(fp, features)] = labelled_batches()[0][:1]
    [claim] = mine.claim([StateRecord(fp.article_id, fp.published, fp.arrived, fingerprint=fp, features=features)]).values()
    copy = replace(fp, article_id="the-copy", digest="another-text")  # found by its LSH bands alone
    since = fp.arrival - timedelta(days=1)

    def as_found(store: ElasticsearchStore) -> list[tuple]:
        return [(c.seq, c.record.claimed, c.record.to_json()) for c in store.duplicate_candidates([copy], since, 5)["the-copy"]]

    counted = candidate_reads()
    assert as_found(mine) == as_found(theirs)
    assert (my_reads, their_reads) == ([], [fp.article_id])  # claimed by this worker: known at the version it wrote
    assert candidate_reads() - counted == Counter(cache=1, elasticsearch=1)  # as newsflow_stories_state_reads counts them
    assert as_found(mine)[0][2]["story"] is None  # as a read for candidates has it: without its story features

    mine.save_records([replace(claim.record, checked=True, story_id="story-1")])
    _refresh(mine)
    decided = as_found(mine)
    assert decided == as_found(theirs)
    assert (decided[0][0], decided[0][2]["story_id"]) == (claim.seq, "story-1")
    assert (my_reads, their_reads) == ([], [fp.article_id, fp.article_id])  # decided by this worker: not read either
