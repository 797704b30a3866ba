"""Hostile feeds do not stop the producer: one `run_once` of the service as `newsflow produce --once`
builds it, real Kafka, a good feed beside nine local servers that misbehave.

Proven here, for one run with all of them at once:

- the run ends in bounded time (the slowest feed drips a byte a second and is cut at `timeout_s`),
  and the good feed's four articles reach `news.raw`, fetched while the others misbehave;
- each hostile feed fails alone, with one failure recorded in its state and the reason that names
  its fault: a gzip bomb and an oversized body (too-large), a drip (timeout), a redirect loop
  (redirect-loop), 429 (rate-limited, next poll no sooner than its Retry-After), 500 (http-error),
  a closed port (unreachable), an untrusted certificate (tls), random bytes (not-a-feed);
- memory stays bounded: the bomb inflates to 200 MB, yet the Python heap peaks at a few MB
  (tracemalloc, every thread) and the peak RSS barely moves.

One line per hostile feed (reason, seconds) goes to the terminal, so the CI log shows the bounds.
"""

from __future__ import annotations

import random
import resource
import socket
import ssl
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import trustme

from newsflow.app.wiring import build_feed_service
from newsflow.contract.schema import FeedHealthEvent, decode_raw
from newsflow.runtime.kafka import make_producer
from producers.base import FeedSpec
from producers.health import read_states
from tests.support import read_topic

BOMB_BYTES = 200 * 1024 * 1024  # what the gzip bomb inflates to
MAX_BODY_BYTES = 1024 * 1024
TIMEOUT_S = 3.0
RUN_BOUND_S = 20.0
HEAP_BOUND = 64 * 1024 * 1024  # tracemalloc peak during the run
RSS_BOUND = 200 * 1024 * 1024  # growth of the process's peak RSS during the run
RETRY_AFTER_S = 3600


# -- hostile servers --------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    length: bool = True  # send Content-Length; without it the body ends when the connection closes


