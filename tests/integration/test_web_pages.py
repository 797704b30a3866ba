"""The reading pages of `newsflow api` (newsflow.read.web) over the real Elasticsearch, through
the API's own app (create_app) and FastAPI's TestClient: each page's HTML contract against the
sample articles, stories and feed-health events, the error page with Elasticsearch unreachable,
and signing in with keys configured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser

from newsflow.contract.schema import FeedHealthEvent
from newsflow.index.indices import make_client
from newsflow.read.api.app import create_app
from newsflow.read.api.guard import new_key
from newsflow.read.search import trending_entities
from sinks.feed_health import document_id, to_health_document
from tests.integration.test_story_sink import index_story_sample

NOW = datetime.now(UTC).replace(microsecond=0)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def site(settings):
    """The API (pages included) over the story sample: 28 articles in four stories, two of them
    near-duplicates, and two feeds' fetch outcomes."""
    sample = index_story_sample(settings, NOW)
    index_feed_health(settings)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client, sample


def index_feed_health(settings) -> None:
    def event(url: str, minutes: int, outcome: str, status: str, **fields) -> FeedHealthEvent:
        return FeedHealthEvent(feed_id=f"feed-{url.split('/')[2]}", url=url, at=NOW - timedelta(minutes=minutes),
                               outcome=outcome, status=status, **({"name": None} | fields))

    events = [
        event("https://a.example/rss", 90, "ok", "ok", name="Alpha <b>News</b>", items=5),
        event("https://a.example/rss", 30, "error", "failing", name="Alpha <b>News</b>", reason="http",
              error="HTTP 503 from https://user:hunter2@a.example/rss"),
        event("https://a.example/rss", 10, "error", "failing", name="Alpha <b>News</b>", reason="http", error="HTTP 503"),
        event("https://b.example/feed?token=s3cret", 5, "not-modified", "ok"),
    ]
    client = make_client(settings.elasticsearch)
    try:
        for e in events:
            client.index(index=settings.elasticsearch.feed_health_index, id=document_id(e), document=to_health_document(e))
        client.indices.refresh(index=settings.elasticsearch.feed_health_index)
    finally:
        client.close()


def page(response, status: int = 200) -> LexborHTMLParser:
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].startswith("text/html")
    parsed = LexborHTMLParser(response.text)
    assert [a.text() for a in parsed.css("nav#site a")][-4:] == ["Search", "Stories", "Trending", "Feeds"]
    return parsed


def follow(client: TestClient, link) -> LexborHTMLParser:
    return page(client.get(link.attributes["href"]))


def hit_ids(parsed: LexborHTMLParser) -> list[str]:
    return [a.attributes["href"].rsplit("/", 1)[1] for a in parsed.css("li.hit a.hit-title")]


def test_the_search_page_is_the_api_s_home(site):
    client, sample = site
    home = page(client.get("/"))
    assert home.css_first("#total").text() == f"{len(sample.articles)} articles"
    second = follow(client, home.css_first("#pages a[rel=next]"))
    assert second.css_first("#pages a[rel=next]") is None
    assert (len(hit_ids(home)), len(hit_ids(second))) == (20, len(sample.articles) - 20)
    assert set(hit_ids(home) + hit_ids(second)) == {a.id for a in sample.articles}
    dates = [t.attributes["datetime"] for p in (home, second) for t in p.css("li.hit time.hit-date")]
    assert [datetime.fromisoformat(d) for d in dates] == sorted((datetime.fromisoformat(d) for d in dates), reverse=True)
    assert hit_ids(follow(client, second.css_first("#pages a[rel=prev]"))) == hit_ids(home)


