"""Stories (processors/stories/clustering.py): articles about one event join one story, other events do not;
duplicates follow their original; the state survives JSON, other workers' decisions and the window.

Features come from the real enrichment steps (spaCy NER included) run once for the module over a
part of the labelled set tests/data/stories-eval.jsonl."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsflow.contract.schema import RawArticle
from newsflow.settings import ProcessorSettings
from processors.base import Draft, build_chain
from processors.catalog import load_steps
from processors.stories.clustering import MAX_CENTRAL, StoryClusterer, story_id_for
from processors.stories.features import StoryFeatures, features_from_draft, story_features
from processors.stories.neardup import fingerprint

DATA = Path(__file__).resolve().parent.parent / "data"
STEPS = ("news.clean.v1", "news.language.v1", "news.entities.v2", "news.keyphrases.v1", "news.topics.v1")
# Three events told by several outlets (with copies), a wildfire elsewhere the same day, and a few
# unrelated articles.
STORIES = {"tokayev-tehran", "kazakh-wheat", "valencia-wildfire", "solo-05", "solo-01", "solo-03", "solo-09"}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    lines = (DATA / "stories-eval.jsonl").read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines) if r["labels"]["story"] in STORIES]


@pytest.fixture(scope="module")
def features(rows) -> dict[str, StoryFeatures]:
    """Features of the chosen articles after the real steps, by article id, in published order."""
    load_steps()
    chain = build_chain(STEPS, settings=ProcessorSettings())
    drafts = [Draft(RawArticle(id=r["id"], version=1, url=None, feed_url="eval://", source=r["source"], title=r["title"],
                               text=r["text"], published=datetime.fromisoformat(r["published"]),
                               fetched_at=datetime.fromisoformat(r["published"])), {}) for r in rows]
    for step in chain.steps:
        drafts = [d.with_fields(f) for d, f in zip(drafts, step.run(drafts), strict=True)]
    chain.close()
    return {d.get("id"): features_from_draft(d) for d in drafts}


def gold(rows: list[dict]) -> dict[str, dict]:
    return {r["id"]: r["labels"] for r in rows}


def cluster(rows, features, clusterer: StoryClusterer | None = None) -> tuple[StoryClusterer, dict[str, str]]:
    clusterer = clusterer or StoryClusterer()
    labels = gold(rows)
    decided = {a: clusterer.decide(f, duplicate_of=labels[a]["duplicate_of"]).story_id for a, f in features.items()}
    return clusterer, decided


def test_each_event_is_one_story_and_other_articles_their_own(rows, features):
    _, decided = cluster(rows, features)
    labels = gold(rows)
    by_label: dict[str, set[str]] = {}
    for article_id, story_id in decided.items():
        by_label.setdefault(labels[article_id]["story"], set()).add(story_id)
    assert all(len(stories) == 1 for stories in by_label.values()), by_label
    assert len({next(iter(s)) for s in by_label.values()}) == len(STORIES)  # no two labels share a story
    # Story ids derive from the founding article, so every worker names a story alike.
    assert next(iter(by_label["tokayev-tehran"])) == story_id_for("tokayev-tehran-0")


def test_an_event_of_the_same_country_and_a_lookalike_fire_stay_apart(rows, features):
    labels = gold(rows)
    for event, other in (("tokayev-tehran", "kazakh-wheat-0"), ("valencia-wildfire", "solo-05")):
        clusterer = StoryClusterer()
        for article_id, f in features.items():
            if labels[article_id]["story"] == event:
                clusterer.decide(f, duplicate_of=labels[article_id]["duplicate_of"])
        # Kazakhstan and Nur-Sultan again two days later; a wildfire and evacuations the same evening.
        best = clusterer.best_story(features[other])
        assert best is not None, "shares names or words with the story: a candidate"
        assert best[1] < clusterer.threshold, (other, best)


def test_a_duplicate_joins_its_original_and_changes_nothing_it_is_about(rows, features):
    clusterer = StoryClusterer()
    original = features["valencia-wildfire-0"]
    story_id = clusterer.decide(original).story_id
    story = clusterer.story(story_id)
    before = {kind: dict(counts) for kind, counts in story.centroid.items()}
    copy = StoryFeatures.from_json(original.to_json() | {"id": "copy", "source": "Another outlet",
                                                        "published": "2022-06-20T16:00:00+00:00"})
    decision = clusterer.decide(copy, duplicate_of="valencia-wildfire-0")
    assert (decision.story_id, decision.similarity, decision.created) == (story_id, 1.0, False)
    assert {kind: dict(counts) for kind, counts in story.centroid.items()} == before
    assert story.size == 2 and len(story.sources) == 2 and story.last_updated.hour == 16
    assert clusterer.story_of("copy") == story_id


def test_a_story_document_has_what_the_index_needs(rows, features):
    clusterer, decided = cluster(rows, features)
    document = clusterer.story(decided["tokayev-tehran-0"]).to_document()
    labels = gold(rows)
    members = [a for a, label in labels.items() if label["story"] == "tokayev-tehran"]
    assert document["id"] == story_id_for("tokayev-tehran-0")
    assert document["size"] == len(members) and sorted(document["article_ids"]) == sorted(members)
    assert document["title"] in {r["title"] for r in rows if r["id"] in members}
    names = {e["name"]: e["type"] for e in document["entities"]}
    assert {"Kassym-Jomart Tokayev", "Ali Khamenei", "Kazakhstan", "Iran"} <= names.keys()
    assert names["Kassym-Jomart Tokayev"] == "PERSON" and names["Kazakhstan"] == "GPE"
    assert document["topics"] and any("Khamenei" in p or "Kazakhstan" in p for p in document["keyphrases"])
    assert document["first_seen"] == "2022-06-19T09:30:00+00:00"
    assert document["last_updated"] > document["first_seen"]
    assert document["sources"] == len({r["source"] for r in rows if r["id"] in members})
    assert len(json.dumps(document)) < 4000


def test_a_big_story_keeps_a_bounded_state_and_lists_its_most_central_articles():
    clusterer = StoryClusterer()
    t0 = datetime(2022, 6, 1, tzinfo=UTC)
    central = ("Mount Etna", "LOC", 0.9), ("Catania", "GPE", 0.7)
    for n in range(3 * MAX_CENTRAL):
        off_topic = n % 10 == 9  # every tenth article strays: its own words and one extra name
        text = f"Lava from Etna reached the outskirts of Catania, update {n}." + (f" Ferry strike in port {n}." * off_topic)
        f = story_features(f"etna-{n}", t0 + timedelta(minutes=10 * n), title=f"Etna eruption, update {n}", text=text,
                           source=f"outlet-{n % 7}", entities=central + ((f"Port {n}", "FAC", 0.5),) * off_topic)
        clusterer.decide(f)
    [story] = clusterer.stories()  # (a stray naming its port at salience 0.8 is about 0.37 alike: its own story)
    document = story.to_document()
    assert story.size == 3 * MAX_CENTRAL and len(story.members) < 2 * MAX_CENTRAL
    assert len(document["article_ids"]) == MAX_CENTRAL and document["sources"] == 7
    strays = {f"etna-{n}" for n in range(9, 3 * MAX_CENTRAL, 10)}
    assert not strays & set(document["article_ids"][:MAX_CENTRAL // 2])  # the strays are not the most central
    assert [e["name"] for e in document["entities"][:2]] == ["Mount Etna", "Catania"]


def test_features_travel_as_compact_json(features, seed_article):
    seed = features["tokayev-tehran-0"]
    encoded = json.dumps(seed.to_json(), ensure_ascii=False)
    assert StoryFeatures.from_json(json.loads(encoded)) == seed
    assert len(seed.entities) <= 8 and len(seed.terms) <= 32
    # One state record per article: fingerprint, features and decisions, about a kilobyte.
    record = {"fingerprint": fingerprint(seed.article_id, seed_article, seed.published).to_json(),
              "story": seed.to_json(), "duplicate_of": None, "story_id": story_id_for(seed.article_id)}
    assert len(json.dumps(record, ensure_ascii=False).encode("utf-8")) < 1300


def test_replayed_json_records_give_the_same_decisions(rows, features):
    labels = gold(rows)
    ids = list(features)
    half = len(ids) // 2
    live = StoryClusterer()
    records = []
    for article_id in ids[:half]:
        duplicate_of = labels[article_id]["duplicate_of"]
        story_id = live.decide(features[article_id], duplicate_of=duplicate_of).story_id
        records.append(json.dumps({"story": features[article_id].to_json(), "story_id": story_id, "duplicate_of": duplicate_of}))
    restarted = StoryClusterer()
    restarted.replay((StoryFeatures.from_json(r["story"]), r["story_id"], r["duplicate_of"]) for r in map(json.loads, records))
    assert len(restarted) == len(live)
    later = [(features[a], labels[a]["duplicate_of"]) for a in ids[half:]]
    assert [restarted.decide(f, duplicate_of=d) for f, d in later] == [live.decide(f, duplicate_of=d) for f, d in later]
    assert sum(not live.decide(f).created for f, _ in later) == len(later)  # deciding again changes nothing


def test_a_decision_of_another_worker_is_applied_not_recomputed(features):
    worker_a, worker_b = StoryClusterer(), StoryClusterer()
    founded = worker_a.decide(features["valencia-wildfire-0"])
    # Worker B applies A's decisions, even one it would not have taken itself.
    worker_b.record(features["valencia-wildfire-0"], founded.story_id)
    worker_b.record(features["solo-05"], founded.story_id)
    assert worker_b.story_of("solo-05") == founded.story_id and worker_b.story(founded.story_id).size == 2
    # An article of the event seen by B joins the story A founded.
    joined = worker_b.decide(features["valencia-wildfire-1"])
    assert (joined.story_id, joined.created) == (founded.story_id, False) and joined.similarity >= worker_b.threshold
    # A story id B has never seen is opened as it is.
    worker_b.record(features["solo-01"], "story-from-elsewhere")
    assert worker_b.story("story-from-elsewhere").size == 1


def test_stories_close_after_the_window_and_state_stays_bounded(features):
    clusterer = StoryClusterer(window=timedelta(hours=72))
    fire = features["valencia-wildfire-0"]
    first = clusterer.decide(fire).story_id
    late = StoryFeatures.from_json(features["valencia-wildfire-1"].to_json() | {"published": "2022-06-24T12:00:00+00:00"})
    decision = clusterer.decide(late)  # four days later: the fire's story has closed
    assert decision.created and decision.story_id != first
    assert clusterer.story(first) is None and clusterer.story_of("valencia-wildfire-0") is None
    assert len(clusterer) == 1
    assert clusterer.close_before(datetime(2022, 7, 1, tzinfo=UTC)) == [decision.story_id] and len(clusterer) == 0


def test_shared_names_without_shared_words_make_no_story():
    t0 = datetime(2022, 6, 1, tzinfo=UTC)
    france = (("France", "GPE", 0.9),)
    clusterer = StoryClusterer()
    a = clusterer.decide(story_features("pensions", t0, title="Grève contre la réforme des retraites",
                                        text="Des centaines de milliers de manifestants ont défilé contre la réforme.",
                                        entities=france, language="fr"))
    b = clusterer.decide(story_features("birds", t0 + timedelta(hours=2), title="Les oiseaux des champs disparaissent",
                                        text="Les populations d'oiseaux ont chuté d'un tiers en trente ans.",
                                        entities=france, language="fr"))
    assert a.created and b.created and a.story_id != b.story_id


@pytest.mark.parametrize("terms", [[[17, 2.0], [4, 1.5]], [["17", 2], ["4", "1.5"]]], ids=["as written", "as strings"])
def test_a_stored_centroid_is_read_with_int_terms_and_float_weights(terms):
    from processors.stories.clustering import Story
    from processors.stories.features import Vocabulary

    state = {"id": "story-1", "first_seen": "2026-03-01T08:00:00+00:00", "last_updated": "2026-03-01T09:00:00+00:00",
             "centroid": {"entities": [["riga", 1.0]], "keyphrases": [], "terms": terms}}
    story = Story.from_state(state, Vocabulary())
    assert story.centroid["terms"] == {17: 2.0, 4: 1.5}
    assert all(type(k) is int and type(w) is float for k, w in story.centroid["terms"].items())
    assert story.centroid["entities"] == {"riga": 1.0}
    story.centroid["terms"][17] += 1.0  # the story's own: the state read is not changed
    assert terms[0][1] in (2.0, 2)
