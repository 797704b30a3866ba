"""The stories state (processors/stories/state.py) without Kafka: a state record survives its bytes;
a redelivered or reprocessed article gets its recorded decision, never a match on itself, here and
in a worker that replayed the records; the first record of an article wins; the windows evict.
And the steps need the Kafka settings to be built (processors/base.build_chain)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from newsflow.errors import ConfigError
from newsflow.settings import KafkaSettings, ProcessorSettings
from processors.base import build_chain
from processors.catalog import load_steps
from processors.clean import clean_text
from processors.stories.clustering import story_id_for
from processors.stories.features import story_features
from processors.stories.neardup import fingerprint
from processors.stories.state import StateRecord, StoryState

DATA = Path(__file__).resolve().parent.parent / "data"
T0 = datetime(2022, 6, 19, 9, 30, tzinfo=UTC)
ENTITIES = (("Kassym-Jomart Tokayev", "PERSON", 0.9), ("Ali Khamenei", "PERSON", 0.8), ("Iran", "GPE", 0.6),
            ("Kazakhstan", "GPE", 0.6))


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    rows = (json.loads(line) for line in (DATA / "stories-eval.jsonl").read_text(encoding="utf-8").splitlines())
    return {r["id"]: clean_text(r["text"]) for r in rows if r["labels"]["story"] == "tokayev-tehran"}


def decide(state: StoryState, article_id: str, text: str, hours: float = 0.0):
    """Both decisions for an article, as the two steps take them."""
    published = T0 + timedelta(hours=hours)
    duplicate = state.decide_duplicate(fingerprint(article_id, text, published))
    features = story_features(article_id, published, title=text[:60], text=text, source="test", entities=ENTITIES,
                              keyphrases=("joint commission",), topics=("politics",), language="en")
    return state.decide_story(features, duplicate_of=duplicate.duplicate_of)


def published_records(state: StoryState, article_ids: list[str]) -> list[StateRecord]:
    """What the service would send to Kafka for a batch, once acknowledged: the records as read back."""
    records = state.pending(article_ids)
    state.acknowledge(article_ids)
    return [StateRecord.from_bytes(r.to_bytes()) for r in records]


def test_a_state_record_survives_its_bytes(texts):
    state = StoryState(ProcessorSettings())
    decide(state, "x", texts["tokayev-tehran-0"])
    decide(state, "x-copy", texts["tokayev-tehran-0~edited"], hours=1)
    [original, copy] = state.pending(["x", "x-copy"])
    payload = copy.to_bytes()
    back = StateRecord.from_bytes(payload)

    assert len(payload) < 1500, len(payload)  # compact: the topic holds one per article of the window
    assert (back.article_id, back.published, back.duplicate_of, back.story_id) == ("x-copy", T0 + timedelta(hours=1), "x", original.story_id)
    assert back.similarity == copy.similarity and 0.7 <= back.similarity <= 1.0
    assert back.features == copy.features
    assert np.array_equal(back.fingerprint.hashvalues, copy.fingerprint.hashvalues)
    assert (back.fingerprint.size, back.fingerprint.digest) == (copy.fingerprint.size, copy.fingerprint.digest)
    # A record of a chain without the stories step carries no features and no story.
    bare = StateRecord.from_bytes(StateRecord("y", T0, fingerprint=copy.fingerprint).to_bytes())
    assert (bare.article_id, bare.features, bare.duplicate_of, bare.similarity, bare.story_id) == ("y", None, None, None, None)
    assert np.array_equal(bare.fingerprint.hashvalues, copy.fingerprint.hashvalues)
    for bad in (b"{not json", b'{"v": 99, "id": "z"}', b'{"v": 1}', b"[]"):
        with pytest.raises(ValueError, match="not a stories state record"):
            StateRecord.from_bytes(bad)


def test_a_redelivered_article_gets_its_recorded_decision_here_and_after_a_replay(texts):
    first = StoryState(ProcessorSettings())
    original = decide(first, "x", texts["tokayev-tehran-0"])
    copy = decide(first, "x-copy", texts["tokayev-tehran-0~edited"], hours=1)
    assert original.duplicate_of is None and copy.duplicate_of == "x"
    assert original.story_id == copy.story_id == story_id_for("x")
    records = published_records(first, ["x", "x-copy"])

    # Redelivered to the same worker (a crash before the commit), the original with an edited text
    # (a new version): it is still the original, not a copy of its own copy.
    assert decide(first, "x", texts["tokayev-tehran-0~edited"]) == original
    assert decide(first, "x-copy", texts["tokayev-tehran-0~edited"], hours=1) == copy
    # The decision is the recorded one, whatever the new version says: it is not taken again.
    assert decide(first, "x-copy", texts["tokayev-tehran-2"], hours=1) == copy
    assert first.pending(["x", "x-copy"]) == []  # nothing new to record

    # A restarted worker replays the records: the same decisions, and nothing new to record.
    second = StoryState(ProcessorSettings())
    second.replay(records)
    assert decide(second, "x", texts["tokayev-tehran-0"]) == original
    assert decide(second, "x-copy", texts["tokayev-tehran-0~edited"], hours=1) == copy
    assert second.pending(["x", "x-copy"]) == []
    # ...while a new copy is found, and points at the original, not at the copy.
    again = decide(second, "x-again", texts["tokayev-tehran-0~boilerplate"], hours=2)
    assert (again.duplicate_of, again.story_id) == ("x", original.story_id)
    assert [r.article_id for r in second.pending(["x-again"])] == ["x-again"]


def test_the_first_record_of_an_article_wins(texts):
    state = StoryState(ProcessorSettings())
    decide(state, "x", texts["tokayev-tehran-0"])
    [mine] = published_records(state, ["x"])
    late = StateRecord("x", mine.published, fingerprint=mine.fingerprint, features=mine.features, duplicate_of="other",
                       similarity=0.9, story_id="story-other")
    assert state.apply(mine) is False  # this worker's own record, read back from the topic
    assert state.apply(late) is False  # another worker's concurrent decision for the same article
    assert state.known("x").duplicate_of is None and state.clusterer.story_of("x") == story_id_for("x")
    assert state.apply(StateRecord("y", mine.published, duplicate_of="x", similarity=1.0, story_id=story_id_for("x"))) is True
    assert state.known("y").duplicate_of == "x"


def test_articles_leave_the_state_with_the_windows(texts):
    settings = ProcessorSettings().model_copy(update={
        "duplicates": ProcessorSettings().duplicates.model_copy(update={"window_days": 1.0}),
        "stories": ProcessorSettings().stories.model_copy(update={"window_hours": 12.0}),
    })
    state = StoryState(settings)
    decide(state, "x", texts["tokayev-tehran-0"])
    decide(state, "later", texts["tokayev-tehran-1"], hours=30)
    assert state.known("x") is None and state.index.fingerprint_of("x") is None and state.clusterer.story(story_id_for("x")) is None
    # Outside the window a copy is no longer a duplicate of the evicted original, nor in its story.
    late_copy = decide(state, "x-copy", texts["tokayev-tehran-0~edited"], hours=31)
    assert late_copy.duplicate_of is None and late_copy.story_id != story_id_for("x")


def test_the_steps_need_the_kafka_settings_and_run_after_what_they_read():
    load_steps()
    with pytest.raises(ConfigError, match="keeps its state in Kafka"):
        build_chain(["news.clean.v1", "news.duplicates.v1"], settings=ProcessorSettings())
    with pytest.raises(ConfigError, match="reads"):
        build_chain(["news.clean.v1", "news.stories.v1"], settings=ProcessorSettings(), kafka=KafkaSettings())
    # Built without touching Kafka (the state is read at the first batch): nothing listens on port 9.
    chain = build_chain(ProcessorSettings().steps, settings=ProcessorSettings(), kafka=KafkaSettings(bootstrap_servers="127.0.0.1:9"))
    try:
        assert [s.name for s in chain.steps][-2:] == ["news.duplicates.v1", "news.stories.v1"]
        assert chain.enrich([], T0) == []
    finally:
        chain.close()

