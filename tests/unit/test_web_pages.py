"""The reading pages over a stand-in Elasticsearch client (newsflow.read.web): the HTML contract
the browser tests rely on, everything a feed wrote escaped, only http(s) links to the sources,
and error pages (422, 503, 404) that still answer a page. The real cluster is in
tests/integration/test_web_pages.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser

from newsflow.errors import ServiceUnavailable
from newsflow.read.api import stories
from newsflow.read.api.guard import matches_key
from newsflow.read.web import add_web_routes
from newsflow.settings import load_settings

HOSTILE = "<img src=x onerror=alert(1)>"


def document(article_id: str, **fields: Any) -> dict[str, Any]:
    return {"article_id": article_id, "title": f"Title {article_id}", "source": "Daily Planet",
            "published": "2024-05-01T12:00:00Z", "date_source": "feed", "url": f"https://news.example.org/{article_id}",
            "summary": "A summary.", "text": "First paragraph.\n\nSecond paragraph.", "topics": ["economy"],
            "keyphrases": ["trade talks"], "language": "en",
            "entities": [{"name": "NATO", "type": "ORG", "count": 1, "first_offset": 5},
                         {"name": "Ebrahim Raisi", "type": "PERSON", "count": 2, "first_offset": 0},
                         {"name": "Tehran", "type": "GPE", "count": 3, "first_offset": 9}]} | fields


class FakeElasticsearch:
    """Answers the pages' requests from a few documents, as Elasticsearch shapes its answers."""

    def __init__(self, docs: list[dict[str, Any]], *, fail: Exception | None = None) -> None:
        self.docs = {d["article_id"]: d for d in docs}
        self.fail = fail
        self.requests: list[dict[str, Any]] = []

    def options(self, **_: Any) -> FakeElasticsearch:
        return self

    def get(self, *, index: str, id: str, **_: Any) -> dict[str, Any]:
        if self.fail:
            raise self.fail
        if index == "news-stories":
            return {"found": id == "story-1", "_id": id,
                    "_source": {"id": id, "title": HOSTILE, "first_seen": "2024-05-01T10:00:00Z",
                                "last_updated": "2024-05-01T12:00:00Z", "size": 2, "sources": 1}}
        doc = self.docs.get(id)
        return {"found": doc is not None, "_id": id, "_index": "news-articles-1", "_source": doc or {}}

    def search(self, *, index: str, **body: Any) -> dict[str, Any]:
        if self.fail:
            raise self.fail
        self.requests.append({"index": index, **body})
        aggs = body.get("aggs", {})
        if "duplicates" in aggs:
            return {"aggregations": {"duplicates": {"buckets": [{"key": k, "doc_count": 2} for k in self.docs][:1]}}}
        if "dated" in aggs:
            return {"aggregations": {"undated": {"doc_count": 1}, "dated": {"doc_count": 9, "trending": {"buckets": [
                {"key": HOSTILE, "doc_count": 4, "bg_count": 5, "score": 1.5}]}}}}
        if "feeds" in aggs:
            return {"aggregations": {"feed_count": {"value": 1}, "feeds": {"buckets": [{
                "key": "feed-1", "doc_count": 3,
                "latest": {"hits": {"hits": [{"_source": {"feed_id": "feed-1", "name": HOSTILE, "url": "https://u:p@x.example/rss",
                                                          "at": "2024-05-01T12:00:00Z", "outcome": "error", "status": "failing",
                                                          "reason": "http", "error": "HTTP 500 from https://x.example/rss?token=s3cret"}}]}},
                "succeeded": {"last": {"value": 1.0, "value_as_string": "2024-04-30T12:00:00.000Z"}},
                "recent_errors": {"doc_count": 2}}]}}}
        if index == "news-stories":
            return {"hits": {"hits": [{"_source": {"id": "story-1", "title": HOSTILE, "first_seen": "2024-05-01T10:00:00Z",
                                                   "last_updated": "2024-05-01T12:00:00Z", "size": 2, "sources": 1}}]}}
        if "more_like_this" in json.dumps(body["query"]):
            return {"hits": {"hits": [{"_source": d, "_score": 1.0} for d in list(self.docs.values())[1:]]}}
        hits = [{"_source": d, "_score": 1.0, "highlight": d.get("_highlight", {})} for d in self.docs.values()]
        return {"hits": {"total": {"value": len(hits) * 20}, "hits": hits},
                "aggregations": {name: {"buckets": [{"key": HOSTILE if name == "persons" else f"{name} value", "doc_count": 3}]}
                                 for name in ("source", "language", "topics", "persons", "organisations", "places")}}


