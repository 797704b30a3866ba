"""HttpFetcher against hostile servers: every one local (127.0.0.1), started and stopped here.

Each test is bounded in time (elapsed asserted below a generous bound) and the bombs in memory
(the limit error, and tracemalloc's peak far below the decompressed size). A network jail (an
autouse fixture) makes any connection to an address other than loopback fail the test, so a
broken SSRF guard can never send a packet to 10.0.0.1 or 169.254.169.254.
"""

from __future__ import annotations

import base64
import gzip
import ipaddress
import socket
import ssl
import struct
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import brotli
import pytest
import trustme

from newsflow.errors import FeedError
from newsflow.net import guard as netguard
from newsflow.net.response import Validators
from newsflow.net.transport import MAX_REDIRECTS, HttpFetcher

FEED = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Local</title>'
    b"<item><title>One</title><link>https://example.org/1</link></item></channel></rss>\n"
)
LOOPBACK = {"127.0.0.1", "127.0.0.2", "::1", "localhost"}


# -- local servers -------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    length: bool = True  # send Content-Length; without it the body ends when the connection closes
    declared_length: int | None = None  # a Content-Length that is not the body's length
    hold_s: float = 0.0  # keep the connection open this long after the body


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class LocalServer:
    """A threaded HTTP(S) server on a loopback address; routes map a path to a Reply (or a function)."""

    def __init__(self, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> None:
        self.host = host
        self.routes: dict[str, Reply | Callable[[Seen], Reply]] = {}
        self.requests: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()})
                server.requests.append(seen)
                route = server.routes.get(self.path.split("?", 1)[0])
                reply = Reply(404, b"not found") if route is None else route(seen) if callable(route) else route
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.declared_length is not None:
                    self.send_header("Content-Length", str(reply.declared_length))
                elif reply.length:
                    self.send_header("Content-Length", str(len(reply.body)))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(reply.body)
                self.wfile.flush()
                if reply.hold_s:
                    time.sleep(reply.hold_s)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that hung up on a bomb is the point of the test

        self._httpd = Server((host, 0), Handler)
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self.port = self._httpd.server_address[1]
        self.scheme = "https" if tls is not None else "http"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def url(self, path: str = "/feed") -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}{path}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


class DripServer:
    """A raw socket server that answers one byte per `interval_s` (in the headers or the body)."""

    def __init__(self, mode: str, interval_s: float = 1.0) -> None:
        self.mode = mode
        self.interval_s = interval_s
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, daemon=True)
        self._accepter.start()

    def url(self, path: str = "/feed") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(5)
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    request += chunk
                if self.mode == "body":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n")
                    payload = b"<" * 100000
                elif self.mode == "headers":
                    payload = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 100000
                else:  # silent: accepts, reads the request, never answers
                    self._stop.wait()
                    return
                for index in range(len(payload)):
                    if self._stop.wait(self.interval_s):
                        return
                    conn.sendall(payload[index : index + 1])
            except OSError:
                return  # the client gave up: expected

    def close(self) -> None:
        self._stop.set()
        self._accepter.join(timeout=5)
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    srv = LocalServer()
    yield srv
    srv.close()


@dataclass
class Jail:
    attempts: list[tuple[str, int]] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # host name -> loopback address


