"""Stories: `news.stories` events -> the stories index, through `newsflow sink` (its third worker)
on the real Kafka and Elasticsearch, versioned by story size.

`story_sample` (also used by the API, search and Kibana tests) makes the articles and stories a
processor would: the sample articles grouped by person into four stories, plus a burst of recent
articles, two of them near-duplicates of an earlier one.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kafka.consumer.fetcher import ConsumerRecord

from newsflow.app.wiring import run_sink
from newsflow.contract.schema import EnrichedArticle, StoryDocument, StoryEntity, encode
from newsflow.index.indices import ensure_stories_index, make_client, stories_mappings
from newsflow.runtime.worker import StopFlag
from newsflow.settings import Settings
from sinks.stories import StorySink, to_story_document
from tests.support import index_articles, lag, read_topic, sample_articles, send, wait_for

# -- sample stories (shared with the API, search and Kibana tests) --------------------------------


@dataclass(frozen=True)
class StorySample:
    articles: list[EnrichedArticle]  # the 24 sample articles and the burst, each with its story_id
    stories: dict[str, StoryDocument]  # by person
    original: str  # the article the burst's two duplicates copy
    duplicates: tuple[str, ...]


def story_key(person: str) -> str:
    return "story-" + person.lower().replace(" ", "-")


def story_sample(now: datetime) -> StorySample:
    """Four stories, one per sample person; in the last hours Sophie Adenot's gains three articles
    (two of them near-duplicates of sample0006, which is hers) and Allard Castelein's one."""
    base = sample_articles(now=now)
    burst = [
        base[6].model_copy(update={"id": f"burst{i}", "url": f"https://news.example.org/burst/{i}", "source": source,
                                   "published": now - timedelta(hours=1 + i), "duplicate_of": dup_of,
                                   "duplicate_similarity": 0.9 if dup_of else None})
        for i, (source, dup_of) in enumerate([("Wire One", "sample0006"), ("Wire Two", "sample0006"), ("Wire Three", None)])
    ]
    burst.append(base[3].model_copy(update={"id": "burst3", "url": "https://news.example.org/burst/3",
                                            "published": now - timedelta(hours=2)}))
    persons = {a.id: next(e.name for e in a.entities if e.type == "PERSON") for a in base + burst}
    articles = [a.model_copy(update={"story_id": story_key(persons[a.id])}) for a in base + burst]
    stories = {}
    for person in dict.fromkeys(persons.values()):
        members = sorted((a for a in articles if persons[a.id] == person), key=lambda a: a.published)
        weights: Counter[tuple[str, str]] = Counter()
        for member in members:
            weights.update({(e.name, e.type): e.salience for e in member.entities})
        stories[person] = StoryDocument(
            id=story_key(person), title=members[0].title, first_seen=members[0].published, last_updated=members[-1].published,
            entities=tuple(StoryEntity(name=name, type=kind, weight=round(weight, 3)) for (name, kind), weight in weights.most_common()),
            topics=members[0].topics, keyphrases=("talks", "trade"), size=len(members),
            sources=len({a.source for a in members}), article_ids=tuple(a.id for a in members[:5]),
        )
    return StorySample(articles, stories, "sample0006", ("burst0", "burst1"))


def index_stories(settings: Settings, stories: list[StoryDocument]) -> None:
    """Index stories the way the story sink does, then refresh."""
    es = settings.elasticsearch
    client = make_client(es)
    try:
        sink = StorySink(client=client, index=es.stories_index, url=es.url)
        writes, rejected = sink.prepare([record(encode(s), i) for i, s in enumerate(stories)])
        assert rejected == [] and sink.deliver(writes) == []
        client.indices.refresh(index=es.stories_index)
    finally:
        client.close()


def index_story_sample(settings: Settings, now: datetime) -> StorySample:
    sample = story_sample(now)
    index_articles(settings, sample.articles)
    index_stories(settings, list(sample.stories.values()))
    return sample


def record(value: bytes | None, offset: int = 0) -> ConsumerRecord:
    return ConsumerRecord("stories", 0, -1, offset, 0, 0, b"k", value, [], None, 1, len(value or b""), 0)


# -- the tests -----------------------------------------------------------------------------------

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def grown(story: StoryDocument, size: int, title: str) -> StoryDocument:
    return story.model_copy(update={"size": size, "title": title, "last_updated": story.last_updated + timedelta(hours=size)})


