"""Stored text is text, stored links are web links (security review: markup and script links in feeds).

Whatever a feed puts in an item's title, summary, body, authors or tags, the article holds no
markup that a page rendering the API's output would run: tags go (their text stays, scripts and
styles go whole), entities are decoded once, a "<" that starts no tag stays. Its URL is an
absolute, well-formed http(s) URL or None; a refused URL never drops the item, whose id then
comes from its GUID (or its content). The processor's clean step removes markup again, for
events of older producers.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsflow.contract.ids import article_id
from newsflow.contract.schema import RawArticle
from newsflow.contract.text import html_to_text, markup_free, plain_text, web_url
from newsflow.net.response import FetchedFeed
from newsflow.settings import ProcessorSettings
from processors.base import Draft
from processors.clean import CleanStep, clean_text, clean_title, remove_invisible
from processors.extract import ExtractStep, PageOutcome
from producers.base import FeedSpec
from producers.items import parse_feed, to_article

NOW = datetime(2026, 1, 1, tzinfo=UTC)
URL = "https://feeds.example/news/rss"
JSON_FEED = {"content-type": "application/feed+json"}
# The review's check: anything that looks like the start of a tag, a comment or a declaration.
LOOSE_TAG = re.compile(r"<\s*[a-zA-Z!/]")
# What an HTML parser reads as one ("<" then a letter, "/", "!" or "?"; "a < b" is text).
TAG = re.compile(r"<[a-zA-Z!/?]")


def articles(body: str | bytes, headers: dict[str, str] | None = None) -> list[RawArticle]:
    data = body.encode("utf-8") if isinstance(body, str) else body
    parsed = parse_feed(FetchedFeed(url=URL, body=data, headers=headers or {}))
    return [to_article(e, feed=FeedSpec(url=URL), parsed=parsed, fetched_url=URL, fetched_at=NOW) for e in parsed.entries]


def one(body: str | bytes, headers: dict[str, str] | None = None) -> RawArticle:
    (article,) = articles(body, headers)
    return article


def rss(item: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed</title>'
            f"<link>https://site.example/</link>{item}</channel></rss>")


def atom(entry: str) -> str:
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>urn:x:1</id>{entry}</entry></feed>'


def json_feed(**item: object) -> str:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [{"id": "1", **item}]})


def text_fields(article: RawArticle) -> list[str]:
    return [article.title, article.summary, article.text, article.source, article.guid or "", article.language or "",
            *article.authors, *article.tags]


def assert_no_markup(article: RawArticle) -> None:
    for text in text_fields(article):
        assert not LOOSE_TAG.search(text), text


# ── titles, summaries, bodies, authors, tags ────────────────────────────────────────────────

# (the title as the document spells it, the title stored)
RSS_TITLES = [
    ("&lt;img src=x onerror=alert(1)&gt;", ""),
    ("<![CDATA[<script>alert(1)</script>Breaking]]>", "Breaking"),
    ("&lt;b&gt;Big&lt;/b&gt; news", "Big news"),
    # Escaped twice: feedparser decodes once, the HTML reading once more: markup, removed.
    ("&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;Breaking", "Breaking"),
    ("&amp;lt;img src=x onerror=alert(1)&amp;gt;Storm", "Storm"),
    # The text of a <textarea> (or <title>, <xmp>...) is markup once read: read again.
    ("<![CDATA[<textarea><img src=x onerror=alert(1)></textarea>Breaking]]>", "Breaking"),
    ("<![CDATA[<title><script>alert(1)</script></title>Breaking]]>", "Breaking"),
    ("<![CDATA[Storm <!-- a comment --> hits]]>", "Storm hits"),
    ("Why 3 &lt; 5 matters", "Why 3 < 5 matters"),
    ("AT&amp;T  and   R&amp;D", "AT&T and R&D"),
    ("Q&amp;amp;A", "Q&A"),
]


@pytest.mark.parametrize(("title", "stored"), RSS_TITLES)
def test_rss_titles_hold_no_markup(title: str, stored: str):
    article = one(rss(f"<item><title>{title}</title><link>https://e.example/1</link></item>"))
    assert article.title == stored
    assert_no_markup(article)


def test_rss_summaries_bodies_authors_and_tags_hold_no_markup():
    item = (
        "<item><title>t</title><link>https://e.example/1</link>"
        "<description>&lt;p&gt;Hi &amp;lt;img src=x onerror=alert(1)&amp;gt;there&lt;/p&gt;</description>"
        "<content:encoded><![CDATA[<p>Body &lt;script&gt;alert(1)&lt;/script&gt;text</p>"
        "<xmp><svg onload=alert(1)></xmp><style>p{}</style>]]></content:encoded>"
        "<author>&lt;b&gt;News&lt;/b&gt; Desk</author>"
        "<category>&lt;script&gt;x()&lt;/script&gt;World</category><category>&lt;i&gt;Politics</category></item>"
    )
    body = rss(item).replace("<rss version", '<rss xmlns:content="http://purl.org/rss/1.0/modules/content/" version')
    article = one(body)
    assert_no_markup(article)
    assert article.summary == "Hi there"
    assert article.text == "Body text"
    assert article.authors == ("News Desk",)
    assert article.tags == ("World", "Politics")


def test_atom_plain_text_fields_hold_no_markup():
    entry = (
        '<title type="text">&lt;img src=x onerror=alert(1)&gt;Headline</title>'
        '<summary type="text">&lt;script&gt;alert(1)&lt;/script&gt;Summary of AT&amp;amp;T</summary>'
        '<content type="text">Body &lt;b&gt;bold&lt;/b&gt; 3 &lt; 5</content>'
        "<author><name>&lt;b&gt;Jane&lt;/b&gt; Doe</name></author>"
        '<category term="&lt;script&gt;x()&lt;/script&gt;Tech"/>'
        '<link href="https://e.example/1"/>'
    )
    article = one(atom(entry))
    assert_no_markup(article)
    assert article.title == "Headline"
    # Entities are decoded once: "AT&amp;amp;T" in the document is "AT&amp;T" as text.
    assert article.summary == "Summary of AT&amp;T"
    assert article.text == "Body bold 3 < 5"
    assert article.authors == ("Jane Doe",)
    assert article.tags == ("Tech",)


def test_atom_html_and_xhtml_fields_hold_no_markup():
    entry = (
        '<title type="html">&lt;b&gt;Big&lt;/b&gt; news &amp;lt;img src=x onerror=alert(1)&amp;gt;</title>'
        '<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Sum <script>alert(1)</script>'
        "<textarea>&lt;img src=x onerror=alert(1)&gt;</textarea>mary</p></div></summary>"
        '<content type="html">&lt;p&gt;Full &amp;lt;iframe src=javascript:alert(1)&amp;gt;text&lt;/p&gt;</content>'
    )
    article = one(atom(entry))
    assert_no_markup(article)
    assert article.title == "Big news"
    assert article.summary == "Sum mary"
    assert article.text == "Full text"


def test_a_guid_and_a_language_with_markup_are_stored_without_it():
    item = '<item><title>t</title><guid isPermaLink="false">g-&lt;script&gt;alert(1)&lt;/script&gt;1</guid></item>'
    body = rss(item).replace("<title>Feed</title>", "<title>Feed</title><language>&lt;img src=x onerror=alert(1)&gt;en</language>")
    article = one(body)
    assert article.guid == "g-1"
    assert article.language == "en"
    # The id is still made from the GUID as the feed gave it: it does not change with this fix.
    assert article.id == article_id(link=None, feed_url=URL, guid="g-<script>alert(1)</script>1")


def test_a_feed_title_with_markup_is_no_source_with_markup():
    body = rss("<item><title>t</title><link>https://e.example/1</link></item>").replace(
        "<title>Feed</title>", "<title>&lt;img src=x onerror=alert(1)&gt;Daily &amp;lt;b&amp;gt;News</title>")
    article = one(body)
    assert article.source == "Daily News"
    assert_no_markup(article)


@pytest.mark.parametrize(
    ("item", "field", "stored"),
    [
        ({"title": "<img src=x onerror=alert(1)>", "content_text": "x"}, "title", ""),
        ({"title": "<script>alert(1)</script>Breaking", "content_text": "x"}, "title", "Breaking"),
        # No ">": not "HTML-ish" to the JSON Feed reader, so plain text, but a tag start all the same.
        ({"title": "Breaking <img src=x onerror=alert(1)", "content_text": "x"}, "title", "Breaking"),
        ({"title": "&lt;script&gt;alert(1)&lt;/script&gt;News", "content_text": "x"}, "title", "News"),
        ({"title": "Why 3 < 5 matters", "content_text": "x"}, "title", "Why 3 < 5 matters"),
        ({"content_text": "<script>alert(1)</script>Body <b>text</b>"}, "text", "Body text"),
        ({"content_html": "<p>Body</p><textarea><img src=x onerror=alert(1)></textarea>"}, "text", "Body"),
        ({"summary": "<svg/onload=alert(1)>Short", "content_text": "x"}, "summary", "Short"),
    ],
)
def test_json_feed_fields_hold_no_markup(item: dict[str, str], field: str, stored: str):
    article = one(json_feed(url="https://e.example/1", **item), JSON_FEED)
    assert getattr(article, field) == stored
    assert_no_markup(article)


def test_json_feed_authors_tags_and_feed_title_hold_no_markup():
    document = json.loads(json_feed(url="https://e.example/1", title="t", content_text="x",
                                    authors=[{"name": "<b>Jane</b> Doe"}], tags=["<script>x()</script>World"]))
    document["title"] = "<img src=x onerror=alert(1)>Daily"
    article = one(json.dumps(document), JSON_FEED)
    assert article.authors == ("Jane Doe",)
    assert article.tags == ("World",)
    assert article.source == "Daily"
    assert_no_markup(article)


# ── URLs ────────────────────────────────────────────────────────────────────────────────────

HOSTILE_LINKS = [
    'https://x.example/a"onmouseover="alert(1)',
    "https://x.example/a'onmouseover='alert(1)",
    "https://x.example/<script>alert(1)</script>",
    "https://x.example/a b",
    "https://x.example/a\tb",
    "https://x.example\\@evil.example/",
    "https://x.example/`x`",
    "https://x.example/\u202eevil",
    "https://x.example:99999/",
    "https://x.example:abc/",
    "http://[bad/",
    "https://a!b.example/",
    "http://",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
]
GOOD_LINKS = [  # (link, URL stored)
    ("https://news.example/2026/story?id=1&utm_source=rss", "https://news.example/2026/story?id=1"),
    ("http://news.example/a_b-c/%C3%A9", "http://news.example/a_b-c/%C3%A9"),
    ("https://bücher.example/ü", "https://bücher.example/ü"),
    ("https://[2001:db8::1]/x", None),  # canonical_url drops the brackets: no well-formed URL, so none
    (" https://news.example/padded ", "https://news.example/padded"),
    ("/2026/relative", "https://feeds.example/2026/relative"),
]


def _documents(link: str) -> list[tuple[str, dict[str, str] | None, str]]:
    """The item with `link` as RSS, Atom and JSON Feed: (body, headers, its GUID)."""
    return [
        (rss(f'<item><title>Title</title><link>{escape(link)}</link><guid isPermaLink="false">g-1</guid></item>'), None, "g-1"),
        (atom(f"<title>Title</title><link href={quoteattr(link)}/>"), None, "urn:x:1"),
        (json_feed(url=link, title="Title"), JSON_FEED, "1"),
    ]


@pytest.mark.parametrize("link", HOSTILE_LINKS)
def test_a_hostile_link_is_no_url_and_the_item_is_still_published(link: str):
    for body, headers, guid in _documents(link):
        article = one(body, headers)
        assert article.url is None
        assert article.title == "Title"
        assert article.guid == guid
        # A stable id from the GUID, as for any item without a link.
        assert article.id == article_id(link=None, feed_url=URL, guid=guid)


@pytest.mark.parametrize(("link", "stored"), GOOD_LINKS)
def test_a_good_link_is_kept(link: str, stored: str | None):
    for body, headers, _ in _documents(link):
        assert one(body, headers).url == stored


def test_an_item_with_a_refused_link_and_no_guid_gets_its_id_from_its_content():
    item = '<item><title>Storm hits</title><link>https://x.example/a"onmouseover="alert(1)</link></item>'
    first, again = one(rss(item)), one(rss(item))
    assert first.url is None and first.guid is None
    assert first.id == again.id == article_id(link=None, feed_url=URL, guid=None, content="Storm hits\n")


@pytest.mark.parametrize("link", HOSTILE_LINKS)
def test_web_url_refuses_what_is_no_well_formed_web_url(link: str):
    assert web_url(link) is None


# ── the processor again (older producers) ───────────────────────────────────────────────────


def _draft(**fields: str) -> Draft:
    raw = RawArticle(id="a1", version=1, url=None, feed_url="http://127.0.0.1/feed", source="test", fetched_at=NOW,
                     **fields)
    return Draft(raw, {})


def test_the_clean_step_removes_markup_an_older_producer_left():
    step = CleanStep(settings=ProcessorSettings())
    [fields] = step.run([_draft(
        title="<img src=x onerror=alert(1)><script>alert(1)</script>Breaking <b>news</b>",
        summary="<svg onload=alert(1)>Short &amp; sweet",
        text="<p>Body</p>\n\n<textarea><img src=x onerror=alert(1)></textarea>More",
    )])
    assert fields["title"] == "Breaking news"
    assert fields["summary"] == "Short &amp; sweet"  # no second decoding
    assert not any(LOOSE_TAG.search(value) for value in fields.values())
    # Characters the clean step removes cannot join a "<" and a tag name.
    assert clean_title("<\u00adimg src=x onerror=alert(1)>Title") == "Title"
    assert clean_text("<\u200bscript>alert(1)</script>Body") == "Body"


def test_the_extract_step_keeps_no_markup_from_a_page():
    with ExtractStep(settings=ProcessorSettings()) as step:
        draft = _draft(title="T", text="short")
        result = step._result(draft, PageOutcome(text="Page text <script>alert(1)</script> with <b>tags</b> in it"))
    assert result["text"] == "Page text with tags in it"


# ── properties ──────────────────────────────────────────────────────────────────────────────

# Arbitrary text, and text built from the pieces markup is made of.
PIECES = ["<", ">", "/", "!", "?", "-", "=", '"', "'", "&", ";", "&lt;", "&gt;", "&amp;", "&#60;", "<!--", "-->",
          "img", "script", "textarea", "title", "xmp", "style", "svg", "b", " ", "\n", "\u00ad", "\u200b", "\u202e",
          "\u0000", "\x85", "onerror=alert(1)", "]]>", "<![CDATA[", "a", "3"]
arbitrary = st.one_of(st.text(max_size=80), st.lists(st.sampled_from(PIECES), max_size=40).map("".join))


def _assert_text(title: str) -> None:
    assert not TAG.search(title), title
    # Nor once the processor's cleaning removed invisible characters.
    assert not TAG.search(remove_invisible(title)), title
    assert not TAG.search(clean_title(title)), title


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arbitrary, arbitrary)
def test_any_text_in_a_title_never_makes_a_tag_nor_an_error(before: str, inserted: str):
    title = f"{before}{inserted}"
    xml_text = escape(title)
    documents = [
        (rss(f"<item><title>{xml_text}</title><guid>g</guid></item>"), None),
        (atom(f'<title type="html">{xml_text}</title>'), None),
        (atom(f'<title type="text">{xml_text}</title>'), None),
        (json_feed(title=title), JSON_FEED),
    ]
    if "]]>" not in title:
        documents.append((rss(f"<item><title><![CDATA[{title}]]></title><guid>g</guid></item>"), None))
    for body, headers in documents:
        for article in articles(body, headers):
            _assert_text(article.title)


@settings(max_examples=500, deadline=None)
@given(arbitrary)
def test_markup_free_leaves_no_tag_and_is_stable(text: str):
    for cleaned in (markup_free(html_to_text(text)), markup_free(plain_text(text)), clean_text(text), clean_title(text)):
        _assert_text(cleaned)
    once = markup_free(plain_text(text))
    assert markup_free(once) == once
