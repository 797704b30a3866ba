"""Local files are the operator's alone: remote content never names one, and reading one is bounded.

A URL learned from a page fetched over http(s) (HTML autodiscovery, a redirect, a stored
`fetch_url`) must stay http(s): the producer never reads a local file because a server said so,
never publishes it and never records it as the feed's new URL. A local file the registry names
is read only when it is a regular file: a FIFO, a device or a directory fails at once, with one
error, instead of hanging the fetch thread (local reads have no deadline).
"""

from __future__ import annotations

import os
import socket
import stat
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsflow.errors import FeedError
from newsflow.net import transport
from newsflow.net.politeness import HostGate
from newsflow.net.response import FetchedFeed, Validators
from newsflow.net.transport import HttpFetcher
from producers.base import FeedSpec
from producers.reader import FeedReader
from producers.state import FeedState

SECRET_MARKER = "local-secret-7f3a"
SECRET_FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Secret</title>'
    f"<item><title>{SECRET_MARKER}</title><link>https://secret.example/1</link>"
    f"<description>{SECRET_MARKER}</description></item></channel></rss>"
).encode()
PUBLIC_FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Public</title>'
    b"<item><title>public item</title><link>https://public.example/1</link></item></channel></rss>"
)
NOW = datetime(2026, 1, 1, tzinfo=UTC)