def test_search_with_words_filters_marks_and_facets(site):
    client, sample = site
    found = page(client.get("/", params={"q": "trade", "entity": "Ebrahim Raisi", "sort": "date"}))
    raisi = sorted((a for a in sample.articles if any(e.name == "Ebrahim Raisi" for e in a.entities)),
                   key=lambda a: a.published, reverse=True)
    assert found.css_first("#total").text() == f"{len(raisi)} articles"
    assert hit_ids(found) == [a.id for a in raisi]
    for hit in found.css("li.hit"):
        assert [m.text() for m in hit.css(".hit-snippet mark")] == ["trade"]
        assert "Ebrahim Raisi (PERSON)" in hit.css_first(".hit-entities").text()
        assert hit.css_first(".hit-source").text() and hit.css_first("time.hit-date").attributes["datetime"]
    facets = {f.attributes["data-field"]: f for f in found.css("#facets div.facet")}
    assert set(facets) == {"source", "language", "topics", "persons", "organisations", "places"}
    [active] = found.css("a.active-filter")
    assert "Ebrahim Raisi" in active.text()
    # A place facet narrows to that place; its active filter's link widens again.
    tehran = next(a for a in facets["places"].css("a.facet-value") if a.text(deep=False).strip() == "Tehran")
    narrowed = follow(client, tehran)
    query = dict(parse_qsl(urlsplit(tehran.attributes["href"]).query))
    assert query == {"q": "trade", "entity": "Tehran", "sort": "date"}  # one entity filter: Tehran replaced Raisi
    in_tehran = [a for a in sample.articles if any(e.name == "Tehran" for e in a.entities)]
    assert narrowed.css_first("#total").text() == f"{len(in_tehran)} articles"
    widened = follow(client, next(a for a in narrowed.css("a.active-filter") if "Tehran" in a.text()))
    assert widened.css_first("#total").text() == f"{len(sample.articles)} articles"


def test_collapsed_duplicates_and_dates(site):
    client, sample = site
    collapsed = page(client.get("/", params={"entity": "Sophie Adenot", "collapse_duplicates": "true"}))
    adenot = [a for a in sample.articles if any(e.name == "Sophie Adenot" for e in a.entities)]
    assert collapsed.css_first("#total").text() == f"{len(adenot) - len(sample.duplicates)} articles"
    shown = {a.attributes["href"].rsplit("/", 1)[1]: li.css_first(".hit-duplicates").text()
             for li in collapsed.css("li.hit") for a in [li.css_first("a.hit-title")]}
    assert shown[sample.original] == "2 duplicates" and not set(sample.duplicates) & set(shown)
    assert "checked" in collapsed.css_first("input[name=collapse_duplicates]").attributes
    recent = page(client.get("/", params={"since": "now-150m", "until": "now"}))
    assert set(hit_ids(recent)) == {a.id for a in sample.articles if a.published >= NOW - timedelta(minutes=150)}
    assert recent.css_first("input[name=since]").attributes["value"] == "now-150m"
    assert page(client.get("/", params={"q": "nothing-matches-this"})).css_first("#empty").text() == "No articles match"


def test_an_article_page(site):
    client, sample = site
    article = next(a for a in sample.articles if a.id == sample.original)
    found = page(client.get(f"/ui/articles/{article.id}"))
    assert found.css_first("h1#title").text() == article.title
    link = found.css_first("a#source-link")
    assert link.attributes["href"] == article.url and link.attributes["rel"] == "noopener noreferrer nofollow"
    assert article.text.split(".")[0] in found.css_first("#text").text()
    groups = {ul.attributes["data-type"]: {li.css_first("a").text(): int(li.css_first(".count").text()) for li in ul.css("li")}
              for ul in found.css("#entities ul")}
    assert groups == {e.type: {e.name: e.count} for e in article.entities}
    assert [li.text() for li in found.css("#topics li")] == list(article.topics)
    assert found.css_first("a#story").attributes["href"] == f"/ui/stories/{article.story_id}"
    assert found.css_first("#duplicates").text().startswith("2 near-duplicates")
    related = [a.attributes["href"] for a in found.css("ol#related li a")]
    assert related and all(h.startswith("/ui/articles/") and not h.endswith(f"/{article.id}") for h in related)
    missing = page(client.get("/ui/articles/no-such-article"), 404)
    assert "no-such-article" in missing.css_first("div#error[role=alert]").text()


def test_stories_pages(site):
    client, sample = site
    latest = page(client.get("/ui/stories", params={"sort": "latest"}))
    by_update = sorted(sample.stories.values(), key=lambda s: s.last_updated, reverse=True)
    links = latest.css("ol#stories li.story > a")
    assert [a.attributes["href"] for a in links] == [f"/ui/stories/{s.id}" for s in by_update]
    assert [a.text() for a in links] == [s.title for s in by_update]
    growing = page(client.get("/ui/stories", params={"sort": "growing"}))
    assert growing.css_first("ol#stories li.story > a").attributes["href"] == f"/ui/stories/{sample.stories['Sophie Adenot'].id}"
    story = sample.stories["Sophie Adenot"]
    one = follow(client, next(a for a in links if a.attributes["href"].endswith(story.id)))
    assert one.css_first("h1#title").text() == story.title
    members = sorted((a for a in sample.articles if a.story_id == story.id), key=lambda a: a.published, reverse=True)
    assert [a.attributes["href"] for a in one.css("ol#story-articles li a")] == [f"/ui/articles/{a.id}" for a in members]
    page(client.get("/ui/stories/no-such-story"), 404)
    page(client.get("/ui/stories", params={"sort": "popular"}), 422)


