"""Fetching feeds over http(s) with httpx, or from local files, with hard limits on size and time.

A feed URL comes from a registry and its server is not trusted, so every fetch is bounded:

- time: connect and read timeouts (httpx), and a total deadline (`newsflow.net.deadline`): a
  watchdog thread shuts the socket down when the deadline passes, so a server that drips one
  byte a second (in the headers or in the body) fails after `total_timeout_s`, not after hours;
- size: the body is decompressed here, in bounded pieces (`newsflow.net.decoding`), and counted
  as it is: a gzip or brotli bomb stops at `max_body_bytes` without ever holding more than that;
- where: the SSRF guard (`newsflow.net.guard`) checks the host before every connection (the
  name httpx connects to, ``raw_host``: IDNA 2008, as `guard.ascii_host` encodes it), and the
  peer address of every connection, whatever its name, before a request byte is sent
  (`newsflow.net.deadline`);
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

import logging
import os
import re
import ssl
import stat
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit
from urllib.request import url2pathname

import httpx

from newsflow.errors import FeedError
from newsflow.net import guard
from newsflow.net.deadline import ConnectTracer, Deadline, ForbiddenPeer, Watchdog
from newsflow.net.decoding import DecodeError, decoder_for
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
        self._watchdog = Watchdog()
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
        """A local file the registry names: a regular file only, read up to the size limit.

        No deadline bounds a local read, so nothing that can block is opened: the path must be a
        regular file (not a FIFO, device, directory or socket) before it is opened, it is opened
        non-blocking (a FIFO swapped in after the check cannot wait for a writer), and what was
        opened is checked again. Errors name only the path, which the registry already names.
        """
        shown = redact_url(url)
        path = _local_path(url, shown)
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):
                raise _not_regular(path, shown)
            with open(os.open(path, _LOCAL_READ), "rb") as handle:  # noqa: PTH123 - a descriptor; closes it
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    raise _not_regular(path, shown)
                body = handle.read(self._max_body_bytes + 1)  # a limit, not st_size: a file can grow
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
        deadline = Deadline(self._total_timeout_s)
        self._watchdog.watch(deadline)
        try:
            return self._follow(url, validators, deadline, shown)
        except FeedError:
            raise
        except ForbiddenPeer as exc:
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
            raise FeedError(f"feed {shown} {_FAILED[reason]}: {_describe(exc)}", feed=shown, reason=reason) from None
        finally:
            deadline.finish()

    def _timed_out(self, shown: str) -> FeedError:
        return FeedError(f"feed {shown} timed out after {self._total_timeout_s:g}s in total", feed=shown, reason="timeout")

    def _follow(self, url: str, validators: Validators | None, deadline: Deadline, shown: str) -> FetchedFeed:
        origin = httpx.URL(url)
        if not origin.raw_host:  # raw: `.host` decodes xn-- labels, and raises on a broken one
            raise FeedError(f"feed {shown} is not a valid URL: it has no host", feed=shown, reason="invalid-url")
        credentials = (origin.username, origin.password) if (origin.username or origin.password) else None
        redirects = _Redirects(origin, shown)
        current = origin
        while True:
            self._guard(url if not redirects.count else str(current), current, redirects.count, shown)
            # Credentials go in a header, never in the request URL: httpx logs that URL at INFO.
            target = current.copy_with(username=None, password=None) if (current.username or current.password) else current
            auth = _auth_for(current, origin, credentials)
            response = self._send(target, auth, validators, deadline, shown, redirects.count)
            try:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    current = redirects.follow(current, response)
                    continue
                moved = _moved_to(current, origin, credentials) if redirects.count and redirects.permanent else None
                return self._answer(response, str(target), moved, deadline, shown)
            finally:
                response.close()

    def _send(
        self, target: httpx.URL, auth: httpx.Auth | None, validators: Validators | None, deadline: Deadline, shown: str, hop: int
    ) -> httpx.Response:
        """One request, its timeouts cut to what is left of the deadline; the response is streamed."""
        remaining = deadline.remaining()
        if remaining <= 0:
            raise self._timed_out(shown)
        timeout = httpx.Timeout(
            connect=min(self._connect_timeout_s, remaining),
            read=min(self._read_timeout_s, remaining),
            write=min(self._read_timeout_s, remaining),
            pool=min(self._connect_timeout_s, remaining),
        )
        request = self._client.build_request(
            "GET",
            target,
            headers=_conditional_headers(validators),
            timeout=timeout,
            extensions={"trace": ConnectTracer(deadline, target.raw_host.decode("ascii"), self._allow_private)},
        )
        log.debug("fetching feed=%s hop=%d url=%s", shown, hop, redact_url(str(target)))
        return self._client.send(request, stream=True, auth=auth)

    def _answer(self, response: httpx.Response, final: str, moved: str | None, deadline: Deadline, shown: str) -> FetchedFeed:
        """What the last hop's response (not a redirect) makes of the fetch: a feed, or a `FeedError`."""
        status = response.status_code
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
            raise FeedError(f"feed {shown} answered HTTP {status}{phrase}", feed=shown, reason="http-error", status=status)
        body, decoded = self._read_body(response, deadline, shown)
        if decoded:  # the body is no longer in that encoding, nor that length
            headers.pop("content-encoding", None)
            headers.pop("content-length", None)
        return FetchedFeed(url=final, body=body, headers=headers, status=200, permanent_redirect=moved)

    def _guard(self, url: str, current: httpx.URL, hops: int, shown: str) -> None:
        """The checks of every hop: an http(s) URL whose host resolves to public addresses only.

        The host checked is the one httpx connects to (`current.raw_host`, IDNA 2008), not a
        re-parse of `url`: the guard and the connection resolve the same name.
        """
        scheme = current.scheme
        if scheme not in ("http", "https"):  # a redirect to file://, ftp://, gopher://...
            raise FeedError(
                f"feed {shown} redirected to an unsupported URL scheme {scheme!r}", feed=shown, reason="unsupported-scheme"
            )
        try:
            parts = urlsplit(url)
            if not parts.hostname or parts.port == 0:
                raise ValueError("no host" if not parts.hostname else "port 0")
            guard.ascii_host(current.raw_host.decode("ascii"))  # a broken A-label: also with allow_private
        except ValueError as exc:  # also what httpx would have let through (it quotes "[bad" into a host)
            hop = redact_url(url)
            where = f"feed {shown}" if not hops else f"feed {shown} redirected to {hop}, which"
            raise FeedError(f"{where} is not a valid URL: {exc}", feed=shown, reason="invalid-url") from None
        try:
            guard.check_host(
                current.raw_host.decode("ascii"), current.port, allow_private=self._allow_private, feed=redact_url(url)
            )
        except FeedError as exc:
            if not hops:
                raise
            hop = redact_url(url)
            fields = {**exc.fields, "feed": shown, "redirect": hop}
            message = str(exc).replace(f"feed {hop} ", f"feed {shown} redirected to {hop}, ", 1)
            raise FeedError(message, **fields) from None

    def _read_body(self, response: httpx.Response, deadline: Deadline, shown: str) -> tuple[bytes, bool]:
        """The body, decoded and counted as it arrives, and whether it was decoded at all."""
        limit = self._max_body_bytes
        _refuse_declared_length(response, limit, shown)
        decoder = decoder_for(response.headers.get("content-encoding", ""))
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
        except DecodeError as exc:
            raise FeedError(
                f"feed {shown} answered a broken {response.headers.get('content-encoding')} body: {exc}",
                feed=shown,
                reason="protocol-error",
            ) from None
        if deadline.passed():
            raise self._timed_out(shown)
        return b"".join(pieces), decoder.decodes


