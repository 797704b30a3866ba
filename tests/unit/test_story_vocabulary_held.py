"""A batch of stories is weighed on one set of IDF weights (`Vocabulary.held`), and a story's
norms are worked out once per set of weights (`Story.norms`): the same similarities as working
everything out per pair, and the counts after the batch as if nothing had been held.
Pure: no Elasticsearch, no spaCy."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from processors.stories.clustering import Story
from processors.stories.features import (
    HELD_FROM,
    VECTOR_KINDS,
    Vocabulary,
    feature_vectors,
    story_features,
    vector_norms,
    weighted_similarity,
)

START = datetime(2026, 12, 1, tzinfo=UTC)


def vectors(rng: random.Random) -> dict:
    return {
        "entities": {f"e{rng.randrange(40)}": rng.uniform(0.05, 1) for _ in range(rng.randrange(0, 6))},
        "keyphrases": {f"w{rng.randrange(60)}": 1.0 for _ in range(rng.randrange(1, 8))},
        "terms": {rng.randrange(300): 1 + rng.random() for _ in range(rng.randrange(5, 32))},
    }


def filled(count: int, rng: random.Random) -> Vocabulary:
    vocabulary = Vocabulary()
    for n in range(count):
        vocabulary.add(vectors(rng), START + timedelta(seconds=n))
    return vocabulary


def counts(vocabulary: Vocabulary) -> tuple[int, dict]:
    return vocabulary.documents, {kind: dict(vocabulary.frequency[kind]) for kind in VECTOR_KINDS}


def test_a_held_batch_is_weighed_as_it_began_and_counted_when_it_ends():
    rng = random.Random(3)
    held, free = filled(HELD_FROM, random.Random(3)), filled(HELD_FROM, rng)
    batch = [vectors(rng) for _ in range(32)]
    late = START + timedelta(days=1)
    with held.held():
        idf2 = held.squared_idf()
        before = counts(held)
        for n, v in enumerate(batch):
            held.add(v, late + timedelta(seconds=n))
            assert held.squared_idf() is idf2  # one set of weights for the batch
        held.evict_before(START + timedelta(seconds=10))
        assert counts(held) == before
    for n, v in enumerate(batch):
        free.add(v, late + timedelta(seconds=n))
    free.evict_before(START + timedelta(seconds=10))
    assert counts(held) == counts(free)
    assert held.squared_idf() is not held.squared_idf()  # released: per decision again


def test_a_cold_vocabulary_is_not_held():
    vocabulary = filled(HELD_FROM - 1, random.Random(5))
    with vocabulary.held():
        vocabulary.add(vectors(random.Random(6)), START)
        assert vocabulary.documents == HELD_FROM  # counted at once: a batch from cold weighs its own words


def test_a_held_batch_that_fails_still_counts_what_it_added():
    vocabulary = filled(HELD_FROM, random.Random(8))
    with pytest.raises(RuntimeError), vocabulary.held():
        vocabulary.add(vectors(random.Random(9)), START)
        raise RuntimeError("Elasticsearch went away")
    assert vocabulary.documents == HELD_FROM + 1


def test_similarities_with_norms_given_are_those_worked_out_per_pair():
    rng = random.Random(11)
    idf2 = filled(200, rng).squared_idf()
    for _ in range(200):
        a, b = vectors(rng), vectors(rng)
        given = weighted_similarity(a, b, idf2, vector_norms(a, idf2), vector_norms(b, idf2))
        assert given == pytest.approx(weighted_similarity(a, b, idf2), abs=1e-12)
        assert given == pytest.approx(weighted_similarity(b, a, idf2), abs=1e-12)


def test_a_story_works_its_norms_out_again_when_it_or_the_weights_change():
    rng = random.Random(13)
    vocabulary = filled(50, rng)
    story = Story("s", START, START, vocabulary)
    idf2 = vocabulary.squared_idf()
    assert story.norms(idf2) == vector_norms(story.centroid, idf2)
    member = story_features("m1", START, text="Rescue teams pulled two people from a collapsed warehouse in Izmir.")
    story.add(member, feature_vectors(member))
    assert story.norms(idf2) == vector_norms(story.centroid, idf2) != vector_norms({k: {} for k in VECTOR_KINDS}, idf2)
    other = vocabulary.squared_idf()
    vocabulary.add(feature_vectors(member), START)
    assert story.norms(vocabulary.squared_idf()) == vector_norms(story.centroid, vocabulary.squared_idf())
    assert story.norms(other) == vector_norms(story.centroid, other)


def labelled_features() -> list:
    import json
    from pathlib import Path

    from processors.clean import clean_text

    data = Path(__file__).resolve().parent.parent / "data" / "stories-eval.jsonl"
    rows = sorted((json.loads(line) for line in data.read_text(encoding="utf-8").splitlines()), key=lambda r: r["published"])
    return [story_features(r["id"], datetime.fromisoformat(r["published"]), title=r["title"], text=clean_text(r["text"]),
                           source=r["source"], language="en", arrived=datetime.fromisoformat(r["published"]))
            for r in rows]


def test_a_held_batch_posts_only_the_keys_it_selects_stories_by_and_decides_the_same():
    """Held, a batch indexes the stories it reads under its articles' candidate keys only (a few
    dozen each, not their hundreds of words): the stories each article finds are the same."""
    from newsflow.settings import ProcessorSettings
    from processors.stories.decider import StoryDecider
    from processors.stories.store import MemoryStore

    features = labelled_features()

    def decide(every_key: bool) -> list:
        decider = StoryDecider(MemoryStore(), ProcessorSettings())
        for n in range(HELD_FROM):  # a warm worker: the labelled set's words, counted over and over
            decider.vocabulary.add(feature_vectors(features[n % len(features)]), START)
        if every_key:
            decider.vocabulary.__class__ = _NeverHeld
        story_ids = []
        for start in range(0, len(features), 16):
            decisions, _ = decider.decide_stories([(f, None) for f in features[start:start + 16]])
            story_ids += [d.story_id for d in decisions]
        return story_ids

    held, every_key = decide(False), decide(True)
    assert len(set(held)) < 0.6 * len(held)  # the set's events are told by several outlets: stories are joined
    assert held == every_key


class _NeverHeld(Vocabulary):
    """Held as a vocabulary is, but telling the decider it is not: every key is posted."""

    @property
    def is_held(self) -> bool:
        return False