class LocalServer:
    """A threaded HTTP(S) server on 127.0.0.1 that answers each path with a fixed Reply."""

    def __init__(self, routes: dict[str, Reply], tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                server.requests.append(self.path)
                reply = routes.get(self.path, Reply(404, b"not found"))
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.length:
                    self.send_header("Content-Length", str(len(reply.body)))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that hung up on a bomb is the point

        self._httpd = Server(("127.0.0.1", 0), Handler)
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self.scheme = "https" if tls is not None else "http"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


class DripServer:
    """Answers 200 with a 100 kB Content-Length, then sends the body one byte a second."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, daemon=True)
        self._accepter.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}{path}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            thread = threading.Thread(target=self._drip, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _drip(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(5)
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    request += chunk
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n<")
                while not self._stop.wait(1.0):
                    conn.sendall(b"<")
            except OSError:
                return  # the client gave up: expected

    def close(self) -> None:
        self._stop.set()
        self._accepter.join(timeout=5)
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=5)


def gzip_bomb(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)  # gzip framing
    block = bytes(1 << 20)
    return b"".join([*(compressor.compress(block) for _ in range(size // len(block))), compressor.flush()])


def closed_port() -> int:
    with socket.socket() as probe:  # bound, then released: nobody listens there
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def bomb() -> bytes:
    payload = gzip_bomb(BOMB_BYTES)
    assert len(payload) < 1024 * 1024 < BOMB_BYTES  # small on the wire: only decompressing finds it out
    return payload


@pytest.fixture
def hostile(bomb: bytes) -> Iterator[dict[str, str]]:
    """Hostile feed URL -> the reason its failure must give; the servers closed after the test."""
    rss = {"Content-Type": "application/rss+xml"}
    plain = LocalServer({
        "/bomb.xml": Reply(200, bomb, rss | {"Content-Encoding": "gzip"}),
        "/big.xml": Reply(200, b"<rss>" + b"x" * (2 * MAX_BODY_BYTES), rss, length=False),
        "/loop-a.xml": Reply(302, b"", {"Location": "/loop-b.xml"}),
        "/loop-b.xml": Reply(302, b"", {"Location": "/loop-a.xml"}),
        "/busy.xml": Reply(429, b"slow down", {"Retry-After": str(RETRY_AFTER_S)}),
        "/broken.xml": Reply(500, b"oops"),
        "/garbage.xml": Reply(200, random.Random(7).randbytes(64 * 1024), {"Content-Type": "application/octet-stream"}),
    })
    ca = trustme.CA()  # a CA the fetcher's trust store has never heard of
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    untrusted = LocalServer({"/feed.xml": Reply(200, b"<rss/>", rss)}, tls=context)
    drip = DripServer()
    try:
        yield {
            plain.url("/bomb.xml"): "too-large",
            plain.url("/big.xml"): "too-large",
            drip.url("/drip.xml"): "timeout",
            plain.url("/loop-a.xml"): "redirect-loop",
            plain.url("/busy.xml"): "rate-limited",
            plain.url("/broken.xml"): "http-error",
            f"http://127.0.0.1:{closed_port()}/feed.xml": "unreachable",
            untrusted.url("/feed.xml"): "tls",
            plain.url("/garbage.xml"): "not-a-feed",
        }
        assert untrusted.requests == [], "a request was sent over a connection whose certificate failed"
    finally:
        drip.close()
        untrusted.close()
        plain.close()


# -- the test -----------------------------------------------------------------------------------------


def test_hostile_feeds_fail_alone_bounded_in_time_and_memory(settings, feed_server, sample_feed, hostile, capsys):
    producer_settings = settings.producer.model_copy(update={"max_body_bytes": MAX_BODY_BYTES, "timeout_s": TIMEOUT_S})
    settings = settings.model_copy(update={"producer": producer_settings})
    good = feed_server.serve("/good.xml", sample_feed.read_bytes())
    urls = [good, *hostile]
    producer = make_producer(settings.kafka)
    service, cleanup = build_feed_service(settings, feeds=[FeedSpec(url=u) for u in urls], producer=producer)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    tracemalloc.start()
    try:
        started = time.monotonic()
        report = service.run_once(timeout_s=60)
        elapsed = time.monotonic() - started
        _, heap_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        cleanup()
        producer.close()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before

    events = {e.url: e for e in (FeedHealthEvent.model_validate_json(r.value)
                                 for r in read_topic(settings, settings.kafka.topics.feed_health, expect=len(urls)))}
    with capsys.disabled():
        print(f"\nhostile feeds: run {elapsed:.1f}s, heap peak {heap_peak / 2**20:.1f} MiB, "
              f"peak RSS growth {rss_growth / 2**20:.1f} MiB")
        for url in hostile:
            event = events.get(url)
            what, seconds = (event.reason or event.outcome, event.duration_ms / 1000) if event else ("no event", -1.0)
            print(f"  {what:<14} {seconds:6.2f}s  {url}")

    assert elapsed < RUN_BOUND_S, f"one run took {elapsed:.1f}s"
    assert heap_peak < HEAP_BOUND, f"the heap peaked at {heap_peak} bytes"
    assert rss_growth < RSS_BOUND, f"the peak RSS grew by {rss_growth} bytes"

    assert (report.fetched, report.ok, report.emitted) == (len(urls), 1, 4)
    assert sorted(url for url, _ in report.failed) == sorted(hostile)
    articles = [decode_raw(r.value) for r in read_topic(settings, settings.kafka.topics.raw, expect=4)]
    assert len(articles) == 4 and {a.feed_url for a in articles} == {good}
    assert events[good].duration_ms < TIMEOUT_S * 1000 / 2, "the good feed waited for a hostile one"

    states = {s.url: s for s in read_states(settings).values()}
    assert set(states) == set(urls)
    assert (states[good].consecutive_failures, states[good].last_error_reason) == (0, None)
    failures = {url: (states[url].consecutive_failures, states[url].last_error_reason) for url in hostile}
    assert failures == {url: (1, reason) for url, reason in hostile.items()}
    for url in hostile:
        assert events[url].outcome == "error" and events[url].duration_ms < (TIMEOUT_S + 2) * 1000, events[url]
        assert states[url].next_due > states[url].last_fetch_at
    [drip] = [url for url, reason in hostile.items() if reason == "timeout"]
    assert events[drip].duration_ms >= (TIMEOUT_S - 0.5) * 1000, "the drip ended before the deadline: not a drip"
    [busy] = [url for url, reason in hostile.items() if reason == "rate-limited"]
    assert states[busy].due_reason == "retry-after"
    assert states[busy].next_due - states[busy].last_fetch_at >= timedelta(seconds=RETRY_AFTER_S)
