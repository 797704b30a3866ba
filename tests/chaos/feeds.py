"""The chaos suite's feed server: N feeds of known articles, published in phases, each feed able to
turn hostile (timeouts, 500s, garbage) or slow while the others stay fine.

The server is the ground truth: `expected()` is every article it has served, at its latest
revision, which is exactly what Elasticsearch must hold once the pipeline has settled.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal
from xml.sax.saxutils import escape

__all__ = ["ChaosFeeds", "Item", "Mode"]

Mode = Literal["ok", "timeout", "error", "garbage"]

_PEOPLE = ["Ebrahim Raisi", "Emmanuel Macron", "Olaf Scholz", "Jacinda Ardern", "Narendra Modi", "Angela Merkel",
           "Joe Biden", "Giorgia Meloni", "Pedro Sanchez", "Justin Trudeau", "Cyril Ramaphosa", "Lula da Silva"]
_PLACES = ["Tehran", "Paris", "Berlin", "Wellington", "New Delhi", "Madrid", "Rome", "Ottawa", "Pretoria",
           "Brasilia", "Lisbon", "Vienna"]
_ORGS = ["the United Nations", "the European Union", "NATO", "the World Bank", "the IMF", "UNESCO"]
_START = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    feed: int
    number: int
    revision: int = 1

    @property
    def guid(self) -> str:
        return f"chaos-f{self.feed}-i{self.number}"

    @property
    def link(self) -> str:
        # Never fetched (the processor's extract step only fetches pages of short texts).
        return f"https://chaos.example.org/feed{self.feed}/article{self.number}"

    @property
    def title(self) -> str:
        suffix = f" (update {self.revision})" if self.revision > 1 else ""
        return f"{_PEOPLE[(self.feed + self.number) % len(_PEOPLE)]} visits {_PLACES[self.number % len(_PLACES)]}, report {self.feed}-{self.number}{suffix}"

    @property
    def text(self) -> str:
        person = _PEOPLE[(self.feed + self.number) % len(_PEOPLE)]
        place, org = _PLACES[self.number % len(_PLACES)], _ORGS[(self.feed * 7 + self.number) % len(_ORGS)]
        update = f" This report was updated (revision {self.revision}) with new figures." if self.revision > 1 else ""
        return (
            f"{person} arrived in {place} on Monday for talks with officials of {org} about trade, energy prices "
            f"and the security of shipping routes. The visit, number {self.number} on feed {self.feed}, was announced "
            f"a week ago. Officials in {place} said the talks would cover investment in ports and railways, and "
            f"a delegation from {org} joined the meetings on the second day. {person} told reporters that the "
            f"agreement reached in {place} would be reviewed next spring.{update}"
        )

    @property
    def published(self) -> datetime:
        return _START + timedelta(hours=self.number, minutes=self.feed)


class ChaosFeeds:
    """A threaded HTTP server on 127.0.0.1 serving `feeds` RSS feeds at /feed/<n>.xml."""

    def __init__(self, feeds: int, *, delay_s: float = 0.0, hang_s: float = 30.0) -> None:
        self.feeds = feeds
        self.delay_s = delay_s  # every feed answers this late (a producer cycle takes a while)
        self._hang_s = hang_s  # how long a "timeout" feed keeps the connection silent
        self._items: dict[int, dict[int, Item]] = {f: {} for f in range(feeds)}
        self._served: dict[tuple[int, int], Item] = {}  # what a client actually received: the truth
        self._modes: dict[int, Mode] = dict.fromkeys(range(feeds), "ok")
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.requests = 0
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="chaos-feeds", daemon=True)
        self._thread.start()

    # -- what is published -----------------------------------------------------------------------

    def publish(self, numbers: range, feeds: range | None = None) -> None:
        """Add items `numbers` to each feed (all feeds unless `feeds`)."""
        with self._lock:
            for f in feeds if feeds is not None else range(self.feeds):
                for n in numbers:
                    self._items[f].setdefault(n, Item(f, n))

    def update(self, numbers: range, feeds: range | None = None) -> None:
        """Publish a new revision of items `numbers` (new title and text, same GUID and link)."""
        with self._lock:
            for f in feeds if feeds is not None else range(self.feeds):
                for n in numbers:
                    if n in self._items[f]:
                        self._items[f][n] = replace(self._items[f][n], revision=self._items[f][n].revision + 1)

    def set_mode(self, feeds: range | list[int], mode: Mode) -> None:
        with self._lock:
            for f in feeds:
                self._modes[f] = mode

    def expected(self) -> dict[str, Item]:
        """Every article a client has been served, at the latest revision it was served: link -> item."""
        with self._lock:
            return {item.link: item for item in self._served.values()}

    def everything_served(self) -> bool:
        """Every item published on a feed that answers normally has been served at its latest
        revision: until then the producer has more to fetch, and the pipeline is not settled."""
        with self._lock:
            return all(self._served.get((f, n)) == item for f, items in self._items.items()
                       if self._modes.get(f, "ok") == "ok" for n, item in items.items())

    def published_count(self) -> int:
        with self._lock:
            return sum(len(items) for items in self._items.values())

    # -- serving ---------------------------------------------------------------------------------

    def url(self, feed: int) -> str:
        return f"http://127.0.0.1:{self._httpd.server_port}/feed/{feed}.xml"

    def registry_yaml(self) -> str:
        lines = ["feeds:"]
        for f in range(self.feeds):
            lines += [f"  - url: {self.url(f)}", f"    name: Chaos feed {f}", "    language: en"]
        return "\n".join(lines) + "\n"

    def _respond(self, feed: int) -> tuple[Mode, bytes, str]:
        with self._lock:
            mode = self._modes.get(feed, "ok")
            items = sorted(self._items.get(feed, {}).values(), key=lambda i: i.number)
            if mode == "ok":
                for item in items:
                    known = self._served.get((item.feed, item.number))
                    if known is None or known.revision < item.revision:
                        self._served[(item.feed, item.number)] = item
        body = _rss(feed, items)
        return mode, body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"'

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        chaos = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                try:
                    self._answer()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client was killed mid-answer: that is what some scenarios do

            def _answer(self) -> None:
                chaos.requests += 1
                if chaos.delay_s:
                    time.sleep(chaos.delay_s)  # a slow but healthy server: on purpose
                try:
                    feed = int(self.path.removeprefix("/feed/").removesuffix(".xml"))
                except ValueError:
                    self.send_error(404)
                    return
                mode, body, etag = chaos._respond(feed)
                if mode == "timeout":
                    chaos._stopping.wait(chaos._hang_s)  # says nothing until the client gives up
                    return
                if mode == "error":
                    self.send_error(500, "chaos: internal error")
                    return
                if mode == "garbage":
                    body, etag = b"\x00\x9f<<<not a feed>>>" * 64, '"garbage"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml" if mode == "ok" else "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def close(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()


def _rss(feed: int, items: list[Item]) -> bytes:
    entries = "".join(
        f"<item><guid isPermaLink=\"false\">{item.guid}</guid><link>{escape(item.link)}</link>"
        f"<title>{escape(item.title)}</title><description>{escape(item.text)}</description>"
        f"<pubDate>{format_datetime(item.published)}</pubDate></item>"
        for item in items
    )
    return (
        f"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Chaos feed {feed}</title>"
        f"<link>https://chaos.example.org/feed{feed}</link><description>chaos</description>{entries}</channel></rss>"
    ).encode()
