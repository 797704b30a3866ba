"""WebSub (W3C Recommendation) subscriber: subscribe at a feed's hub, confirm intents, accept signed pushes.

A feed that advertises a hub (`<link rel="hub">`, `ParsedFeed.hub`; the topic is its `rel="self"`)
can push each new version of itself instead of waiting for the next poll. The producer service:

    secret = derive_secret(key, feed.id)            # derived, so never stored; never logged
    callback.expect(feed.id, topic, secret)         # before subscribe(), and before start() after a restart
    subscribe(client, hub=hub, topic=topic, callback=callback_url(base, feed.id), secret=secret, allow_private=False)
    # the hub confirms the intent (GET), then POSTs every new version: on_push(feed_id, body, headers)
    # renew before callback.lease_expiry(feed.id); when a feed leaves: callback.forget(feed.id), unsubscribe()

Polling goes on at the feed's longest interval as a safety net: hubs drop subscriptions silently.

The callback answers a push whose signature is missing or wrong with 2xx, as the spec asks (so
that nobody can probe for the secret), and drops it. It answers 410 Gone for a feed it does not
subscribe to, which tells the hub to stop. Register every subscription with `expect()` before
`start()`: a push that arrives first would get that 410 and end a subscription that is still wanted.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from urllib.parse import quote, urlsplit

import httpx
import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse

from newsflow.errors import FeedError
from newsflow.net import guard
from newsflow.net.deadline import ConnectTracer, Deadline, ForbiddenPeer
from newsflow.redaction import redact_url

__all__ = [
    "PushHandler",
    "PushStats",
    "WebSubCallback",
    "callback_url",
    "derive_secret",
    "subscribe",
    "unsubscribe",
]

log = logging.getLogger(__name__)

DEFAULT_LEASE_S = 7 * 86_400
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
CALLBACK_PATH = "/websub/{feed_id}"

# The algorithms WebSub allows in X-Hub-Signature ("sha256=<hex>"); hubs choose, sha1 still common.
_SIGNATURE_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
_HUB_ERROR_CHARS = 200  # of a refusing hub's answer, quoted in the error
_START_TIMEOUT_S = 10.0
_GRACEFUL_STOP_S = 5

PushHandler = Callable[[str, bytes, dict[str, str]], None]
"""on_push(feed_id, body, headers): headers with lower-case names, repeated ones joined by ', '."""


def derive_secret(key: str, feed_id: str) -> str:
    """A subscription's secret: hex HMAC-SHA256 of the feed id under the configured key.

    The same after a restart, so a subscription outlives the process without the secret being
    stored; 64 characters, under the spec's 200-byte limit.
    """
    return hmac.new(key.encode("utf-8"), feed_id.encode("utf-8"), hashlib.sha256).hexdigest()


def callback_url(base: str, feed_id: str) -> str:
    """The public callback URL of one feed, under the public base URL the callback is reachable at."""
    return f"{base.rstrip('/')}/websub/{quote(feed_id, safe='')}"


def subscribe(
    client: httpx.Client, *, hub: str, topic: str, callback: str, secret: str, allow_private: bool,
    lease_s: int = DEFAULT_LEASE_S,
) -> None:
    """Ask `hub` to push `topic` to `callback`, signed with `secret`. The hub confirms later, by a GET.

    The hub's URL comes from feed content, so it goes through the SSRF guard like a feed URL: its
    name must resolve to public addresses only, and the address actually connected to is checked
    too, before a byte of the request is sent (a name may resolve once to a public address and
    then to a private one: DNS rebinding). `allow_private` (`allow_private_networks`) turns both off.

    Raises FeedError(reason="websub-refused") when the hub answers other than 2xx (202 is usual),
    FeedError(reason="websub-unreachable") when it cannot be reached,
    FeedError(reason="forbidden-address") when the guard refuses it (nothing is sent).
    """
    if urlsplit(hub).scheme.lower() != "https":
        log.warning("WebSub hub %s is not https: the subscription secret for %s travels in clear", redact_url(hub), topic)
    form = {
        "hub.mode": "subscribe",
        "hub.topic": topic,
        "hub.callback": callback,
        "hub.secret": secret,
        "hub.lease_seconds": str(lease_s),
        # Required by PubSubHubbub 0.3 hubs, ignored by WebSub ones (hubs ignore unknown parameters).
        "hub.verify": "async",
    }
    _ask_hub(client, hub, form, secret=secret, allow_private=allow_private)


def unsubscribe(client: httpx.Client, *, hub: str, topic: str, callback: str, allow_private: bool) -> None:
    """Ask `hub` to stop pushing `topic` to `callback`; the hub confirms by a GET (see `forget`).

    Guarded as `subscribe` is."""
    form = {"hub.mode": "unsubscribe", "hub.topic": topic, "hub.callback": callback, "hub.verify": "async"}
    _ask_hub(client, hub, form, secret=None, allow_private=allow_private)


def _ask_hub(client: httpx.Client, hub: str, form: dict[str, str], *, secret: str | None, allow_private: bool) -> None:
    mode, topic = form["hub.mode"], form["hub.topic"]
    shown = redact_url(hub)
    _check_hub_url(hub, shown, mode, topic, allow_private=allow_private)
    # The tracer is the hook that sees each new connection's peer address before any request byte
    # is sent, as in the feed transport. Its deadline is never expired (the client's timeouts bound
    # this request); the host is compared with the one httpcore connects to: IDNA-encoded (raw_host).
    deadline = Deadline(float("inf"))
    try:
        url = httpx.URL(hub)
        tracer = ConnectTracer(deadline, url.raw_host.decode("ascii"), allow_private)
        request = client.build_request("POST", url, data=form, extensions={"trace": tracer})
        # Streamed: the hub URL comes from a feed, so its answer is read only as far as the error needs.
        # No redirects: a hop to another host would be connected to without the peer check.
        with _sent(client, request) as response:
            if response.is_success:
                return
            detail = _one_line(_read_prefix(response, 4 * _HUB_ERROR_CHARS), secret)
    except ForbiddenPeer as exc:
        raise FeedError(
            f"WebSub hub {shown} refused to {mode} {topic}: {exc.host} connected to {exc.address}, a {exc.why} "
            "address (SSRF guard; allow_private_networks turns it off)",
            reason="forbidden-address",
            hub=shown,
            topic=topic,
            address=exc.address,
        ) from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise FeedError(
            f"WebSub hub {shown} is unreachable to {mode} {topic}: {type(exc).__name__}",
            reason="websub-unreachable",
            hub=shown,
            topic=topic,
        ) from None
    finally:
        deadline.finish()
    raise FeedError(
        f"WebSub hub {shown} refused to {mode} {topic}: HTTP {response.status_code}" + (f" {detail}" if detail else ""),
        reason="websub-refused",
        hub=shown,
        topic=topic,
        status=response.status_code,
    )


def _check_hub_url(hub: str, shown: str, mode: str, topic: str, *, allow_private: bool) -> None:
    """The guard's check of the hub's name (every address it resolves to public), said of the hub."""
    try:
        guard.check_url(hub, allow_private=allow_private)
    except FeedError as exc:
        fields = {k: v for k, v in exc.fields.items() if k != "feed"}
        if fields.get("reason") == "unreachable":
            fields["reason"] = "websub-unreachable"
        what = str(exc).removeprefix(f"feed {shown} ")
        raise FeedError(f"WebSub hub {shown} {what} (asked to {mode} {topic})", **fields, hub=shown, topic=topic) from None


@contextmanager
def _sent(client: httpx.Client, request: httpx.Request) -> Iterator[httpx.Response]:
    response = client.send(request, stream=True, follow_redirects=False)
    try:
        yield response
    finally:
        response.close()


def _read_prefix(response: httpx.Response, limit: int) -> bytes:
    data = b""
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) >= limit:
            break
    return data[:limit]


def _one_line(raw: bytes, secret: str | None) -> str:
    text = " ".join(raw.decode("utf-8", "replace").split())
    if secret:
        text = text.replace(secret, "***")  # a hub may echo the form back
    return text[:_HUB_ERROR_CHARS]


def _signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """X-Hub-Signature: "<method>=<hex HMAC of the raw body>", compared in constant time."""
    method, sep, digest = (header or "").strip().partition("=")
    algorithm = _SIGNATURE_ALGORITHMS.get(method.strip().lower())
    if not sep or algorithm is None:
        return False
    expected = hmac.new(secret.encode("utf-8"), body, algorithm).hexdigest().encode("ascii")
    return hmac.compare_digest(expected, digest.strip().lower().encode("ascii", "replace"))


@dataclass
class PushStats:
    """What the callback did with content distributions (pushes), for metrics."""

    verified: int = 0  # signature valid
    rejected_signature: int = 0  # signature missing or wrong: answered 2xx, dropped
    delivered: int = 0  # on_push returned
    failed: int = 0  # on_push raised: answered 500, the hub retries
    too_large: int = 0  # answered 413
    gone: int = 0  # for a feed not subscribed (any more): answered 410


@dataclass
class _Subscription:
    topic: str
    secret: str
    lease_expiry: float | None = None
    denial: str | None = None


class WebSubCallback:
    """The subscriber's callback endpoint, `/websub/{feed_id}`, served by uvicorn in a daemon thread.

    GET confirms an intent only for a subscription registered with `expect()` (subscribe) or
    just dropped with `forget()` (unsubscribe), and for its exact topic: 404 otherwise. POST
    delivers a push to `on_push`, in a worker thread, once its signature is verified.
    """

    def __init__(
        self,
        on_push: PushHandler,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._on_push = on_push
        self._address = (host, port)
        self._max_body_bytes = max_body_bytes
        self._clock = clock
        self._lock = threading.Lock()
        self._subscriptions: dict[str, _Subscription] = {}
        self._leaving: dict[str, str] = {}  # feed id -> topic, until the hub confirms the unsubscription
        self._stats = PushStats()
        self._app = self._build_app()
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # Subscriptions, as the owner knows them.

    def expect(self, feed_id: str, topic: str, secret: str) -> None:
        """Register (or renew) a subscription: its intent will be confirmed, its pushes accepted."""
        with self._lock:
            known = self._subscriptions.get(feed_id)
            lease = known.lease_expiry if known and known.topic == topic else None
            self._subscriptions[feed_id] = _Subscription(topic=topic, secret=secret, lease_expiry=lease)
            self._leaving.pop(feed_id, None)

    def forget(self, feed_id: str) -> None:
        """Drop a subscription: its pushes get 410 Gone, and an unsubscribe of it will be confirmed."""
        with self._lock:
            known = self._subscriptions.pop(feed_id, None)
            if known is not None:
                self._leaving[feed_id] = known.topic

    def lease_expiry(self, feed_id: str) -> float | None:
        """When the hub's confirmed lease ends (epoch seconds, by `clock`); None before a confirmation."""
        with self._lock:
            known = self._subscriptions.get(feed_id)
            return known.lease_expiry if known else None

    def denial(self, feed_id: str) -> str | None:
        """The reason the hub gave for denying the subscription, if it did (cleared by a confirmation)."""
        with self._lock:
            known = self._subscriptions.get(feed_id)
            return known.denial if known else None

    @property
    def stats(self) -> PushStats:
        with self._lock:
            return replace(self._stats)

    # Server lifecycle.

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the WebSub callback is already started")
        host, port = self._address
        self._socket = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
        config = uvicorn.Config(
            self._app, http="h11", loop="asyncio", lifespan="off", log_config=None, access_log=False,
            timeout_graceful_shutdown=_GRACEFUL_STOP_S,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, name="websub-callback", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not self._server.started:  # uvicorn offers no event to wait on
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the WebSub callback did not start on {host}:{port}")
            time.sleep(0.01)
        log.info("WebSub callback listening on %s:%d", host, self.port)

    def stop(self) -> None:
        if self._server is None or self._thread is None or self._socket is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=_GRACEFUL_STOP_S + 5)
        if self._thread.is_alive():
            log.warning("WebSub callback thread did not stop in time")
        self._socket.close()
        self._server = self._thread = self._socket = None

    @property
    def port(self) -> int:
        if self._socket is None:
            raise RuntimeError("the WebSub callback is not started")
        return self._socket.getsockname()[1]

    def __enter__(self) -> WebSubCallback:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # HTTP.

    def _build_app(self) -> FastAPI:
        app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
        app.add_api_route(CALLBACK_PATH, self._verify_intent, methods=["GET"])
        app.add_api_route(CALLBACK_PATH, self._receive_push, methods=["POST"])
        return app

    async def _verify_intent(self, feed_id: str, request: Request) -> Response:
        params = request.query_params
        mode, topic = params.get("hub.mode"), params.get("hub.topic")
        if mode == "denied":
            return Response(status_code=200 if self._record_denial(feed_id, topic, params.get("hub.reason", "")) else 404)
        challenge = params.get("hub.challenge")
        if mode not in ("subscribe", "unsubscribe") or not topic or not challenge:
            return Response(status_code=400)
        if not self._confirm(feed_id, mode, topic, params.get("hub.lease_seconds")):
            log.info("WebSub %s intent for feed %r (topic %r) not confirmed: not ours", mode, feed_id, topic)
            return Response(status_code=404)
        log.info("WebSub %s of feed %r confirmed", mode, feed_id)
        return PlainTextResponse(challenge)

    def _confirm(self, feed_id: str, mode: str, topic: str, lease_seconds: str | None) -> bool:
        with self._lock:
            if mode == "unsubscribe":
                if self._leaving.get(feed_id) != topic:
                    return False
                del self._leaving[feed_id]
                return True
            known = self._subscriptions.get(feed_id)
            if known is None or known.topic != topic:
                return False
            lease = _lease_seconds(lease_seconds)
            known.lease_expiry = self._clock() + lease if lease is not None else None
            known.denial = None
            return True

    def _record_denial(self, feed_id: str, topic: str | None, reason: str) -> bool:
        with self._lock:
            known = self._subscriptions.get(feed_id)
            if known is None or known.topic != topic:
                return False
            known.denial = denial = " ".join(reason.split())[:_HUB_ERROR_CHARS] or "denied"
            known.lease_expiry = None
        log.warning("WebSub hub denied the subscription of feed %s: %r", feed_id, denial)
        return True

    async def _receive_push(self, feed_id: str, request: Request) -> Response:
        with self._lock:
            known = self._subscriptions.get(feed_id)
            secret = known.secret if known else None
        if secret is None:
            self._count("gone")
            return _closing(410)  # the body is not read: the connection cannot be reused
        body = await self._read_body(request)
        if body is None:
            self._count("too_large")
            return _closing(413)
        status = await run_in_threadpool(self._deliver, feed_id, secret, body, _header_dict(request.headers.items()))
        return Response(status_code=status)

    async def _read_body(self, request: Request) -> bytes | None:
        """The body, or None past the limit: refused on its declared length, else read only up to the limit."""
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self._max_body_bytes:
            return None
        chunks: list[bytes] = []
        total = 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > self._max_body_bytes:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    def _deliver(self, feed_id: str, secret: str, body: bytes, headers: dict[str, str]) -> int:
        if not _signature_ok(secret, body, headers.get("x-hub-signature")):
            self._count("rejected_signature")
            log.info("WebSub push for feed %s dropped: signature %s", feed_id, "wrong" if "x-hub-signature" in headers else "missing")
            return 200  # the same answer as a valid push: the spec forbids telling a prober
        self._count("verified")
        try:
            self._on_push(feed_id, body, headers)
        except Exception:
            self._count("failed")
            log.exception("WebSub push for feed %s failed in its handler; the hub will retry it", feed_id)
            return 500
        self._count("delivered")
        return 200

    def _count(self, counter: str) -> None:
        with self._lock:
            setattr(self._stats, counter, getattr(self._stats, counter) + 1)


def _lease_seconds(raw: str | None) -> int | None:
    return int(raw) if raw is not None and raw.strip().isdigit() else None


def _header_dict(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    # Hubs send Link twice (rel="hub" and rel="self"): repeated fields are joined, as HTTP allows.
    headers: dict[str, str] = {}
    for name, value in items:
        name = name.lower()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def _closing(status: int) -> Response:
    return Response(status_code=status, headers={"connection": "close"})

