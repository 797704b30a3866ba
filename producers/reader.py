"""Fetching one feed into a `FetchOutcome`: runs in a worker thread, touches no shared state.

Network (behind the per-host gate), the unchanged-body shortcut and HTML autodiscovery happen
here; parsing and the item -> article mapping are handed to `producers.parsing` (worker
processes in the service); deduplication and producing to Kafka happen on the service's main
thread.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from newsflow.errors import FeedError
from newsflow.net.politeness import HostGate
from newsflow.net.response import FetchedFeed, Validators
from newsflow.redaction import redact_url
from producers.base import FeedSpec, Fetcher
from producers.discovery import discover_feed_urls, is_web_url, looks_like_html
from producers.outcome import FetchOutcome
from producers.parsing import InlineParsing, Parsing
from producers.state import FeedState

__all__ = ["DEFAULT_MAX_ITEMS", "FeedReader", "body_hash"]

#: Items read from one fetch at most (`producer.max_items_per_fetch`).
DEFAULT_MAX_ITEMS = 2000

log = logging.getLogger(__name__)


def body_hash(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


class FeedReader:
    """Turns a feed and its state into an outcome; one instance is shared by all worker threads."""

    def __init__(
        self, *, fetcher: Fetcher, gate: HostGate, parsing: Parsing | None = None, max_items: int = DEFAULT_MAX_ITEMS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._fetcher = fetcher
        self._max_items = max_items
        self._gate = gate
        # Many threads wait on the network; parsing happens where `parsing` says (worker
        # processes in the service, the calling thread by default).
        self._parsing = parsing or InlineParsing()
        self._clock = clock

    def read(self, feed: FeedSpec, state: FeedState) -> FetchOutcome:
        started = time.monotonic()
        learned = _learned(state.fetch_url, feed)
        url = _with_credentials(learned, feed) or feed.url
        try:
            outcome = self._read(feed, state, url)
            if state.fetch_url and not learned and not outcome.fetch_url and is_web_url(feed.url):
                # A refused stored URL (state written before local URLs were refused) is replaced
                # by the registry's: it is forgotten, not refused again at every poll.
                outcome = replace(outcome, fetch_url=_stored(feed.url))
        except FeedError as exc:
            outcome = FetchOutcome(
                feed=feed, kind="error", at=self._clock(), error=str(exc), reason=str(exc.fields.get("reason", "error")),
                headers=_retry_headers(exc), discovery_tried=exc.fields.get("discovery_tried", False),
            )
        except Exception as exc:  # noqa: BLE001 - anything unforeseen in one feed is that feed's failure
            log.exception("feed read failed unexpectedly feed=%s", redact_url(feed.url))
            outcome = FetchOutcome(feed=feed, kind="error", at=self._clock(), reason="internal-error",
                                   error=f"unexpected {type(exc).__name__} while reading the feed (a newsflow bug; see the log)")
        return _with_duration(outcome, time.monotonic() - started)

    def from_push(self, feed: FeedSpec, state: FeedState, body: bytes, headers: dict[str, str]) -> FetchOutcome:
        """A WebSub content distribution, handled like a fetch that returned `body`."""
        fetched = FetchedFeed(url=_without_userinfo(state.fetch_url or feed.url), body=body, headers={k.lower(): v for k, v in headers.items()})
        try:
            outcome = self._parsed_outcome(feed, state, fetched, moved_to=None, discovery_tried=False)
        except FeedError as exc:
            outcome = FetchOutcome(feed=feed, kind="error", at=self._clock(), error=str(exc), reason="bad-push")
        return _with_pushed(outcome)

    def _read(self, feed: FeedSpec, state: FeedState, url: str) -> FetchOutcome:
        fetched = self._fetch(url, Validators(etag=state.etag, last_modified=state.last_modified))
        moved_to = _stored(_learned(fetched.permanent_redirect, feed))
        if fetched.not_modified:
            return FetchOutcome(feed=feed, kind="not-modified", at=self._clock(), headers=fetched.headers, fetch_url=moved_to)
        digest = body_hash(fetched.body)
        if digest == state.body_hash:
            # A 200 with the very same bytes: nothing to parse, nothing to emit.
            return FetchOutcome(feed=feed, kind="unchanged", at=self._clock(), headers=fetched.headers, body_hash=digest,
                                fetch_url=moved_to)
        discovery_tried = False
        if looks_like_html(fetched.body, fetched.headers.get("content-type", "")) and not self._holds_entries(fetched):
            fetched, discovery_tried = self._discover(feed, state, fetched)
            moved_to = _stored(fetched.url)
        return self._parsed_outcome(feed, state, fetched, moved_to=moved_to, discovery_tried=discovery_tried)

    def _discover(self, feed: FeedSpec, state: FeedState, page: FetchedFeed) -> tuple[FetchedFeed, bool]:
        """An HTML page where a feed was expected: follow its first advertised feed, once.

        Only an http(s) feed: a page never leads to a local file, whoever serves it."""
        candidates = [url for url in discover_feed_urls(page.body, page.url) if is_web_url(url)]
        if state.discovery_tried or not candidates:
            raise FeedError(f"not a feed: {redact_url(page.url)} is an HTML page that advertises no feed",
                            feed=redact_url(feed.url), reason="not-a-feed", discovery_tried=True)
        log.info("feed autodiscovery url=%s found=%s", redact_url(page.url), redact_url(candidates[0]))
        return self._fetch(candidates[0], Validators()), True

    def _holds_entries(self, page: FetchedFeed) -> bool:
        return self._parsing.holds_entries(page)

    def _fetch(self, url: str, validators: Validators) -> FetchedFeed:
        with self._gate.slot(url):
            return self._fetcher.fetch(url, validators)

    def _parsed_outcome(
        self, feed: FeedSpec, state: FeedState, fetched: FetchedFeed, *, moved_to: str | None, discovery_tried: bool
    ) -> FetchOutcome:
        at = self._clock()
        try:
            items = self._parsing.read(feed, fetched, max_items=self._max_items, at=at)
        except FeedError as exc:
            exc.fields["discovery_tried"] = discovery_tried
            raise
        parsed = items.feed
        return FetchOutcome(
            feed=feed, kind="ok", at=at, fetch_url=moved_to, headers=fetched.headers, body_hash=body_hash(fetched.body),
            articles=items.articles, publisher_interval_s=parsed.publisher_interval_s,
            hub=parsed.hub, topic=parsed.self_url or fetched.url, discovery_tried=discovery_tried,
        )


def _stored(url: str | None) -> str | None:
    """A fetch URL as the feed's state keeps it: credentials that a same-site redirect carried
    over become ``***@`` (`_with_credentials` puts the registry's back at fetch time)."""
    return redact_url(url) if url else None


def _with_credentials(url: str | None, feed: FeedSpec) -> str | None:
    """A stored fetch URL with the registry URL's credentials back in, when it had them (same host
    and port: the transport carries credentials over only there); else without any."""
    if not url or "://***@" not in url:
        return url
    registry, stored = urlsplit(feed.url), urlsplit(url)
    userinfo = registry.netloc.rpartition("@")[0]
    if userinfo and (registry.hostname, registry.port) == (stored.hostname, stored.port):
        return url.replace("://***@", f"://{userinfo}@", 1)
    return url.replace("://***@", "://", 1)


def _without_userinfo(url: str) -> str:
    return redact_url(url).replace("://***@", "://", 1)


def _learned(url: str | None, feed: FeedSpec) -> str | None:
    """`url`, learned from remote content (a redirect, autodiscovery, state they wrote), if it is
    http(s); anything else (a local path, file:) is dropped: only the registry names local files."""
    if not url or is_web_url(url):
        return url
    log.warning("feed learned URL ignored feed=%s reason=not-http", redact_url(feed.url))
    return None


def _retry_headers(exc: FeedError) -> dict[str, str]:
    value = exc.fields.get("retry_after")
    return {"retry-after": str(value)} if value is not None else {}


def _with_duration(outcome: FetchOutcome, seconds: float) -> FetchOutcome:
    return replace(outcome, duration_s=seconds)


def _with_pushed(outcome: FetchOutcome) -> FetchOutcome:
    return replace(outcome, pushed=True)
