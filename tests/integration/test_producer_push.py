"""WebSub end to end: the producer service as `newsflow produce` builds it, a local hub stub, real Kafka.

Proven here:

- a fetched feed that advertises `<link rel="hub">` and `<link rel="self">` is subscribed to at its
  hub (topic = the self URL, callback = `<websub_callback_url>/websub/<feed id>`, a secret), and the
  callback confirms the hub's intent (the challenge is echoed);
- a push signed with the subscription's secret (X-Hub-Signature: sha256=...) is emitted to
  `news.raw` by the service loop (`step`) with no fetch, and its feed-health event says
  `"pushed": true`; a push signed with another key is answered 2xx and emits nothing;
- while the lease is active, a later fetch schedules the next poll at the maximum interval
  (`due_reason == "websub"`), whatever that fetch returned (new content, the same bytes, a 304).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import httpx
import pytest
from pydantic import SecretStr

from newsflow.app.wiring import build_feed_service
from newsflow.contract.schema import FeedHealthEvent, decode_raw
from newsflow.runtime.kafka import make_producer
from producers.base import FeedSpec
from producers.health import read_states
from producers.websub.protocol import callback_url
from tests.support import read_topic, wait_for

WAIT_S = 15.0
MAX_INTERVAL_S = 6 * 3600.0
KEY = "test-key"


# -- a hub in miniature ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    topic: str
    callback: str
    status: int
    echoed: bool  # the callback answered 2xx with exactly the challenge


class HubStub:
    """Accepts subscription requests with 202, then verifies the intent by a GET to the callback
    from another thread (as hubs do, asynchronously), and pushes signed content when told to."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        self.verifications: list[Verification] = []
        self.secrets: dict[str, str] = {}  # verified callback -> the hub.secret it subscribed with
        self._changed = threading.Condition()
        self._workers: list[threading.Thread] = []
        self._client = httpx.Client(timeout=WAIT_S)
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                form = {name: values[0] for name, values in parse_qs(raw.decode("ascii")).items()}
                with hub._changed:
                    hub.requests.append(form)
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()
                worker = threading.Thread(target=hub._verify, args=(form,), daemon=True)
                with hub._changed:
                    hub._workers.append(worker)
                worker.start()

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._httpd.server_port}/"

    def _verify(self, form: dict[str, str]) -> None:
        challenge = secrets.token_urlsafe(24)
        params = {"hub.mode": form["hub.mode"], "hub.topic": form["hub.topic"], "hub.challenge": challenge,
                  "hub.lease_seconds": form.get("hub.lease_seconds", "86400")}
        answer = self._client.get(form["hub.callback"], params=params)
        echoed = answer.is_success and answer.text == challenge
        with self._changed:
            self.verifications.append(Verification(form["hub.topic"], form["hub.callback"], answer.status_code, echoed))
            if echoed:
                self.secrets[form["hub.callback"]] = form["hub.secret"]
            self._changed.notify_all()

    def wait_verified(self) -> Verification:
        with self._changed:
            assert self._changed.wait_for(lambda: self.verifications, WAIT_S), (
                f"the hub verified no subscription (requests: {self.requests})"
            )
            return self.verifications[0]

    def publish(self, callback: str, topic: str, body: bytes, *, key: str | None = None) -> int:
        """POST `body` to `callback`, signed with the secret it subscribed with (or with `key`)."""
        with self._changed:
            secret = self.secrets[callback]
        signature = hmac.new((key or secret).encode(), body, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/atom+xml", "X-Hub-Signature": f"sha256={signature}",
                   "Link": f'<{self.url}>; rel="hub", <{topic}>; rel="self"'}
        return self._client.post(callback, content=body, headers=headers).status_code

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
        with self._changed:
            workers = list(self._workers)
        for worker in workers:
            worker.join(WAIT_S)
        self._client.close()


@pytest.fixture
def hub() -> Iterator[HubStub]:
    stub = HubStub()
    yield stub
    stub.close()


# -- the feed and the service -----------------------------------------------------------------------


def atom(hub_url: str, self_url: str, stories: list[int]) -> bytes:
    entries = "".join(
        f"<entry><title>Story {n}</title><id>urn:newsflow-test:story-{n}</id>"
        f'<link rel="alternate" href="https://news.example/story-{n}"/>'
        f"<updated>2026-01-0{n}T08:00:00Z</updated><summary>Text of story {n}.</summary></entry>"
        for n in stories
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>Pushed News</title><id>urn:newsflow-test:feed</id><updated>2026-01-09T08:00:00Z</updated>'
        f'<link rel="hub" href="{hub_url}"/><link rel="self" href="{self_url}"/>{entries}</feed>'
    ).encode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def websub_settings(settings):
    port = free_port()
    producer = settings.producer.model_copy(update={
        "websub_callback_url": f"http://127.0.0.1:{port}", "websub_host": "127.0.0.1", "websub_port": port,
        "websub_secret": SecretStr(KEY), "max_interval_s": MAX_INTERVAL_S,
    })
    return settings.model_copy(update={"producer": producer})