class Server:
    """An HTTP server on 127.0.0.1: path -> (status, headers, body)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        routes = self.routes

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                status, headers, body = routes.get(self.path, (404, {}, b"not found"))
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
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class Recording:
    """The real fetcher, recording every URL it is asked for."""

    def __init__(self, fetcher: HttpFetcher) -> None:
        self.fetcher = fetcher
        self.urls: list[str] = []

    def fetch(self, url: str, validators: Validators | None = None) -> FetchedFeed:
        self.urls.append(url)
        return self.fetcher.fetch(url, validators)


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.close()


@pytest.fixture
def fetcher() -> Iterator[Recording]:
    with HttpFetcher(
        connect_timeout_s=2.0, read_timeout_s=3.0, total_timeout_s=5.0, max_body_bytes=64 * 1024,
        user_agent="newsflow-test/1.0", allow_private_networks=True,
    ) as real:
        yield Recording(real)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.xml"
    path.write_bytes(SECRET_FEED)
    return path


def reader_of(fetcher: Recording) -> FeedReader:
    return FeedReader(fetcher=fetcher, gate=HostGate(per_host_concurrency=2, min_delay_s=0.0), clock=lambda: NOW)


def state_of(feed: FeedSpec, **fields: object) -> FeedState:
    return FeedState(feed_id=feed.id, url=feed.url, **fields)


def html(*hrefs: str, base: str | None = None) -> bytes:
    head = f'<base href="{base}">' if base else ""
    links = "".join(f'<link rel="alternate" type="application/rss+xml" href="{href}">' for href in hrefs)
    return f"<!DOCTYPE html><html><head><title>Site</title>{head}{links}</head><body>hi</body></html>".encode()


def assert_nothing_local(outcome: object, fetcher: Recording) -> None:
    assert all(url.startswith("http://127.0.0.1:") for url in fetcher.urls), fetcher.urls
    assert SECRET_MARKER not in repr(outcome)


# -- discovery -----------------------------------------------------------------------------------


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "page",
    [
        pytest.param(lambda secret: html(secret.as_uri()), id="file-uri"),
        pytest.param(lambda secret: html(f"file://localhost{secret}"), id="file-localhost"),
        pytest.param(lambda secret: html(secret.name, base=secret.parent.as_uri() + "/"), id="base-file-relative"),
    ],
)
def test_a_web_page_cannot_lead_the_producer_to_a_local_file(server, fetcher, secret, page) -> None:
    server.routes["/"] = (200, {"Content-Type": "text/html"}, page(secret))
    feed = FeedSpec(url=server.url("/"))
    outcome = reader_of(fetcher).read(feed, state_of(feed))
    assert outcome.kind == "error" and outcome.reason == "not-a-feed"
    assert outcome.articles == ()
    assert outcome.fetch_url is None, "a local path must never become the feed's fetch URL"
    assert_nothing_local(outcome, fetcher)
    assert str(secret) not in (outcome.error or "")


@pytest.mark.timeout(30)
def test_a_local_link_is_skipped_and_the_page_s_web_feed_is_used(server, fetcher, secret) -> None:
    server.routes["/"] = (200, {"Content-Type": "text/html"}, html(secret.as_uri(), "/feed.xml"))
    server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, PUBLIC_FEED)
    feed = FeedSpec(url=server.url("/"))
    outcome = reader_of(fetcher).read(feed, state_of(feed))
    assert outcome.kind == "ok", outcome.error
    assert [a.title for a in outcome.articles] == ["public item"]
    assert outcome.fetch_url == server.url("/feed.xml")
    assert_nothing_local(outcome, fetcher)


@pytest.mark.timeout(30)
def test_a_redirect_to_a_local_file_is_neither_read_nor_recorded(server, fetcher, secret) -> None:
    for status in (301, 302, 308):
        server.routes[f"/moved-{status}"] = (status, {"Location": secret.as_uri()}, b"")
        feed = FeedSpec(url=server.url(f"/moved-{status}"))
        outcome = reader_of(fetcher).read(feed, state_of(feed))
        assert outcome.kind == "error" and outcome.reason == "unsupported-scheme", outcome
        assert outcome.articles == () and outcome.fetch_url is None
        assert SECRET_MARKER not in repr(outcome)


@pytest.mark.timeout(30)
def test_a_stored_fetch_url_that_is_local_is_not_followed(server, fetcher, secret) -> None:
    # State written before local URLs were refused may still name one: the registry URL wins.
    server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, PUBLIC_FEED)
    feed = FeedSpec(url=server.url("/feed.xml"))
    for stored in (secret.as_uri(), str(secret)):
        fetcher.urls.clear()
        outcome = reader_of(fetcher).read(feed, state_of(feed, fetch_url=stored))
        assert outcome.kind == "ok", outcome.error
        assert [a.title for a in outcome.articles] == ["public item"]
        assert_nothing_local(outcome, fetcher)
        assert outcome.fetch_url == feed.url, "the refused stored URL is replaced, not kept in the state"


@pytest.mark.timeout(30)
def test_a_registry_named_local_file_is_still_read(fetcher, secret) -> None:
    for url in (str(secret), secret.as_uri()):
        feed = FeedSpec(url=url)
        outcome = reader_of(fetcher).read(feed, state_of(feed))
        assert outcome.kind == "ok", outcome.error
        assert [a.title for a in outcome.articles] == [SECRET_MARKER]
        assert outcome.fetch_url is None


# -- local reads ---------------------------------------------------------------------------------


@pytest.mark.timeout(10)
def test_a_registry_named_fifo_fails_fast_with_a_clear_error(fetcher, tmp_path) -> None:
    fifo = tmp_path / "feed.xml"
    os.mkfifo(fifo)
    for url in (str(fifo), fifo.as_uri()):
        with pytest.raises(FeedError, match="not a regular file") as caught:
            fetcher.fetch(url)
        assert caught.value.fields["reason"] == "unreachable"
        feed = FeedSpec(url=url)
        outcome = reader_of(fetcher).read(feed, state_of(feed))
        assert outcome.kind == "error" and "not a regular file" in (outcome.error or "")


@pytest.mark.timeout(10)
def test_directories_devices_and_sockets_are_refused(fetcher, tmp_path) -> None:
    sock_path = tmp_path / "feed.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(str(sock_path))
        for path in (str(tmp_path), "/dev/zero", "/dev/null", str(sock_path)):
            with pytest.raises(FeedError, match="not a regular file") as caught:
                fetcher.fetch(path)
            assert caught.value.fields["reason"] == "unreachable"
    finally:
        listener.close()


@pytest.mark.timeout(10)
def test_a_fifo_swapped_in_after_the_check_does_not_block(fetcher, tmp_path, secret, monkeypatch) -> None:
    # The path passes the check as a regular file, then is a FIFO when opened: the open must not
    # wait for a writer, and what was opened is checked again.
    fifo = tmp_path / "swapped.xml"
    os.mkfifo(fifo)
    real_stat = os.stat
    regular = real_stat(secret)
    assert stat.S_ISREG(regular.st_mode)

    def lying_stat(path, *args, **kwargs):  # noqa: ANN001, ANN202 - os.stat's signature
        return regular if os.fspath(path) == str(fifo) else real_stat(path, *args, **kwargs)

    monkeypatch.setattr(transport.os, "stat", lying_stat)
    with pytest.raises(FeedError, match="not a regular file"):
        fetcher.fetch(str(fifo))


def test_a_missing_file_is_one_clear_error(fetcher, tmp_path) -> None:
    missing = tmp_path / "missing.xml"
    with pytest.raises(FeedError) as caught:
        fetcher.fetch(str(missing))
    assert caught.value.fields["reason"] == "unreachable"
    assert str(caught.value).count("\n") == 0 and str(missing) in str(caught.value)


def test_a_local_read_stops_at_the_limit(tmp_path) -> None:
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * 5000)
    with HttpFetcher(
        connect_timeout_s=1.0, read_timeout_s=1.0, total_timeout_s=1.0, max_body_bytes=1000, user_agent="t",
    ) as limited:
        with pytest.raises(FeedError) as caught:
            limited.fetch(str(big))
        assert caught.value.fields["reason"] == "too-large"
        exact = tmp_path / "exact.xml"
        exact.write_bytes(b"y" * 1000)
        assert limited.fetch(str(exact)).body == b"y" * 1000
