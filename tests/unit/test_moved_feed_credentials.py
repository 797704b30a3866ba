"""A feed that moved (same-site permanent redirect) keeps working with the registry's credentials,
and its state stores the new URL without them (issue 15, item 4).

Before, the state kept ``http://user:password@host/new`` as the fetch URL: in the compacted
state topic, and in every DEBUG line of the Kafka client that logs the payloads.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsflow.net.politeness import HostGate
from newsflow.net.transport import HttpFetcher
from producers.base import FeedSpec
from producers.reader import FeedReader
from producers.state import FeedState

USER, PASSWORD = "reader", "s3cret-Moved-9"
RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
       b"<item><title>A</title><link>https://example.org/a</link></item></channel></rss>")


class MovedFeedServer:
    """/old answers 301 to /new; /new serves the feed to the right Basic auth only."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                server.seen.append((self.path, self.headers.get("Authorization")))
                if self.path == "/old":
                    self.send_response(301)
                    self.send_header("Location", "/new")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                ok = self.headers.get("Authorization") == expected
                body = RSS if ok else b"no"
                self.send_response(200 if ok else 401)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://{USER}:{PASSWORD}@127.0.0.1:{self.httpd.server_port}{path}"


@pytest.fixture
def server() -> Iterator[MovedFeedServer]:
    moved = MovedFeedServer()
    yield moved
    moved.httpd.shutdown()
    moved.httpd.server_close()


def test_a_moved_feed_is_stored_without_credentials_and_fetched_with_them(server: MovedFeedServer) -> None:
    feed = FeedSpec(url=server.url("/old"))
    with HttpFetcher(connect_timeout_s=2.0, read_timeout_s=2.0, total_timeout_s=5.0, max_body_bytes=1 << 20,
                     user_agent="newsflow-test/1.0", allow_private_networks=True) as fetcher:
        reader = FeedReader(fetcher=fetcher, gate=HostGate(per_host_concurrency=1, min_delay_s=0.0),
                            clock=lambda: datetime(2026, 12, 1, tzinfo=UTC))
        first = reader.read(feed, FeedState(feed_id=feed.id, url=feed.url))
        assert first.kind == "ok" and first.fetch_url is not None
        assert PASSWORD not in first.fetch_url and first.fetch_url.endswith("/new")
        again = reader.read(feed, FeedState(feed_id=feed.id, url=feed.url, fetch_url=first.fetch_url))
    assert again.kind == "ok", again.error
    assert server.seen[-1][0] == "/new" and server.seen[-1][1] is not None  # fetched there, with the credentials