@contextmanager
def feed_service(settings, urls: list[str]):
    """A producer service as `newsflow produce` builds it, WebSub callback included."""
    producer = make_producer(settings.kafka)
    service, cleanup = build_feed_service(settings, feeds=[FeedSpec(url=u) for u in urls], producer=producer)
    try:
        assert service.push is not None, "WebSub is configured, yet no callback was attached"
        yield service
    finally:
        cleanup()
        producer.close()


def titles(settings, expect: int) -> list[str]:
    return sorted(decode_raw(r.value).title for r in read_topic(settings, settings.kafka.topics.raw, expect=expect))


def step_until_emitted(service, *, timeout: float = WAIT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report = service.step(0.2)
        if report.emitted:
            return report
    raise AssertionError(f"no pushed item was emitted within {timeout:.0f}s")


def subscribed(settings, feed_server, hub, stories: list[int], *, etag: str | None = None):
    """Serve the feed, and the settings and URLs the test needs."""
    settings = websub_settings(settings)
    self_url = feed_server.url("/pushed.atom")
    url = feed_server.serve("/pushed.atom", atom(hub.url, self_url, stories), content_type="application/atom+xml",
                            etag=etag)
    callback = callback_url(settings.producer.websub_callback_url, FeedSpec(url=url).id)
    return settings, url, callback


# -- the tests ---------------------------------------------------------------------------------------


def test_a_signed_push_is_emitted_and_a_forged_one_is_not(settings, feed_server, hub):
    settings, url, callback = subscribed(settings, feed_server, hub, [1, 2])
    with feed_service(settings, [url]) as service:
        first = service.run_once()
        assert (first.ok, first.emitted, first.failed) == (1, 2, [])

        verification = hub.wait_verified()
        [request] = hub.requests
        assert request["hub.mode"] == "subscribe" and request["hub.topic"] == url and request["hub.callback"] == callback
        assert len(request["hub.secret"]) >= 32 and KEY not in request["hub.secret"]
        assert verification == Verification(url, callback, 200, True), "the callback did not echo the challenge"
        wait_for(lambda: service.push.lease_active(FeedSpec(url=url).id), timeout=WAIT_S, what="an active lease")

        # Signed with another key: answered like any push (the spec forbids telling a prober), dropped.
        assert hub.publish(callback, url, atom(hub.url, url, [1, 2, 9]), key="not-the-secret") == 200
        forged = service.step(0.2)
        assert (forged.fetched, forged.emitted) == (0, 0) and service.pushes.empty()

        assert hub.publish(callback, url, atom(hub.url, url, [1, 2, 3])) == 200
        pushed = step_until_emitted(service)
        assert (pushed.fetched, pushed.ok, pushed.items, pushed.emitted) == (1, 1, 3, 1)

    assert titles(settings, expect=3) == ["Story 1", "Story 2", "Story 3"]
    assert [r[0] for r in feed_server.requests()] == ["/pushed.atom"], "the push was emitted without a fetch"
    health = sorted((json.loads(r.value) for r in read_topic(settings, settings.kafka.topics.feed_health, expect=2)),
                    key=lambda event: event["at"])
    assert [(e["outcome"], e["emitted"], e["pushed"]) for e in health] == [("ok", 2, False), ("ok", 1, True)]
    fetched = FeedHealthEvent.model_validate(health[0])
    [state] = read_states(settings).values()
    assert state.websub_hub == hub.url and state.websub_topic == url
    assert state.next_due == fetched.next_due, "a push does not move the poll schedule"


@pytest.mark.parametrize("poll", ["changed", "same-bytes", "not-modified"])
def test_while_the_lease_is_active_the_feed_is_polled_at_the_max_interval(settings, feed_server, hub, poll):
    settings, url, callback = subscribed(settings, feed_server, hub, [1, 2], etag='"v1"')
    with feed_service(settings, [url]) as service:
        service.run_once()
        hub.wait_verified()
        wait_for(lambda: service.push.lease_active(FeedSpec(url=url).id), timeout=WAIT_S, what="an active lease")
        [before] = read_states(settings).values()
        assert before.due_reason != "websub", "the first fetch ran before any lease"
        if poll == "changed":
            feed_server.serve("/pushed.atom", atom(hub.url, url, [1, 2, 3]), content_type="application/atom+xml",
                              etag='"v2"')
        elif poll == "same-bytes":
            feed_server.serve("/pushed.atom", atom(hub.url, url, [1, 2]), content_type="application/atom+xml")
        later = service.run_once()
    expected = {"changed": (1, 0, 0), "same-bytes": (0, 1, 0), "not-modified": (0, 0, 1)}[poll]
    assert (later.ok, later.unchanged, later.not_modified) == expected and not later.failed
    [state] = read_states(settings).values()
    assert state.last_fetch_at > before.last_fetch_at
    assert state.due_reason == "websub", f"after a {poll} poll with an active lease: {state.due_reason}"
    assert state.next_due == state.last_fetch_at + timedelta(seconds=MAX_INTERVAL_S)
