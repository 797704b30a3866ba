"""Where a feed becomes articles: parsing any format into a `ParsedFeed`, mapping each entry.

RSS, Atom and RDF go to feedparser, with its HTML sanitiser and relative-URI rewriting off
(together nine tenths of its time on a 50-item HTML-heavy feed, measured): titles and content
are turned into plain text here anyway, and item links are resolved here. JSON Feed goes to
`producers.jsonfeed`. Both give entries in feedparser's shape.

Character encodings are settled before feedparser sees the bytes (`producers.charsets`).

Stored text is text and stored links are web links: every text field of an article (title,
summary, text, authors, tags, source, declared language, a GUID holding markup) is free of
anything an HTML parser would read as a tag (`newsflow.contract.text.markup_free`), and its URL
is an absolute, well-formed http(s) URL or None (`web_url`): whatever renders the API's output
never runs a feed's markup or a `javascript:` link.
"""

from __future__ import annotations

import calendar
import io
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from newsflow.contract.ids import article_id, canonical_url
from newsflow.contract.schema import RawArticle
from newsflow.contract.text import html_to_text, markup_free, plain_text, web_url
from newsflow.errors import FeedError
from newsflow.net.response import FetchedFeed
from newsflow.redaction import redact_url
from producers.base import FeedSpec, ParsedFeed
from producers.charsets import decode_xml, without_invalid_char_refs
from producers.dates import with_localised_dates
from producers.discovery import discover_feed_urls, looks_like_html
from producers.jsonfeed import looks_like_json, parse_jsonfeed

__all__ = ["FUTURE_TOLERANCE", "decode_xml", "parse_feed", "to_article"]

# A publish date later than the fetch by more than this is a publisher's clock or time-zone
# error (or an embargo): the article is dated by its fetch, the reported date kept beside.
FUTURE_TOLERANCE = timedelta(minutes=5)


# ── parsing ───────────────────────────────────────────────────────────────────────────────


def parse_feed(fetched: FetchedFeed) -> ParsedFeed:
    """Parse a fetched body; raises `FeedError` (reason "not-a-feed") when it is not a feed.

    A feed with small defects (feedparser's "bozo" flag) still yields its entries, the defect
    noted in `ParsedFeed.defect`: losing a whole feed to one bad character would be worse than
    a slightly odd item.
    """
    headers = {k.lower(): v for k, v in fetched.headers.items()}
    if looks_like_json(headers.get("content-type", ""), fetched.body):
        parsed = parse_jsonfeed(fetched.body, url=fetched.url)
        return replace(
            parsed,
            link=_absolute(parsed.link, fetched.url),
            hub=_absolute(parsed.hub, fetched.url),
            self_url=_absolute(parsed.self_url, fetched.url),
        )
    text, encoding_note = decode_xml(fetched.body, headers)
    text = without_invalid_char_refs(text)
    # The document is handed over as UTF-8 and said to be so. No Content-Location: feedparser
    # would resolve GUIDs against it too, and a GUID must not change when a feed moves; links
    # are resolved in `to_article` (feedparser still applies any xml:base of the document).
    # No Content-Language either: feedparser would put it on every field as if it were the
    # field's xml:lang, and a site-wide "en" would then outrank the feed's own <language>.
    parser_headers = {k: v for k, v in headers.items() if k not in ("content-location", "content-language")}
    parser_headers["content-type"] = "application/xml; charset=utf-8"
    try:
        # A BytesIO, never bytes: feedparser treats a bytes argument it can open() as a file
        # path, and a body is whatever a server chose to send.
        result = feedparser.parse(
            io.BytesIO(text.encode("utf-8")),
            response_headers=parser_headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser catches its own errors; anything else is its bug
        raise FeedError(
            f"not a feed: {fetched.url} could not be parsed ({_one_line(exc)})", feed=fetched.url, reason="not-a-feed"
        ) from None
    if not result.get("version") and not result.entries:
        raise _not_a_feed(fetched, headers, result)
    feed = result.feed
    defects = [d for d in (encoding_note, _bozo(result)) if d]
    return ParsedFeed(
        title=_clean(feed.get("title_detail"), feed.get("title", "")),
        language=(feed.get("language") or headers.get("content-language", "").partition(",")[0]).strip() or None,
        link=_absolute(feed.get("link"), fetched.url),
        hub=_absolute(_link_with_rel(feed, "hub"), fetched.url),
        self_url=_absolute(_link_with_rel(feed, "self"), fetched.url),
        publisher_interval_s=_publisher_interval(feed),
        # Dates in the feed's own language (month and day names) that feedparser cannot read.
        entries=with_localised_dates(result.entries, feed.get("language")),
        defect="; ".join(defects) or None,
    )


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:160]}" if text else type(exc).__name__


def _bozo(result: Mapping[str, Any]) -> str | None:
    problem = result.get("bozo_exception")
    return _one_line(problem) if result.get("bozo") and problem is not None else None


