"""Feed autodiscovery: the feeds an HTML page announces with ``<link rel="alternate" type=...>``.

A registry URL is sometimes a site's home page rather than its feed; the page names its feeds
in its head, the way browsers and feed readers have found them since 2005.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

__all__ = ["FEED_TYPES", "discover_feed_urls", "is_web_url", "looks_like_html"]

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
    }
)

# Where a discovered link may lead: the web only. A page is remote content, and remote content
# never names a local file (file:, a bare path), nor javascript:, data:, mailto: and the like;
# only the operator's registry may name a local file.
_SCHEMES = frozenset({"http", "https"})


def is_web_url(url: str) -> bool:
    """Whether `url` is an absolute http(s) URL with a host: what a URL learned from remote
    content (autodiscovery, a redirect) must be before it is fetched or stored."""
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in _SCHEMES and bool(parts.hostname)
    except ValueError:
        return False


def discover_feed_urls(html: bytes, base_url: str) -> list[str]:
    """The absolute URLs of the feeds `html` links to, in document order, each once.

    Relative hrefs are resolved against the page's ``<base href>`` (itself resolved against
    `base_url`), or `base_url` when it has none. Only absolute http(s) URLs are kept: a link to
    a local file (``file:``, or a path relative to a page that is itself a local file) is not.
    """
    tree = LexborHTMLParser(html)
    base = base_url
    for node in tree.css("base[href]"):  # the first <base> with an href counts, as in browsers
        href = (node.attributes.get("href") or "").strip()
        if href:
            try:
                base = urljoin(base_url, href)
            except ValueError:  # "http://[bad/": ignored, as browsers ignore an invalid base
                pass
            break
    found: list[str] = []
    for node in tree.css("link[rel][href]"):
        attributes = node.attributes
        rels = (attributes.get("rel") or "").lower().split()
        media_type = (attributes.get("type") or "").split(";", 1)[0].strip().lower()
        href = (attributes.get("href") or "").strip()
        if "alternate" not in rels or media_type not in FEED_TYPES or not href:
            continue
        try:
            url = urljoin(base, href)
        except ValueError:
            continue
        if is_web_url(url) and url not in found:
            found.append(url)
    return found


_MARKUP_START = re.compile(rb"<\s*([a-zA-Z][a-zA-Z0-9:_.-]*)")
_HTML_TAGS = frozenset({b"html", b"head", b"body", b"meta", b"title", b"link", b"script", b"style", b"div", b"p", b"table"})
_FEED_TAGS = frozenset({b"rss", b"feed", b"rdf:rdf", b"rdf", b"channel"})
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def looks_like_html(body: bytes, content_type: str) -> bool:
    """Whether `body` is an HTML page rather than a feed.

    The body decides when it can (a feed served as text/html is still a feed, an HTML page
    served as application/rss+xml is still a page); the content type only when it cannot.
    """
    head = _text_head(body)
    stripped = head.lstrip()
    if stripped.startswith((b"{", b"[")):  # JSON (a JSON Feed), whatever the server says
        return False
    if stripped.lower().startswith(b"<!doctype html"):
        return True
    root = _first_element(stripped)
    if root is not None:
        name = root.lower()
        if name in _HTML_TAGS or name.endswith(b":html"):
            return True
        if name in _FEED_TAGS or name.endswith((b":rss", b":feed", b":rdf")):
            return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type in ("text/html", "application/xhtml+xml")


def _text_head(body: bytes) -> bytes:
    head = body[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: its markup is what matters
        try:
            return head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
        except UnicodeError:
            return b""
    for bom in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :]
    return head


def _first_element(text: bytes) -> bytes | None:
    """The name of the first element, past the XML declaration, comments, doctypes and PIs."""
    position = 0
    while True:
        start = text.find(b"<", position)
        if start == -1:
            return None
        if text.startswith(b"<!--", start):
            end = text.find(b"-->", start + 4)
            if end == -1:
                return None
            position = end + 3
            continue
        if text.startswith((b"<?", b"<!"), start):
            end = text.find(b">", start + 2)
            if end == -1:
                return None
            position = end + 1
            continue
        match = _MARKUP_START.match(text, start)
        return match.group(1) if match else None
