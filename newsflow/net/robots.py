"""robots.txt (RFC 9309): where an origin's file lives, how a fetch of it is read, and a cache.

The extract step asks before it fetches an article page. The fetch itself is the caller's
(through its `HttpFetcher`, inside its politeness slot); this module says what the answer means:
a 4xx means the origin has no robots.txt and everything is allowed; any other failure means the
rules are unknown (`RobotsUnavailable`), and the caller should fetch nothing from the origin for
now. `RobotsCache` keeps the parsed rules per origin, so an origin's robots.txt is read once per
`ROBOTS_TTL_S`, not once per page.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from urllib.parse import urlsplit

from protego import Protego

from newsflow.errors import FeedError
from newsflow.net.politeness import host_key
from newsflow.net.response import FetchedFeed

__all__ = [
    "ROBOTS_MAX_BYTES",
    "ROBOTS_MAX_ORIGINS",
    "ROBOTS_TTL_S",
    "RobotsCache",
    "RobotsUnavailable",
    "allows",
    "load_robots",
    "parse_robots",
    "robots_origin",
    "robots_url",
]

ROBOTS_TTL_S = 3600.0
ROBOTS_MAX_ORIGINS = 1024
# RFC 9309 asks crawlers to parse at least 500 KiB of a robots.txt; more is refused (and treated
# as unavailable, which is conservative). The caller's fetcher enforces it as its body limit.
ROBOTS_MAX_BYTES = 512 * 1024


def robots_url(url: str) -> str:
    """Where the robots.txt that governs `url` lives: same scheme, host and port, no credentials."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme.lower()}://{host}{port}/robots.txt"


def robots_origin(url: str) -> str:
    """The origin one robots.txt governs, as a cache key: scheme + host + port (default made explicit)."""
    return f"{urlsplit(url).scheme.lower()}://{host_key(url)}"


class RobotsUnavailable(Exception):
    """robots.txt could not be read (timeout, 5xx...): the origin's pages are not fetched for now.

    `error` is the failed fetch's `FeedError`; its `reason` says why.
    """

    def __init__(self, error: FeedError) -> None:
        super().__init__(str(error))
        self.error = error


def parse_robots(body: bytes) -> Protego:
    return Protego.parse(body.decode("utf-8", errors="replace"))


def load_robots(url: str, fetch: Callable[[str], FetchedFeed]) -> Protego | None:
    """The rules that govern `url`, read with `fetch`; None (all allowed) when there is no robots.txt.

    Per RFC 9309 a 4xx means no robots.txt; any other `FeedError` of `fetch` raises
    `RobotsUnavailable`. Anything else `fetch` raises goes through unchanged.
    """
    try:
        fetched = fetch(robots_url(url))
    except FeedError as exc:
        status = exc.fields.get("status")
        if exc.fields.get("reason") == "http-error" and isinstance(status, int) and 400 <= status < 500:
            return None
        raise RobotsUnavailable(exc) from None
    return parse_robots(fetched.body)


def allows(rules: Protego | None, url: str, user_agent: str) -> bool:
    """Whether `rules` (None: no robots.txt) let `user_agent` fetch `url`."""
    return rules is None or rules.can_fetch(url, user_agent)


class RobotsCache:
    """Parsed robots.txt per origin, thread-safe: loaded once, kept `ttl_s`, at most `max_origins`.

    A rule set of None means "everything allowed" (no robots.txt). A load that fails with
    `RobotsUnavailable` is not cached: the caller decides how long to remember it. Concurrent
    lookups of one origin share a single load.
    """

    def __init__(self, *, ttl_s: float, max_origins: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl_s = ttl_s
        self._max = max_origins
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[float, Protego | None]] = OrderedDict()
        self._loading: dict[str, Future[Protego | None]] = {}

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, origin: str, load: Callable[[], Protego | None]) -> Protego | None:
        while True:
            with self._lock:
                cached = self._fresh(origin)
                if cached is not None:
                    return cached[1]
                pending = self._loading.get(origin)
                if pending is None:
                    pending = self._loading[origin] = Future()
                    break  # this thread loads
            try:
                return pending.result()
            except RobotsUnavailable:
                raise
            except Exception:  # noqa: BLE001 - the loader's own trouble (it gave up): load it ourselves
                continue
        return self._load(origin, load, pending)

    def _fresh(self, origin: str) -> tuple[float, Protego | None] | None:
        entry = self._entries.get(origin)
        if entry is None:
            return None
        if entry[0] <= self._clock():
            del self._entries[origin]
            return None
        self._entries.move_to_end(origin)
        return entry

    def _load(self, origin: str, load: Callable[[], Protego | None], pending: Future[Protego | None]) -> Protego | None:
        try:
            rules = load()
        except BaseException as exc:
            with self._lock:
                del self._loading[origin]
            pending.set_exception(exc)
            raise
        with self._lock:
            del self._loading[origin]
            self._entries[origin] = (self._clock() + self._ttl_s, rules)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        pending.set_result(rules)
        return rules