def _not_a_feed(fetched: FetchedFeed, headers: Mapping[str, str], result: Mapping[str, Any]) -> FeedError:
    if not fetched.body.strip():
        what = "empty"
    elif looks_like_html(fetched.body, headers.get("content-type", "")):
        # A page that announces its feed (autodiscovery) says where the feed is.
        announced = discover_feed_urls(fetched.body[:262144], fetched.url)
        what = "an HTML page" + (f" (it announces a feed at {announced[0]})" if announced else "")
    else:
        problem = _bozo(result)
        what = "not RSS, Atom, RDF or JSON Feed" + (f" ({problem})" if problem else "")
    return FeedError(f"not a feed: {fetched.url} is {what}", feed=fetched.url, reason="not-a-feed")


def _link_with_rel(feed: Mapping[str, Any], rel: str) -> str | None:
    for link in feed.get("links") or ():
        if link.get("rel") == rel and link.get("href"):
            return str(link["href"]).strip() or None
    return None


def _absolute(href: str | None, base: str) -> str | None:
    """`href` as an absolute http(s) URL, resolved against the fetched URL when relative."""
    href = (href or "").strip()
    if not href or _is_web_url(href):
        return href or None
    resolved = urljoin(base, href) if _is_web_url(base) else href
    return resolved if _is_web_url(resolved) else None


_PERIODS_S = {"hourly": 3600.0, "daily": 86400.0, "weekly": 604800.0, "monthly": 2629800.0, "yearly": 31557600.0}


def _publisher_interval(feed: Mapping[str, Any]) -> float | None:
    """How often the publisher says to poll: RSS <ttl> (minutes), else sy:updatePeriod divided
    by sy:updateFrequency (times per period, 1 by default)."""
    ttl = _positive_number(feed.get("ttl"))
    if ttl is not None:
        return ttl * 60.0
    period = _PERIODS_S.get(str(feed.get("sy_updateperiod") or "").strip().lower())
    if period is None:
        return None
    frequency = _positive_number(feed.get("sy_updatefrequency")) if feed.get("sy_updatefrequency") else 1.0
    return period / frequency if frequency else period


def _positive_number(value: Any) -> float | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 1e9 else None


# ── mapping an entry ──────────────────────────────────────────────────────────────────────


def _clean(detail: Mapping[str, Any] | None, value: str) -> str:
    """Text of a feed field: HTML (or XHTML) made plain, plain text tidied; either way without
    markup (`markup_free`).

    Atom says which a field is; for RSS feedparser guesses from the value, as readers do.
    Entities are decoded once: an Atom title "AT&amp;amp;T" of type text is "AT&amp;T". Tags go
    even from plain text (an Atom title "History of the <blink> tag" of type text is "History of
    the tag"): stored text is served to pages that would read them as tags.
    """
    if not value:
        return ""
    kind = ((detail or {}).get("type") or "text/html").lower()
    if kind.startswith(("image/", "audio/", "video/", "font/", "model/")):
        return ""  # Atom content of a media type that is not text: no text
    # Any other type is read as HTML: feedparser has decoded base64 content (whose Atom type is
    # often application/octet-stream) into what publishers put there, markup as a rule.
    return markup_free(plain_text(value) if kind == "text/plain" else html_to_text(value))


def _timestamp(entry: Mapping[str, Any], key: str) -> datetime | None:
    # dict.get, not entry.get: feedparser maps a missing updated_parsed to published_parsed
    # (with a DeprecationWarning), which would hide that an item was never updated.
    parsed = dict.get(entry, f"{key}_parsed")  # type: ignore[arg-type]
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, OSError, TypeError):
        return None


def _summary(entry: Mapping[str, Any]) -> str:
    summary = entry.get("summary") or ""
    detail = entry.get("summary_detail")
    if detail is None:
        # An Atom entry with only <content>: feedparser copies it to summary, without its type.
        detail = next((c for c in entry.get("content") or () if c.get("value") == summary), None)
    return _clean(detail, summary)


_MUCH_LONGER = 2


def _text(entry: Mapping[str, Any]) -> str:
    """The item's body: its longest text. A content element is usually the full article and the
    description a teaser, but not always: feedparser files an image's `media:description` (a
    caption) under content too, and a caption must not replace a 300-word description. The
    description wins only when it is at least `_MUCH_LONGER` times as long: content that is
    merely a little shorter is still the publisher's chosen body."""
    contents = [c for c in entry.get("content") or () if c.get("value")]
    if not contents:
        return _summary(entry)
    longest = max(contents, key=lambda c: len(c["value"]))
    text = _clean(longest, longest["value"])
    if len(entry.get("summary") or "") < _MUCH_LONGER * len(longest["value"]):
        return text  # the common case, decided without cleaning the summary too
    summary = _summary(entry)
    return summary if len(summary) >= _MUCH_LONGER * len(text) else text


def _line(value: str) -> str:
    """A short text field (an author, a tag, a name): tidied, without markup."""
    return markup_free(plain_text(value)) if value else ""


