"""Feed parsing (`parse_feed` -> `ParsedFeed`) and the item -> RawArticle mapping.

The HTTP-served run over the whole edge-case corpus, with its expectations, is in
test_feed_corpus.py; here the corpus is parsed from memory, without the fetcher.
"""

from __future__ import annotations

import codecs
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsflow.contract.ids import article_id, canonical_url
from newsflow.contract.schema import RawArticle
from newsflow.errors import FeedError
from newsflow.net.response import FetchedFeed
from producers.base import FeedSpec, ParsedFeed
from producers.charsets import decode_xml
from producers.items import FUTURE_TOLERANCE, parse_feed, to_article
from producers.registry import load_registry

NOW = datetime(2026, 1, 1, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)
URL = "https://feeds.example/news/rss"


def parse(body: bytes, headers: dict[str, str] | None = None, url: str = URL) -> ParsedFeed:
    return parse_feed(FetchedFeed(url=url, body=body, headers=headers or {}))


def articles_of(
    body: bytes, headers: dict[str, str] | None = None, url: str = URL, spec: FeedSpec | None = None
) -> tuple[list[RawArticle], list[ValueError]]:
    parsed = parse(body, headers, url)
    feed = spec or FeedSpec(url=url)
    good, bad = [], []
    for entry in parsed.entries:
        try:
            good.append(to_article(entry, feed=feed, parsed=parsed, fetched_url=url, fetched_at=NOW))
        except ValueError as exc:
            bad.append(exc)
    return good, bad


def one_article(body: bytes, headers: dict[str, str] | None = None, **kwargs) -> RawArticle:
    articles, rejected = articles_of(body, headers, **kwargs)
    assert not rejected and len(articles) == 1
    return articles[0]


