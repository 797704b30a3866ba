"""WebSub subscriber against a local hub stub: subscribe, intent verification, signed pushes, refusals."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import httpx
import pytest

from newsflow.errors import FeedError
from producers.websub.attach import PushSubscriptions
from producers.websub.protocol import WebSubCallback, callback_url, derive_secret, subscribe, unsubscribe

NOW = 1_767_225_600.0  # the callback's clock: 2026-01-01T00:00:00Z
WAIT_S = 10.0
MAX_BODY = 64 * 1024
FEED_ID = "0123456789abcdef01234567"
TOPIC = "https://news.example/feeds/world.atom"
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>World</title><id>urn:x:world</id><updated>2026-01-01T00:00:00Z</updated>
<entry><title>Pushed</title><id>urn:x:1</id><link href="https://news.example/1"/><updated>2026-01-01T00:00:00Z</updated></entry>
</feed>"""


@dataclass(frozen=True)
class Verification:
    mode: str
    topic: str
    status: int
    echoed: bool  # the callback answered with exactly the challenge


class HubStub:
    """A hub in miniature: answers subscription requests, verifies the intent by GET from another
    thread (asynchronously, as hubs do), and pushes signed content to the verified subscribers."""

    def __init__(self, *, answer: int = 202, max_lease_s: int = 1800) -> None:
        self.answer = answer
        self.max_lease_s = max_lease_s
        self.requests: list[dict[str, str]] = []
        self.verifications: list[Verification] = []
        self.subscribers: dict[str, dict[str, str]] = {}  # topic -> {callback: secret}
        self._changed = threading.Condition()
        self._workers: list[threading.Thread] = []
        self._pusher = httpx.Client(timeout=WAIT_S)
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                form = {name: values[0] for name, values in parse_qs(raw.decode("ascii")).items()}
                with hub._changed:
                    hub.requests.append(form)
                # A refusing hub that echoes the request back: the subscriber must not repeat the secret.
                body = b"" if hub.answer < 300 else b"refused:\n" + raw
                self.send_response(hub.answer)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                if hub.answer < 300:
                    hub._verify_later(form)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._httpd.server_port}/hub"

    def _verify_later(self, form: dict[str, str]) -> None:
        worker = threading.Thread(target=self._verify, args=(form,), daemon=True)
        with self._changed:
            self._workers.append(worker)
        worker.start()

    def _verify(self, form: dict[str, str]) -> None:
        mode, topic, callback = form["hub.mode"], form["hub.topic"], form["hub.callback"]
        challenge = secrets.token_urlsafe(24)
        params = {"hub.mode": mode, "hub.topic": topic, "hub.challenge": challenge}
        if mode == "subscribe":
            params["hub.lease_seconds"] = str(min(int(form["hub.lease_seconds"]), self.max_lease_s))
        with httpx.Client(timeout=WAIT_S) as client:
            answer = client.get(callback, params=params)
        echoed = answer.is_success and answer.text == challenge
        with self._changed:
            self.verifications.append(Verification(mode, topic, answer.status_code, echoed))
            if echoed and mode == "subscribe":
                self.subscribers.setdefault(topic, {})[callback] = form["hub.secret"]
            if echoed and mode == "unsubscribe":
                self.subscribers.get(topic, {}).pop(callback, None)
            self._changed.notify_all()

    def wait_verifications(self, count: int) -> list[Verification]:
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.verifications) >= count, WAIT_S), "the hub verified nothing"
            return list(self.verifications)

    def publish(self, topic: str, body: bytes, *, algorithm: str | None = "sha256", wrong_secret: bool = False) -> list[int]:
        """Push `body` to every verified subscriber of `topic`, signed with its secret; the statuses."""
        with self._changed:
            targets = dict(self.subscribers.get(topic, {}))
        assert targets, f"no verified subscriber of {topic}"
        statuses = []
        for callback, secret in targets.items():
            headers = {"Content-Type": "application/atom+xml", "Link": f'<{self.url}>; rel="hub", <{topic}>; rel="self"'}
            if algorithm:
                key = ("not-" + secret) if wrong_secret else secret
                headers["X-Hub-Signature"] = f"{algorithm}={hmac.new(key.encode(), body, algorithm).hexdigest()}"
            statuses.append(self._pusher.post(callback, content=body, headers=headers).status_code)
        return statuses

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        with self._changed:
            workers = list(self._workers)
        for worker in workers:
            worker.join(WAIT_S)
        self._pusher.close()


