"""Credentials in a registry URL (``https://user:password@host/feed.xml``): the fetch sends them, and
nothing the producer shows carries the password: not its logs, not `news.feeds.health` (indexed),
not an article's `feed_url` (indexed and served by the API), not the error of a failing fetch.

The feed server checks HTTP Basic auth, so a fetch that dropped the credentials would fail; the
feed's identity stays the hash of the registry URL, credentials included.
"""

from __future__ import annotations

import base64
import logging
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsflow.app.wiring import build_feed_service
from newsflow.contract.schema import FeedHealthEvent, decode_raw
from newsflow.redaction import redact_url
from newsflow.runtime.kafka import make_producer
from producers.base import FeedSpec, feed_id
from producers.health import read_states, status_rows
from tests.support import read_topic

USER, PASSWORD = "reader", "pa55-Zq8xV1-not-for-logs"
RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Members only</title><link>/members</link>
<item><title>First story</title><link>/story/1</link><guid>urn:members:1</guid><description>One.</description></item>
<item><title>Second story</title><guid isPermaLink="false">urn:members:2</guid><description>Two.</description></item>
</channel></rss>"""


class AuthFeedServer:
    """Serves /feed.xml (RSS) and /broken.xml (HTTP 500) only to requests with the right Basic auth
    (401 otherwise); records the Authorization header of every request."""

    def __init__(self) -> None:
        self.authorizations: list[tuple[str, str | None]] = []
        self._lock = threading.Lock()
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                given = self.headers.get("Authorization")
                with server._lock:
                    server.authorizations.append((self.path, given))
                if given != expected:
                    self._answer(401, b"who are you?", {"WWW-Authenticate": 'Basic realm="members"'})
                elif self.path == "/feed.xml":
                    self._answer(200, RSS, {"Content-Type": "application/rss+xml"})
                else:
                    self._answer(500, b"the database is down", {"Content-Type": "text/plain"})

            def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://{USER}:{PASSWORD}@127.0.0.1:{self._httpd.server_port}{path}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def auth_server():
    server = AuthFeedServer()
    yield server
    server.close()


@contextmanager
def feed_service(settings, urls: list[str]):
    """A producer service as `newsflow produce` builds it."""
    producer = make_producer(settings.kafka)
    service, cleanup = build_feed_service(settings, feeds=[FeedSpec(url=u) for u in urls], producer=producer)
    try:
        yield service
    finally:
        cleanup()
        producer.close()


def test_credentials_of_a_feed_url_are_sent_but_shown_nowhere(settings, auth_server, caplog):
    good, broken = auth_server.url("/feed.xml"), auth_server.url("/broken.xml")
    caplog.set_level(logging.DEBUG)
    with feed_service(settings, [good, broken]) as service:
        report = service.run_once()

    # The fetch sent the credentials: the server answered the feed, and the 500, to them only.
    assert (report.ok, report.emitted, len(report.failed)) == (1, 2, 1)
    assert sorted(path for path, _ in auth_server.authorizations) == ["/broken.xml", "/feed.xml"]
    assert all(given and given.startswith("Basic ") for _, given in auth_server.authorizations)

    raw = read_topic(settings, settings.kafka.topics.raw, expect=2)
    assert all(PASSWORD.encode() not in record.value for record in raw)
    articles = [decode_raw(record.value) for record in raw]
    assert {a.feed_url for a in articles} == {redact_url(good)} == {f"http://***@{good.rpartition('@')[2]}"}
    assert sorted(a.url or "-" for a in articles) == ["-", good.replace(f"{USER}:{PASSWORD}@", "").replace("feed.xml", "story/1")]

    health = read_topic(settings, settings.kafka.topics.feed_health, expect=2)
    assert all(PASSWORD.encode() not in record.value for record in health)
    events = {e.outcome: e for e in (FeedHealthEvent.model_validate_json(r.value) for r in health)}
    assert events["ok"].url == redact_url(good) and events["error"].url == redact_url(broken)
    assert events["error"].reason == "http-error" and "HTTP 500" in (events["error"].error or "")
    # The identity is still the registry URL's (credentials included): the state follows the feed.
    assert {events["ok"].feed_id, events["error"].feed_id} == {feed_id(good), feed_id(broken)}

    [(failed_url, failed_error)] = report.failed
    assert failed_url == redact_url(broken) and "500" in failed_error and PASSWORD not in failed_error
    states = read_states(settings)
    assert PASSWORD not in (states[feed_id(broken)].last_error or "")
    rows = status_rows([FeedSpec(url=good), FeedSpec(url=broken)], states, now=events["ok"].at)
    assert all(PASSWORD not in f"{row.name} {row.url} {row.last_error}" for row in rows)

    assert any("feed unhealthy" in r.getMessage() for r in caplog.records)  # the failure was logged...
    assert PASSWORD not in caplog.text  # ...and nothing logged (DEBUG and up, every logger) shows the password
    assert all(PASSWORD not in r.getMessage() for r in caplog.records)
