"""An article's page, its story's page and the other pages (stories, trending, feeds) in a real browser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from tests.browser.pages import every, hits, navigates, one, path, search


def texts(elements) -> list[str]:
    return [e.text.strip() for e in elements]


def path_of(link) -> str:
    return urlsplit(link.get_attribute("href") or "").path


def test_an_article_shows_its_entities_topics_story_and_related(api, sample, driver, shot):
    article = next(a for a in sample.articles if a.id == sample.original)  # sample0006: Sophie Adenot's, copied twice
    story = sample.stories["Sophie Adenot"]
    driver.get(api.at("/"))
    search(driver, "Adenot")
    [hit] = [h for h in hits(driver) if h.id == article.id]
    navigates(driver, one(driver, f"ol#results a.hit-title[href$='/ui/articles/{article.id}']").click)

    assert path(driver) == f"/ui/articles/{article.id}"
    assert one(driver, "h1#title").text == article.title == hit.title
    assert article.text in one(driver, "#text").text
    entities = one(driver, "section#entities")
    groups = {group.get_attribute("data-type"): texts(every(group, "li")) for group in every(entities, "ul[data-type]")}
    for entity in article.entities:
        assert entity.type in groups, f"no group for {entity.type}: {groups}"
        assert any(entity.name in shown for shown in groups[entity.type]), f"{entity.name} not under {entity.type}: {groups}"
    assert sum(len(names) for names in groups.values()) == len(article.entities), groups
    assert texts(every(driver, "ul#topics li")) == list(article.topics)
    assert "2" in one(driver, "p#duplicates").text, "the article has two near-duplicates indexed"
    related = every(driver, "ol#related li a")
    assert related and all("/ui/articles/" in (a.get_attribute("href") or "") for a in related)
    assert f"/ui/articles/{article.id}" not in [path_of(a) for a in related], "an article is listed as related to itself"
    shot(driver, "article")

    link = one(driver, "a#story")
    assert path_of(link) == f"/ui/stories/{story.id}"
    navigates(driver, link.click)
    assert path(driver) == f"/ui/stories/{story.id}"
    assert one(driver, "h1#title").text == story.title
    members = {a.id for a in sample.articles if a.story_id == story.id}
    listed = {path_of(a).rsplit("/", 1)[-1] for a in every(driver, "ol#story-articles li a")}
    assert listed == members and len(members) == 9
    assert one(driver, "nav#site").is_displayed()


def index_feed_health(settings) -> None:
    """Two feeds' fetches the way the feed-health sink indexes them: one fine, one failing."""
    from newsflow.contract.schema import FeedHealthEvent, encode
    from newsflow.index.indices import make_client
    from producers.base import feed_id
    from sinks.feed_health import FeedHealthSink
    from tests.integration.test_feed_health_sink import record

    now = datetime.now(UTC)
    ok_url, failing_url = "https://fine.example.org/rss", "https://broken.example.org/feed"
    events = [
        FeedHealthEvent(feed_id=feed_id(ok_url), url=ok_url, name="Fine Feed", at=now - timedelta(minutes=30),
                        outcome="ok", status="ok", items=12, emitted=4),
        FeedHealthEvent(feed_id=feed_id(failing_url), url=failing_url, name="Broken Feed", at=now - timedelta(minutes=5),
                        outcome="error", status="failing", reason="http-status", error="HTTP 503 Service Unavailable"),
    ]
    es = settings.elasticsearch
    client = make_client(es)
    try:
        sink = FeedHealthSink(client=client, index=es.feed_health_index, url=es.url)
        writes, rejected = sink.prepare([record(encode(e), i) for i, e in enumerate(events)])
        assert rejected == [] and sink.deliver(writes) == []
        client.indices.refresh(index=es.feed_health_index)
    finally:
        client.close()


def test_the_stories_trending_and_feeds_pages(api, sample, settings, driver):
    index_feed_health(settings)
    driver.get(api.at("/ui/stories"))
    stories = every(driver, "ol#stories li.story a")
    by_update = sorted(sample.stories.values(), key=lambda s: s.last_updated, reverse=True)
    assert [path_of(a) for a in stories] == [f"/ui/stories/{s.id}" for s in by_update]
    assert stories[0].text.strip() == by_update[0].title
    navigates(driver, stories[0].click)
    assert one(driver, "h1#title").text == by_update[0].title and every(driver, "ol#story-articles li")

    navigates(driver, one(driver, "nav#site a[href='/ui/trending']").click)
    assert path(driver) == "/ui/trending"
    trending = texts(every(driver, "ol#trending li a"))
    assert trending, "nothing trending on the sample"

    navigates(driver, one(driver, "nav#site a[href='/ui/feeds']").click)
    assert path(driver) == "/ui/feeds"
    rows = {one(row, "th").text.split("\n")[0]: row for row in every(driver, "table#feeds tbody tr")}
    assert list(rows) == ["Broken Feed", "Fine Feed"]
    assert "HTTP 503 Service Unavailable" in rows["Broken Feed"].text and "failing" in rows["Broken Feed"].text
    assert "HTTP 503" not in rows["Fine Feed"].text

    navigates(driver, one(driver, "nav#site a[href='/']").click)
    assert path(driver) == "/" and one(driver, "form#search input[name=q]").is_displayed()