class Pushes:
    """on_push: records each delivery; can be told to fail the next one."""

    def __init__(self) -> None:
        self.received: list[tuple[str, bytes, dict[str, str]]] = []
        self.fail_next = False
        self._changed = threading.Condition()

    def __call__(self, feed_id: str, body: bytes, headers: dict[str, str]) -> None:
        with self._changed:
            if self.fail_next:
                self.fail_next = False
                raise RuntimeError("the producer is down")
            self.received.append((feed_id, body, headers))
            self._changed.notify_all()

    def wait(self, count: int) -> list[tuple[str, bytes, dict[str, str]]]:
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.received) >= count, WAIT_S), f"{count} push(es) never arrived"
            return list(self.received)

    def bodies(self) -> list[bytes]:
        with self._changed:
            return [body for _, body, _ in self.received]


@pytest.fixture
def pushes() -> Pushes:
    return Pushes()


@pytest.fixture
def callback(pushes: Pushes) -> Iterator[WebSubCallback]:
    with WebSubCallback(pushes, max_body_bytes=MAX_BODY, clock=lambda: NOW) as server:
        yield server


@pytest.fixture
def hub() -> Iterator[HubStub]:
    stub = HubStub()
    yield stub
    stub.close()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=WAIT_S) as http:
        yield http


def base_of(callback: WebSubCallback) -> str:
    return f"http://127.0.0.1:{callback.port}"


def subscribe_through(hub: HubStub, callback: WebSubCallback, client: httpx.Client, topic: str = TOPIC) -> str:
    """The service's steps: derive the secret, expect the subscription, ask the hub. The secret."""
    secret = derive_secret("the-configured-key", FEED_ID)
    callback.expect(FEED_ID, topic, secret)
    subscribe(client, hub=hub.url, topic=topic, callback=callback_url(base_of(callback), FEED_ID), secret=secret, lease_s=86_400,
              allow_private=True)
    return secret


def test_derived_secrets_are_stable_per_feed_and_key():
    secret = derive_secret("key", FEED_ID)
    assert secret == derive_secret("key", FEED_ID) == hmac.new(b"key", FEED_ID.encode(), hashlib.sha256).hexdigest()
    assert len(secret) == 64 and secret != derive_secret("key", "another-feed") != derive_secret("other-key", FEED_ID)


def test_callback_url_is_one_path_per_feed():
    assert callback_url("https://push.example/", FEED_ID) == f"https://push.example/websub/{FEED_ID}"
    assert callback_url("https://push.example/base", "a/b c") == "https://push.example/base/websub/a%2Fb%20c"


def test_a_subscription_is_requested_verified_and_its_lease_recorded(callback, hub, client, caplog):
    caplog.set_level(logging.DEBUG)
    secret = subscribe_through(hub, callback, client)

    assert hub.requests == [
        {
            "hub.mode": "subscribe",
            "hub.topic": TOPIC,
            "hub.callback": f"{base_of(callback)}/websub/{FEED_ID}",
            "hub.secret": secret,
            "hub.lease_seconds": "86400",
            "hub.verify": "async",
        }
    ]
    assert hub.wait_verifications(1) == [Verification("subscribe", TOPIC, 200, echoed=True)]
    assert callback.lease_expiry(FEED_ID) == NOW + hub.max_lease_s  # the lease the hub granted, not the one asked
    assert secret not in caplog.text


def test_signed_pushes_are_handed_over_like_a_fetch(callback, hub, client, pushes):
    subscribe_through(hub, callback, client)
    hub.wait_verifications(1)

    assert hub.publish(TOPIC, ATOM, algorithm="sha256") == [200]
    assert hub.publish(TOPIC, ATOM + b"<!-- v2 -->", algorithm="sha1") == [200]
    assert hub.publish(TOPIC, ATOM + b"<!-- v3 -->", algorithm="sha512") == [200]

    received = pushes.wait(3)
    assert [(feed, body) for feed, body, _ in received] == [
        (FEED_ID, ATOM), (FEED_ID, ATOM + b"<!-- v2 -->"), (FEED_ID, ATOM + b"<!-- v3 -->")
    ]
    headers = received[0][2]
    assert headers["content-type"] == "application/atom+xml"
    assert 'rel="hub"' in headers["link"] and f"<{TOPIC}>" in headers["link"]
    stats = callback.stats
    assert (stats.verified, stats.delivered, stats.rejected_signature) == (3, 3, 0)


