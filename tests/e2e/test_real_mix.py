"""A multi-language feed set shaped like the real mix (issue 22) through the live pipeline: the
producer, processor and sink as OS processes on the real Kafka and Elasticsearch. Every article
gets a normalised language, `--language` finds them all, trending answers with entities,
same-event reports group into stories (backlog ones too), the re-published listing is found as a
duplicate, and fetch-time dates are marked."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from newsflow.read.api.app import create_app
from tests.e2e.real_mix_feeds import real_mix
from tests.e2e.test_pipeline import caught_up, newsflow, workers  # noqa: F401 - the fixture
from tests.support import wait_for

NOW = datetime.now(UTC)
FEEDS = real_mix(NOW)
ITEMS = {item.link: item for feed in FEEDS for item in feed.items}


@pytest.fixture
def indexed(settings, es, feed_server, workers):  # noqa: F811 - the fixture imported above
    """Every item of the seven feeds indexed; the documents by their url."""
    urls = [feed_server.serve(f.path, f.body, content_type=f.content_type) for f in FEEDS]
    produced = newsflow(settings, "produce", "--once", *[arg for url in urls for arg in ("--feed", url)])
    assert produced.returncode == 0, produced.stderr
    alias = settings.elasticsearch.alias

    def all_indexed():
        es.indices.refresh(index=alias)
        return es.count(index=alias)["count"] >= len(ITEMS)

    wait_for(all_indexed, timeout=240, what=f"{len(ITEMS)} articles in Elasticsearch")
    wait_for(lambda: caught_up(settings), timeout=120, what="processor and sink to commit everything")
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=100, query={"match_all": {}})["hits"]["hits"]
    docs = {h["_source"]["url"]: h["_source"] | {"id": h["_id"]} for h in hits}
    assert set(docs) == set(ITEMS), f"indexed {sorted(set(docs) ^ set(ITEMS))} differently"
    return docs


def test_a_real_mix_through_the_live_pipeline(settings, indexed):
    docs = indexed
    # One normalised language per article, the feed's raw tag kept beside it.
    assert {url: d["language"] for url, d in docs.items()} == {url: i.language for url, i in ITEMS.items()}
    assert docs["https://kannada-tech.example/ardern-geothermal"]["declared_language"] == "kn"

    # Fetch-time dates are marked; real ones (German month names included) are not.
    sources = {url: d["date_source"] for url, d in docs.items()}
    assert sources == {url: "feed" if i.published else "fetched" for url, i in ITEMS.items()}

    with TestClient(create_app(settings)) as api:
        _assert_language_filters(api)
        _assert_trending(api)
    _assert_stories_and_duplicates(docs)

    shown = newsflow(settings, "search", "libraries")
    assert shown.returncode == 0, shown.stderr
    assert "(fetch time: no date in the feed)" in shown.stdout


def _assert_language_filters(api) -> None:
    by_language = defaultdict(set)
    for url, item in ITEMS.items():
        by_language[item.language].add(url)
    for language, urls in by_language.items():
        for asked in (language, language.upper(), f"{language}-XX"):
            response = api.get("/search", params={"language": asked, "size": 100})
            assert response.status_code == 200, response.text
            assert {h["url"] for h in response.json()["hits"]} == urls, f"--language {asked}"


def _assert_trending(api) -> None:
    response = api.get("/entities/trending", params={"field": "persons", "min_articles": 3})
    assert response.status_code == 200, response.text
    names = [e["name"] for e in response.json()["entities"]]
    assert "Jacinda Ardern" in names, response.text


def _assert_stories_and_duplicates(docs: dict) -> None:
    events = defaultdict(set)
    for url, item in ITEMS.items():
        if item.event:
            events[item.event].add(docs[url]["story_id"])
    # Each event is one story, the backlog of two months ago included.
    assert {event: len(ids) for event, ids in events.items()} == {event: 1 for event in events}, events
    assert None not in set().union(*events.values())
    stories = [next(iter(ids)) for ids in events.values()]
    assert len(set(stories)) == len(stories), "two events merged into one story"
    for url, item in ITEMS.items():
        expected = docs[item.duplicate_of]["id"] if item.duplicate_of else None
        assert docs[url].get("duplicate_of") == expected, url


def test_the_feed_set_is_what_the_test_says():
    """The fixture itself: the German dates are localised, some items undated, tags raw."""
    german = next(f for f in FEEDS if f.path == "/wirtschaft-de.xml").body.decode()
    assert any(month in german for month in ("Mär", "Mai", "Okt", "Dez", "Nov"))
    assert sum(1 for i in ITEMS.values() if i.published is None) == 3
    assert json.loads(next(f for f in FEEDS if f.path.endswith(".json")).body)["language"] == "pt-BR"
