"""Search and trending on data shaped like a real mix of feeds (issue 22), on the real
Elasticsearch: raw language tags as feeds write them ("en-US", "de-DE", "IT-it", an English item
of a feed tagged "kn", none at all) and articles spread over several days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from newsflow.read.api.app import create_app
from tests.support import index_articles, sample_articles

NOW = datetime.now(UTC).replace(microsecond=0)

# (declared tag, detected language): what feeds and the language step produced on the real mix.
TAGS = [("en-US", "en"), ("en-gb", "en"), ("en_US", "en"), ("kn", "en"), (None, "en"), ("de-DE", "de"),
        ("de", None), ("IT-it", "it"), ("pt-BR", "pt"), (None, None)]


def mixed_articles() -> list:
    articles = []
    for i, article in enumerate(sample_articles(40, now=NOW)):
        declared, detected = TAGS[i % len(TAGS)]
        # Several days, hours apart: the shape on which trending answered 400 on every call.
        published = NOW - timedelta(days=i % 9, hours=i % 7, minutes=20)  # never within minutes of a bound
        # Two of today's items had no date in their feed: their `published` is their fetch time.
        date_source = "fetched" if i % 18 == 9 else "feed"
        articles.append(article.model_copy(update={"language": declared, "detected_language": detected,
                                                   "published": published, "fetched_at": published,
                                                   "date_source": date_source}))
    return articles


ARTICLES = mixed_articles()


@pytest.fixture
def api(settings):
    index_articles(settings, ARTICLES)
    with TestClient(create_app(settings)) as client:
        yield client


def expected(language: str) -> set[str]:
    from newsflow.contract.languages import article_language

    return {a.id for a in ARTICLES if article_language(a.detected_language, a.language) == language}


@pytest.mark.parametrize(("asked", "language"), [("en", "en"), ("de", "de"), ("it", "it"), ("pt", "pt"),
                                                 ("en-US", "en"), ("DE", "de"), ("und", "und")])
def test_the_language_filter_finds_every_article_of_that_language(api, asked, language):
    response = api.get("/search", params={"language": asked, "size": 100})
    assert response.status_code == 200, response.text
    found = {h["id"] for h in response.json()["hits"]}
    assert found == expected(language) and found


def test_the_language_facet_counts_normalised_codes(api):
    response = api.get("/search", params={"size": 1})
    assert response.status_code == 200, response.text
    facet = {b["value"]: b["count"] for b in response.json()["facets"]["language"]}
    assert facet == {code: len(expected(code)) for code in ("en", "de", "it", "pt", "und")}


@pytest.mark.parametrize("field", ["persons", "organisations", "places"])
def test_trending_answers_on_several_days_of_articles(api, field):
    response = api.get("/entities/trending", params={"field": field, "min_articles": 1})
    assert response.status_code == 200, response.text
    body = response.json()
    today = [a for a in ARTICLES if a.published >= NOW - timedelta(hours=24)]
    # Only dated articles count; the ones dated by their fetch time are left out, and counted.
    assert body["articles"] == sum(1 for a in today if a.date_source != "fetched")
    assert body["undated_left_out"] == sum(1 for a in today if a.date_source == "fetched") == 2
    assert body["entities"], body
    assert "now" not in body["window"] and "now" not in body["background"]


def test_sort_by_date_puts_the_items_without_a_date_last(api):
    response = api.get("/search", params={"sort": "date", "size": 100})
    assert response.status_code == 200, response.text
    hits = response.json()["hits"]
    assert [h["date_source"] for h in hits[-2:]] == ["fetched", "fetched"]
    dated = [h["published"] for h in hits[:-2]]
    assert dated == sorted(dated, reverse=True) and len(dated) == len(ARTICLES) - 2
