"""Fetching feeds over http(s) with httpx, or from local files, with hard limits on size and time.

A feed URL comes from a registry and its server is not trusted, so every fetch is bounded:

- time: connect and read timeouts (httpx), and a total deadline. A watchdog thread shuts the
  socket down when the deadline passes, so a server that drips one byte a second (in the
  headers or in the body) fails after `total_timeout_s`, not after hours;
- size: the body is decompressed here, in pieces of at most `_PIECE` bytes, and counted as it
  is: a gzip or brotli bomb stops at `max_body_bytes` without ever holding more than that
  (httpx's own decoders inflate a whole network chunk at once: 64 KiB of brotli can be GBs);
- where: the SSRF guard (newsflow/net/guard.py) checks the host before every connection and
  the peer address of every connection before a request byte is sent;
- redirects: at most `MAX_REDIRECTS`, followed here, so the fetcher knows whether every hop was
  permanent (the registry should then move) and checks each hop like the first request.

Not bounded by the deadline: name resolution. getaddrinfo() (the guard's and the connection's)
cannot be interrupted; the system resolver's own timeouts (resolv.conf) bound it instead.

Failures raise `FeedError` with one line, `feed=` (the URL, credentials redacted) and a stable
`reason`: timeout, too-large, http-error (status=), rate-limited (status=, retry_after=),
redirect-loop, too-many-redirects, unreachable, tls, forbidden-address, unsupported-scheme,
invalid-url, protocol-error (the server spoke broken HTTP or a broken content encoding).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import brotli
import httpx

from newsflow.errors import FeedError
from newsflow.net import guard as netguard
from newsflow.net.response import FetchedFeed, Validators
from newsflow.redaction import redact_url

__all__ = ["ACCEPT", "MAX_REDIRECTS", "HttpFetcher"]

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, application/json;q=0.7, */*;q=0.5"
)
ACCEPT_ENCODING = "gzip, deflate, br"

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_RATE_LIMITED = frozenset({429, 503})
_PIECE = 64 * 1024  # the most bytes one decompression step may produce


class HttpFetcher:
    """Fetches http(s) URLs and local file paths (``/path/feed.xml``, ``file:///path/feed.xml``).

    Thread-safe: one shared httpx client, and each fetch keeps its state to itself. Connections
    are not kept alive between fetches: each one belongs to exactly one fetch, which is what lets
    the deadline watchdog shut it down (and feeds of one host are rarely fetched back to back).
    """

    def __init__(
        self,
        *,
        connect_timeout_s: float,
        read_timeout_s: float,
        total_timeout_s: float,
        max_body_bytes: int,
        user_agent: str,
        allow_private_networks: bool = False,
    ) -> None:
        self._connect_timeout_s = connect_timeout_s
        self._read_timeout_s = read_timeout_s
        self._total_timeout_s = total_timeout_s
        self._max_body_bytes = max_body_bytes
        self._allow_private = allow_private_networks
        self._watchdog = _Watchdog()
        self._client = httpx.Client(
            timeout=httpx.Timeout(connect=connect_timeout_s, read=read_timeout_s, write=read_timeout_s, pool=connect_timeout_s),
            follow_redirects=False,
            limits=httpx.Limits(max_keepalive_connections=0),
            # Feeds need no cookies; a shared jar would carry one feed's cookies into another fetch.
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            headers={"User-Agent": user_agent, "Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING},
        )

    def __enter__(self) -> HttpFetcher:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()
        self._watchdog.close()

    def fetch(self, url: str, validators: Validators | None = None) -> FetchedFeed:
        """Fetch a feed; raises `FeedError` with a `reason` (see the module doc) on any failure."""
        scheme = _scheme(url)
        if scheme in ("http", "https"):
            return self._fetch_http(url, validators)
        if scheme in ("", "file"):
            return self._read_file(url)
        shown = redact_url(url)
        raise FeedError(f"feed {shown} has an unsupported URL scheme {scheme!r}", feed=shown, reason="unsupported-scheme")

    # -- local files ---------------------------------------------------------------------------

    def _read_file(self, url: str) -> FetchedFeed:
        shown = redact_url(url)
        if _scheme(url) == "file":
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise FeedError(
                    f"feed {shown}: file URLs on another host are not supported", feed=shown, reason="unsupported-scheme"
                )
            path = Path(url2pathname(parts.path))
        else:
            path = Path(url)
        try:
            with path.open("rb") as handle:
                body = handle.read(self._max_body_bytes + 1)  # a limit, not stat(): /dev/zero has size 0
        except OSError as exc:
            raise FeedError(f"cannot read feed file {path}: {exc.strerror or exc}", feed=shown, reason="unreachable") from None
        if len(body) > self._max_body_bytes:
            raise FeedError(
                f"feed file {path} is larger than the {self._max_body_bytes}-byte limit", feed=shown, reason="too-large"
            )
        return FetchedFeed(url=str(path), body=body)

    # -- http(s) -------------------------------------------------------------------------------

    def _fetch_http(self, url: str, validators: Validators | None) -> FetchedFeed:
        shown = redact_url(url)
        deadline = _Deadline(self._total_timeout_s)
        self._watchdog.watch(deadline)
        try:
            return self._follow(url, validators, deadline, shown)
        except FeedError:
            raise
        except _ForbiddenPeer as exc:
            raise FeedError(
                f"feed {shown} refused: {exc.host} connected to {exc.address}, a {exc.why} address "
                "(SSRF guard; allow_private_networks turns it off)",
                feed=shown,
                reason="forbidden-address",
                address=exc.address,
            ) from None
        except httpx.InvalidURL as exc:
            raise FeedError(f"feed {shown} is not a valid URL: {_describe(exc)}", feed=shown, reason="invalid-url") from None
        except httpx.HTTPError as exc:
            if deadline.passed():
                raise self._timed_out(shown) from None
            reason = _classify(exc)
            what = {
                "timeout": "timed out",
                "tls": "failed TLS",
                "unreachable": "is unreachable",
                "unsupported-scheme": "has an unsupported URL scheme",
                "protocol-error": "answered broken HTTP",
            }[reason]
            raise FeedError(f"feed {shown} {what}: {_describe(exc)}", feed=shown, reason=reason) from None
        finally:
            deadline.finish()

    def _timed_out(self, shown: str) -> FeedError:
        return FeedError(f"feed {shown} timed out after {self._total_timeout_s:g}s in total", feed=shown, reason="timeout")

    def _follow(self, url: str, validators: Validators | None, deadline: _Deadline, shown: str) -> FetchedFeed:
        origin = httpx.URL(url)
        if not origin.host:
            raise FeedError(f"feed {shown} is not a valid URL: it has no host", feed=shown, reason="invalid-url")
        credentials = (origin.username, origin.password) if (origin.username or origin.password) else None
        current = origin
        seen = {_loop_key(current)}
        hops = 0
        permanent = True
        while True:
            self._guard(url if not hops else str(current), current.scheme, hops, shown)
            remaining = deadline.remaining()
            if remaining <= 0:
                raise self._timed_out(shown)
            timeout = httpx.Timeout(
                connect=min(self._connect_timeout_s, remaining),
                read=min(self._read_timeout_s, remaining),
                write=min(self._read_timeout_s, remaining),
                pool=min(self._connect_timeout_s, remaining),
            )
            # Credentials go in a header, never in the request URL: httpx logs that URL at INFO.
            target = current.copy_with(username=None, password=None) if (current.username or current.password) else current
            auth = _auth_for(current, origin, credentials)
            request = self._client.build_request(
                "GET",
                target,
                headers=_conditional_headers(validators),
                timeout=timeout,
                extensions={"trace": _Tracer(deadline, target.host, self._allow_private)},
            )
            log.debug("fetching feed=%s hop=%d url=%s", shown, hops, redact_url(str(target)))
            response = self._client.send(request, stream=True, auth=auth)
            try:
                status = response.status_code
                if status in _REDIRECTS and "location" in response.headers:
                    hops += 1
                    if hops > MAX_REDIRECTS:
                        raise FeedError(
                            f"feed {shown} redirected more than {MAX_REDIRECTS} times", feed=shown, reason="too-many-redirects"
                        )
                    following = _redirect_target(current, response, shown)
                    permanent = permanent and status in _PERMANENT
                    key = _loop_key(following)
                    if key in seen:
                        raise FeedError(
                            f"feed {shown} redirects in a loop (back to {redact_url(str(following))})",
                            feed=shown,
                            reason="redirect-loop",
                        )
                    seen.add(key)
                    current = following
                    continue
                moved = _moved_to(current, origin, credentials) if hops and permanent else None
                final = str(target)
                headers = {name.lower(): value for name, value in response.headers.items()}
                if status == 304:
                    return FetchedFeed(url=final, body=b"", headers=headers, status=304, permanent_redirect=moved)
                if status in _RATE_LIMITED:
                    retry_after = response.headers.get("retry-after")
                    wait = f", Retry-After: {retry_after}" if retry_after else ""
                    raise FeedError(
                        f"feed {shown} is rate-limited (HTTP {status}{wait})",
                        feed=shown,
                        reason="rate-limited",
                        status=status,
                        retry_after=retry_after,
                    )
                if not 200 <= status < 300:
                    phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
                    raise FeedError(
                        f"feed {shown} answered HTTP {status}{phrase}", feed=shown, reason="http-error", status=status
                    )
                body, decoded = self._read_body(response, deadline, shown)
                if decoded:  # the body is no longer in that encoding, nor that length
                    headers.pop("content-encoding", None)
                    headers.pop("content-length", None)
                return FetchedFeed(url=final, body=body, headers=headers, status=200, permanent_redirect=moved)
            finally:
                response.close()

    def _guard(self, url: str, scheme: str, hops: int, shown: str) -> None:
        """The checks of every hop: an http(s) URL whose host resolves to public addresses only."""
        if scheme not in ("http", "https"):  # a redirect to file://, ftp://, gopher://...
            raise FeedError(
                f"feed {shown} redirected to an unsupported URL scheme {scheme!r}", feed=shown, reason="unsupported-scheme"
            )
        try:
            parts = urlsplit(url)
            if not parts.hostname or parts.port == 0:
                raise ValueError("no host" if not parts.hostname else "port 0")
        except ValueError as exc:  # also what httpx would have let through (it quotes "[bad" into a host)
            hop = redact_url(url)
            where = f"feed {shown}" if not hops else f"feed {shown} redirected to {hop}, which"
            raise FeedError(f"{where} is not a valid URL: {exc}", feed=shown, reason="invalid-url") from None
        try:
            netguard.check_url(url, allow_private=self._allow_private)
        except FeedError as exc:
            if not hops:
                raise
            hop = redact_url(url)
            fields = {**exc.fields, "feed": shown, "redirect": hop}
            message = str(exc).replace(f"feed {hop} ", f"feed {shown} redirected to {hop}, ", 1)
            raise FeedError(message, **fields) from None

    def _read_body(self, response: httpx.Response, deadline: _Deadline, shown: str) -> tuple[bytes, bool]:
        limit = self._max_body_bytes
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > limit:
            raise FeedError(
                f"feed {shown} is {int(declared)} bytes (Content-Length), over the {limit}-byte limit",
                feed=shown,
                reason="too-large",
            )
        decoder = _decoder_for(response.headers.get("content-encoding", ""))
        pieces: list[bytes] = []
        total = 0

        def keep(piece: bytes) -> None:
            nonlocal total
            total += len(piece)
            if total > limit:
                raise FeedError(
                    f"feed {shown} is larger than the {limit}-byte limit (decompressed)", feed=shown, reason="too-large"
                )
            pieces.append(piece)

        try:
            for raw in response.iter_raw():
                if deadline.passed():
                    raise self._timed_out(shown)
                for piece in decoder.feed(raw):
                    keep(piece)
            for piece in decoder.finish():
                keep(piece)
        except _DecodeError as exc:
            raise FeedError(
                f"feed {shown} answered a broken {response.headers.get('content-encoding')} body: {exc}",
                feed=shown,
                reason="protocol-error",
            ) from None
        if deadline.passed():
            raise self._timed_out(shown)
        return b"".join(pieces), decoder.decodes


# -- redirects, credentials, validators ------------------------------------------------------------


def _scheme(url: str) -> str:
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:  # "http://[bad/" is a broken URL, not a file path
        scheme = url.split("://", 1)[0].strip().lower() if "://" in url else ""
    return "" if len(scheme) == 1 else scheme  # C:\feeds\x.xml is a path, not a URL


def _loop_key(url: httpx.URL) -> str:
    return str(url.copy_with(fragment=None, username=None, password=None))


def _redirect_target(current: httpx.URL, response: httpx.Response, shown: str) -> httpx.URL:
    location = response.headers["location"].strip()
    try:
        target = current.join(location)
    except httpx.InvalidURL:
        raise FeedError(
            f"feed {shown} answered HTTP {response.status_code} with an invalid Location",
            feed=shown,
            reason="http-error",
            status=response.status_code,
        ) from None
    if target.scheme in ("http", "https") and not target.host:
        raise FeedError(
            f"feed {shown} answered HTTP {response.status_code} with a Location without host",
            feed=shown,
            reason="http-error",
            status=response.status_code,
        )
    return target


def _same_site(url: httpx.URL, origin: httpx.URL) -> bool:
    """Same host, and not a downgrade from https: where the registry URL's credentials may go."""
    return url.host == origin.host and not (origin.scheme == "https" and url.scheme == "http")


def _auth_for(url: httpx.URL, origin: httpx.URL, credentials: tuple[str, str] | None) -> httpx.Auth | None:
    if url.username or url.password:  # a hop that names its own credentials
        return httpx.BasicAuth(url.username, url.password)
    if credentials and _same_site(url, origin):
        return httpx.BasicAuth(*credentials)
    return None


def _moved_to(final: httpx.URL, origin: httpx.URL, credentials: tuple[str, str] | None) -> str:
    """The registry's new URL: keeps the registry URL's credentials where they would still be sent."""
    if credentials and not (final.username or final.password) and _same_site(final, origin):
        return str(final.copy_with(username=credentials[0], password=credentials[1]))
    return str(final)


def _conditional_headers(validators: Validators | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if validators is not None:
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
    return headers


# -- error descriptions ----------------------------------------------------------------------------

_USERINFO = re.compile(r"(?<=//)[^/\s@]+@")


def _ssl_error(exc: BaseException) -> ssl.SSLError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _classify(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "unsupported-scheme"
    if isinstance(exc, httpx.TransportError) and _ssl_error(exc) is not None:
        return "tls"
    if isinstance(exc, (httpx.ProtocolError, httpx.DecodingError)):
        return "protocol-error"
    return "unreachable"  # ConnectError (refused, DNS), ReadError (reset), anything else


def _describe(exc: BaseException) -> str:
    cause = _ssl_error(exc) or exc
    if isinstance(cause, ssl.SSLCertVerificationError) and cause.verify_message:
        text = f"certificate verify failed: {cause.verify_message}"
    else:
        text = str(cause) or type(cause).__name__
    line = text.strip().splitlines()[0] if text.strip() else type(cause).__name__
    return _USERINFO.sub("***@", line)[:200]


# -- decompression, bounded ------------------------------------------------------------------------


class _DecodeError(Exception):
    pass


class _Decoder:
    """One content encoding, decoded in pieces of at most `_PIECE` bytes."""

    decodes = True

    def feed(self, data: bytes) -> Iterator[bytes]:
        raise NotImplementedError

    def finish(self) -> Iterator[bytes]:
        return iter(())


class _Identity(_Decoder):
    decodes = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data


class _Zlib(_Decoder):
    """gzip (several members too) or deflate (zlib-wrapped, or raw as some servers send it)."""

    def __init__(self, *, gzip: bool) -> None:
        self._gzip = gzip
        self._wbits = zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(self._wbits)
        self._first = True
        self._ended = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        pending = data
        while pending and not self._ended:
            try:
                out = self._inflater.decompress(pending, _PIECE)
            except zlib.error as exc:
                if self._first and not self._gzip:  # deflate without the zlib wrapper
                    self._first = False
                    self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise _DecodeError(str(exc)) from None
            self._first = False
            if out:
                yield out
            if self._inflater.eof:
                rest = self._inflater.unused_data
                if self._gzip and rest.startswith(b"\x1f\x8b"):  # another gzip member
                    self._inflater = zlib.decompressobj(self._wbits)
                    pending = rest
                    continue
                self._ended = True  # trailing bytes after the stream: ignored, as browsers do
                return
            pending = self._inflater.unconsumed_tail
        if not self._ended:
            # Input consumed, output may be pending (a long match split at _PIECE): drain it.
            while True:
                out = self._inflater.decompress(b"", _PIECE)
                if not out:
                    break
                yield out

    def finish(self) -> Iterator[bytes]:
        if self._ended:
            return
        try:
            out = self._inflater.flush()  # small: a truncated stream's last partial block
        except zlib.error as exc:
            raise _DecodeError(str(exc)) from None
        if out:
            yield out


class _Brotli(_Decoder):
    def __init__(self) -> None:
        self._inflater = brotli.Decompressor()
        self._bounded = hasattr(self._inflater, "can_accept_more_data")

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not data:
            return
        try:
            if not self._bounded:  # an old binding: no output limit per step
                out = self._inflater.process(data)
                if out:
                    yield out
                return
            out = self._inflater.process(data, output_buffer_limit=_PIECE)
            if out:
                yield out
            yield from self._drain()
        except brotli.error as exc:
            raise _DecodeError(str(exc) or "invalid brotli data") from None

    def _drain(self) -> Iterator[bytes]:
        # The limit is per call: what the input holds beyond it comes out of further empty calls.
        while not self._inflater.is_finished():
            out = self._inflater.process(b"", output_buffer_limit=_PIECE)
            if not out:
                if self._inflater.can_accept_more_data():
                    return  # waiting for more input
                raise _DecodeError("brotli decoder made no progress")
            yield out


class _Chain(_Decoder):
    """Several encodings (``Content-Encoding: gzip, br``), undone last applied first."""

    def __init__(self, decoders: list[_Decoder]) -> None:
        self._decoders = decoders

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._through(0, data)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._decoders):
            if data:
                yield data
            return
        for piece in self._decoders[index].feed(data):
            yield from self._through(index + 1, piece)

    def finish(self) -> Iterator[bytes]:
        for index, decoder in enumerate(self._decoders):
            for piece in decoder.finish():
                yield from self._through(index + 1, piece)


def _decoder_for(content_encoding: str) -> _Decoder:
    decoders: list[_Decoder] = []
    for name in reversed([token.strip().lower() for token in content_encoding.split(",")]):
        if name in ("gzip", "x-gzip"):
            decoders.append(_Zlib(gzip=True))
        elif name == "deflate":
            decoders.append(_Zlib(gzip=False))
        elif name == "br":
            decoders.append(_Brotli())
        # identity, empty, or an encoding never asked for: passed through as httpx does
    if not decoders:
        return _Identity()
    return decoders[0] if len(decoders) == 1 else _Chain(decoders)


# -- the total deadline ----------------------------------------------------------------------------


class _ForbiddenPeer(Exception):
    """Raised from the connection trace: the connection reached an address the guard refuses."""

    def __init__(self, host: str, address: str, why: str) -> None:
        super().__init__(f"{host} connected to {address} ({why})")
        self.host, self.address, self.why = host, address, why


class _Deadline:
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


class _Tracer:
    """httpcore's `trace` extension: attaches each new connection's socket to the deadline, and
    refuses a connection whose peer address the SSRF guard forbids before the request is sent."""

    def __init__(self, deadline: _Deadline, host: str, allow_private: bool) -> None:
        self._deadline = deadline
        self._host = host.strip("[]").lower()
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
            # Through a proxy the peer is the proxy: only a direct connection is checked here.
            if event == "connection.connect_tcp.complete" and not self._allow_private and self._connecting_to == self._host:
                peer = stream.get_extra_info("server_addr")
                address = str(peer[0]) if peer else ""
                why = netguard.forbidden_reason(address) if address else None
                if why:
                    stream.close()
                    raise _ForbiddenPeer(self._host, address, why)


class _Watchdog:
    """One daemon thread that expires every fetch's deadline on time (lazily started)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, _Deadline]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._closed = False

    def watch(self, deadline: _Deadline) -> None:
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
