"""Where feed bodies are parsed: in worker processes (the default) or in the fetch threads.

Parsing is pure Python (feedparser's SAX handlers, the item -> article mapping) and holds the
GIL: threads only take turns, so one producer process parses on one core however many feeds it
fetches at once. `ProcessParsing` parses in a pool of worker processes (pebble), which uses
every core and is also a wall around untrusted bytes: a parse that runs past
`producer.parse_timeout_s` has its worker killed and replaced, and a worker that dies (out of
memory, a crash in a C extension) fails that one feed, never the producer.

`InlineParsing` parses in the calling thread, a few threads at a time
(`producer.parse_processes = 0`): for one-off commands and tests, where starting processes
costs more than it saves.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import signal
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from pebble import ProcessExpired, ProcessPool

from newsflow.contract.schema import RawArticle
from newsflow.errors import FeedError
from newsflow.net.response import FetchedFeed
from newsflow.redaction import redact_url
from newsflow.runtime.logs import configure_logging, logging_config
from producers.base import FeedSpec, ParsedFeed
from producers.budget import fit_in_message
from producers.items import parse_feed, to_article

__all__ = ["FeedItems", "InlineParsing", "Parsing", "ProcessParsing", "holds_entries", "read_items"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedItems:
    """A parsed feed: its articles, and what the feed says of itself (`feed.entries` is empty:
    entries are large, and only the articles made from them leave a worker)."""

    feed: ParsedFeed
    articles: tuple[RawArticle, ...]


def read_items(feed: FeedSpec, fetched: FetchedFeed, *, max_items: int, at: datetime) -> FeedItems:
    """Parse `fetched` and turn its first `max_items` entries into articles fitting a message.

    Raises `FeedError` (reason "not-a-feed") when the body is not a feed; a bad item is skipped."""
    parsed = _capped(parse_feed(fetched), max_items, feed)
    return FeedItems(feed=replace(parsed, entries=()), articles=tuple(_articles(feed, parsed, fetched.url, at)))


def holds_entries(fetched: FetchedFeed) -> bool:
    """Whether a body that looks like an HTML page has feed entries all the same (an Atom or
    RSS feed wrapped in an XHTML document: feedparser finds them, autodiscovery would not)."""
    try:
        return bool(parse_feed(fetched).entries)
    except FeedError:
        return False


class Parsing(Protocol):
    def read(self, feed: FeedSpec, fetched: FetchedFeed, *, max_items: int, at: datetime) -> FeedItems:
        """`read_items`, somewhere; raises `FeedError` for the feed when it fails there."""

    def holds_entries(self, fetched: FetchedFeed) -> bool: ...

    def close(self) -> None: ...


class InlineParsing:
    """Parses in the calling thread, at most `concurrency` at once: more threads parsing at once
    only trade the GIL back and forth (measured: 16 produced 4x fewer articles per second than 4)."""

    def __init__(self, concurrency: int = 2) -> None:
        self._slots = threading.BoundedSemaphore(concurrency)

    def read(self, feed: FeedSpec, fetched: FetchedFeed, *, max_items: int, at: datetime) -> FeedItems:
        with self._slots:
            return read_items(feed, fetched, max_items=max_items, at=at)

    def holds_entries(self, fetched: FetchedFeed) -> bool:
        with self._slots:
            return holds_entries(fetched)

    def close(self) -> None:
        pass


class ProcessParsing:
    """Parses in `processes` worker processes; a parse over `timeout_s` or a worker that dies
    is that feed's failure (reasons "parse-timeout", "parser-crashed"), and the worker is replaced."""

    def __init__(self, processes: int, *, timeout_s: float, read=read_items) -> None:
        if processes < 1:
            raise ValueError(f"processes must be at least 1, got {processes}")
        self._timeout_s = timeout_s
        self._read = read  # a module-level function (it is pickled to the worker); tests inject failures
        # spawn, never fork: the producer has threads (fetching, Kafka's sender) holding locks
        # that a forked child would inherit locked.
        # Workers log (skipped items, capped feeds) as this process does, to the same stderr.
        self._pool = ProcessPool(max_workers=processes, context=multiprocessing.get_context("spawn"),
                                 initializer=_start_parser_process, initargs=logging_config())

    def read(self, feed: FeedSpec, fetched: FetchedFeed, *, max_items: int, at: datetime) -> FeedItems:
        return self._run(fetched, self._read, feed, fetched, max_items=max_items, at=at)

    def holds_entries(self, fetched: FetchedFeed) -> bool:
        return self._run(fetched, holds_entries, fetched)

    def close(self) -> None:
        self._pool.stop()
        self._pool.join(timeout=10)

    def _run(self, fetched: FetchedFeed, function, *args, **kwargs):
        future = self._pool.schedule(function, args=args, kwargs=kwargs, timeout=self._timeout_s)
        try:
            return future.result()
        except FutureTimeout:
            log.warning("feed parse timed out url=%s timeout_s=%s", redact_url(fetched.url), self._timeout_s)
            raise FeedError(f"parsing took longer than {self._timeout_s:g} s (the parser was stopped)",
                            url=redact_url(fetched.url), reason="parse-timeout") from None
        except ProcessExpired as exc:
            log.warning("feed parser died url=%s exitcode=%s", redact_url(fetched.url), exc.exitcode)
            raise FeedError(f"the parser process died (exit code {exc.exitcode}) while parsing this feed",
                            url=redact_url(fetched.url), reason="parser-crashed") from None


def _start_parser_process(level: str, log_format: str) -> None:
    """A parser process logs as the producer does, and once it is exiting, ignores SIGTERM.
    Why: on close the pool closes its channel (the worker returns and Python shuts down) and
    sends each worker SIGTERM. One arriving while the interpreter tears down finds no Python
    handler left, and CPython prints "OSError: Signal 15 ignored due to race condition" with a
    traceback into the producer's log (seen in CI at a producer's clean stop)."""
    configure_logging(level, log_format)
    atexit.register(signal.signal, signal.SIGTERM, signal.SIG_IGN)


def _capped(parsed: ParsedFeed, max_items: int, feed: FeedSpec) -> ParsedFeed:
    """The feed's first `max_items` entries: a feed is newest first as a rule, and one feed of
    650,000 items must not take the producer's memory (each item becomes an article in memory
    before any is sent)."""
    if len(parsed.entries) <= max_items:
        return parsed
    log.warning("feed items over the cap feed=%s items=%d kept=%d", redact_url(feed.url), len(parsed.entries), max_items)
    note = f"{len(parsed.entries) - max_items} item(s) over the cap of {max_items} ignored"
    return replace(parsed, entries=parsed.entries[:max_items], defect="; ".join(d for d in (parsed.defect, note) if d))


def _articles(feed: FeedSpec, parsed: ParsedFeed, fetched_url: str, at: datetime) -> list[RawArticle]:
    articles = []
    for entry in parsed.entries:
        try:
            article = to_article(entry, feed=feed, parsed=parsed, fetched_url=fetched_url, fetched_at=at)
        except Exception as exc:  # noqa: BLE001 - one bad item never stops its feed, whatever it breaks
            log.warning("item skipped feed=%s error=%s: %s", redact_url(feed.url), type(exc).__name__,
                        (str(exc).splitlines() or [""])[0])
            continue
        fitted = fit_in_message(article)
        if fitted is not article:
            log.warning("item %s feed=%s article=%s reason=over-message-size", "truncated" if fitted else "skipped",
                        redact_url(feed.url), article.id)
        if fitted is not None:
            articles.append(fitted)
    return articles