def test_pushes_with_a_wrong_missing_or_unknown_signature_are_dropped_silently(callback, hub, client, pushes):
    subscribe_through(hub, callback, client)
    hub.wait_verifications(1)

    # Answered 2xx like a valid push, so that a prober learns nothing; dropped all the same.
    assert hub.publish(TOPIC, b"<feed>forged</feed>", wrong_secret=True) == [200]
    assert hub.publish(TOPIC, b"<feed>unsigned</feed>", algorithm=None) == [200]
    assert hub.publish(TOPIC, b"<feed>md5</feed>", algorithm="md5") == [200]
    assert hub.publish(TOPIC, ATOM) == [200]

    pushes.wait(1)
    assert pushes.bodies() == [ATOM]  # the valid push came after the bad ones: they were dropped, not late
    stats = callback.stats
    assert (stats.rejected_signature, stats.verified, stats.delivered) == (3, 1, 1)


def test_a_failing_handler_gets_500_so_the_hub_retries(callback, hub, client, pushes, caplog):
    subscribe_through(hub, callback, client)
    hub.wait_verifications(1)

    pushes.fail_next = True
    with caplog.at_level(logging.CRITICAL, logger="producers.websub.protocol"):
        assert hub.publish(TOPIC, ATOM) == [500]
    assert hub.publish(TOPIC, ATOM) == [200]  # the hub's retry

    assert pushes.wait(1) and pushes.bodies() == [ATOM]
    assert (callback.stats.failed, callback.stats.delivered) == (1, 1)


def test_an_intent_for_another_topic_or_feed_is_not_confirmed(callback, hub, client):
    callback.expect(FEED_ID, TOPIC, derive_secret("k", FEED_ID))
    # Someone subscribes our callback to a topic we never asked for: the hub's verification fails.
    subscribe(client, hub=hub.url, topic=TOPIC + "?evil", callback=callback_url(base_of(callback), FEED_ID), secret="s",
              allow_private=True)
    assert hub.wait_verifications(1) == [Verification("subscribe", TOPIC + "?evil", 404, echoed=False)]
    assert callback.lease_expiry(FEED_ID) is None

    verify = {"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.challenge": "c", "hub.lease_seconds": "60"}
    assert client.get(f"{base_of(callback)}/websub/unknown-feed", params=verify).status_code == 404
    assert client.get(f"{base_of(callback)}/websub/{FEED_ID}", params={**verify, "hub.challenge": ""}).status_code == 400
    assert client.get(f"{base_of(callback)}/websub/{FEED_ID}", params={**verify, "hub.mode": "unsubscribe"}).status_code == 404


def test_unsubscribing_is_confirmed_only_once_the_feed_is_forgotten(callback, hub, client):
    subscribe_through(hub, callback, client)
    hub.wait_verifications(1)
    own_callback = callback_url(base_of(callback), FEED_ID)

    # An unsubscription nobody here asked for (the feed is still wanted) is not confirmed.
    unsubscribe(client, hub=hub.url, topic=TOPIC, callback=own_callback, allow_private=True)
    assert hub.wait_verifications(2)[1] == Verification("unsubscribe", TOPIC, 404, echoed=False)

    callback.forget(FEED_ID)
    unsubscribe(client, hub=hub.url, topic=TOPIC, callback=own_callback, allow_private=True)
    assert hub.wait_verifications(3)[2] == Verification("unsubscribe", TOPIC, 200, echoed=True)
    assert hub.requests[-1] == {"hub.mode": "unsubscribe", "hub.topic": TOPIC, "hub.callback": own_callback, "hub.verify": "async"}


