"""A feed wrapped in an XHTML document is still a feed (issue 15, item 9).

Before the fix the reader judged such a body an HTML page by its root element, looked for
advertised feeds, found none and reported "not a feed", while feedparser finds its entries.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsflow.net.politeness import HostGate
from newsflow.net.transport import HttpFetcher
from producers.base import FeedSpec
from producers.reader import FeedReader
from producers.state import FeedState

NOW = datetime(2026, 12, 1, tzinfo=UTC)

WRAPPED_ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Wrapped</title></head><body>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Inner feed</title><id>urn:x</id>
<entry><title>First entry</title><id>urn:1</id><link href="https://example.org/1"/>
<updated>2026-11-01T10:00:00Z</updated><summary>One</summary></entry>
<entry><title>Second entry</title><id>urn:2</id><link href="https://example.org/2"/>
<updated>2026-11-02T10:00:00Z</updated><summary>Two</summary></entry>
</feed></body></html>"""

PLAIN_PAGE = b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>No feed here.</p></body></html>"


@pytest.fixture
def reader() -> Iterator[FeedReader]:
    with HttpFetcher(connect_timeout_s=2.0, read_timeout_s=2.0, total_timeout_s=5.0, max_body_bytes=1 << 20,
                     user_agent="newsflow-test/1.0") as fetcher:
        yield FeedReader(fetcher=fetcher, gate=HostGate(per_host_concurrency=1, min_delay_s=0.0), clock=lambda: NOW)


def read(reader: FeedReader, path: Path, body: bytes):
    path.write_bytes(body)
    feed = FeedSpec(url=str(path))
    return reader.read(feed, FeedState(feed_id=feed.id, url=feed.url))


def test_an_atom_feed_inside_an_xhtml_document_gives_its_entries(reader: FeedReader, tmp_path: Path) -> None:
    outcome = read(reader, tmp_path / "wrapped.xhtml", WRAPPED_ATOM)
    assert outcome.kind == "ok", outcome.error
    assert [a.title for a in outcome.articles] == ["First entry", "Second entry"]
    assert outcome.fetch_url is None  # the page is the feed: nothing to move to


def test_a_page_without_entries_or_feed_links_is_still_not_a_feed(reader: FeedReader, tmp_path: Path) -> None:
    outcome = read(reader, tmp_path / "home.html", PLAIN_PAGE)
    assert (outcome.kind, outcome.reason) == ("error", "not-a-feed")


def test_one_item_that_breaks_anything_is_skipped_and_the_rest_of_the_feed_goes_on(
    reader: FeedReader, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import producers.parsing as reader_module

    real = reader_module.to_article

    def breaks_on_the_first(entry, **kwargs):
        if entry.get("title") == "First entry":
            raise RuntimeError("a bug no one foresaw")
        return real(entry, **kwargs)

    monkeypatch.setattr(reader_module, "to_article", breaks_on_the_first)
    outcome = read(reader, tmp_path / "wrapped.xhtml", WRAPPED_ATOM)
    assert outcome.kind == "ok"
    assert [a.title for a in outcome.articles] == ["Second entry"]