def rss(items: str, channel: str = "", declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return (
        f'{declaration}<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Feed</title><link>https://site.example/</link>{channel}{items}</channel></rss>"
    )


def rfc822(moment: datetime) -> str:
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")


# ── the sample feed and what is not a feed ──────────────────────────────────────────────


def test_sample_feed_carries_the_seed_article(sample_feed: Path, seed_article: str):
    articles, rejected = articles_of(sample_feed.read_bytes())
    assert not rejected
    seed = articles[0]
    assert seed.url == canonical_url("https://news.example.org/2022/06/19/tokayev-meets-khamenei")
    assert seed.source == "Example World News"
    assert seed.language == "en"
    assert seed.published == datetime(2022, 6, 19, 14, 30, tzinfo=UTC)
    assert seed.published_reported is None
    assert seed.version == int(seed.published.timestamp() * 1000)
    assert "Al-Farabi" in seed.text and "<p>" not in seed.text
    # Every paragraph of the product owner's article is in the item's text.
    for paragraph in seed_article.split("\n")[1:]:
        if paragraph.strip():
            assert paragraph.strip() in seed.text
    assert len({a.id for a in articles}) == len(articles) == 4


def test_an_html_page_is_not_a_feed():
    with pytest.raises(FeedError, match="HTML page") as caught:
        articles_of(b"<!DOCTYPE html><html><body><p>hi</p></body></html>", {"content-type": "text/html"})
    assert caught.value.fields["reason"] == "not-a-feed"


def test_an_html_page_that_announces_its_feed_says_where():
    page = (
        b"<!doctype html><html><head><title>Blog</title>"
        b'<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml"></head><body>x</body></html>'
    )
    with pytest.raises(FeedError, match=r"HTML page \(it announces a feed at https://blog\.example/feed\.xml\)"):
        parse(page, {"content-type": "text/html; charset=utf-8"}, url="https://blog.example/")


@pytest.mark.parametrize("name", ["empty_feed.xml", "unknown_feed.xml", "invalid.json"])
def test_documents_that_are_not_feeds_get_a_clear_error(fixtures_dir: Path, name: str):
    path = fixtures_dir / "feeds-edgecases" / "gofeed" / "universal" / name
    with pytest.raises(FeedError, match="not a feed") as caught:
        articles_of(path.read_bytes())
    assert caught.value.fields["reason"] == "not-a-feed"


def test_a_body_is_never_taken_for_a_file_path(tmp_path: Path):
    # feedparser.parse(bytes) opens the bytes as a path when it can: a server's answer must not
    # make the producer read a local file.
    local = tmp_path / "secret.xml"
    local.write_text(rss("<item><title>local file</title><link>https://e.org/1</link></item>"))
    with pytest.raises(FeedError, match="not a feed"):
        parse(str(local).encode())


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


def test_a_small_defect_is_noted_on_one_line_and_the_items_kept():
    parsed = parse(rss("<item><title>A & B</title><link>https://e.org/1</link></item>").encode())
    assert parsed.defect and "\n" not in parsed.defect and "SAXParseException" in parsed.defect
    assert len(parsed.entries) == 1


def _header(line: str) -> tuple[str, str]:
    name, _, value = line.partition(":")
    return name.strip().lower(), value.strip()


def test_every_corpus_document_parses_or_fails_with_a_feed_error(fixtures_dir: Path):
    """287 malformed and edge-case documents: none may crash the producer, and only the four
    that are no feed at all (empty, truncated, not XML, XML of another kind) are refused."""
    articles, failed = 0, set()
    corpus = json.loads((fixtures_dir / "feeds-edgecases" / "MANIFEST.json").read_text(encoding="utf-8"))
    assert len(corpus) > 250
    for entry in corpus:
        body = (fixtures_dir / "feeds-edgecases" / entry["file"]).read_bytes()
        headers = dict(_header(line) for line in entry.get("http_headers") or [])
        try:
            found, _empty_items = articles_of(body, headers)
        except FeedError as exc:
            assert str(exc).startswith("not a feed"), entry["file"]
            assert exc.fields["reason"] == "not-a-feed"
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


# ── feed-level fields ───────────────────────────────────────────────────────────────────


def test_rss_ttl_is_the_publisher_interval():
    assert parse(rss("", "<ttl>60</ttl>").encode()).publisher_interval_s == 3600.0


@pytest.mark.parametrize(
    ("channel", "interval"),
    [
        ("<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>", 1800.0),
        ("<sy:updatePeriod>daily</sy:updatePeriod>", 86400.0),  # frequency defaults to 1
        (" <sy:updatePeriod> Weekly </sy:updatePeriod><sy:updateFrequency>7</sy:updateFrequency>", 86400.0),
        ("<ttl>15</ttl><sy:updatePeriod>daily</sy:updatePeriod>", 900.0),  # <ttl> first
        ("<sy:updatePeriod>sometimes</sy:updatePeriod>", None),
        ("<ttl>soon</ttl>", None),
        ("<ttl>-5</ttl>", None),
        ("", None),
    ],
)
def test_syndication_module_interval(channel: str, interval: float | None):
    assert parse(rss("", channel).encode()).publisher_interval_s == interval


def test_hub_and_self_links_of_an_rss_feed():
    channel = (
        '<atom:link rel="self" type="application/rss+xml" href="https://feeds.example/news/rss"/>'
        '<atom:link rel="hub" href="https://pubsubhubbub.example/"/>'
    )
    parsed = parse(rss("", channel).encode())
    assert parsed.hub == "https://pubsubhubbub.example/"
    assert parsed.self_url == "https://feeds.example/news/rss"
    assert parsed.link == "https://site.example/"
    assert parsed.title == "Feed"


def test_atom_feed_fields():
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
  <title type="html">Nachrichten &amp;amp; &lt;b&gt;mehr&lt;/b&gt;</title>
  <link rel="alternate" href="https://atom.example/"/>
  <link rel="self" href="https://atom.example/feed.atom"/>
  <link rel="hub" href="https://hub.example/"/>
  <updated>2025-12-31T10:00:00Z</updated>
  <entry><id>tag:atom.example,2025:1</id><title>Eins</title><updated>2025-12-31T10:00:00+01:00</updated>
    <link href="/2025/eins"/></entry>
</feed>"""
    parsed = parse(body, {"content-type": "application/atom+xml"}, url="https://atom.example/feed.atom")
    assert parsed.title == "Nachrichten & mehr"
    assert parsed.link == "https://atom.example/"
    assert parsed.self_url == "https://atom.example/feed.atom"
    assert parsed.hub == "https://hub.example/"
    assert parsed.language == "de"
    assert parsed.publisher_interval_s is None
    (article,) = [
        to_article(e, feed=FeedSpec(url="https://atom.example/feed.atom"), parsed=parsed,
                   fetched_url="https://atom.example/feed.atom", fetched_at=NOW)
        for e in parsed.entries
    ]  # fmt: skip
    assert article.url == "https://atom.example/2025/eins"
    assert article.guid == "tag:atom.example,2025:1"
    # Only <updated>: the item is dated by it, not by its fetch.
    assert article.updated == article.published == datetime(2025, 12, 31, 9, 0, tzinfo=UTC)
    assert article.language == "de"


# ── dates and versions ──────────────────────────────────────────────────────────────────


def test_a_future_publish_date_is_clamped_to_the_fetch_and_kept_as_reported():
    future = NOW + timedelta(days=2)
    article = one_article(rss(f"<item><link>https://e.org/1</link><pubDate>{rfc822(future)}</pubDate></item>").encode())
    assert article.published == NOW
    assert article.published_reported == future
    assert article.version == NOW_MS  # never the future date: it would outrank every real update


def test_a_publish_date_within_the_tolerance_is_kept():
    soon = NOW + FUTURE_TOLERANCE - timedelta(seconds=1)
    article = one_article(rss(f"<item><link>https://e.org/1</link><pubDate>{rfc822(soon)}</pubDate></item>").encode())
    assert article.published == soon and article.published_reported is None
    assert article.version == int(soon.timestamp() * 1000)


def test_a_future_updated_time_is_dropped():
    past, future = NOW - timedelta(days=1), NOW + timedelta(days=30)
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>urn:x:1</id><title>x</title>
      <published>%s</published><updated>%s</updated></entry></feed>""" % (
        past.isoformat().encode(),
        future.isoformat().encode(),
    )
    article = one_article(body)
    assert article.published == past and article.published_reported is None
    # Not the fetch time: that would differ at every fetch and make the item look changed.
    assert article.updated is None
    assert article.version == int(past.timestamp() * 1000)


def test_a_missing_date_is_the_fetch_time_and_updated_stays_empty():
    article = one_article(rss("<item><title>undated</title><link>https://e.org/1</link></item>").encode())
    assert article.published == NOW
    assert article.updated is None and article.published_reported is None
    assert article.version == NOW_MS


def test_dates_are_utc_and_updated_is_the_version():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>urn:x:1</id><title>x</title>
      <published>2025-06-01T12:00:00+02:00</published><updated>2025-06-02T09:30:00-05:00</updated></entry></feed>"""
    article = one_article(body)
    assert article.published == datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    assert article.updated == datetime(2025, 6, 2, 14, 30, tzinfo=UTC)
    assert article.published.utcoffset() == timedelta(0)
    assert article.version == int(article.updated.timestamp() * 1000)


# ── text ────────────────────────────────────────────────────────────────────────────────


def test_html_in_titles_and_summaries_becomes_text():
    item = (
        "<item><title>Breaking: &lt;b&gt;Storm&lt;/b&gt; hits &amp;amp; floods   coast</title>"
        "<link>https://e.org/1</link>"
        "<description>&lt;p&gt;First&amp;nbsp;para &lt;a href='/x'&gt;link&lt;/a&gt;.&lt;/p&gt;&lt;p&gt;Second&lt;/p&gt;"
        "&lt;script&gt;alert(1)&lt;/script&gt;</description>"
        "<content:encoded><![CDATA[<div><p>Full <em>text</em> &copy; 2025</p><img src='x.jpg'><p>More</p></div>]]>"
        "</content:encoded></item>"
    )
    article = one_article(rss(item).encode())
    assert article.title == "Breaking: Storm hits & floods coast"
    assert article.summary == "First para link.\n\nSecond"
    assert article.text == "Full text \u00a9 2025\n\nMore"


def test_a_plain_text_title_keeps_a_less_than_sign_but_no_tag():
    # Plain text by Atom's rules, but a page showing the title would read "<blink>" as a tag:
    # stored text holds none (tests/unit/test_markup_free.py). "a < b" is no tag and stays.
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>urn:x:1</id>
      <title type="text">Why a &lt; b and &lt;blink&gt; died</title></entry></feed>"""
    assert one_article(body).title == "Why a < b and died"


def test_text_is_the_longest_content_else_the_summary():
    short = rss("<item><link>https://e.org/1</link><description>Only a summary</description></item>")
    assert one_article(short.encode()).text == "Only a summary"
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>urn:x:1</id><title>x</title>
      <summary>Short</summary><content type="html">&lt;p&gt;The long body of the entry&lt;/p&gt;</content></entry></feed>"""
    article = one_article(body)
    assert article.summary == "Short" and article.text == "The long body of the entry"


def test_authors_and_tags_are_text_and_the_spec_tags_come_first():
    item = (
        "<item><link>https://e.org/1</link><author>desk@e.org (News Desk)</author>"
        "<category>World</category><category> Politics </category><category>world</category></item>"
    )
    article = one_article(rss(item).encode(), spec=FeedSpec(url=URL, tags=("world", "curated")))
    assert article.authors == ("News Desk",)
    assert article.tags == ("world", "curated", "World", "Politics")


def test_the_feed_language_wins_over_the_registry_hint():
    declared = rss("<item><link>https://e.org/1</link></item>", "<language>fr</language>").encode()
    assert one_article(declared, spec=FeedSpec(url=URL, language="en")).language == "fr"
    undeclared = rss("<item><link>https://e.org/1</link></item>").encode()
    assert one_article(undeclared, spec=FeedSpec(url=URL, language="en")).language == "en"


# ── links and identity ──────────────────────────────────────────────────────────────────


def test_a_relative_link_is_resolved_against_the_feed_url():
    article = one_article(rss("<item><title>x</title><link>../2025/story?id=1&amp;utm_source=rss</link></item>").encode())
    assert article.url == "https://feeds.example/2025/story?id=1"
    assert article.id == article_id(link="https://feeds.example/2025/story?id=1", feed_url=URL, guid=None)
    rooted = one_article(rss("<item><title>x</title><link>/2025/other</link></item>").encode())
    assert rooted.url == "https://feeds.example/2025/other"


def test_a_relative_link_of_a_local_feed_file_is_resolved_against_the_site_link(tmp_path: Path):
    local = str(tmp_path / "feed.xml")
    article = one_article(rss("<item><title>x</title><link>/2025/story</link></item>").encode(), url=local)
    assert article.url == "https://site.example/2025/story"


def test_xml_base_is_applied():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example/blog/"><title>t</title>
      <entry><id>urn:x:1</id><title>x</title><link href="post-1.html"/></entry></feed>"""
    assert one_article(body).url == "https://base.example/blog/post-1.html"


def test_links_that_lead_nowhere_are_no_links():
    item = "<item><title>x</title><link>javascript:alert(1)</link><guid isPermaLink='false'>g-1</guid></item>"
    article = one_article(rss(item).encode())
    assert article.url is None and article.guid == "g-1"
    assert article.id == article_id(link=None, feed_url=URL, guid="g-1")
    # A GUID that is no URL (and so no permalink, whatever the feed says) stays a GUID.
    guid_only = one_article(rss("<item><title>x</title><guid>12345</guid></item>").encode())
    assert guid_only.url is None and guid_only.guid == "12345"


@pytest.mark.parametrize("link", ["file:///etc/passwd", "FILE://localhost/etc/passwd", "file:/etc/passwd",
                                  "data:text/html,<b>x</b>", "javascript:alert(1)"])
def test_an_item_link_that_is_not_http_is_never_the_article_url(link: str, tmp_path: Path):
    # An item link is remote content: only http(s) becomes an article's URL, whatever the feed.
    item = f"<item><title>x</title><link>{link}</link><guid isPermaLink='false'>g-1</guid></item>"
    for url in (URL, str(tmp_path / "feed.xml"), (tmp_path / "feed.xml").as_uri()):  # a web feed, local registry feeds
        article = one_article(rss(item).encode(), url=url)
        assert article.url is None and article.guid == "g-1"
    atom = ('<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            f'<entry><id>urn:x:1</id><title>x</title><link href="{link}"/></entry></feed>')
    assert one_article(atom.encode()).url is None
    json_feed = {"version": "https://jsonfeed.org/version/1.1", "title": "t",
                 "items": [{"id": "1", "url": link, "content_text": "x"}]}
    assert one_article(json.dumps(json_feed).encode(), {"content-type": "application/feed+json"}).url is None


def test_a_path_like_item_link_resolves_on_the_web_never_on_disk(tmp_path: Path):
    item = "<item><title>x</title><link>/etc/passwd</link></item>"
    assert one_article(rss(item).encode()).url == "https://feeds.example/etc/passwd"
    assert one_article(rss(item).encode(), url=str(tmp_path / "feed.xml")).url == "https://site.example/etc/passwd"


# ── JSON Feed through parse_feed ────────────────────────────────────────────────────────

JSON_FEED_1_1 = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "JSON &amp; News",
    "home_page_url": "https://json.example/",
    "feed_url": "https://json.example/feed.json",
    "language": "en",
    "hubs": [{"type": "WebSub", "url": "https://hub.example/"}],
    "items": [
        {
            "id": "https://json.example/1",
            "url": "/2025/first",
            "title": "First <em>post</em>",
            "content_html": "<p>Hello <b>JSON</b> &amp; friends</p><p>Two</p>",
            "summary": "A short one",
            "date_published": "2025-12-31T20:00:00-02:00",
            "date_modified": "2025-12-31T23:30:00+01:00",
            "authors": [{"name": "Ann"}],
            "tags": ["a", "b"],
        },
        {"id": "2", "content_text": "Undated text", "date_published": "2030-01-01T00:00:00Z"},
    ],
}

JSON_FEED_1_0 = """{
  "version": "https://jsonfeed.org/version/1",
  "title": "Legacy",
  "items": [{"id": 7, "url": "https://json.example/7", "title": "Seven", "content_text": "Plain",
             "date_published": "2025-05-05T05:05:05Z", "author": {"name": "Brent"}}]
}"""


def test_a_json_feed_1_1_by_its_content_type():
    body = json.dumps(JSON_FEED_1_1).encode()
    parsed = parse(body, {"content-type": "application/feed+json"}, url="https://json.example/feed.json")
    assert parsed.title == "JSON & News"
    assert (parsed.link, parsed.self_url, parsed.hub, parsed.language) == (
        "https://json.example/",
        "https://json.example/feed.json",
        "https://hub.example/",
        "en",
    )
    first, second = (
        to_article(e, feed=FeedSpec(url="https://json.example/feed.json"), parsed=parsed,
                   fetched_url="https://json.example/feed.json", fetched_at=NOW)
        for e in parsed.entries
    )  # fmt: skip
    assert first.url == "https://json.example/2025/first"  # relative, resolved
    assert first.guid == "https://json.example/1"
    assert first.title == "First post"
    assert first.summary == "A short one"
    assert first.text == "Hello JSON & friends\n\nTwo"
    assert first.published == datetime(2025, 12, 31, 22, 0, tzinfo=UTC)  # RFC 3339 offset to UTC
    assert first.updated == datetime(2025, 12, 31, 22, 30, tzinfo=UTC)
    assert first.authors == ("Ann",) and first.tags == ("a", "b")
    assert first.version == int(first.updated.timestamp() * 1000)
    assert second.url is None and second.guid == "2" and second.text == "Undated text"
    assert second.published == NOW and second.published_reported == datetime(2030, 1, 1, tzinfo=UTC)
    assert second.version == NOW_MS


def test_a_json_feed_1_0_by_its_body_alone():
    article = one_article(JSON_FEED_1_0.encode(), {"content-type": "text/plain"}, url="https://json.example/feed.json")
    assert article.guid == "7"
    assert article.title == "Seven" and article.text == "Plain"
    assert article.authors == ("Brent",)
    assert article.published == datetime(2025, 5, 5, 5, 5, 5, tzinfo=UTC)
    assert article.updated is None
    assert article.source == "Legacy"


def test_invalid_json_is_not_a_feed():
    with pytest.raises(FeedError, match="invalid JSON") as caught:
        parse(b'{"version": "https://jsonfeed.org/version/1.1", "items": [', {"content-type": "application/json"})
    assert caught.value.fields["reason"] == "not-a-feed"


# ── character encodings ─────────────────────────────────────────────────────────────────

CAFE_ITEM = "<item><title>Caf\u00e9 cr\u00e8me \u2013 \u201cna\u00efve\u201d</title><link>https://e.org/1</link></item>"
CAFE_TITLE = "Caf\u00e9 cr\u00e8me \u2013 \u201cna\u00efve\u201d"


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        # UTF-8 declared as ISO-8859-1 (in the document, or by the server): UTF-8 wins.
        (rss(CAFE_ITEM, declaration='<?xml version="1.0" encoding="ISO-8859-1"?>').encode(), {}),
        (rss(CAFE_ITEM).encode(), {"content-type": "text/xml; charset=iso-8859-1"}),
        # UTF-8, no declaration, served as text/xml without charset (RFC 3023 would say US-ASCII).
        (rss(CAFE_ITEM, declaration="").encode(), {"content-type": "text/xml"}),
        # windows-1252, declared so.
        (rss(CAFE_ITEM, declaration='<?xml version="1.0" encoding="windows-1252"?>').encode("cp1252"), {}),
        # windows-1252 bytes declared ISO-8859-1 (curly quotes are not Latin-1): read as browsers do.
        (rss(CAFE_ITEM, declaration='<?xml version="1.0" encoding="iso-8859-1"?>').encode("cp1252"), {}),
        # Undeclared Latin-1 text (no declaration, no charset): windows-1252, not mojibake.
        (rss(CAFE_ITEM, declaration="").encode("cp1252"), {"content-type": "application/rss+xml"}),
        # UTF-16 with a BOM, and without one.
        (codecs.BOM_UTF16_LE + rss(CAFE_ITEM, declaration='<?xml version="1.0" encoding="utf-16"?>').encode("utf-16-le"), {}),
        (rss(CAFE_ITEM, declaration="").encode("utf-16-be"), {}),
        (codecs.BOM_UTF8 + rss(CAFE_ITEM).encode(), {"content-type": "application/xml; charset=iso-8859-1"}),
    ],
    ids=[
        "utf8-declared-latin1", "utf8-served-latin1", "utf8-text-xml", "cp1252", "cp1252-declared-latin1",
        "undeclared-latin1", "utf16le-bom", "utf16be-no-bom", "utf8-bom-beats-header",
    ],
)  # fmt: skip
def test_encodings_give_the_right_text(body: bytes, headers: dict[str, str]):
    assert one_article(body, headers).title == CAFE_TITLE