def test_a_push_for_a_feed_not_subscribed_is_gone(callback, hub, client, pushes):
    subscribe_through(hub, callback, client)
    hub.wait_verifications(1)
    stranger = client.post(f"{base_of(callback)}/websub/unknown-feed", content=ATOM, headers={"X-Hub-Signature": "sha256=00"})
    assert stranger.status_code == 410

    callback.forget(FEED_ID)
    assert hub.publish(TOPIC, ATOM) == [410]  # tells the hub to stop
    assert pushes.bodies() == [] and callback.stats.gone == 2


def test_a_denied_subscription_is_recorded(callback, client):
    callback.expect(FEED_ID, TOPIC, "secret")
    url = f"{base_of(callback)}/websub/{FEED_ID}"
    denied = {"hub.mode": "denied", "hub.topic": TOPIC, "hub.reason": "topic\nnot served here"}
    assert client.get(url, params=denied).status_code == 200
    assert callback.denial(FEED_ID) == "topic not served here"
    assert client.get(url, params={**denied, "hub.topic": "https://other.example/"}).status_code == 404


def signed(body: bytes, secret: str) -> dict[str, str]:
    return {"X-Hub-Signature": "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}


def test_an_oversize_push_is_refused(callback, client, pushes):
    callback.expect(FEED_ID, TOPIC, "secret")
    url = f"{base_of(callback)}/websub/{FEED_ID}"
    big = b"x" * (MAX_BODY + 1)

    assert client.post(url, content=big, headers=signed(big, "secret")).status_code == 413
    # Without a declared length (chunked), the body is read only up to the limit.
    assert client.post(url, content=iter([big]), headers=signed(big, "secret")).status_code == 413
    fits = b"y" * MAX_BODY
    assert client.post(url, content=iter([fits]), headers=signed(fits, "secret")).status_code == 200
    assert pushes.bodies() == [fits]
    assert callback.stats.too_large == 2


def test_an_oversize_push_is_refused_before_its_body_is_sent(callback):
    callback.expect(FEED_ID, TOPIC, "secret")
    head = (
        f"POST /websub/{FEED_ID} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/atom+xml\r\n"
        f"Content-Length: {10**12}\r\nExpect: 100-continue\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", callback.port), timeout=WAIT_S) as conn:
        conn.sendall(head.encode("ascii"))
        answer = b""
        while b"\r\n\r\n" not in answer and (chunk := conn.recv(4096)):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 ")  # no "100 Continue" first: not a byte of the body was asked for


def test_a_refusing_hub_raises_a_one_line_feed_error_without_the_secret(client):
    hub = HubStub(answer=400)
    try:
        with pytest.raises(FeedError) as caught:
            subscribe(client, hub=hub.url, topic=TOPIC, callback="https://push.example/websub/x", secret="s3cr3t-value",
                      allow_private=True)
    finally:
        hub.close()
    error = caught.value
    assert error.fields["reason"] == "websub-refused" and error.fields["status"] == 400
    assert "HTTP 400" in str(error) and "refused:" in str(error)
    assert "s3cr3t-value" not in str(error) and "\n" not in str(error)
    assert hub.verifications == []


def test_an_unreachable_hub_raises_a_feed_error(client):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed when the block ends: nothing listens there
    with pytest.raises(FeedError) as caught:
        subscribe(client, hub=f"http://127.0.0.1:{port}/hub", topic=TOPIC, callback="https://push.example/websub/x", secret="s",
                  allow_private=True)
    assert caught.value.fields["reason"] == "websub-unreachable"


# -- the SSRF guard on the hub's address ---------------------------------------------------------

REBOUND = "hub.rebind.test"
PUBLIC_ADDRESS = "93.184.215.14"


class Resolver:
    """getaddrinfo() for `REBOUND`: answers the addresses of `script` in turn, and records them."""

    def __init__(self) -> None:
        self.script: list[str] = []
        self.given: list[str] = []

    def answer(self, port) -> list[tuple]:
        assert self.script, f"unexpected lookup of {REBOUND} (after {self.given})"
        address = self.script.pop(0)
        self.given.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, int(port or 0)))]