def pages(client: FakeElasticsearch, **api: Any) -> TestClient:
    app = FastAPI()
    settings = load_settings(elasticsearch={"url": "http://127.0.0.1:9"}, api=api)
    add_web_routes(app, client=client, settings=settings, check_key=matches_key, stories=stories)
    return TestClient(app)


def parsed(response) -> LexborHTMLParser:
    assert response.headers["content-type"].startswith("text/html")
    return LexborHTMLParser(response.text)


def no_injected_markup(page: LexborHTMLParser) -> None:
    assert not page.css("img") and not page.css("script"), "a feed's markup became elements"
    assert all(not a.attributes.get("href", "").lower().startswith("javascript:") for a in page.css("a"))


@pytest.fixture
def hostile() -> TestClient:
    # Titles are cleaned of markup on the way out (markup_free): the tag goes, the rest stays text.
    docs = [document("a1", title=f"Tom & Jerry {HOSTILE}", source=HOSTILE, url="javascript:alert(1)", text=f"Para {HOSTILE}",
                     _highlight={"text": ["the <mark>trade</mark> &lt;b&gt; <img src=y onerror=alert(2)>"]}),
            document("a2")]
    return pages(FakeElasticsearch(docs))


def test_search_page_contract(hostile: TestClient) -> None:
    response = hostile.get("/", params={"q": "trade", "topic": "economy", "collapse_duplicates": "true"})
    assert response.status_code == 200
    page = parsed(response)
    assert page.css_first("html").attributes["lang"] == "en"
    assert page.css_first("form#search").attributes == {"id": "search", "method": "get", "action": "/", "role": "search"}
    assert page.css_first("input[name=q]").attributes["value"] == "trade"
    assert page.css_first("input[type=checkbox][name=collapse_duplicates]").attributes["value"] == "true"
    assert page.css_first("#total").text() == "40 articles"
    hits = page.css("ol#results > li.hit")
    assert len(hits) == 2
    first = hits[0]
    assert first.css_first("a.hit-title").text() == "Tom & Jerry"
    assert first.css_first("a.hit-title").attributes["href"] == "/ui/articles/a1"
    assert first.css_first(".hit-source").text() == HOSTILE
    assert first.css_first("time.hit-date").attributes["datetime"] == "2024-05-01T12:00:00Z"
    assert first.css_first(".hit-entities").text() == "Tehran (GPE), Ebrahim Raisi (PERSON), NATO (ORG)"
    snippet = first.css_first("p.hit-snippet")
    assert [m.text() for m in snippet.css("mark")] == ["trade"]
    assert snippet.text() == "the trade <b> <img src=y onerror=alert(2)>"
    assert first.css_first(".hit-duplicates").text() == "2 duplicates"
    no_injected_markup(page)
    facets = {f.attributes["data-field"]: f for f in page.css("#facets div.facet")}
    assert list(facets) == ["source", "language", "topics", "persons", "organisations", "places"]
    person = facets["persons"].css_first("a.facet-value")
    assert person.text(deep=False).strip() == HOSTILE and person.css_first(".count").text() == "3"
    [active] = page.css("a.active-filter")
    assert "economy" in active.text() and active.attributes["href"] == "/?q=trade&collapse_duplicates=true"
    assert page.css_first("#pages a[rel=next]").attributes["href"] == (
        "/?q=trade&topic=economy&offset=20&collapse_duplicates=true")
    assert page.css_first("#pages a[rel=prev]") is None