def _authors(entry: Mapping[str, Any]) -> tuple[str, ...]:
    names = [_line(a.get("name") or "") for a in entry.get("authors") or ()]
    if not any(names) and entry.get("author"):
        names = [_line(entry["author"])]
    return tuple(dict.fromkeys(n for n in names if n))


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[bad/": no URL at all
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _link(entry: Mapping[str, Any], bases: tuple[str | None, ...]) -> str | None:
    """The item's link as an absolute http(s) URL: a relative one is resolved against the
    feed's URL (else its site link); anything else (javascript:, mailto:, a relative GUID that
    feedparser took for a link) is no link, and so is a link that is not well-formed (`web_url`:
    `https://x/a"onmouseover="...`)."""
    link = (entry.get("link") or "").strip()
    if not link:
        return None
    if _is_web_url(link):
        return web_url(link)
    if link == entry.get("id") and not any(other.get("href") == link for other in entry.get("links") or ()):
        return None  # feedparser's guid-as-link, and this GUID is no URL
    for base in bases:
        if base and _is_web_url(base):
            try:
                resolved = urljoin(base, link)
            except ValueError:
                return None
            return web_url(resolved) if _is_web_url(resolved) else None
    return None


def _language(entry: Mapping[str, Any]) -> str | None:
    """The entry's own language hint: `xml:lang` on its body, summary or title (feedparser puts
    it, inherited from the entry or the feed, on each of them), else the entry's language."""
    details = [*(entry.get("content") or ()), entry.get("summary_detail") or {}, entry.get("title_detail") or {}]
    for detail in details:
        language = _line(detail.get("language") or "")
        if language:
            return language
    return _line(entry.get("language") or "") or None


def _source(feed: FeedSpec, parsed: ParsedFeed, fetched_url: str) -> str:
    return _line(feed.name or "") or _line(parsed.title) or urlsplit(fetched_url).hostname or fetched_url


def _stored_guid(guid: str | None) -> str | None:
    """The GUID as the article carries it: as the feed gave it, unless it holds markup. (The id
    is made from the feed's GUID as it is, so that it never changes.)"""
    if guid is None or "<" not in guid:
        return guid
    return markup_free(guid) or None


def to_article(
    entry: Mapping[str, Any], *, feed: FeedSpec, parsed: ParsedFeed, fetched_url: str, fetched_at: datetime
) -> RawArticle:
    """Map one feed entry to an article. Raises ValueError for an empty item (no link, GUID or content).

    Dates are UTC. A publish date more than `FUTURE_TOLERANCE` after the fetch becomes the
    fetch time, the reported one kept in `published_reported`; an item without a publish date
    is dated by its updated time, else by its fetch. An updated time in the future is dropped.

    The version is the item's own updated time in milliseconds, else the publish date it
    reported, else the fetch time (also when a date was clamped: a future date as version
    would outrank every later real change).
    """
    fetched_at = fetched_at.astimezone(UTC)
    latest = fetched_at + FUTURE_TOLERANCE
    link = _link(entry, (fetched_url, parsed.link, feed.url))
    url = web_url(canonical_url(link)) if link else None
    if url is None:
        link = None  # a refused link makes no id either: the GUID or the content does
    guid = (entry.get("id") or "").strip() or None
    reported = _timestamp(entry, "published")
    updated = _timestamp(entry, "updated")
    if updated is not None and updated > latest:
        # Dropped, not clamped: a clamped value would change at every fetch, and `updated` is
        # part of what makes an item count as changed (producers.state.fingerprint).
        updated = None
    published_reported = reported if reported is not None and reported > latest else None
    if reported is None:
        published = updated or fetched_at
    else:
        published = fetched_at if published_reported else reported
    stamp = updated or (reported if published_reported is None else None) or fetched_at
    tags = tuple(dict.fromkeys(_line(t.get("term") or "") for t in entry.get("tags") or ()))
    title = _clean(entry.get("title_detail"), entry.get("title", ""))
    text = _text(entry)
    return RawArticle(
        id=article_id(link=link, feed_url=feed.url, guid=guid, content=f"{title}\n{text}"),
        version=max(1, int(stamp.timestamp() * 1000)),
        url=url,
        guid=_stored_guid(guid),
        feed_url=redact_url(feed.url),  # the registry URL may carry credentials the fetch needs
        source=_source(feed, parsed, fetched_url),
        title=title,
        summary=_summary(entry),
        text=text,
        authors=_authors(entry),
        tags=tuple(feed.tags) + tuple(t for t in tags if t and t not in feed.tags),
        language=_language(entry) or _line(parsed.language or "") or feed.language or None,
        published=published,
        # The fetch time stands in for a missing or future date: said so, never passed off as a publish time.
        date_source="fetched" if published_reported is not None or (reported is None and updated is None) else "feed",
        published_reported=published_reported,
        updated=updated,
        fetched_at=fetched_at,
    )
