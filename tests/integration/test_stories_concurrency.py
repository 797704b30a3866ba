"""Two workers, the same copy at once (issue 18): on the real cluster, two deciders with clients of
their own place an article and its copy at the same moment, pair after pair. Each pair must come
out as one original and one duplicate of it (never two originals: the copy missed; never each a
copy of the other), both in the original's story, and the story must count both."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsflow.index.indices import make_client
from processors.clean import clean_text
from processors.stories.decider import StoryDecider
from processors.stories.es_store import ElasticsearchStore
from processors.stories.features import story_features
from processors.stories.neardup import fingerprint

DATA = Path(__file__).resolve().parent.parent / "data"
PAIRS = 12
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pairs() -> list[tuple[dict, dict]]:
    """(original, copy) rows of the labelled set: every copy with its original."""
    rows = {r["id"]: r for r in map(json.loads, (DATA / "stories-eval.jsonl").read_text(encoding="utf-8").splitlines())}
    found: dict[str, tuple[dict, dict]] = {}  # one pair per original: pairs are about different texts
    for row in rows.values():
        original = row["labels"]["duplicate_of"]
        if original and original not in found:
            found[original] = (rows[original], row)
    assert len(found) >= PAIRS, len(found)
    return list(found.values())[:PAIRS]


def place(decider: StoryDecider, article_id: str, row: dict, at: datetime):
    """What the two steps decide for one article (no spaCy: entities are left out)."""
    text = clean_text(row["text"])
    fp = fingerprint(article_id, text, at, title=row["title"], arrived=at)
    [duplicate] = decider.decide_duplicates([fp], save=False)
    features = story_features(article_id, at, title=row["title"], text=text, source=row["source"], language="en", arrived=at)
    [decision], _ = decider.decide_stories([(features, duplicate.duplicate_of)])
    return decision


def test_the_same_copy_on_two_workers_at_once_is_caught_every_time(settings, pairs):
    es = settings.elasticsearch
    clients = [make_client(es), make_client(es)]
    workers = [StoryDecider(ElasticsearchStore(c, es.stories_state_index), settings.processor) for c in clients]
    start = threading.Barrier(2, timeout=60)
    results: list[dict] = [{}, {}]
    errors: list[BaseException] = []

    def run(side: int) -> None:
        try:
            for n, (original, copy) in enumerate(pairs):
                row = original if side == 0 else copy
                at = T0 + timedelta(minutes=n)
                start.wait()  # both sides decide their half of pair n at the same moment
                results[side][n] = place(workers[side], f"{'a' if side == 0 else 'b'}{n}", row, at)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
            errors.append(exc)
            start.abort()

    threads = [threading.Thread(target=run, args=(side,)) for side in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    try:
        assert not errors, errors
        outcomes = []
        for n in range(len(pairs)):
            a, b = results[0][n], results[1][n]
            outcomes.append((a.duplicate_of, b.duplicate_of))
            assert {a.duplicate_of, b.duplicate_of} in ({None, f"a{n}"}, {None, f"b{n}"}), (n, a, b)
            assert a.story_id == b.story_id, (n, a, b)
        stories = ElasticsearchStore(clients[0], es.stories_state_index).stories({results[0][n].story_id for n in range(len(pairs))})
        assert sum(s.state["size"] for s in stories.values()) == 2 * len(pairs)
        print(f"pairs={len(pairs)} copy found every time; outcomes={outcomes}")
    finally:
        for client in clients:
            client.close()