@pytest.fixture(autouse=True)
def jail(monkeypatch: pytest.MonkeyPatch) -> Jail:
    """Every outgoing connection of the fetcher is recorded; one to a non-loopback address fails the test."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    state = Jail()
    original = socket.create_connection

    def guarded(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        host, port = address[0], address[1]
        state.attempts.append((host, port))
        host = state.aliases.get(host, host)
        assert host in LOOPBACK, f"the test tried to connect to {host}:{port}: only loopback is allowed"
        return original((host, port), *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    return state


def make_fetcher(**overrides: Any) -> HttpFetcher:
    options: dict[str, Any] = {
        "connect_timeout_s": 2.0,
        "read_timeout_s": 5.0,
        "total_timeout_s": 10.0,
        "max_body_bytes": 1024 * 1024,
        "user_agent": "newsflow-test/1.0 (+https://example.org/bot)",
        "allow_private_networks": True,
    }
    options.update(overrides)
    return HttpFetcher(**options)


@pytest.fixture
def fetcher() -> Iterator[HttpFetcher]:
    with make_fetcher() as f:
        yield f


def failure(fetch: Callable[[], Any]) -> tuple[FeedError, float]:
    """The FeedError `fetch` raises, and how long it took to raise."""
    started = time.monotonic()
    with pytest.raises(FeedError) as caught:
        fetch()
    elapsed = time.monotonic() - started
    error = caught.value
    assert "\n" not in str(error), "one line"
    assert error.fields.get("feed"), "the feed is named"
    return error, elapsed


# -- bombs -----------------------------------------------------------------------------------------


def gzip_bomb(size: int) -> bytes:
    """`size` zero bytes, gzipped (~1/1000 of the size), made in a fraction of a second.

    After a full flush the deflate state no longer depends on the data before it, so every
    further 1 MiB block of zeros compresses to the same bytes: compress two, repeat the second.
    """
    block = bytes(1 << 20)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = deflater.compress(block) + deflater.flush(zlib.Z_FULL_FLUSH)
    middle = deflater.compress(block) + deflater.flush(zlib.Z_FULL_FLUSH)
    assert deflater.compress(block) + deflater.flush(zlib.Z_FULL_FLUSH) == middle
    end = deflater.flush()
    count = size // len(block)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + first + middle * (count - 1) + end + struct.pack("<II", crc, size & 0xFFFFFFFF)


def brotli_bomb(size: int) -> bytes:
    compressor = brotli.Compressor(quality=5)
    block = bytes(1 << 20)
    parts = [compressor.process(block) for _ in range(size // len(block))]
    parts.append(compressor.finish())
    return b"".join(parts)


GIB = 1 << 30


@pytest.mark.parametrize(
    ("encoding", "make_bomb"),
    [("gzip", gzip_bomb), ("br", brotli_bomb)],
)
def test_a_bomb_stops_at_the_limit_without_inflating(
    server: LocalServer, encoding: str, make_bomb: Callable[[int], bytes]
) -> None:
    bomb = make_bomb(GIB)
    assert len(bomb) < 2 * 1024 * 1024  # a 1 GiB body in under 2 MiB: Content-Length passes the limit
    server.routes["/bomb"] = Reply(200, bomb, {"Content-Type": "application/rss+xml", "Content-Encoding": encoding})
    limit = 4 * 1024 * 1024
    with make_fetcher(max_body_bytes=limit) as fetcher:
        tracemalloc.start()
        try:
            error, elapsed = failure(lambda: fetcher.fetch(server.url("/bomb")))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert error.fields["reason"] == "too-large"
    assert "decompressed" in str(error)
    assert elapsed < 10
    assert peak < 64 * 1024 * 1024, f"peak {peak} bytes while decoding a bomb limited to {limit}"


def test_a_body_over_the_limit_with_content_length_is_refused_before_reading(server: LocalServer) -> None:
    # Declares 50 MB, sends a few bytes and holds the connection: only an early refusal is quick.
    server.routes["/big"] = Reply(200, b"<rss>", {"Content-Type": "application/rss+xml"}, declared_length=50_000_000, hold_s=3)
    with make_fetcher(max_body_bytes=1000, read_timeout_s=5) as fetcher:
        error, elapsed = failure(lambda: fetcher.fetch(server.url("/big")))
    assert error.fields["reason"] == "too-large"
    assert "Content-Length" in str(error)
    assert elapsed < 2


@pytest.mark.parametrize("length", [True, False], ids=["content-length", "until-close"])
def test_a_body_over_the_limit_is_refused(server: LocalServer, length: bool) -> None:
    server.routes["/big"] = Reply(200, b"x" * 5000, {"Content-Type": "application/rss+xml"}, length=length)
    with make_fetcher(max_body_bytes=1000) as fetcher:
        error, elapsed = failure(lambda: fetcher.fetch(server.url("/big")))
    assert error.fields["reason"] == "too-large"
    assert elapsed < 5
    server.routes["/small"] = Reply(200, b"x" * 1000, {"Content-Type": "application/rss+xml"}, length=length)
    with make_fetcher(max_body_bytes=1000) as fetcher:
        assert fetcher.fetch(server.url("/small")).body == b"x" * 1000  # exactly the limit is fine


# -- time --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["body", "headers"])
def test_a_server_dripping_a_byte_a_second_fails_at_the_total_timeout(mode: str) -> None:
    drip = DripServer(mode, interval_s=1.0)
    try:
        # The read timeout (5 s) never fires: a byte comes every second. Only the total deadline can end this.
        with make_fetcher(read_timeout_s=5, total_timeout_s=2) as fetcher:
            error, elapsed = failure(lambda: fetcher.fetch(drip.url()))
    finally:
        drip.close()
    assert error.fields["reason"] == "timeout"
    assert 1.5 < elapsed < 5, elapsed


def test_a_server_that_never_answers_fails_at_the_read_timeout() -> None:
    silent = DripServer("silent")
    try:
        with make_fetcher(read_timeout_s=0.5, total_timeout_s=10) as fetcher:
            error, elapsed = failure(lambda: fetcher.fetch(silent.url()))
    finally:
        silent.close()
    assert error.fields["reason"] == "timeout"
    assert elapsed < 3


# -- redirects ---------------------------------------------------------------------------------------


def redirect(status: int, location: str) -> Reply:
    return Reply(status, b"", {"Location": location})


def test_a_redirect_loop_is_refused(server: LocalServer) -> None:
    server.routes["/a"] = redirect(302, "/b")
    server.routes["/b"] = redirect(301, server.url("/a"))
    server.routes["/self"] = redirect(307, "/self")
    with make_fetcher() as fetcher:
        for path in ("/a", "/self"):
            error, elapsed = failure(lambda path=path: fetcher.fetch(server.url(path)))
            assert error.fields["reason"] == "redirect-loop"
            assert elapsed < 5
    assert len(server.requests) == 3  # /a, /b, /self: nothing fetched twice


def test_redirects_are_followed_five_times_at_most(server: LocalServer) -> None:
    for hop in range(MAX_REDIRECTS + 1):
        server.routes[f"/hop/{hop}"] = redirect(302, f"/hop/{hop + 1}")
    server.routes[f"/hop/{MAX_REDIRECTS + 1}"] = Reply(200, FEED)
    with make_fetcher() as fetcher:
        assert fetcher.fetch(server.url("/hop/1")).body == FEED  # exactly five hops
        error, _ = failure(lambda: fetcher.fetch(server.url("/hop/0")))  # six
    assert error.fields["reason"] == "too-many-redirects"


def test_a_chain_of_permanent_redirects_moves_the_feed(server: LocalServer) -> None:
    server.routes["/old"] = redirect(301, "/older-still")
    server.routes["/older-still"] = redirect(308, server.url("/feed"))
    server.routes["/feed"] = Reply(200, FEED, {"Content-Type": "application/rss+xml"})
    with make_fetcher() as fetcher:
        fetched = fetcher.fetch(server.url("/old"))
        direct = fetcher.fetch(server.url("/feed"))
    assert fetched.body == FEED
    assert fetched.url == server.url("/feed")
    assert fetched.permanent_redirect == server.url("/feed")
    assert direct.permanent_redirect is None


@pytest.mark.parametrize("temporary", [302, 303, 307])
def test_a_temporary_redirect_in_the_chain_does_not_move_the_feed(server: LocalServer, temporary: int) -> None:
    server.routes["/old"] = redirect(301, "/moved-for-now")
    server.routes["/moved-for-now"] = redirect(temporary, "/feed")
    server.routes["/feed"] = Reply(200, FEED)
    with make_fetcher() as fetcher:
        fetched = fetcher.fetch(server.url("/old"))
    assert fetched.body == FEED
    assert fetched.url == server.url("/feed")
    assert fetched.permanent_redirect is None


def test_a_redirect_to_another_scheme_is_refused(server: LocalServer, tmp_path: Any) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes(FEED)
    server.routes["/to-file"] = redirect(302, secret.as_uri())
    server.routes["/to-ftp"] = redirect(301, "ftp://127.0.0.1/feed")
    with make_fetcher() as fetcher:
        for path in ("/to-file", "/to-ftp"):
            error, _ = failure(lambda path=path: fetcher.fetch(server.url(path)))
            assert error.fields["reason"] == "unsupported-scheme"


# -- status codes --------------------------------------------------------------------------------


def test_429_and_503_are_rate_limited_with_the_raw_retry_after(server: LocalServer) -> None:
    server.routes["/slow-down"] = Reply(429, b"", {"Retry-After": "120"})
    server.routes["/busy"] = Reply(503, b"", {"Retry-After": "Wed, 21 Oct 2037 07:28:00 GMT"})
    server.routes["/down"] = Reply(503)
    with make_fetcher() as fetcher:
        expected = [("/slow-down", 429, "120"), ("/busy", 503, "Wed, 21 Oct 2037 07:28:00 GMT"), ("/down", 503, None)]
        for path, status, retry_after in expected:
            error, _ = failure(lambda path=path: fetcher.fetch(server.url(path)))
            assert error.fields["reason"] == "rate-limited"
            assert error.fields["status"] == status
            assert error.fields["retry_after"] == retry_after


@pytest.mark.parametrize("status", [500, 404, 410, 401])
def test_an_http_error_names_its_status(server: LocalServer, status: int) -> None:
    server.routes["/broken"] = Reply(status, b"oops")
    with make_fetcher() as fetcher:
        error, _ = failure(lambda: fetcher.fetch(server.url("/broken")))
    assert error.fields["reason"] == "http-error"
    assert error.fields["status"] == status
    assert f"HTTP {status}" in str(error)


def test_connection_refused_is_unreachable() -> None:
    with socket.socket() as probe:  # a port nobody listens on: bound, then released
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with make_fetcher() as fetcher:
        error, elapsed = failure(lambda: fetcher.fetch(f"http://127.0.0.1:{port}/feed"))
    assert error.fields["reason"] == "unreachable"
    assert elapsed < 5


def test_an_untrusted_certificate_is_a_tls_failure() -> None:
    ca = trustme.CA()  # a CA the fetcher's trust store has never heard of
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    tls_server = LocalServer(tls=context)
    tls_server.routes["/feed"] = Reply(200, FEED)
    try:
        with make_fetcher() as fetcher:
            error, elapsed = failure(lambda: fetcher.fetch(tls_server.url("/feed")))
    finally:
        tls_server.close()
    assert error.fields["reason"] == "tls"
    assert "certificate verify failed" in str(error)
    assert elapsed < 5
    assert tls_server.requests == []


def test_unsupported_schemes_are_refused() -> None:
    with make_fetcher() as fetcher:
        for url in ("ftp://127.0.0.1/feed.xml", "gopher://127.0.0.1/", "javascript:alert(1)"):
            error, _ = failure(lambda url=url: fetcher.fetch(url))
            assert error.fields["reason"] == "unsupported-scheme"


# -- conditional GET and encodings ---------------------------------------------------------------


def test_conditional_get_returns_not_modified(server: LocalServer) -> None:
    etag, modified = '"v1"', "Wed, 21 Oct 2015 07:28:00 GMT"

    def conditional(seen: Seen) -> Reply:
        if seen.headers.get("if-none-match") == etag:
            return Reply(304, b"", {"ETag": etag})
        return Reply(200, FEED, {"ETag": etag, "Last-Modified": modified, "Content-Type": "application/rss+xml"})

    server.routes["/feed"] = conditional
    with make_fetcher() as fetcher:
        first = fetcher.fetch(server.url("/feed"))
        again = fetcher.fetch(
            server.url("/feed"), Validators(etag=first.headers["etag"], last_modified=first.headers["last-modified"])
        )
    assert first.status == 200 and not first.not_modified and first.body == FEED
    assert again.status == 304 and again.not_modified and again.body == b""
    assert again.headers["etag"] == etag
    assert "if-none-match" not in server.requests[0].headers
    assert server.requests[1].headers["if-none-match"] == etag
    assert server.requests[1].headers["if-modified-since"] == modified


def test_requests_name_the_fetcher_and_prefer_feeds(server: LocalServer) -> None:
    server.routes["/feed"] = Reply(200, FEED, {"Content-Type": "application/rss+xml", "X-Mixed-Case": "yes"})
    with make_fetcher() as fetcher:
        fetched = fetcher.fetch(server.url("/feed"))
    seen = server.requests[0].headers
    assert seen["user-agent"] == "newsflow-test/1.0 (+https://example.org/bot)"
    assert seen["accept"].startswith("application/rss+xml, application/atom+xml, application/feed+json")
    assert seen["accept-encoding"] == "gzip, deflate, br"
    assert fetched.headers["content-type"] == "application/rss+xml"
    assert fetched.headers["x-mixed-case"] == "yes"
    assert all(name == name.lower() for name in fetched.headers)


BIG_FEED = (
    FEED[:-8]
    + b"".join(b"<item><title>Item %d</title><link>https://example.org/%d</link></item>" % (i, i) for i in range(5000))
    + FEED[-8:]
)


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data, wbits=-zlib.MAX_WBITS)),  # raw deflate, as some servers send
        ("br", brotli.compress),
        ("gzip, br", lambda data: brotli.compress(gzip.compress(data))),
        ("identity", lambda data: data),
    ],
    ids=["gzip", "x-gzip", "deflate", "raw-deflate", "br", "gzip-then-br", "identity"],
)
@pytest.mark.parametrize("payload", [FEED, BIG_FEED], ids=["small", "big"])
def test_encoded_feeds_are_decoded(server: LocalServer, encoding: str, encode: Callable[[bytes], bytes], payload: bytes) -> None:
    server.routes["/feed"] = Reply(200, encode(payload), {"Content-Type": "application/rss+xml", "Content-Encoding": encoding})
    with make_fetcher() as fetcher:
        fetched = fetcher.fetch(server.url("/feed"))
    assert fetched.body == payload
    if encoding != "identity":
        assert "content-encoding" not in fetched.headers  # the body is no longer encoded
    assert fetched.headers["content-type"] == "application/rss+xml"


def test_a_broken_encoding_is_a_protocol_error(server: LocalServer) -> None:
    server.routes["/feed"] = Reply(200, b"this is not gzip at all", {"Content-Encoding": "gzip"})
    with make_fetcher() as fetcher:
        error, _ = failure(lambda: fetcher.fetch(server.url("/feed")))
    assert error.fields["reason"] == "protocol-error"


# -- the SSRF guard ------------------------------------------------------------------------------


def test_the_guard_refuses_loopback_without_connecting(server: LocalServer, jail: Jail) -> None:
    server.routes["/feed"] = Reply(200, FEED)
    with make_fetcher(allow_private_networks=False) as fetcher:
        for url in (server.url("/feed"), f"http://localhost:{server.port}/feed"):
            error, _ = failure(lambda url=url: fetcher.fetch(url))
            assert error.fields["reason"] == "forbidden-address"
            assert "loopback" in str(error)
    assert server.requests == []
    assert jail.attempts == []
    with make_fetcher(allow_private_networks=True) as fetcher:
        assert fetcher.fetch(server.url("/feed")).body == FEED
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/feed",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/feed",
        "http://0.0.0.0:8080/feed",
        "http://192.168.1.1/feed",
        "http://100.64.0.1/feed",
        "https://224.0.0.1/feed",
    ],
)
def test_the_guard_refuses_private_addresses_without_connecting(url: str, jail: Jail) -> None:
    with make_fetcher(allow_private_networks=False) as fetcher:
        error, elapsed = failure(lambda: fetcher.fetch(url))
    assert error.fields["reason"] == "forbidden-address"
    assert elapsed < 2
    assert jail.attempts == []


def test_a_redirect_to_a_forbidden_address_is_refused(server: LocalServer, jail: Jail, monkeypatch: pytest.MonkeyPatch) -> None:
    # 127.0.0.1 plays the public feed host; 127.0.0.2 (still loopback, hence refused) the intranet.
    public = ipaddress.ip_address("127.0.0.1")
    original = netguard.forbidden_reason
    monkeypatch.setattr(netguard, "forbidden_reason", lambda ip: None if ipaddress.ip_address(ip) == public else original(ip))
    intranet = LocalServer(host="127.0.0.2")
    intranet.routes["/secret"] = Reply(200, b"the crown jewels")
    server.routes["/feed"] = Reply(200, FEED)
    server.routes["/to-intranet"] = redirect(302, intranet.url("/secret"))
    server.routes["/to-metadata"] = redirect(301, "http://169.254.169.254/latest/meta-data/iam/")
    try:
        with make_fetcher(allow_private_networks=False) as fetcher:
            assert fetcher.fetch(server.url("/feed")).body == FEED  # the "public" host itself is fine
            for path in ("/to-intranet", "/to-metadata"):
                error, _ = failure(lambda path=path: fetcher.fetch(server.url(path)))
                assert error.fields["reason"] == "forbidden-address"
                assert "redirected to" in str(error)
    finally:
        intranet.close()
    assert intranet.requests == []
    assert {host for host, _ in jail.attempts} == {"127.0.0.1"}


def test_a_name_rebound_to_a_forbidden_address_is_refused_before_the_request(
    server: LocalServer, jail: Jail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The guard's lookup sees a public address; the connection's own lookup lands on loopback.
    original = netguard.resolve
    monkeypatch.setattr(
        netguard,
        "resolve",
        lambda host, port: [ipaddress.ip_address("93.184.215.14")] if host == "feeds.rebind.test" else original(host, port),
    )
    jail.aliases["feeds.rebind.test"] = "127.0.0.1"
    server.routes["/feed"] = Reply(200, FEED)
    with make_fetcher(allow_private_networks=False) as fetcher:
        error, _ = failure(lambda: fetcher.fetch(f"http://feeds.rebind.test:{server.port}/feed"))
    assert error.fields["reason"] == "forbidden-address"
    assert "127.0.0.1" in str(error)
    assert jail.attempts == [("feeds.rebind.test", server.port)]
    assert server.requests == []  # connected, refused before a byte of the request was sent


# -- credentials, files, threads -----------------------------------------------------------------


def test_credentials_in_the_url_are_sent_but_never_shown(server: LocalServer, caplog: pytest.LogCaptureFixture) -> None:
    expected = "Basic " + base64.b64encode(b"reader:s3cret-pw").decode()
    server.routes["/private"] = lambda seen: Reply(200, FEED) if seen.headers.get("authorization") == expected else Reply(401)
    server.routes["/moved"] = redirect(301, "/private")
    server.routes["/broken"] = Reply(500)
    caplog.set_level("DEBUG")
    base = f"http://reader:s3cret-pw@127.0.0.1:{server.port}"
    with make_fetcher() as fetcher:
        fetched = fetcher.fetch(f"{base}/private")
        moved = fetcher.fetch(f"{base}/moved")
        error, _ = failure(lambda: fetcher.fetch(f"{base}/broken"))
    assert fetched.body == FEED and moved.body == FEED
    assert "s3cret" not in fetched.url and "s3cret" not in moved.url
    assert moved.permanent_redirect == f"{base}/private"  # the registry keeps its credentials
    assert "s3cret" not in str(error) and "s3cret" not in repr(error.fields)
    assert "***@127.0.0.1" in str(error)
    assert "s3cret" not in caplog.text
    assert all("s3cret" not in seen.path for seen in server.requests)


def test_local_files_are_read_with_the_limit(tmp_path: Any) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(FEED)
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * 2000)
    with make_fetcher(max_body_bytes=1000) as fetcher:
        assert fetcher.fetch(str(feed)).body == FEED
        assert fetcher.fetch(feed.as_uri()).body == FEED
        assert fetcher.fetch(str(feed)).url == str(feed)
        error, _ = failure(lambda: fetcher.fetch(str(big)))
        assert error.fields["reason"] == "too-large"
        error, _ = failure(lambda: fetcher.fetch(str(tmp_path / "missing.xml")))
        assert error.fields["reason"] == "unreachable"


def test_fetches_from_several_threads_share_one_fetcher(server: LocalServer) -> None:
    for index in range(8):
        server.routes[f"/feed/{index}"] = Reply(200, FEED + b"<!-- %d -->" % index, {"Content-Encoding": "identity"})
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []
    with make_fetcher() as fetcher:

        def worker(index: int) -> None:
            try:
                for _ in range(5):
                    results[index] = fetcher.fetch(server.url(f"/feed/{index}")).body
            except BaseException as exc:  # noqa: BLE001 (reported below)
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(index,)) for index in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
    assert results == {index: FEED + b"<!-- %d -->" % index for index in range(8)}
    assert len(server.requests) == 40


@pytest.mark.parametrize("url", ["http:///feed.xml", "http://[bad/feed", "http://127.0.0.1:99999/feed"])
def test_a_malformed_url_is_invalid(url: str, jail: Jail) -> None:
    with make_fetcher() as fetcher:
        error, _ = failure(lambda: fetcher.fetch(url))
    assert error.fields["reason"] == "invalid-url"
    assert jail.attempts == []


# -- the guard on its own ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.0.1", "private"),
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "*"),  # reserved; also "private" to some Python versions
        ("100.64.0.1", "not globally routable"),
        ("::ffff:10.0.0.1", "private (embedded in ::ffff:a00:1)"),
        ("64:ff9b::7f00:1", "loopback (embedded in 64:ff9b::7f00:1)"),
        ("2002:7f00:1::", "loopback (embedded in 2002:7f00:1::)"),
        ("93.184.215.14", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_forbidden_reason(address: str, why: str | None) -> None:
    if why == "*":
        assert netguard.forbidden_reason(address) is not None
    else:
        assert netguard.forbidden_reason(address) == why


def test_check_url_allows_a_public_literal_and_refuses_numeric_tricks(jail: Jail) -> None:
    netguard.check_url("https://93.184.215.14/feed", allow_private=False)  # a literal: no DNS, no connection
    for url in ("http://2130706433/", "http://127.1/", "http://0x7f.0.0.1/"):  # inet_aton spellings of 127.0.0.1
        with pytest.raises(FeedError) as caught:
            netguard.check_url(url, allow_private=False)
        assert caught.value.fields["reason"] == "forbidden-address"
    netguard.check_url("http://127.0.0.1/", allow_private=True)
    assert jail.attempts == []

