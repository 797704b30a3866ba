"""The windows of near-duplicates and stories run on arrival (fetch) times, not publish dates (issue 22).

A first crawl of real feeds hands over backlogs published weeks or months ago, mixed with items
that carry no date (the producer dates them with their fetch time, `date_source` "fetched"). With
windows measured against the newest publish date seen, one undated item moved that clock to the
fetch time and evicted the whole backlog at once: 922 articles made 922 stories and no duplicate.
Pure: no Kafka, no Elasticsearch (a `MemoryStore`), no spaCy (features are built by hand, as processors/stories/features.py makes them).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from newsflow.contract.schema import RawArticle, StoryDocument
from newsflow.settings import ProcessorSettings, StorySettings
from processors.base import Draft
from processors.stories.clustering import Story, StoryClusterer, story_id_for
from processors.stories.decider import StoryDecider
from processors.stories.features import (
    StoryFeatures,
    Vocabulary,
    article_times,
    feature_vectors,
    story_features,
    weighted_similarity,
)
from processors.stories.neardup import Fingerprint, fingerprint
from processors.stories.store import Decision, MemoryStore, StateRecord

FETCH = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)  # the crawl: every item below arrives then
QUAKE_AT = datetime(2026, 8, 3, 4, 10, tzinfo=UTC)  # months before the crawl
HARBOUR_AT = datetime(2026, 9, 10, 8, 0, tzinfo=UTC)

QUAKE = ("A magnitude 6.1 earthquake struck the Aegean coast near Izmir early on Monday, damaging old buildings in "
         "the port district and cutting power to thousands of homes. Rescue teams pulled two people from a collapsed "
         "warehouse, the governor of Izmir said, and schools in the province will stay closed on Tuesday while "
         "engineers inspect them. The quake was felt as far away as Athens and the island of Samos.")
QUAKE_OTHER = ("Thousands of homes in Izmir lost power after a magnitude 6.1 earthquake hit the Aegean coast on Monday "
               "morning. The governor of Izmir said rescue teams freed two people trapped in a warehouse in the port "
               "district; schools across the province stay closed on Tuesday for inspections. Residents of Samos and "
               "Athens also felt the quake.")
HARBOUR = ("Dock workers at the port of Rotterdam walked out on Thursday over pay, leaving container ships waiting at "
           "anchor in the North Sea. The union FNV said the strike at the Maasvlakte terminals would last 48 hours "
           "and warned of longer stoppages if the terminal operators did not improve their offer.")
HARBOUR_OTHER = ("Container ships queued off Rotterdam on Thursday as dock workers at the Maasvlakte terminals began a "
                 "48-hour strike over pay called by the union FNV. The terminal operators said they regretted the "
                 "walkout; the union threatened longer stoppages without a better offer.")
HARBOUR_UNDATED = ("The 48-hour strike of dock workers at Rotterdam's Maasvlakte terminals left container ships at "
                   "anchor in the North Sea. The union FNV demands better pay from the terminal operators and warns of "
                   "longer stoppages.")
STORM = ("Forecasters issued a storm warning for the east coast from Saturday morning, with gusts of up to 110 km/h and "
         "heavy rain. Ferry services may be cancelled and coastal roads closed; residents should secure garden "
         "furniture and stay away from the seafront.")

QUAKE_ENTITIES = (("Izmir", "GPE", 0.9), ("Aegean", "LOC", 0.6), ("Samos", "GPE", 0.3), ("Athens", "GPE", 0.3))
HARBOUR_ENTITIES = (("Rotterdam", "GPE", 0.9), ("FNV", "ORG", 0.8), ("Maasvlakte", "LOC", 0.7), ("North Sea", "LOC", 0.3))


def article(article_id: str, text: str, published: datetime | None, entities=(), *, fetched: datetime = FETCH,
            source: str = "outlet") -> tuple[Fingerprint, StoryFeatures]:
    """What the two steps make of an item fetched at `fetched`: published None for an undated item."""
    draft = Draft(RawArticle(id=article_id, version=1, url=None, feed_url="https://feeds.example/rss", source=source,
                             title=text[:50], text=text, published=published or fetched, fetched_at=fetched,
                             date_source="feed" if published else "fetched"), {})
    when, arrived, undated = article_times(draft)
    fp = fingerprint(article_id, text, when, title=text[:50], arrived=arrived)
    features = story_features(article_id, when, title=text[:50], text=text, source=source, entities=entities,
                              language="en", arrived=arrived, undated=undated)
    return fp, features


def decide(decider: StoryDecider, item: tuple[Fingerprint, StoryFeatures]) -> Decision:
    fp, features = item
    [duplicate] = decider.decide_duplicates([fp], save=False)
    [decision], _ = decider.decide_stories([(features, duplicate.duplicate_of)])
    return decision


def new_decider() -> StoryDecider:
    return StoryDecider(MemoryStore(), ProcessorSettings())


def document(decider: StoryDecider, story_id: str) -> StoryDocument:
    stored = decider.store.stories([story_id])[story_id]
    return StoryDocument.model_validate(Story.from_state(stored.state, decider.vocabulary).to_document())


def crawl() -> list[tuple[str, tuple[Fingerprint, StoryFeatures]]]:
    """One crawl: an undated item first (as a feed lists it), then a backlog of two events, each
    reported by several outlets, with a copy and an undated report among them."""
    return [
        ("storm", article("storm", STORM, None)),
        ("quake-1", article("quake-1", QUAKE, QUAKE_AT, QUAKE_ENTITIES, source="Aegean Post")),
        ("harbour-1", article("harbour-1", HARBOUR, HARBOUR_AT, HARBOUR_ENTITIES, source="Port Daily")),
        ("quake-2", article("quake-2", QUAKE_OTHER, QUAKE_AT + timedelta(hours=3), QUAKE_ENTITIES, source="Wire")),
        ("quake-copy", article("quake-copy", "By Staff | Updated\n\n" + QUAKE, QUAKE_AT + timedelta(days=1),
                               QUAKE_ENTITIES, source="Aggregator")),
        ("harbour-undated", article("harbour-undated", HARBOUR_UNDATED, None, HARBOUR_ENTITIES, source="Wire")),
        ("harbour-2", article("harbour-2", HARBOUR_OTHER, HARBOUR_AT + timedelta(hours=5), HARBOUR_ENTITIES,
                              source="Shipping Weekly")),
    ]


def test_a_backlog_mixed_with_undated_items_still_makes_its_duplicates_and_stories():
    decider = new_decider()
    decided = {article_id: decide(decider, item) for article_id, item in crawl()}

    assert decided["quake-copy"].duplicate_of == "quake-1"
    assert [a for a, d in decided.items() if d.duplicate_of] == ["quake-copy"]
    quake, harbour = story_id_for("quake-1"), story_id_for("harbour-1")
    assert {a: d.story_id for a, d in decided.items()} == {
        "storm": story_id_for("storm"), "quake-1": quake, "quake-2": quake, "quake-copy": quake,
        "harbour-1": harbour, "harbour-undated": harbour, "harbour-2": harbour,
    }
    # Every story is still open and documented: the backlog was not closed by the undated items.
    documents = {s: document(decider, s) for s in (quake, harbour, story_id_for("storm"))}
    assert [documents[s].size for s in (quake, harbour)] == [3, 3]
    # The undated report joined without dragging the story to the fetch time.
    assert (documents[harbour].first_seen, documents[harbour].last_updated) == (HARBOUR_AT, HARBOUR_AT + timedelta(hours=5))
    assert documents[quake].last_updated == QUAKE_AT + timedelta(days=1)
    assert documents[story_id_for("storm")].first_seen == FETCH  # a story of undated items only: its fetch time


def test_an_undated_article_evicts_and_closes_nothing():
    decider = new_decider()
    decide(decider, article("quake-1", QUAKE, QUAKE_AT, QUAKE_ENTITIES))
    decide(decider, article("harbour-1", HARBOUR, HARBOUR_AT, HARBOUR_ENTITIES))
    decide(decider, article("storm", STORM, None, fetched=FETCH + timedelta(minutes=5)))
    # A dated article published today (a fresh item) closes nothing either: what arrived within
    # the window stays open to joins and copies, whatever its publish date.
    decide(decider, article("fresh", HARBOUR_UNDATED.replace("Rotterdam", "Antwerp"), FETCH, fetched=FETCH + timedelta(minutes=6)))
    copy = decide(decider, article("quake-copy", QUAKE, QUAKE_AT, fetched=FETCH + timedelta(minutes=7)))
    assert (copy.duplicate_of, copy.story_id) == ("quake-1", story_id_for("quake-1"))
    other = decide(decider, article("quake-2", QUAKE_OTHER, QUAKE_AT + timedelta(hours=3), QUAKE_ENTITIES,
                                    fetched=FETCH + timedelta(minutes=8)))
    assert other.story_id == story_id_for("quake-1")


def test_what_arrived_longer_ago_than_the_window_leaves_whatever_its_date():
    decider = new_decider()  # duplicates: 7 days; stories: 72 hours
    decide(decider, article("quake-1", QUAKE, QUAKE_AT, QUAKE_ENTITIES))
    # Four days of arrivals later the story is closed; the fingerprint stays for the 7-day window.
    decide(decider, article("storm", STORM, None, fetched=FETCH + timedelta(days=4)))
    late = decide(decider, article("quake-2", QUAKE_OTHER, QUAKE_AT, QUAKE_ENTITIES, fetched=FETCH + timedelta(days=4)))
    assert late.story_id == story_id_for("quake-2")  # its story has closed: a new one
    copy = decide(decider, article("quake-copy", QUAKE, QUAKE_AT, fetched=FETCH + timedelta(days=4, hours=1)))
    assert copy.duplicate_of == "quake-1"  # within the 7 days
    # On day 8 the original has left the window, its copy of day 4 has not: a copy of either
    # still points at the first article.
    copy = decide(decider, article("quake-copy-2", QUAKE, QUAKE_AT, fetched=FETCH + timedelta(days=8)))
    assert copy.duplicate_of == "quake-1"
    decide(decider, article("storm-2", STORM + " Update.", None, fetched=FETCH + timedelta(days=16)))
    copy = decide(decider, article("quake-copy-3", QUAKE, QUAKE_AT, fetched=FETCH + timedelta(days=16)))
    assert copy.duplicate_of is None  # every earlier copy left the window


def test_dates_still_keep_events_months_apart_in_separate_stories():
    clusterer = StoryClusterer()
    first = clusterer.decide(article("quake-1", QUAKE, QUAKE_AT, QUAKE_ENTITIES)[1])
    # The same words about Izmir, dated two months later (an anniversary, another quake): fetched
    # in the same crawl, it is within the window of arrivals but not of the story's dates.
    later = clusterer.decide(article("quake-later", QUAKE_OTHER, QUAKE_AT + timedelta(days=60), QUAKE_ENTITIES)[1])
    assert later.created and later.story_id != first.story_id
    # Undated, the same report joins: its time is unknown, not "today".
    undated = clusterer.decide(article("quake-undated", QUAKE_OTHER + " More to follow.", None, QUAKE_ENTITIES)[1])
    assert not undated.created


def test_an_undated_article_is_not_discounted_as_late():
    dated, undated = StoryClusterer(), StoryClusterer()
    for clusterer in (dated, undated):
        clusterer.decide(article("harbour-1", HARBOUR, HARBOUR_AT, HARBOUR_ENTITIES)[1])
    late = article("harbour-2", HARBOUR_OTHER, HARBOUR_AT + timedelta(hours=60), HARBOUR_ENTITIES)[1]
    [(_, discounted)] = [dated.best_story(late)]
    [(_, full)] = [undated.best_story(replace(late, published=FETCH, undated=True))]
    assert full > discounted and discounted == pytest.approx(full * (1 - 0.5 * 60 / 72), abs=1e-6)


def test_article_times_bound_the_date_by_the_fetch_and_flag_undated_items():
    def times(published, date_source):
        raw = RawArticle(id="a", version=1, url=None, feed_url="f", source="s", published=published, fetched_at=FETCH,
                         date_source=date_source)
        return article_times(Draft(raw, {}))

    assert times(QUAKE_AT, "feed") == (QUAKE_AT, FETCH, False)
    assert times(FETCH + timedelta(days=1), "feed") == (FETCH, FETCH, False)  # a date after the fetch is wrong
    assert times(FETCH, "fetched") == (FETCH, FETCH, True)
    assert times(None, None) == (FETCH, FETCH, True)
    assert times(QUAKE_AT, None) == (QUAKE_AT, FETCH, False)  # not recorded: the date is taken as given


def test_records_carry_the_arrival():
    fp, features = article("quake-1", QUAKE, QUAKE_AT, QUAKE_ENTITIES)
    record = StateRecord("quake-1", QUAKE_AT, FETCH, fingerprint=fp, features=features, story_id="story-x")
    back = StateRecord.from_bytes(record.to_bytes())
    assert (back.arrived, back.fingerprint.arrival, back.features.arrival) == (FETCH, FETCH, FETCH)
    assert back.features == features and back.published == QUAKE_AT
    _, undated = article("storm", STORM, None)
    assert StoryFeatures.from_json(json.loads(json.dumps(undated.to_json()))).undated is True


def test_a_story_closed_in_the_batch_that_placed_an_article_is_still_written_and_published():
    decider = new_decider()
    # A batch whose arrivals span more than the window (a topic replayed from days back): the
    # quake's story closes when the storm arrives four days later, in the same batch.
    items = [article("quake-1", QUAKE, QUAKE_AT, QUAKE_ENTITIES), article("storm", STORM, None, fetched=FETCH + timedelta(days=4))]
    duplicates = decider.decide_duplicates([fp for fp, _ in items], save=False)
    decisions, stories = decider.decide_stories([(f, d.duplicate_of) for (_, f), d in zip(items, duplicates, strict=True)])
    quake = story_id_for("quake-1")
    assert [d.story_id for d in decisions] == [quake, story_id_for("storm")]
    assert {s.id for s in stories} == {quake, story_id_for("storm")}
    written = document(decider, quake)
    assert written.size == 1 and written.article_ids == ("quake-1",)


def test_two_reports_in_a_language_without_entities_can_join():
    def vectors(text: str) -> dict:
        return feature_vectors(story_features("x", QUAKE_AT, text=text, language="de", keyphrases=("Lumora X2", "E-Reader")))

    a = vectors("Lumora stellt den E-Reader Lumora X2 mit Farbdisplay und Stift für 249 Euro vor, ab Oktober im Handel.")
    b = vectors("Der E-Reader Lumora X2 kommt im Oktober für 249 Euro, mit farbigem Display und Stift.")
    vocabulary = Vocabulary()
    idf2 = vocabulary.squared_idf()
    # Without names to compare, the key phrases and the words decide alone, on the same 0..1 scale.
    assert weighted_similarity(a, b, idf2) >= StorySettings().threshold
    with_names = {**a, "entities": {"lumora": 0.9}}
    assert weighted_similarity(with_names, b, idf2) < weighted_similarity(a, b, idf2)
