"""Feed parsing and the item -> RawArticle mapping, on the sample feed and the edge-case corpus."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsflow.errors import FeedError
from newsflow.ids import canonical_url
from producers.base import FeedSpec, FetchedFeed, load_feeds
from producers.items import parse_feed, to_article

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def articles_of(body: bytes, headers: dict[str, str] | None = None, url: str = "https://feeds.example/rss"):
    fetched = FetchedFeed(url=url, body=body, headers=headers or {})
    parsed = parse_feed(fetched)
    feed = FeedSpec(url=url)
    good, bad = [], []
    for entry in parsed.entries:
        try:
            good.append(to_article(entry, feed=feed, parsed=parsed, fetched_url=url, fetched_at=NOW))
        except ValueError as exc:
            bad.append(exc)
    return good, bad


def test_sample_feed_carries_the_seed_article(sample_feed: Path, seed_article: str):
    articles, rejected = articles_of(sample_feed.read_bytes())
    assert not rejected
    seed = articles[0]
    assert seed.url == canonical_url("https://news.example.org/2022/06/19/tokayev-meets-khamenei")
    assert seed.source == "Example World News"
    assert seed.language == "en"
    assert seed.published == datetime(2022, 6, 19, 14, 30, tzinfo=UTC)
    assert seed.version == int(seed.published.timestamp() * 1000)
    assert "Al-Farabi" in seed.text and "<p>" not in seed.text
    # Every paragraph of the product owner's article is in the item's text.
    for paragraph in seed_article.split("\n")[1:]:
        if paragraph.strip():
            assert paragraph.strip() in seed.text
    assert len({a.id for a in articles}) == len(articles) == 4


def test_an_html_page_is_not_a_feed():
    with pytest.raises(FeedError, match="HTML page"):
        articles_of(b"<!DOCTYPE html><html><body><p>hi</p></body></html>", {"content-type": "text/html"})


@pytest.mark.parametrize("name", ["empty_feed.xml", "unknown_feed.xml", "invalid.json"])
def test_documents_that_are_not_feeds_get_a_clear_error(fixtures_dir: Path, name: str):
    path = fixtures_dir / "feeds-edgecases" / "gofeed" / "universal" / name
    with pytest.raises(FeedError, match="not a feed"):
        articles_of(path.read_bytes())


def test_an_item_with_no_link_and_no_guid_is_kept_by_its_content(fixtures_dir: Path):
    body = (fixtures_dir / "feeds-edgecases" / "feed-rs" / "rss_2.0_ghost_1.xml").read_bytes()
    articles, rejected = articles_of(body)
    assert not rejected
    assert articles and all(a.url is None and a.guid is None for a in articles)
    assert all(a.title or a.text for a in articles)


def test_an_empty_item_is_skipped_not_fatal():
    body = b'<rss version="2.0"><channel><title>t</title><item></item><item><link>https://e.org/1</link></item></channel></rss>'
    articles, rejected = articles_of(body)
    assert [a.url for a in articles] == ["https://e.org/1"]
    assert len(rejected) == 1 and "some content" in str(rejected[0])


def _header(line: str) -> tuple[str, str]:
    name, _, value = line.partition(":")
    return name.strip().lower(), value.strip()


def _corpus(fixtures_dir: Path) -> list[dict]:
    return json.loads((fixtures_dir / "feeds-edgecases" / "MANIFEST.json").read_text(encoding="utf-8"))


def test_every_corpus_document_parses_or_fails_with_a_feed_error(fixtures_dir: Path):
    """287 malformed and edge-case documents: none may crash the producer, and only the four
    that are no feed at all (empty, truncated, not XML, XML of another kind) are refused."""
    articles, failed = 0, set()
    corpus = _corpus(fixtures_dir)
    assert len(corpus) > 250
    for entry in corpus:
        body = (fixtures_dir / "feeds-edgecases" / entry["file"]).read_bytes()
        headers = dict(_header(line) for line in entry.get("http_headers") or [])
        try:
            found, _empty_items = articles_of(body, headers)
        except FeedError as exc:
            assert str(exc).startswith("not a feed"), entry["file"]
            failed.add(entry["file"])
            continue
        articles += len(found)
    assert failed == {
        "feedparser/illformed/rss_empty_document.xml",
        "gofeed/universal/empty_feed.xml",
        "gofeed/universal/unknown_feed.xml",
        "gofeed/universal/invalid.json",
    }
    assert articles > 100


def test_registry_resolves_relative_paths_and_rejects_bad_entries(tmp_path: Path):
    (tmp_path / "feeds.yaml").write_text("feeds:\n  - local.xml\n  - url: https://e.org/rss\n    name: E\n")
    feeds = load_feeds(tmp_path / "feeds.yaml")
    assert feeds[0].url == str(tmp_path / "local.xml")
    assert feeds[1].name == "E"
    (tmp_path / "bad.yaml").write_text("feeds:\n  - name: no url\n")
    from newsflow.errors import ConfigError

    with pytest.raises(ConfigError, match="feed #1"):
        load_feeds(tmp_path / "bad.yaml")