def test_every_input_has_a_label_and_every_page_the_landmarks(hostile: TestClient) -> None:
    for path in ["/", "/ui/articles/a1", "/ui/stories", "/ui/stories/story-1", "/ui/trending", "/ui/feeds"]:
        page = parsed(hostile.get(path))
        assert [a.attributes["href"] for a in page.css("nav#site li a")] == ["/", "/ui/stories", "/ui/trending", "/ui/feeds"]
        assert page.css_first("main") and page.css_first("a.skip-link").attributes["href"] == "#content"
        labels = {label.attributes.get("for") for label in page.css("label")}
        for field in page.css("input, select"):
            if field.attributes.get("type") != "hidden":
                assert field.attributes.get("id") in labels, (path, field.html)
        no_injected_markup(page)


def test_article_page_contract_and_escaping(hostile: TestClient) -> None:
    page = parsed(hostile.get("/ui/articles/a1"))
    assert page.css_first("h1#title").text() == "Tom & Jerry"
    assert page.css_first("#source-link") is None  # javascript: is no link
    assert [p.text() for p in page.css("#text p")] == [f"Para {HOSTILE}"]
    groups = {ul.attributes["data-type"]: [li.text(separator=" ").split() for li in ul.css("li")]
              for ul in page.css("#entities ul")}
    assert list(groups) == ["PERSON", "ORG", "GPE"]
    assert groups["PERSON"] == [["Ebrahim", "Raisi", "2"]]
    assert [li.text() for li in page.css("#topics li")] == ["economy"]
    assert [li.text() for li in page.css("#keyphrases li")] == ["trade talks"]
    assert page.css_first("#duplicates").text().startswith("2 near-duplicates")
    assert [a.attributes["href"] for a in page.css("#related li a")] == ["/ui/articles/a2"]
    no_injected_markup(page)
    safe = parsed(hostile.get("/ui/articles/a2")).css_first("a#source-link")
    assert safe.attributes["href"] == "https://news.example.org/a2"
    assert safe.attributes["rel"] == "noopener noreferrer nofollow"


def test_an_article_without_topics_or_key_phrases_says_so() -> None:
    # An empty heading read as a page that failed to load (issue 20's review).
    page = parsed(pages(FakeElasticsearch([document("a1", topics=[], keyphrases=None)])).get("/ui/articles/a1"))
    assert page.css_first("#topics") is None and page.css_first("#keyphrases") is None
    assert page.css_first("#no-topics").text() == "No topic assigned."
    assert page.css_first("#no-keyphrases").text() == "No key phrases found."


@pytest.mark.parametrize(("template", "context", "selector"), [
    ("article.html", {"article": {"title": HOSTILE, "duplicates": 0}, "entities": [], "related": []}, "h1#title"),
    ("story.html", {"story": stories.StoryDetail(id="s", title=HOSTILE, first_seen="2024-05-01T00:00:00Z",
                                                 last_updated="2024-05-01T00:00:00Z", size=1, sources=1,
                                                 articles_total=0, articles=[])}, "h1#title"),
])
def test_a_hostile_title_renders_as_text(template: str, context: dict[str, Any], selector: str) -> None:
    """Whatever reaches a template (a title indexed before titles were cleaned): text, not markup."""
    from newsflow.read.web.render import environment

    html = environment().get_template(template).render(root="", nav=(), section="", error=None, **context)
    page = LexborHTMLParser(html)
    assert page.css_first(selector).text() == HOSTILE
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    no_injected_markup(page)


def test_an_unknown_article_is_a_404_page(hostile: TestClient) -> None:
    response = hostile.get("/ui/articles/nope<script>")
    assert response.status_code == 404
    error = parsed(response).css_first("div#error[role=alert]")
    assert "nope<script>" in error.text()
    assert "<script>" not in response.text