def test_trending_page(site, settings):
    client, _ = site
    shown = page(client.get("/ui/trending", params={"field": "persons"}))
    es = make_client(settings.elasticsearch)
    try:
        expected = trending_entities(es, settings.elasticsearch, "persons", size=20)
    finally:
        es.close()
    items = shown.css("ol#trending li")
    assert [(li.css_first("a").text(), int(li.css_first(".count").text())) for li in items] == [
        (e.name, e.count) for e in expected.entities]
    assert "Sophie Adenot" in [e.name for e in expected.entities]  # five of the day's twelve articles
    adenot = next(li.css_first("a") for li in items if li.css_first("a").text() == "Sophie Adenot")
    assert "entity=Sophie+Adenot" in adenot.attributes["href"]
    page(client.get("/ui/trending", params={"field": "topics"}), 422)


def test_feeds_page(site):
    client, _ = site
    shown = page(client.get("/ui/feeds"))
    rows = shown.css("table#feeds tbody tr")
    assert [r.css_first(".feed-name").text(deep=False) for r in rows] == ["Alpha <b>News</b>", "https://b.example/feed?token=***"]
    alpha, beta = rows
    assert alpha.css_first(".feed-status").text() == "failing" and alpha.css_first(".feed-errors").text() == "2"
    assert alpha.css_first(".feed-outcome").text().startswith("error")
    assert alpha.css_first(".feed-success time").attributes["datetime"].startswith((NOW - timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M"))
    assert beta.css_first(".feed-outcome").text().startswith("not-modified") and beta.css_first(".feed-errors").text() == "0"
    assert "hunter2" not in shown.html and "s3cret" not in shown.html and not shown.css("b")


def test_every_page_answers_503_with_elasticsearch_unreachable(settings):
    down = settings.model_copy(update={"elasticsearch": settings.elasticsearch.model_copy(
        update={"url": "http://127.0.0.1:1", "request_timeout_s": 2})})
    with TestClient(create_app(down)) as client:
        for path in ["/", "/?q=trade", "/ui/articles/sample0001", "/ui/stories", "/ui/stories/s", "/ui/trending", "/ui/feeds"]:
            error = page(client.get(path), 503).css_first("div#error[role=alert]").text()
            assert "not reachable" in error and error.endswith(".") and "Traceback" not in error, path
        assert page(client.get("/", params={"since": "soon"}), 422).css_first("div#error").text().count("since") == 1


def test_signing_in_with_keys_configured(site, settings):
    key, hashed = new_key()
    keyed = settings.model_copy(update={"api": settings.api.model_copy(update={"keys": [hashed]})})
    with TestClient(create_app(keyed), follow_redirects=False) as client:
        assert client.get("/").headers["location"] == "/login"
        assert client.get("/ui/feeds").headers["location"] == "/login"
        assert client.get("/search").status_code == 401  # the JSON API is unchanged
        assert client.get("/static/site.css").status_code == 200
        form = page(client.get("/login"))
        assert form.css_first("form#login input[name=key]").attributes["type"] == "password"
        wrong = page(client.post("/login", content="key=nf_wrong", headers=FORM), 401)
        assert wrong.css_first("div#error[role=alert]") and wrong.css_first("form#login")
        signed_in = client.post("/login", content=f"key={key}", headers=FORM)
        assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/")
        assert "HttpOnly" in signed_in.headers["set-cookie"] and "samesite=strict" in signed_in.headers["set-cookie"].lower()
        cookie = {"Cookie": f"newsflow_key={key}"}
        client.cookies.clear()
        assert page(client.get("/", headers=cookie)).css_first("#total").text().endswith("articles")
        assert client.get("/search", headers=cookie).json()["total"] == len(site[1].articles)
