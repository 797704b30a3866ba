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

from newsflow.api.app import create_app
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
    assert set(body["hits"][0]) == {"id", "score", "title", "source", "published", "url", "top_entities", "snippet"}


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
                                  "/entities/trending", "/health"}
    search = spec["paths"]["/search"]["get"]
    assert {p["name"] for p in search["parameters"]} == {
        "q", "entity", "entity_type", "topic", "source", "language", "since", "until", "sort", "size", "offset", "facet_size"}
    size = next(p for p in search["parameters"] if p["name"] == "size")
    assert (size["schema"]["minimum"], size["schema"]["maximum"]) == (1, 100)
    assert {"200", "422", "503"} <= set(search["responses"])
    assert "404" in spec["paths"]["/articles/{article_id}"]["get"]["responses"]


# -- the OpenAPI contract, fuzzed ----------------------------------------------------------------
# Generated requests go straight to the ASGI app (no network besides the test's Elasticsearch):
# whatever they contain, the answer is never a 5xx and always matches the documented schema.


WITH_PARAMETERS = ["/search", "/articles/{article_id}", "/articles/{article_id}/related", "/entities/trending"]
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
