"""JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/) parsed into a `ParsedFeed`.

Entries come out in feedparser's shape (id, link, title, summary, content, published_parsed,
updated_parsed, authors, tags, ...), so `producers.items.to_article` maps every format alike.

Only the fields the spec names are read, each checked for its type: whatever else a document
holds, however deep, is ignored. `json.loads` never evaluates anything; a document nested
deeper than the interpreter's recursion limit is refused as not a feed.
"""

from __future__ import annotations

import codecs
import json
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from feedparser.datetimes import _parse_date as _feedparser_date

from newsflow.contract.text import html_to_text, markup_free, plain_text
from newsflow.errors import FeedError
from producers.base import ParsedFeed

__all__ = ["JSON_CONTENT_TYPES", "looks_like_json", "parse_jsonfeed"]

JSON_CONTENT_TYPES = ("application/feed+json", "application/json")
_VERSION = re.compile(r"^https?://jsonfeed\.org/version/1(\.\d+)?/?$", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
# Spec says plain text; publishers put HTML and entities there all the same.
_HTMLISH = re.compile(r"<[a-zA-Z/!][^>]*>|&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")


def looks_like_json(content_type: str, body: bytes) -> bool:
    """A body that opens with "{" (after a BOM or white space), or a JSON media type on a body
    that does not open with "<" (XML mislabelled as JSON is still XML)."""
    head = body[:64]
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :].decode(encoding, errors="ignore").encode("utf-8")
            break
    head = head.lstrip(b" \t\r\n")
    if head.startswith((b"{", b"<")):
        return head.startswith(b"{")
    return content_type.split(";", 1)[0].strip().lower() in JSON_CONTENT_TYPES


