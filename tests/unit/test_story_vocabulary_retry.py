"""A batch whose stories decision fails midway (Elasticsearch went down as its records were
written) is decided again when the worker retries it: its articles' words are counted in the
worker's vocabulary once, not once per attempt, so the IDF weights stay those of the window.
Pure: the store is the in-memory one, failing once."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from newsflow.errors import ServiceUnavailable
from newsflow.settings import ProcessorSettings
from processors.clean import clean_text
from processors.stories.decider import StoryDecider
from processors.stories.features import HELD_FROM, StoryFeatures, story_features
from processors.stories.store import MemoryStore

DATA = Path(__file__).resolve().parent.parent / "data" / "stories-eval.jsonl"


class FailingOnce(MemoryStore):
    """Refuses the first write of decisions, as a cluster going down at that moment would."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = 1

    def save_records(self, records):
        if self.failures:
            self.failures -= 1
            raise ServiceUnavailable("Elasticsearch did not answer the stories state", service="elasticsearch")
        return super().save_records(records)


def labelled(count: int) -> list[StoryFeatures]:
    rows = sorted((json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()), key=lambda r: r["published"])
    return [story_features(r["id"], datetime.fromisoformat(r["published"]), title=r["title"], text=clean_text(r["text"]),
                           source=r["source"], language="en", arrived=datetime.fromisoformat(r["published"]))
            for r in rows[:count]]


def decider_on(store: MemoryStore, warm: bool) -> StoryDecider:
    decider = StoryDecider(store, ProcessorSettings())
    if warm:  # a worker past its start: the batch is weighed on the counts as it began (Vocabulary.held)
        earlier = labelled(HELD_FROM)
        for n in range(HELD_FROM):
            features = earlier[n % len(earlier)]
            decider.vocabulary.add({"entities": {}, "keyphrases": {}, "terms": dict(features.terms)}, features.arrival,
                                   f"earlier-{n}")
    return decider


@pytest.mark.parametrize("warm", [False, True], ids=["cold vocabulary", "held vocabulary"])
def test_a_retried_batch_counts_its_articles_once(warm):
    batch = [(f, None) for f in labelled(24)]
    retried, undisturbed = decider_on(FailingOnce(), warm), decider_on(MemoryStore(), warm)

    with pytest.raises(ServiceUnavailable):
        retried.decide_stories(batch)
    retried.forget_batch()
    decisions, _ = retried.decide_stories(batch)  # the worker's retry
    expected, _ = undisturbed.decide_stories(batch)

    assert [d.story_id for d in decisions] == [d.story_id for d in expected]
    assert retried.vocabulary.documents == undisturbed.vocabulary.documents == (HELD_FROM if warm else 0) + len(batch)
    assert retried.vocabulary.frequency == undisturbed.vocabulary.frequency
