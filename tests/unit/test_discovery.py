"""Feed autodiscovery in HTML pages, and telling a page from a feed."""

from __future__ import annotations

import pytest

from producers.discovery import discover_feed_urls, looks_like_html

PAGE = b"""<!DOCTYPE html>
<html><head>
<title>A news site</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="All" href="/feed.xml">
<link rel="alternate" type="application/atom+xml" href="atom.xml">
<link rel="alternate" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/feed+json" href="https://cdn.example.net/feed.json">
<link rel="Alternate Feed" type="Application/RDF+XML; charset=utf-8" href=" ../rdf ">
<link rel="alternate" type="application/json" href="/wp-json/feed">
<link rel="alternate" type="application/rss+xml" title="All, again" href="https://news.example.com/feed.xml">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" type="application/rss+xml" href="">
<link rel="alternate" type="text/html" href="/mobile/">
<link rel="alternate stylesheet" type="text/css" href="/dark.css">
</head><body><p>Hello</p>
<link rel="alternate" type="application/atom+xml" href="/comments/atom">
<a rel="alternate" type="application/rss+xml" href="/not-a-link-element.xml">feed</a>
</body></html>"""


def test_feed_links_are_found_in_document_order_resolved_and_once() -> None:
    assert discover_feed_urls(PAGE, "https://news.example.com/section/index.html") == [
        "https://news.example.com/feed.xml",
        "https://news.example.com/section/atom.xml",
        "https://cdn.example.net/feed.json",
        "https://news.example.com/rdf",
        "https://news.example.com/wp-json/feed",
        "https://news.example.com/comments/atom",
    ]


def test_a_base_element_changes_what_relative_links_resolve_against() -> None:
    page = b"""<html><head><base href="/blog/"><base href="/ignored/">
    <link rel="alternate" type="application/atom+xml" href="atom.xml">
    <link rel="alternate" type="application/rss+xml" href="//feeds.example.org/rss">
    </head></html>"""
    assert discover_feed_urls(page, "http://example.com/a/b.html") == [
        "http://example.com/blog/atom.xml",
        "http://feeds.example.org/rss",
    ]
    absolute_base = b'<base href="https://mirror.example.net/x/"><link rel=alternate type=application/rss+xml href=feed>'
    assert discover_feed_urls(absolute_base, "http://example.com/") == ["https://mirror.example.net/x/feed"]


@pytest.mark.parametrize(
    "page",
    [
        b"<html><head><title>No feeds</title><link rel='stylesheet' href='/s.css'></head><body>hi</body></html>",
        b"",
        b"not html at all \x00\xff",
        b'<?xml version="1.0"?><rss version="2.0"><channel><link>https://example.org/</link></channel></rss>',
    ],
    ids=["no-feed-links", "empty", "garbage", "a-feed"],
)
def test_a_page_without_feed_links_has_none(page: bytes) -> None:
    assert discover_feed_urls(page, "https://example.org/") == []


def test_a_broken_page_still_yields_its_links() -> None:
    page = b"<html><head><link rel=alternate type=application/rss+xml href=/rss.xml><title>unclosed <b><div>"
    assert discover_feed_urls(page, "https://example.org/page") == ["https://example.org/rss.xml"]


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"<!DOCTYPE html><html><body>page</body></html>", "text/html; charset=utf-8", True),
        (b"\n  <!doctype HTML>\n<html>", "", True),
        (b"<html lang=en><head>", "application/octet-stream", True),
        (b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">', "application/xml", True),
        (b"\xef\xbb\xbf<!-- a comment --><head><title>x</title>", "", True),
        (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "text/html", False),  # a feed served as HTML
        (b'<?xml version="1.0"?><!-- generator --><feed xmlns="http://www.w3.org/2005/Atom"/>', "text/html", False),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">', "", False),
        (b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape"><rss>', "", False),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "text/html", False),
        (b"something else", "text/html", True),
        (b"something else", "application/rss+xml", False),
        ("<html><body>".encode("utf-16"), "", True),
    ],
)
def test_looks_like_html(body: bytes, content_type: str, expected: bool) -> None:
    assert looks_like_html(body, content_type) is expected


@pytest.mark.parametrize(
    ("page", "base_url"),
    [
        (b'<link rel="alternate" type="application/rss+xml" href="file:///etc/passwd">', "https://example.org/"),
        (b'<link rel="alternate" type="application/rss+xml" href="FILE://localhost/tmp/feed.xml">', "https://example.org/"),
        (b'<base href="file:///tmp/"><link rel="alternate" type="application/rss+xml" href="feed.xml">', "https://example.org/"),
        (b'<link rel="alternate" type="application/rss+xml" href="data:text/xml,<rss/>">', "https://example.org/"),
        (b'<link rel="alternate" type="application/rss+xml" href="ftp://example.org/feed.xml">', "https://example.org/"),
        (b'<link rel="alternate" type="application/rss+xml" href="http:///no-host.xml">', "https://example.org/"),
        # A page that is a local file (named by the registry) leads to no other local file either.
        (b'<link rel="alternate" type="application/rss+xml" href="feed.xml">', "/srv/site/index.html"),
        (b'<link rel="alternate" type="application/rss+xml" href="/etc/passwd">', "file:///srv/site/index.html"),
    ],
)
def test_discovery_never_leads_off_the_web(page: bytes, base_url: str) -> None:
    assert discover_feed_urls(page, base_url) == []


def test_a_relative_link_on_a_web_page_stays_on_the_web() -> None:
    page = b'<link rel="alternate" type="application/rss+xml" href="//cdn.example.net/f.xml"><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
    assert discover_feed_urls(page, "https://example.org/a/") == ["https://cdn.example.net/f.xml", "https://example.org/feed.xml"]


def test_an_invalid_base_or_link_is_ignored_not_raised() -> None:
    page = (b'<base href="http://[bad/"><link rel="alternate" type="application/rss+xml" href="http://[bad/feed">'
            b'<link rel="alternate" type="application/rss+xml" href="feed.xml">')
    assert discover_feed_urls(page, "https://example.org/a/") == ["https://example.org/a/feed.xml"]
