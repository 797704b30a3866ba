"""The total deadline of one fetch, enforced from outside the fetching thread.

httpx's timeouts bound each socket operation, not the whole fetch: a server that drips one byte
a second never trips a read timeout. So each fetch gets a `Deadline`, one `Watchdog` thread
expires it on time, and expiring shuts down the fetch's sockets, which makes a blocked recv()
return at once. `ConnectTracer` (httpcore's ``trace`` extension) is what attaches each new
socket to the deadline; being the one hook that sees a connection before any request byte is
sent, it also checks the peer address against the SSRF guard and raises `ForbiddenPeer`.
"""

from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from newsflow.net import guard

__all__ = ["ConnectTracer", "Deadline", "ForbiddenPeer", "Watchdog"]


class ForbiddenPeer(Exception):
    """Raised from the connection trace: the connection reached an address the guard refuses."""

    def __init__(self, host: str, address: str, why: str) -> None:
        super().__init__(f"{host} connected to {address} ({why})")
        self.host, self.address, self.why = host, address, why


class Deadline:
    """The end of one fetch, and the sockets to shut down when it passes before the fetch ends."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._expired = False
        self._finished = False

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def passed(self) -> bool:
        return self._expired or self.remaining() <= 0

    def attach(self, sock: socket.socket) -> None:
        with self._lock:
            if self._finished:
                return
            self._sockets.append(sock)
            if self._expired:
                _shutdown(sock)

    def expire(self) -> None:
        """Called by the watchdog at `at`: a blocked recv() of the fetching thread returns at once."""
        with self._lock:
            if self._finished:
                return
            self._expired = True
            for sock in self._sockets:
                _shutdown(sock)

    def finish(self) -> None:
        with self._lock:
            self._finished = True
            self._sockets.clear()


def _shutdown(sock: socket.socket) -> None:
    try:
        # The plain socket's shutdown, also for an SSLSocket: no TLS close_notify from this thread.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed (or detached into the TLS socket, which is attached too)


class ConnectTracer:
    """httpcore's `trace` extension: attaches each new connection's socket to the deadline, and
    refuses a connection whose peer address the SSRF guard forbids before the request is sent.

    The peer of every TCP connection is checked, whatever name it was opened to: the URL's host,
    its IDNA spelling, or a proxy (whose address must then be public too, or
    ``allow_private_networks`` set). Comparing the connect host with the URL's host to decide
    whether to check is what let an internationalised name (httpx connects to its IDNA 2008
    form, ``xn--...``) reach a loopback server unchecked.
    """

    def __init__(self, deadline: Deadline, host: str, allow_private: bool) -> None:
        self._deadline = deadline
        self._host = host.strip("[]").lower()  # for the message only: never decides whether to check
        self._allow_private = allow_private
        self._connecting_to: str | None = None

    def __call__(self, event: str, info: dict[str, Any]) -> None:
        if event == "connection.connect_tcp.started":
            self._connecting_to = str(info.get("host", "")).strip("[]").lower()
        elif event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            stream = info.get("return_value")
            if stream is None:
                return
            sock = stream.get_extra_info("socket")
            if sock is not None:
                self._deadline.attach(sock)
            if event == "connection.connect_tcp.complete" and not self._allow_private:
                self._check_peer(stream)

    def _check_peer(self, stream: Any) -> None:
        peer = stream.get_extra_info("server_addr")
        address = str(peer[0]) if peer else ""
        # No peer address to check is no proof the peer is public: refused like a forbidden one.
        why = guard.forbidden_reason(address) if address else "unverifiable"
        if why:
            stream.close()
            host = self._host
            if self._connecting_to and self._connecting_to != host:
                host = f"{host} (via {self._connecting_to})"
            raise ForbiddenPeer(host, address or "an unknown peer", why)


class Watchdog:
    """One daemon thread that expires every fetch's deadline on time (lazily started)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._closed = False

    def watch(self, deadline: Deadline) -> None:
        with self._cond:
            if self._closed:
                return
            heapq.heappush(self._heap, (deadline.at, next(self._order), deadline))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="feed-fetch-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._heap.clear()
            self._cond.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _run(self) -> None:
        now: Callable[[], float] = time.monotonic
        with self._cond:
            while not self._closed:
                while self._heap and self._heap[0][0] <= now():
                    heapq.heappop(self._heap)[2].expire()  # a finished fetch ignores it
                self._cond.wait(self._heap[0][0] - now() if self._heap else None)