def sink_stories_until_caught_up(settings: Settings) -> None:
    """`newsflow sink` (all three workers) until the story worker's group committed every offset."""
    stop = StopFlag()
    thread = threading.Thread(target=run_sink, args=(settings,), kwargs={"stop": stop}, daemon=True)
    thread.start()
    group = f"{settings.sink.group_id}-stories"
    try:
        wait_for(lambda: lag(settings, group, settings.kafka.topics.stories) == 0, timeout=90,
                 what=f"group {group} to index and commit every story event")
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not thread.is_alive(), "the sink did not stop within 60 s of the stop request"


def test_setup_creates_a_strict_stories_index_once(settings, es):
    index = settings.elasticsearch.stories_index
    assert ensure_stories_index(es, settings.elasticsearch) is False  # the fixture's setup created it
    mapping = es.indices.get_mapping(index=index)[index]["mappings"]
    assert mapping == stories_mappings() and mapping["dynamic"] == "strict"
    story = story_sample(NOW).stories["Sophie Adenot"]
    assert set(to_story_document(story, indexed_at=NOW)) == set(mapping["properties"])


def test_the_sink_indexes_stories_keeps_the_biggest_state_and_dead_letters_poison(settings, es):
    stories = story_sample(NOW).stories
    adenot, raisi = stories["Sophie Adenot"], stories["Ebrahim Raisi"]
    big, small = grown(adenot, 12, "Adenot story, 12 articles"), grown(adenot, 7, "Adenot story, an older state")
    topic = settings.kafka.topics.stories
    # The older, smaller state comes after the bigger one (another worker's late write, a replay).
    poison = [(b"bad", b"not json"), (b"bad", b'{"id": "s", "title": "no dates"}'), (b"gone", None)]
    send(settings, topic, [(big.id.encode(), encode(big)), (raisi.id.encode(), encode(raisi)),
                           (small.id.encode(), encode(small)), *poison])

    sink_stories_until_caught_up(settings)
    index = settings.elasticsearch.stories_index
    es.indices.refresh(index=index)
    assert es.count(index=index)["count"] == 2
    doc = es.get(index=index, id=adenot.id)
    assert (doc["_version"], doc["_source"]["title"], doc["_source"]["size"]) == (12, "Adenot story, 12 articles", 12)
    assert doc["_source"]["entity_names"][0] == "Sophie Adenot"
    assert doc["_source"]["entity_names"] == [e.name for e in adenot.entities]
    assert doc["_source"]["entities"][0] == {"name": "Sophie Adenot", "type": "PERSON", "weight": adenot.entities[0].weight}
    assert es.get(index=index, id=raisi.id)["_source"]["article_ids"] == list(raisi.article_ids)

    dead = read_topic(settings, settings.kafka.topics.dlq, expect=3)
    assert sorted(dict(d.headers)["newsflow.reason"] for d in dead) == [b"bad-json", b"empty", b"schema"]
    assert {dict(d.headers)["newsflow.stage"] for d in dead} == {b"story-sink"}


def test_versions_by_size_older_states_change_nothing_equal_ones_replace(settings, es):
    index = settings.elasticsearch.stories_index
    sink = StorySink(client=es, index=index, url=settings.elasticsearch.url)
    story = story_sample(NOW).stories["Allard Castelein"]

    def deliver(*states: StoryDocument) -> None:
        writes, rejected = sink.prepare([record(encode(s), i) for i, s in enumerate(states)])
        assert rejected == [] and sink.deliver(writes) == []
        es.indices.refresh(index=index)

    def indexed() -> tuple[int, str]:
        source = es.get(index=index, id=story.id)["_source"]
        return source["size"], source["title"]

    deliver(grown(story, 5, "five"))
    deliver(grown(story, 3, "three"))  # older: a 409, counted as done, not a dead letter
    assert indexed() == (5, "five")
    deliver(grown(story, 5, "five, other worker"))  # as big, placed elsewhere: the later one wins
    assert indexed() == (5, "five, other worker")
    deliver(grown(story, 9, "nine"), grown(story, 6, "six"))  # one batch: only the biggest is sent
    assert indexed() == (9, "nine")


def test_a_failed_story_worker_stops_the_sink_process_with_exit_1(settings, caplog):
    # A topic name Kafka can never accept: the story worker fails at start, for good.
    topics = settings.kafka.topics.model_copy(update={"stories": "no spaces allowed"})
    broken = settings.model_copy(update={"kafka": settings.kafka.model_copy(update={"topics": topics})})
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(run_sink(broken, stop=StopFlag())), daemon=True)
    thread.start()
    thread.join(timeout=90)
    assert not thread.is_alive(), "the sink process kept running without its story worker"
    assert codes == [1]
    assert any(r.getMessage() == "story-sink failed; stopping the sink process" for r in caplog.records)
