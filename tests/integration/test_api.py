"""The HTTP API over the real Elasticsearch, through FastAPI's TestClient (no server, no mocks)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from newsflow.read.api.app import create_app
from tests.integration.faults import FaultyProxy
from tests.support import index_articles, sample_articles

NOW = datetime.now(UTC).replace(microsecond=0)
ARTICLES = sample_articles(now=NOW)


@pytest.fixture
def api(settings):
    index_articles(settings, ARTICLES)
    with TestClient(create_app(settings)) as client:
        yield client


def naming(name: str) -> list:
    return [a for a in ARTICLES if any(e.name == name for e in a.entities)]


def ok(response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def refused(response, status: int = 422) -> tuple[list[str], str]:
    """The parameter and the reason a 4xx names."""
    assert response.status_code == status, response.text
    (problem,) = response.json()["detail"]
    return problem["loc"], problem["msg"]


def test_search_filters_sorts_and_highlights(api):
    body = ok(api.get("/search", params={"q": "trade", "entity": "Ebrahim Raisi", "sort": "date"}))
    expected = sorted(naming("Ebrahim Raisi"), key=lambda a: a.published, reverse=True)
    assert body["total"] == len(expected) == 6
    assert [h["id"] for h in body["hits"]] == [a.id for a in expected]
    assert all("<mark>trade</mark>" in h["snippet"] for h in body["hits"])
    assert set(body["hits"][0]) == {"id", "score", "title", "source", "published", "date_source", "url", "top_entities",
                                    "snippet", "duplicates"}
    assert body["hits"][0]["duplicates"] is None  # counted only when duplicates are collapsed


def test_search_facets_count_the_matches(api):
    body = ok(api.get("/search", params={"entity": "nato", "size": 1}))
    assert body["total"] == 8 and len(body["hits"]) == 1
    facets = {name: {b["value"]: b["count"] for b in buckets} for name, buckets in body["facets"].items()}
    assert set(facets) == {"source", "language", "topics", "persons", "organisations", "places"}
    nato = naming("NATO")
    assert facets["organisations"] == {"NATO": 8}
    assert sum(facets["source"].values()) == 8
    assert facets["language"] == {lang: sum(a.language == lang for a in nato) for lang in {a.language for a in nato}}


def test_search_type_date_and_paging(api):
    body = ok(api.get("/search", params={"entity_type": "org", "entity": "Maersk", "since": "now-30d", "until": "now",
                                         "size": 3, "offset": 3, "sort": "date"}))
    maersk = sorted(naming("Maersk"), key=lambda a: a.published, reverse=True)
    assert body["total"] == len(maersk)
    assert [h["id"] for h in body["hits"]] == [a.id for a in maersk[3:6]]


@pytest.mark.parametrize(("params", "where", "why"), [
    ({"size": 0}, "size", "greater than or equal to 1"),
    ({"size": 101}, "size", "less than or equal to 100"),
    ({"offset": -1}, "offset", "greater than or equal to 0"),
    ({"offset": 9995}, "offset", "at most 10000"),
    ({"since": "not-a-date"}, "since", "ISO date"),
    ({"until": "2024-13-01"}, "until", "ISO date"),
    ({"since": "2024-05-02", "until": "2024-05-01"}, "until", "not be before since"),
    ({"sort": "popularity"}, "sort", "'relevance' or 'date'"),
    ({"entity_type": "per-son"}, "entity_type", "such as PERSON"),
    ({"sise": 5}, "sise", "unknown parameter"),
])
def test_bad_search_parameters_name_the_parameter_and_the_reason(api, params, where, why):
    loc, msg = refused(api.get("/search", params=params))
    assert loc == ["query", where]
    assert why in msg


def test_article_by_id_and_404(api):
    article = ok(api.get("/articles/sample0005"))
    assert article["id"] == "sample0005"
    assert article["title"] == ARTICLES[5].title
    assert {e["name"] for e in article["entities"]} == {e.name for e in ARTICLES[5].entities}
    assert article["persons"] == ["Kassym-Jomart Tokayev"]
    missing = api.get("/articles/no-such-article")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "article 'no-such-article' not found"}


def test_related_articles_share_its_entities_and_exclude_it(api):
    body = ok(api.get("/articles/sample0000/related", params={"size": 5}))
    hits = body["hits"]
    assert body["id"] == "sample0000" and len(hits) == 5
    assert "sample0000" not in {h["id"] for h in hits}
    # Report 12 has the same person, organisation and place: the most alike.
    assert hits[0]["id"] == "sample0012"
    names = {"Ebrahim Raisi", "NATO", "Tehran"}
    assert all(names & {e.rsplit(" (", 1)[0] for e in h["top_entities"]} for h in hits)
    assert api.get("/articles/no-such-article/related").status_code == 404
    assert refused(api.get("/articles/sample0000/related", params={"size": 0}))[0] == ["query", "size"]


def test_trending_finds_the_person_over_represented_today(api, settings):
    # The sample spreads its four persons evenly over the last day (one article each) and the
    # month: nobody stands out yet. Three more articles on Sophie Adenot in the last hours do.
    assert ok(api.get("/entities/trending"))["entities"] == []
    burst = [ARTICLES[2].model_copy(update={"id": f"burst{i}", "url": f"https://news.example.org/burst/{i}",
                                            "published": NOW - timedelta(hours=1 + i)}) for i in range(3)]
    index_articles(settings, burst)
    body = ok(api.get("/entities/trending", params={"field": "persons"}))
    assert body["articles"] == 7  # four sample articles and the burst in the last 24 h
    assert body["undated_left_out"] == 0  # the sample's dates are all publish dates (or unknown)
    assert [e["name"] for e in body["entities"]] == ["Sophie Adenot"]
    assert body["entities"][0]["count"] == 4 and body["entities"][0]["background_count"] == 9
    # Every article of the last day names NATO, a third of the month's do.
    organisations = ok(api.get("/entities/trending", params={"field": "organisations", "min_articles": 4}))
    assert [e["name"] for e in organisations["entities"]] == ["NATO"]


@pytest.mark.parametrize(("params", "where"), [
    ({"field": "authors"}, "field"), ({"size": 0}, "size"), ({"size": 1000}, "size"), ({"min_articles": 0}, "min_articles"),
])
def test_bad_trending_parameters(api, params, where):
    assert refused(api.get("/entities/trending", params=params))[0] == ["query", where]


def test_health_ok_and_503_without_the_alias(api, settings):
    assert ok(api.get("/health")) | {"cluster": "-"} == {
        "status": "ok", "cluster": "-", "cluster_status": "green", "alias": settings.elasticsearch.alias, "articles": 24}
    missing = settings.model_copy(update={"elasticsearch": settings.elasticsearch.model_copy(update={"alias": "no-such-alias"})})
    with TestClient(create_app(missing)) as client:
        response = client.get("/health")
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable",
                                   "reason": "index alias 'no-such-alias' does not exist: run `newsflow setup` first"}
        assert client.get("/search").status_code == 503
        assert client.get("/articles/sample0000").status_code == 503


def test_unreachable_elasticsearch_is_503_with_a_message(settings):
    down = settings.model_copy(update={"elasticsearch": settings.elasticsearch.model_copy(update={"url": "http://127.0.0.1:1"})})
    with TestClient(create_app(down)) as client:
        for path in ["/search?q=x", "/articles/x", "/articles/x/related", "/entities/trending"]:
            response = client.get(path)
            assert response.status_code == 503, path
            assert response.json() == {"detail": "Elasticsearch is not reachable at http://127.0.0.1:1 (ConnectionError)"}
        health = client.get("/health")
        assert health.status_code == 503 and "not reachable" in health.json()["reason"]


def test_openapi_documents_every_endpoint_and_parameter(api):
    spec = ok(api.get("/openapi.json"))
    assert set(spec["paths"]) == {"/search", "/articles/{article_id}", "/articles/{article_id}/related",
                                  "/entities/trending", "/stories", "/stories/{story_id}", "/health"}
    search = spec["paths"]["/search"]["get"]
    assert {p["name"] for p in search["parameters"]} == {
        "q", "entity", "entity_type", "topic", "source", "language", "since", "until", "sort", "size", "offset", "facet_size",
        "collapse_duplicates"}
    size = next(p for p in search["parameters"] if p["name"] == "size")
    assert (size["schema"]["minimum"], size["schema"]["maximum"]) == (1, 100)
    assert {"200", "422", "503"} <= set(search["responses"])
    assert "404" in spec["paths"]["/articles/{article_id}"]["get"]["responses"]
    stories = spec["paths"]["/stories"]["get"]
    assert {p["name"] for p in stories["parameters"]} == {"sort", "hours", "size", "topic", "entity"}
    assert {"200", "422", "503"} <= set(stories["responses"])
    assert {"200", "404", "422", "503"} <= set(spec["paths"]["/stories/{story_id}"]["get"]["responses"])


# -- stories and duplicates ----------------------------------------------------------------------


@pytest.fixture
def stories(settings):
    """The API over the story sample: four stories (one per person), a burst of recent articles."""
    from tests.integration.test_story_sink import index_story_sample

    sample = index_story_sample(settings, NOW)
    with TestClient(create_app(settings)) as client:
        yield client, sample


def story_ids(body: dict) -> list[str]:
    return [s["id"] for s in body["stories"]]


def test_latest_stories_are_the_last_updated_and_filter_by_topic_and_entity(stories):
    api, sample = stories
    by_update = sorted(sample.stories.values(), key=lambda s: s.last_updated, reverse=True)
    body = ok(api.get("/stories"))
    assert (body["sort"], body["hours"]) == ("latest", None)
    assert story_ids(body) == [s.id for s in by_update]
    first = body["stories"][0]
    assert first == by_update[0].model_dump(mode="json", exclude={"schema_version"}) | {"recent": None}
    assert story_ids(ok(api.get("/stories", params={"size": 2}))) == [s.id for s in by_update[:2]]
    assert story_ids(ok(api.get("/stories", params={"topic": "SCIENCE"}))) == [sample.stories["Sophie Adenot"].id]
    nato = [s.id for s in by_update if "NATO" in {e.name for e in s.entities}]
    assert nato and story_ids(ok(api.get("/stories", params={"entity": "nato"}))) == nato
    # Updated in the last hour: Ebrahim Raisi's only (Sophie Adenot's newest article is an hour old by now).
    assert story_ids(ok(api.get("/stories", params={"hours": 1}))) == [sample.stories["Ebrahim Raisi"].id]


def test_growing_stories_have_most_articles_in_the_window(stories):
    api, sample = stories
    key = {person: story.id for person, story in sample.stories.items()}
    body = ok(api.get("/stories", params={"sort": "growing"}))
    assert body["hours"] == 24
    # Sophie Adenot: report 6 and the burst of three; Allard Castelein: report 3 and one more; the
    # others one each (equal sizes: the more recently updated first).
    assert [(s["id"], s["recent"]) for s in body["stories"]] == [
        (key["Sophie Adenot"], 4), (key["Allard Castelein"], 2), (key["Ebrahim Raisi"], 1), (key["Kassym-Jomart Tokayev"], 1)]
    eight = ok(api.get("/stories", params={"sort": "growing", "hours": 8}))
    assert [(s["id"], s["recent"]) for s in eight["stories"]] == [
        (key["Sophie Adenot"], 3), (key["Allard Castelein"], 2), (key["Ebrahim Raisi"], 1)]
    science = ok(api.get("/stories", params={"sort": "growing", "topic": "science", "size": 5}))
    assert story_ids(science) == [key["Sophie Adenot"]]


def test_undated_articles_do_not_make_a_story_grow(settings, stories):
    """Items whose feed gave no date carry their fetch time (today) as `published`: counting them
    would rank an old story as growing because its backlog was fetched today (issue 22)."""
    api, sample = stories
    tokayev = sample.stories["Kassym-Jomart Tokayev"].id
    article = next(a for a in sample.articles if a.story_id == tokayev)
    fetched_today = datetime.now(UTC)
    undated = [article.model_copy(update={"id": f"{article.id}-undated-{i}", "url": f"{article.url}?copy={i}",
                                          "published": fetched_today, "fetched_at": fetched_today,
                                          "date_source": "fetched"}) for i in range(5)]
    index_articles(settings, undated)
    body = ok(api.get("/stories", params={"sort": "growing"}))
    assert {s["id"]: s["recent"] for s in body["stories"]}[tokayev] == 1


def test_a_story_with_its_articles_newest_first_and_404(stories):
    api, sample = stories
    story = sample.stories["Sophie Adenot"]
    members = sorted((a for a in sample.articles if a.story_id == story.id), key=lambda a: a.published, reverse=True)
    body = ok(api.get(f"/stories/{story.id}"))
    assert (body["id"], body["title"], body["size"], body["sources"]) == (story.id, story.title, story.size, story.sources)
    assert body["articles_total"] == len(members) == 9
    assert [h["id"] for h in body["articles"]] == [a.id for a in members]
    assert body["articles"][0]["title"] == members[0].title
    two = ok(api.get(f"/stories/{story.id}", params={"size": 2}))
    assert [h["id"] for h in two["articles"]] == [a.id for a in members[:2]] and two["articles_total"] == 9
    missing = api.get("/stories/no-such-story")
    assert missing.status_code == 404 and missing.json() == {"detail": "story 'no-such-story' not found"}


@pytest.mark.parametrize(("path", "params", "where", "why"), [
    ("/stories", {"sort": "popular"}, "sort", "'latest' or 'growing'"),
    ("/stories", {"hours": 0}, "hours", "greater than or equal to 1"),
    ("/stories", {"hours": 721}, "hours", "less than or equal to 720"),
    ("/stories", {"size": 101}, "size", "less than or equal to 100"),
    ("/stories", {"since": "now-1d"}, "since", "unknown parameter"),
    ("/stories/story-x", {"size": 0}, "size", "greater than or equal to 1"),
])
def test_bad_story_parameters_name_the_parameter_and_the_reason(stories, path, params, where, why):
    api, _ = stories
    loc, msg = refused(api.get(path, params=params))
    assert loc == ["query", where] and why in msg


def test_articles_show_their_story_and_duplicates_and_search_collapses_them(stories):
    api, sample = stories
    original = ok(api.get(f"/articles/{sample.original}"))
    assert (original["story_id"], original["duplicates"], original["duplicate_of"]) == (
        sample.stories["Sophie Adenot"].id, 2, None)
    copy = ok(api.get(f"/articles/{sample.duplicates[0]}"))
    assert (copy["duplicate_of"], copy["duplicates"]) == (sample.original, 0)
    collapsed = ok(api.get("/search", params={"entity": "Sophie Adenot", "collapse_duplicates": "true", "size": 20}))
    assert collapsed["total"] == 7
    assert {h["id"]: h["duplicates"] for h in collapsed["hits"]}[sample.original] == 2
    assert not set(sample.duplicates) & {h["id"] for h in collapsed["hits"]}
    assert ok(api.get("/search", params={"entity": "Sophie Adenot", "size": 20}))["total"] == 9


def test_a_missing_stories_index_is_503_saying_so(stories, settings, es):
    api, sample = stories
    es.indices.delete(index=settings.elasticsearch.stories_index)
    expected = {"detail": f"index {settings.elasticsearch.stories_index!r} does not exist: run `newsflow setup` first"}
    for path in ["/stories", f"/stories/{sample.stories['Sophie Adenot'].id}"]:
        response = api.get(path)
        assert (response.status_code, response.json()) == (503, expected), path


# -- the OpenAPI contract, fuzzed ----------------------------------------------------------------
# Generated requests go straight to the ASGI app (no network besides the test's Elasticsearch):
# whatever they contain, the answer is never a 5xx and always matches the documented schema.


WITH_PARAMETERS = ["/search", "/articles/{article_id}", "/articles/{article_id}/related", "/entities/trending",
                   "/stories", "/stories/{story_id}"]
CASES = [(path, GenerationMode.POSITIVE) for path in [*WITH_PARAMETERS, "/health"]] + [
    (path, GenerationMode.NEGATIVE) for path in WITH_PARAMETERS  # /health has nothing to get wrong
]


@pytest.mark.parametrize(("path", "mode"), CASES)
def test_openapi_contract(settings, path, mode):
    index_articles(settings, ARTICLES)
    operation = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings))[path]["GET"]

    @given(case=operation.as_strategy(mode))
    @hypothesis_settings(max_examples=40, deadline=None, derandomize=True, database=None,
                         phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def answers_as_documented(case):
        case.call_and_validate(checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                       response_schema_conformance])

    answers_as_documented()


def test_dates_at_the_calendar_edge_are_answered_not_a_500(api):
    """until=9999-12-31 answered 500 (OverflowError) before (issue 16, item 2)."""
    body = ok(api.get("/search", params={"since": "2024-01-01", "until": "9999-12-31"}))
    assert body["total"] >= 1
    edge = api.get("/search", params={"since": "0001-01-01T00:00:00+05:00", "until": "0001-01-01"})
    assert edge.status_code in (200, 422), edge.text


@pytest.mark.parametrize("path", [*WITH_PARAMETERS, "/health"])
def test_openapi_contract_while_elasticsearch_fails_now_and_then(settings, path):
    """The same fuzzing with Elasticsearch behind a proxy that answers some requests with 401, 429,
    500 or 503 (issue 16): every answer, error or not, is one the description documents, in its
    documented shape (a 5xx is allowed here, an undocumented status or a traceback is not)."""
    index_articles(settings, ARTICLES)
    proxy = FaultyProxy(settings.elasticsearch.node_urls[0].rstrip("/"))
    proxy.mode = "mixed"
    faulty = settings.model_copy(update={"elasticsearch": settings.elasticsearch.model_copy(
        update={"url": f"http://127.0.0.1:{proxy.port}"})})
    statuses: set[int] = set()
    try:
        operation = schemathesis.openapi.from_asgi("/openapi.json", create_app(faulty))[path]["GET"]

        @given(case=operation.as_strategy(GenerationMode.POSITIVE))
        @hypothesis_settings(max_examples=30, deadline=None, derandomize=True, database=None,
                             phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def answers_as_documented(case):
            response = case.call_and_validate(checks=[status_code_conformance, content_type_conformance,
                                                      response_schema_conformance])
            statuses.add(response.status_code)

        answers_as_documented()
    finally:
        proxy.close()
    assert statuses & {502, 503}, f"no injected failure reached {path}: {statuses}"


def test_a_document_stored_with_markup_is_served_without_it(settings):
    """Documents indexed before the producer cleaned titles and links (issue 16, item 3): the API
    hands out no tag and no link that is not http(s), in hits and in the article view."""
    hostile = ARTICLES[0].model_copy(update={
        "id": "hostile-1", "title": '<img src=x onerror="alert(1)">Raisi talks', "url": 'javascript:alert(1)//"',
    })
    index_articles(settings, [hostile])
    with TestClient(create_app(settings)) as client:
        hits = ok(client.get("/search", params={"q": "Raisi talks"}))["hits"]
        hit = next(h for h in hits if h["id"] == "hostile-1")
        article = ok(client.get("/articles/hostile-1"))
    for shown in (hit, article):
        assert shown["title"] == "Raisi talks"
        assert shown["url"] is None
