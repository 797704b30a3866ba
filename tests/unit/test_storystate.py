"""The stories state without a cluster (processors/stories/decider.py over a `MemoryStore`): a state
record survives its bytes; a redelivered or reprocessed article gets its recorded decision, never a
match on itself, in the same worker and in a restarted one; two workers claiming at once agree on
which copy is the original; a story two workers join at once counts both; the windows hold; and
the steps need the Kafka and Elasticsearch settings to be built (processors/base.build_chain)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from newsflow.errors import ConfigError, ServiceUnavailable
from newsflow.settings import ElasticsearchSettings, KafkaSettings, ProcessorSettings
from processors.base import build_chain
from processors.catalog import load_steps
from processors.clean import clean_text
from processors.stories.clustering import Story, story_id_for
from processors.stories.decider import StoryDecider
from processors.stories.features import Vocabulary, feature_vectors, story_features
from processors.stories.neardup import fingerprint
from processors.stories.store import MemoryStore, StateRecord, StoredStory

DATA = Path(__file__).resolve().parent.parent / "data"
T0 = datetime(2022, 6, 19, 9, 30, tzinfo=UTC)
ENTITIES = (("Kassym-Jomart Tokayev", "PERSON", 0.9), ("Ali Khamenei", "PERSON", 0.8), ("Iran", "GPE", 0.6),
            ("Kazakhstan", "GPE", 0.6))


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    rows = (json.loads(line) for line in (DATA / "stories-eval.jsonl").read_text(encoding="utf-8").splitlines())
    return {r["id"]: clean_text(r["text"]) for r in rows if r["labels"]["story"] == "tokayev-tehran"}


def item(article_id: str, text: str, hours: float = 0.0):
    published = T0 + timedelta(hours=hours)
    features = story_features(article_id, published, title=text[:60], text=text, source="test", entities=ENTITIES,
                              keyphrases=("joint commission",), topics=("politics",), language="en")
    return fingerprint(article_id, text, published), features


def decide(decider: StoryDecider, article_id: str, text: str, hours: float = 0.0):
    """Both decisions for an article, as the two steps take them."""
    fp, features = item(article_id, text, hours)
    [duplicate] = decider.decide_duplicates([fp], save=False)
    [decision], _ = decider.decide_stories([(features, duplicate.duplicate_of)])
    return decision


def test_a_state_record_survives_its_bytes(texts):
    store = MemoryStore()
    decider = StoryDecider(store, ProcessorSettings())
    decide(decider, "x", texts["tokayev-tehran-0"])
    decide(decider, "x-copy", texts["tokayev-tehran-0~edited"], hours=1)
    copy = store.records(["x-copy"])["x-copy"]
    payload = copy.to_bytes()
    back = StateRecord.from_bytes(payload)

    assert len(payload) < 1500, len(payload)  # compact: the store holds one per article of the window
    assert (back.article_id, back.published, back.duplicate_of, back.story_id, back.checked) == (
        "x-copy", T0 + timedelta(hours=1), "x", story_id_for("x"), True)
    assert back.similarity == copy.similarity and 0.7 <= back.similarity <= 1.0
    assert back.features == copy.features
    assert np.array_equal(back.fingerprint.hashvalues, copy.fingerprint.hashvalues)
    assert (back.fingerprint.size, back.fingerprint.digest) == (copy.fingerprint.size, copy.fingerprint.digest)
    bare = StateRecord.from_bytes(StateRecord("y", T0, T0, fingerprint=copy.fingerprint).to_bytes())
    assert (bare.article_id, bare.features, bare.duplicate_of, bare.story_id, bare.checked) == ("y", None, None, None, False)
    for bad in (b"{not json", b'{"v": 99, "id": "z"}', b'{"v": 2}', b"[]"):
        with pytest.raises(ValueError, match="not a stories state record"):
            StateRecord.from_bytes(bad)


def test_a_redelivered_article_gets_its_recorded_decision_here_and_in_a_restarted_worker(texts):
    store = MemoryStore()
    first = StoryDecider(store, ProcessorSettings())
    original = decide(first, "x", texts["tokayev-tehran-0"])
    copy = decide(first, "x-copy", texts["tokayev-tehran-0~edited"], hours=1)
    assert original.duplicate_of is None and copy.duplicate_of == "x"
    assert original.story_id == copy.story_id == story_id_for("x")

    # Redelivered (a crash before the commit), the original with an edited text (a new version):
    # still the original, not a copy of its own copy; the decision is the recorded one.
    assert decide(first, "x", texts["tokayev-tehran-0~edited"]) == original
    assert decide(first, "x-copy", texts["tokayev-tehran-2"], hours=1) == copy

    # A restarted worker replays nothing: it asks the store, and gets the same answers.
    second = StoryDecider(store, ProcessorSettings())
    assert second.warm_up() == 2  # its vocabulary: the articles stored
    assert decide(second, "x", texts["tokayev-tehran-0"]) == original
    assert decide(second, "x-copy", texts["tokayev-tehran-0~edited"], hours=1) == copy
    # ...while a new copy is found, and points at the original, not at the copy.
    again = decide(second, "x-again", texts["tokayev-tehran-0~boilerplate"], hours=2)
    assert (again.duplicate_of, again.story_id) == ("x", original.story_id)
    assert store.stories([original.story_id])[original.story_id].state["size"] == 3


def test_two_workers_claiming_a_copy_at_once_agree_which_is_the_original(texts):
    store = MemoryStore()
    a, b = StoryDecider(store, ProcessorSettings()), StoryDecider(store, ProcessorSettings())
    fp_a, _ = item("on-a", texts["tokayev-tehran-0"])
    fp_b, _ = item("on-b", texts["tokayev-tehran-0~edited"])
    # Worker B has claimed its copy but not decided yet when worker A decides on its own.
    store.claim([StateRecord("on-b", fp_b.published, fp_b.arrival, fingerprint=fp_b)])
    [on_a] = a.decide_duplicates([fp_a])
    [on_b] = b.decide_duplicates([fp_b])
    # The later claim is the copy, whoever decides first; the earlier never points at the later.
    assert (on_a.duplicate_of, on_b.duplicate_of) == ("on-b", None)


def test_copies_inside_one_batch_point_at_the_first(texts):
    decider = StoryDecider(MemoryStore(), ProcessorSettings())
    fps = [item(a, texts[t])[0] for a, t in (("x", "tokayev-tehran-0"), ("x-copy", "tokayev-tehran-0~edited"),
                                             ("x-again", "tokayev-tehran-0~boilerplate"))]
    assert [d.duplicate_of for d in decider.decide_duplicates(fps)] == [None, "x", "x"]


class _Contended(MemoryStore):
    """A store where another worker adds its article to a story once, just before this worker writes it."""

    def __init__(self, rival) -> None:
        super().__init__()
        self._rival = rival
        self.conflicts = 0

    def save_stories(self, stories):
        for stored in stories:
            if stored.version is not None and self.conflicts == 0:
                current = self.stories([stored.state["id"]])[stored.state["id"]]
                theirs = Story.from_state(current.state, Vocabulary())
                theirs.add(self._rival, feature_vectors(self._rival))
                assert super().save_stories([StoredStory(theirs.to_state(), current.version)]) == set()
                self.conflicts += 1
        return super().save_stories(stories)


def test_a_story_two_workers_join_at_once_counts_both(texts):
    _, rival = item("rival", texts["tokayev-tehran-1"], hours=2)
    store = _Contended(rival)
    decider = StoryDecider(store, ProcessorSettings())
    first = decide(decider, "x", texts["tokayev-tehran-0"])
    joined = decide(decider, "y", texts["tokayev-tehran-2"], hours=1)
    assert joined.story_id == first.story_id and store.conflicts == 1
    # Refused at its stale version, the story was read again and "y" added to what the rival wrote.
    state = store.stories([first.story_id])[first.story_id].state
    assert state["size"] == 3 and {m["id"] for m in state["members"]} == {"x", "rival", "y"}


class _CrashBeforeRecords(MemoryStore):
    """A store whose first write of decisions fails: the worker died after writing the stories,
    before writing its articles' records."""

    def __init__(self) -> None:
        super().__init__()
        self.crashed = False

    def save_records(self, records):
        if not self.crashed:
            self.crashed = True
            raise ServiceUnavailable("the worker died here", service="elasticsearch")
        return super().save_records(records)