@pytest.mark.parametrize("path", ["/ui/nope", "/ui/articles", "/ui/feeds/extra/<b>x</b>"])
def test_an_unknown_page_is_a_404_page_not_json(hostile: TestClient, path: str) -> None:
    response = hostile.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    page = parsed(response)
    assert page.css_first("h1").text() == "Page not found"
    assert "<b>" not in response.text


def test_stories_trending_and_feeds_pages(hostile: TestClient) -> None:
    listed = parsed(hostile.get("/ui/stories", params={"sort": "latest"}))
    [story] = listed.css("ol#stories > li.story")
    assert story.css_first("a").attributes["href"] == "/ui/stories/story-1" and story.css_first("a").text() == HOSTILE
    one = parsed(hostile.get("/ui/stories/story-1"))
    assert one.css_first("h1#title").text() == HOSTILE
    assert [a.attributes["href"] for a in one.css("ol#story-articles li a")] == ["/ui/articles/a1", "/ui/articles/a2"]
    trending = parsed(hostile.get("/ui/trending", params={"field": "organisations"}))
    [entity] = trending.css("ol#trending li")
    assert entity.css_first("a").text() == HOSTILE and entity.css_first(".count").text() == "4"
    feeds = parsed(hostile.get("/ui/feeds"))
    [row] = feeds.css("table#feeds tbody tr")
    assert row.css_first(".feed-name").text(deep=False) == HOSTILE
    assert row.css_first(".feed-status").text() == "failing" and row.css_first(".feed-errors").text() == "2"
    assert "s3cret" not in feeds.html and "u:p@" not in feeds.html
    for page in (listed, one, trending, feeds):
        no_injected_markup(page)


def test_a_bad_parameter_is_a_422_page_naming_it() -> None:
    client = pages(FakeElasticsearch([document("a1")]))
    for params, name in [({"since": "yesterday"}, "since"), ({"sort": "popular"}, "sort"), ({"offset": "x"}, "offset"),
                         ({"q": "x" * 1001}, "q"), ({"q": "a* b* c*"}, "q")]:
        response = client.get("/", params=params)
        assert response.status_code == 422, params
        page = parsed(response)
        assert f"{name}:" in page.css_first("div#error[role=alert]").text()
        assert page.css_first("form#search") is not None  # the reader can correct it
    assert client.get("/ui/stories", params={"sort": "popular"}).status_code == 422
    assert client.get("/ui/trending", params={"field": "topics"}).status_code == 422


def test_elasticsearch_down_is_a_503_page_with_one_sentence() -> None:
    down = ServiceUnavailable("Elasticsearch is not reachable at https://elastic:hunter2@es.example:9200 (ConnectionError)")
    client = pages(FakeElasticsearch([], fail=down))
    for path in ["/", "/ui/articles/a1", "/ui/stories", "/ui/stories/s", "/ui/trending", "/ui/feeds"]:
        response = client.get(path)
        assert response.status_code == 503, path
        message = parsed(response).css_first("div#error[role=alert]").text()
        assert message.endswith("(ConnectionError).") and "hunter2" not in response.text
        assert "Traceback" not in response.text


def test_empty_results() -> None:
    client = pages(FakeElasticsearch([]))
    page = parsed(client.get("/", params={"q": "nothing"}))
    assert page.css_first("p#empty").text() == "No articles match"
    assert page.css_first("#total").text() == "0 articles" and not page.css("li.hit")


def test_pages_carry_a_strict_content_security_policy(hostile: TestClient) -> None:
    response = hostile.get("/")
    assert "script-src" not in response.headers["content-security-policy"]
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert response.headers["x-content-type-options"] == "nosniff"
    css = hostile.get("/static/site.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


def test_pages_stay_out_of_the_openapi_description(hostile: TestClient) -> None:
    assert not any(p == "/" or p.startswith(("/ui", "/login", "/static")) for p in hostile.app.openapi()["paths"])
