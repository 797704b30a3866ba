"""Per-host politeness: however many feeds a host serves, it sees at most N requests at once from
us, and a minimum delay between the starts of two of them.

Many worker threads share one `HostGate`; each fetch runs inside `with gate.slot(url):`.
"""

from __future__ import annotations

import heapq
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = ["HostGate", "host_key"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_key(url: str) -> str | None:
    """What makes two URLs the same host for politeness: lower-cased hostname and port.

    The scheme's default port is made explicit (`http://example.com/` and
    `http://EXAMPLE.com:80/` are one host) and a trailing dot is dropped; an internationalised
    name is compared in its ASCII (punycode) form. None for a URL with no host (a local file).
    """
    parts = urlsplit(url.strip())
    hostname = parts.hostname  # lower-cased, brackets of an IPv6 literal removed
    if not hostname:
        return None
    hostname = hostname.rstrip(".")
    try:
        hostname = hostname.encode("idna").decode("ascii")
    except UnicodeError:
        pass  # not a valid IDN: compare it as it is
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: let the fetcher refuse the URL
        port = None
    if port is None:
        port = _DEFAULT_PORTS.get(parts.scheme.lower())
    return f"{hostname}:{port}" if port is not None else hostname


@dataclass
class _Host:
    cond: threading.Condition
    in_flight: int = 0  # requests started and not finished
    users: int = 0  # threads in flight or waiting for this host
    next_start: float = field(default=-math.inf)  # clock time before which no request may start


class HostGate:
    """Per-host politeness shared by many threads: at most `per_host_concurrency` requests in
    flight to one host, and at least `min_delay_s` between the starts of two requests to it.

    Waiting for one host never holds up another: a thread waits for a free slot on its host's
    condition and sleeps out the delay with no lock held. A host's entry is dropped once no
    thread uses it and its delay has run out, so memory follows the hosts in use, not every
    host ever seen. `clock` and `sleep` are injectable for tests (a fake clock must move when
    `sleep` is called).
    """

    def __init__(
        self,
        *,
        per_host_concurrency: int,
        min_delay_s: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        if per_host_concurrency < 1:
            raise ValueError(f"per_host_concurrency must be at least 1, got {per_host_concurrency}")
        if not (math.isfinite(min_delay_s) and min_delay_s >= 0):
            raise ValueError(f"min_delay_s must be a non-negative number, got {min_delay_s}")
        self._limit = per_host_concurrency
        self._delay = min_delay_s
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._hosts: dict[str, _Host] = {}
        # Hosts no thread uses, by the time their delay runs out: (next_start, key). An entry
        # may be stale (the host was used again since); it is checked when it comes due.
        self._idle: list[tuple[float, str]] = []

    @property
    def tracked_hosts(self) -> int:
        """Hosts the gate keeps state for (in use, or idle within their delay)."""
        with self._lock:
            return len(self._hosts)

    @contextmanager
    def slot(self, url: str) -> Iterator[float]:
        """Block until a request to `url`'s host may start, and hold one of its slots inside.

        Yields the clock time the slot was granted. A URL with no host (a local file) is not gated.
        """
        key = host_key(url)
        if key is None:
            yield self._clock()
            return
        started = self._acquire(key)
        try:
            yield started
        finally:
            self._release(key)

    def _acquire(self, key: str) -> float:
        with self._lock:
            self._prune()
            host = self._hosts.get(key)
            if host is None:
                host = self._hosts[key] = _Host(cond=threading.Condition(self._lock))
            host.users += 1
            try:
                while True:
                    if host.in_flight >= self._limit:
                        host.cond.wait()  # releases the lock; woken when one of this host's requests ends
                        continue
                    now = self._clock()
                    wait_s = host.next_start - now
                    if wait_s <= 0:
                        host.in_flight += 1
                        host.next_start = now + self._delay
                        return now
                    # Sleep out the delay with no lock held (other hosts go on), then look again:
                    # another thread may have taken the slot or started a request meanwhile.
                    self._lock.release()
                    try:
                        self._sleep(wait_s)
                    finally:
                        self._lock.acquire()
            except BaseException:
                host.users -= 1
                host.cond.notify_all()  # a slot this thread was woken for must not be lost
                self._forget_if_idle(key, host)
                raise

    def _release(self, key: str) -> None:
        with self._lock:
            host = self._hosts[key]
            host.in_flight -= 1
            host.users -= 1
            host.cond.notify_all()
            self._forget_if_idle(key, host)
            self._prune()

    def _forget_if_idle(self, key: str, host: _Host) -> None:
        """Drop an unused host now if its delay has run out, else when it does (`_prune`)."""
        if host.users:
            return
        if host.next_start <= self._clock():
            del self._hosts[key]
        else:
            heapq.heappush(self._idle, (host.next_start, key))

    def _prune(self) -> None:
        now = self._clock()
        while self._idle and self._idle[0][0] <= now:
            _, key = heapq.heappop(self._idle)
            host = self._hosts.get(key)
            if host is not None and not host.users and host.next_start <= now:
                del self._hosts[key]