@pytest.mark.parametrize("worker", ["same", "restarted"])
def test_a_batch_retried_after_its_stories_were_written_counts_each_article_once(texts, worker):
    store = _CrashBeforeRecords()
    decider = StoryDecider(store, ProcessorSettings())
    with pytest.raises(ServiceUnavailable):
        decide(decider, "x", texts["tokayev-tehran-0"])  # founds the story; its records fail to be written
    assert store.crashed and store.stories([story_id_for("x")])[story_id_for("x")].state["size"] == 1
    decider.forget_batch()
    # The batch comes again (redelivered to this worker, or to another after a restart): the
    # story holds "x" already, and counts it once.
    again = decider if worker == "same" else StoryDecider(store, ProcessorSettings())
    assert decide(again, "x", texts["tokayev-tehran-0"]).story_id == story_id_for("x")
    decide(again, "y", texts["tokayev-tehran-2"], hours=1)
    state = store.stories([story_id_for("x")])[story_id_for("x")].state
    assert state["size"] == 2 and {m["id"] for m in state["members"]} == {"x", "y"}


def test_a_story_that_keeps_changing_makes_the_batch_wait(texts):
    class Always(MemoryStore):
        def save_stories(self, stories):
            return {s.state["id"] for s in stories}

    decider = StoryDecider(Always(), ProcessorSettings())
    with pytest.raises(ServiceUnavailable, match="kept changing"):
        decide(decider, "x", texts["tokayev-tehran-0"])