# -- redirects, credentials, validators ------------------------------------------------------------


class _Redirects:
    """The redirects of one fetch: how many, whether all were permanent, and the URLs seen (loops)."""

    def __init__(self, origin: httpx.URL, shown: str) -> None:
        self.count = 0
        self.permanent = True
        self._seen = {_loop_key(origin)}
        self._shown = shown

    def follow(self, current: httpx.URL, response: httpx.Response) -> httpx.URL:
        """The next hop of a redirect `response` to a request for `current`, checked for limit and loop."""
        shown = self._shown
        self.count += 1
        if self.count > MAX_REDIRECTS:
            raise FeedError(f"feed {shown} redirected more than {MAX_REDIRECTS} times", feed=shown, reason="too-many-redirects")
        following = _redirect_target(current, response, shown)
        self.permanent = self.permanent and response.status_code in _PERMANENT
        key = _loop_key(following)
        if key in self._seen:
            raise FeedError(
                f"feed {shown} redirects in a loop (back to {redact_url(str(following))})", feed=shown, reason="redirect-loop"
            )
        self._seen.add(key)
        return following


def _local_path(url: str, shown: str) -> Path:
    """The path of a registry's local feed: a bare path, or a file: URL on this host."""
    if _scheme(url) != "file":
        return Path(url)
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise FeedError(f"feed {shown}: file URLs on another host are not supported", feed=shown, reason="unsupported-scheme")
    return Path(url2pathname(parts.path))


_LOCAL_READ = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC  # never waits for a FIFO's writer


def _not_regular(path: Path, shown: str) -> FeedError:
    what = "not a regular file (a FIFO, device, directory or socket)"
    return FeedError(f"cannot read feed file {path}: {what}", feed=shown, reason="unreachable")


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
    if target.scheme in ("http", "https") and not target.raw_host:
        raise FeedError(
            f"feed {shown} answered HTTP {response.status_code} with a Location without host",
            feed=shown,
            reason="http-error",
            status=response.status_code,
        )
    return target


def _same_site(url: httpx.URL, origin: httpx.URL) -> bool:
    """Same host, and not a downgrade from https: where the registry URL's credentials may go."""
    return url.raw_host == origin.raw_host and not (origin.scheme == "https" and url.scheme == "http")


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


def _refuse_declared_length(response: httpx.Response, limit: int, shown: str) -> None:
    # Refused before a byte is read; the count while reading is what holds (a header can lie).
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise FeedError(
            f"feed {shown} is {int(declared)} bytes (Content-Length), over the {limit}-byte limit",
            feed=shown,
            reason="too-large",
        )


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

# How the message says each `_classify` reason.
_FAILED = {
    "timeout": "timed out",
    "tls": "failed TLS",
    "unreachable": "is unreachable",
    "unsupported-scheme": "has an unsupported URL scheme",
    "protocol-error": "answered broken HTTP",
}


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