def test_a_utf8_document_with_a_stray_windows_1252_byte_keeps_its_utf8():
    body = rss(CAFE_ITEM).encode().replace(b"</title>", b" \x93quoted\x94</title>")
    article = one_article(body)
    assert article.title == CAFE_TITLE + " \u201cquoted\u201d"
    assert "not UTF-8" in parse(body).defect


def test_an_undeclared_cyrillic_document_is_detected():
    pytest.importorskip("charset_normalizer")
    text = "Правительство объявило о новых мерах поддержки экономики и малого бизнеса в регионах страны"
    body = rss(f"<item><title>{text}</title><link>https://e.org/1</link><description>{text}. {text}.</description></item>",
               declaration="").encode("koi8-r")  # fmt: skip
    assert one_article(body).title == text


def test_decode_xml_reports_what_it_overruled():
    assert decode_xml(b"<rss/>", {}) == ("<rss/>", None)
    text, note = decode_xml("<rss>caf\u00e9</rss>".encode("latin-1"), {"content-type": "application/xml"})
    assert text == "<rss>caf\u00e9</rss>" and note == "encoding: undeclared, not UTF-8, read as cp1252"


# ── the registry (kept here from before the registry module) ────────────────────────────


def test_registry_resolves_relative_paths_and_rejects_bad_entries(tmp_path: Path):
    (tmp_path / "feeds.yaml").write_text("feeds:\n  - local.xml\n  - url: https://e.org/rss\n    name: E\n")
    feeds = load_registry(tmp_path / "feeds.yaml")
    assert feeds[0].url == str(tmp_path / "local.xml")
    assert feeds[1].name == "E"
    (tmp_path / "bad.yaml").write_text("feeds:\n  - name: no url\n")
    from newsflow.errors import ConfigError

    with pytest.raises(ConfigError, match="feed #1"):
        load_registry(tmp_path / "bad.yaml")


def test_relative_feed_links_are_resolved_and_pseudo_urls_dropped():
    channel = '<atom:link rel="self" href="/news/rss"/><atom:link rel="hub" href="javascript:void(0)"/>'
    body = rss("", channel).replace("<link>https://site.example/</link>", "<link>/</link>").encode()
    parsed = parse(body)
    assert parsed.self_url == "https://feeds.example/news/rss"
    assert parsed.link == "https://feeds.example/"
    assert parsed.hub is None