def test_the_window_decides_what_a_copy_or_a_story_may_join(texts):
    settings = ProcessorSettings().model_copy(update={
        "duplicates": ProcessorSettings().duplicates.model_copy(update={"window_days": 1.0}),
        "stories": ProcessorSettings().stories.model_copy(update={"window_hours": 12.0}),
    })
    decider = StoryDecider(MemoryStore(), settings)
    decide(decider, "x", texts["tokayev-tehran-0"])
    decide(decider, "later", texts["tokayev-tehran-1"], hours=30)
    # Outside the windows a copy is no longer a duplicate of the original, nor in its story.
    late_copy = decide(decider, "x-copy", texts["tokayev-tehran-0~edited"], hours=31)
    assert late_copy.duplicate_of is None and late_copy.story_id != story_id_for("x")


def test_the_vocabulary_a_worker_keeps_is_bounded_by_its_setting(texts):
    settings = ProcessorSettings().model_copy(update={"stories": ProcessorSettings().stories.model_copy(
        update={"vocabulary_articles": 3})})
    decider = StoryDecider(MemoryStore(), settings)
    for n, key in enumerate(sorted(texts)):
        decide(decider, f"a{n}", texts[key], hours=n)
    assert len(texts) > 3 and decider.vocabulary.documents == 3


def test_the_steps_need_both_settings_and_run_after_what_they_read():
    load_steps()
    with pytest.raises(ConfigError, match="needs the kafka settings"):
        build_chain(["news.clean.v1", "news.duplicates.v1"], settings=ProcessorSettings())
    with pytest.raises(ConfigError, match="needs the elasticsearch settings"):
        build_chain(["news.clean.v1", "news.duplicates.v1"], settings=ProcessorSettings(), kafka=KafkaSettings())
    with pytest.raises(ConfigError, match="reads"):
        build_chain(["news.clean.v1", "news.stories.v1"], settings=ProcessorSettings(), kafka=KafkaSettings(),
                    elasticsearch=ElasticsearchSettings())
    # Built without touching either (the state is read at the first batch): nothing listens on port 9.
    chain = build_chain(ProcessorSettings().steps, settings=ProcessorSettings(), kafka=KafkaSettings(bootstrap_servers="127.0.0.1:9"),
                        elasticsearch=ElasticsearchSettings(url="http://127.0.0.1:9"))
    try:
        assert [s.name for s in chain.steps][-2:] == ["news.duplicates.v1", "news.stories.v1"]
        assert chain.enrich([], T0) == []
    finally:
        chain.close()