def parse_jsonfeed(body: bytes, *, url: str) -> ParsedFeed:
    """Parse a JSON Feed; raises `FeedError` (reason "not-a-feed") for anything else."""
    try:
        document = json.loads(_decode(body), object_pairs_hook=_object_without_surrogates)
    except RecursionError:
        raise _not_a_feed(url, "JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError
        raise _not_a_feed(url, f"invalid JSON ({str(exc).splitlines()[0][:120]})") from None
    if not isinstance(document, dict):
        raise _not_a_feed(url, "a JSON document that is not a JSON Feed (not an object)")
    defects: list[str] = []
    version = document.get("version")
    items = document.get("items")
    if not (isinstance(version, str) and _VERSION.match(version.strip())):
        # Accept a versionless object that still has the shape of a feed, and say so.
        if not isinstance(items, list) or not any(k in document for k in ("title", "feed_url", "home_page_url")):
            raise _not_a_feed(url, "a JSON document that is not a JSON Feed (no jsonfeed.org version)")
        defects.append(f"unknown JSON Feed version {version!r}" if version is not None else "no JSON Feed version")
    if not isinstance(items, list):
        defects.append("no items list")
        items = []
    entries = []
    skipped = 0
    for item in items:
        if isinstance(item, dict):
            entries.append(_entry(item))
        else:
            skipped += 1
    if skipped:
        defects.append(f"{skipped} item(s) not JSON objects, ignored")
    return ParsedFeed(
        title=_feed_title(document.get("title")),
        language=_string(document.get("language")),
        link=_string(document.get("home_page_url")),
        hub=_hub(document.get("hubs")),
        self_url=_string(document.get("feed_url")),
        publisher_interval_s=None,
        entries=tuple(entries),
        defect="; ".join(defects) or None,
    )


# A "\\ud800" escape is valid JSON but no character: a lone UTF-16 surrogate that no encoder
# accepts, so an article holding one could never become a Kafka message. (json.loads already
# joins a valid escaped pair into one character; only lone halves are left.)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    return value  # objects were cleaned by their own hook call: json.loads builds them inside out


def _object_without_surrogates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return {_without_surrogates(key): _without_surrogates(value) for key, value in pairs}


def _not_a_feed(url: str, what: str) -> FeedError:
    return FeedError(f"not a feed: {url} is {what}", feed=url, reason="not-a-feed")


def _decode(body: bytes) -> str:
    # RFC 8259: UTF-8 (a BOM tolerated); UTF-16/32 from older writers, recognised by their BOM.
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    return body.decode("utf-8", errors="replace")


def _string(value: Any) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def _hub(hubs: Any) -> str | None:
    if not isinstance(hubs, list):
        return None
    candidates = [(h.get("type"), _string(h.get("url"))) for h in hubs if isinstance(h, dict)]
    for kind, hub_url in candidates:
        if hub_url and isinstance(kind, str) and kind.strip().lower() == "websub":
            return hub_url
    return next((hub_url for _, hub_url in candidates if hub_url), None)


def _feed_title(value: Any) -> str:
    title = _string(value) or ""
    return markup_free(html_to_text(title) if _HTMLISH.search(title) else plain_text(title))


def _detail(value: str) -> dict[str, Any]:
    kind = "text/html" if _HTMLISH.search(value) else "text/plain"
    return {"type": kind, "language": None, "base": "", "value": value}


def _entry(item: Mapping[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    raw_id = item.get("id")
    # The spec: an id given as a number is coerced to a string.
    if isinstance(raw_id, (str, int, float)) and not isinstance(raw_id, bool) and str(raw_id).strip():
        entry["id"] = entry["guid"] = str(raw_id).strip()
    url, external = _string(item.get("url")), _string(item.get("external_url"))
    links = []
    if url:
        links.append({"rel": "alternate", "type": "text/html", "href": url})
    if external:
        links.append({"rel": "related", "type": "text/html", "href": external})
    if url or external:
        entry["link"] = url or external
    entry["links"] = links
    title = _string(item.get("title"))
    if title:
        entry["title"], entry["title_detail"] = title, _detail(title)
    summary = _string(item.get("summary"))
    if summary:
        entry["summary"], entry["summary_detail"] = summary, _detail(summary)
    content = []
    html, text = _string(item.get("content_html")), _string(item.get("content_text"))
    if html:
        content.append({"type": "text/html", "language": None, "base": "", "value": html})
    if text:
        content.append({"type": "text/plain", "language": None, "base": "", "value": text})
    if content:
        entry["content"] = content
    for field, key in (("date_published", "published"), ("date_modified", "updated")):
        raw = _string(item.get(field))
        if raw:
            entry[key] = raw
            parsed = parse_date(raw)
            if parsed is not None:
                entry[f"{key}_parsed"] = parsed
    authors = _authors(item)
    if authors:
        entry["authors"] = authors
        entry["author"] = authors[0]["name"]
    tags = item.get("tags")
    if isinstance(tags, list):
        terms = [t.strip() for t in tags if isinstance(t, str) and t.strip()]
        if terms:
            entry["tags"] = [{"term": t, "scheme": None, "label": None} for t in terms]
    language = _string(item.get("language"))
    if language:
        entry["language"] = language
    attachments = item.get("attachments")
    if isinstance(attachments, list):
        enclosures = [
            {"href": href, "type": _string(a.get("mime_type")) or "", "length": str(a.get("size_in_bytes") or "")}
            for a in attachments
            if isinstance(a, dict) and (href := _string(a.get("url")))
        ]
        if enclosures:
            entry["enclosures"] = enclosures
    return entry


def _authors(item: Mapping[str, Any]) -> list[dict[str, str]]:
    # 1.1: "authors", a list; 1.0: "author", one object. A 1.1 feed may carry both for old readers.
    found = item.get("authors")
    candidates = found if isinstance(found, list) else []
    if not candidates and isinstance(item.get("author"), dict):
        candidates = [item["author"]]
    names = [_string(a.get("name")) for a in candidates if isinstance(a, dict)]
    return [{"name": n} for n in dict.fromkeys(n for n in names if n)]


def parse_date(value: str) -> time.struct_time | None:
    """An RFC 3339 date (JSON Feed's format) as a UTC struct_time, like feedparser's *_parsed.

    A date without an offset is taken as UTC; other formats found in the wild (RFC 822) go to
    feedparser's own date parser.
    """
    try:
        moment = datetime.fromisoformat(value.strip().upper())
    except ValueError:
        try:
            return _feedparser_date(value)
        except Exception:  # feedparser's handlers are heuristics; a date is never worth a crash
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC).utctimetuple()
    except (OverflowError, ValueError):  # year 1 with a positive offset, year 9999 with a negative one
        return None