@pytest.fixture
def rebinding(monkeypatch: pytest.MonkeyPatch) -> Resolver:
    """DNS rebinding: each time, `REBOUND` resolves to a public address for the guard's lookup,
    then to 127.0.0.1 for the connection's own lookup."""
    real = socket.getaddrinfo
    resolver = Resolver()
    resolver.script = [PUBLIC_ADDRESS, "127.0.0.1"] * 2
    monkeypatch.setattr(socket, "getaddrinfo",
                        lambda host, port, *a, **k: resolver.answer(port) if host == REBOUND else real(host, port, *a, **k))
    return resolver


def rebound_url(hub: HubStub) -> str:
    return hub.url.replace("127.0.0.1", REBOUND)


def test_a_hub_name_rebound_to_loopback_is_refused_before_a_byte_is_sent(rebinding, hub, client):
    asks = {
        "subscribe": lambda: subscribe(client, hub=rebound_url(hub), topic=TOPIC, callback="https://push.example/websub/x",
                                       secret="s", allow_private=False),
        "unsubscribe": lambda: unsubscribe(client, hub=rebound_url(hub), topic=TOPIC, callback="https://push.example/websub/x",
                                           allow_private=False),
    }
    for mode, ask in asks.items():
        with pytest.raises(FeedError) as caught:
            ask()
        error = caught.value
        assert error.fields["reason"] == "forbidden-address" and error.fields["address"] == "127.0.0.1", mode
        assert f"refused to {mode}" in str(error) and "loopback" in str(error)
    # Each time the guard's lookup passed and the connection was made, to loopback: its peer check refused it.
    assert rebinding.given == [PUBLIC_ADDRESS, "127.0.0.1"] * 2
    assert hub.requests == []


def test_the_producer_does_not_subscribe_at_a_rebound_hub(rebinding, hub, callback, client, caplog):
    # The path the producer takes (PushSubscriptions, in its background thread) and its setting.
    subscriptions = PushSubscriptions(callback=callback, public_base=base_of(callback), key="k", client=client,
                                      allow_private=False)
    with caplog.at_level(logging.INFO, logger="producers.websub"):
        subscriptions.ensure(FEED_ID, hub=rebound_url(hub), topic=TOPIC)
        subscriptions._pool.shutdown(wait=True)  # the background subscription has run
    outcomes = [r.getMessage() for r in caplog.records if r.getMessage().startswith("websub subscription")]
    assert len(outcomes) == 1 and outcomes[0].startswith("websub subscription failed"), outcomes
    assert "connected to 127.0.0.1, a loopback address" in outcomes[0]
    assert rebinding.given == [PUBLIC_ADDRESS, "127.0.0.1"]
    assert hub.requests == [] and hub.verifications == []


def test_allow_private_networks_lets_the_subscription_reach_a_private_hub(rebinding, hub, callback, client):
    rebinding.script = ["127.0.0.1"]  # the guard is off: only the connection looks the name up
    subscribe(client, hub=rebound_url(hub), topic=TOPIC, callback=callback_url(base_of(callback), FEED_ID), secret="s",
              allow_private=True)
    assert [form["hub.mode"] for form in hub.requests] == ["subscribe"] and rebinding.given == ["127.0.0.1"]
    hub.wait_verifications(1)  # (the hub's intent check, answered before the callback stops)


def test_a_hub_whose_name_resolves_to_a_private_address_is_not_connected_to(hub, client, monkeypatch):
    connections: list[object] = []
    real = socket.create_connection
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connections.append(a) or real(*a, **k))
    with pytest.raises(FeedError) as caught:
        subscribe(client, hub=hub.url, topic=TOPIC, callback="https://push.example/websub/x", secret="s", allow_private=False)
    assert caught.value.fields["reason"] == "forbidden-address" and str(caught.value).startswith(f"WebSub hub {hub.url} refused")
    assert connections == [] and hub.requests == []


def test_hub_credentials_never_appear_in_errors_or_logs(client, caplog):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # nothing listens there once closed
    with caplog.at_level(logging.DEBUG), pytest.raises(FeedError) as caught:
        subscribe(client, hub=f"http://user:hub-pass@127.0.0.1:{port}/hub", topic=TOPIC, callback="https://push.example/x",
                  secret="s", allow_private=True)
    assert caught.value.fields["reason"] == "websub-unreachable"
    assert "hub-pass" not in str(caught.value) and "hub-pass" not in repr(caught.value.fields)
    assert "hub-pass" not in caplog.text
