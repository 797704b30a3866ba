"""Feed bodies parsed in worker processes (producers/parsing.py): the same articles as parsing in
the thread, and a parse that hangs or kills its worker fails that feed only.

Real worker processes (pebble, spawn); the failures are injected by a read function that
sleeps or exits, the way a pathological body or a crashing C extension would.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from newsflow.errors import DeadLetter, FeedError
from newsflow.net.response import FetchedFeed
from producers.base import FeedSpec
from producers.parsing import InlineParsing, ProcessParsing, read_items

NOW = datetime(2026, 12, 1, tzinfo=UTC)
FEED = FeedSpec(url="https://news.example/feed.xml")

RSS = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Desk</title>
<link>https://news.example/</link><ttl>30</ttl>
<item><title>Port volumes rise</title><link>https://news.example/a?utm_source=rss</link><guid>a</guid>
<pubDate>Sat, 28 Nov 2026 10:00:00 GMT</pubDate><description>&lt;p&gt;Rotterdam said so.&lt;/p&gt;</description></item>
<item><title>Second story</title><link>/b</link><guid>b</guid><description>Two.</description></item>
</channel></rss>"""


def fetched(body: bytes = RSS) -> FetchedFeed:
    return FetchedFeed(url=FEED.url, body=body, headers={"content-type": "application/rss+xml"})


def sleepy_read(feed, fetched, *, max_items, at):  # runs in the worker: must be module-level
    time.sleep(60)


def dying_read(feed, fetched, *, max_items, at):
    os._exit(3)


@pytest.fixture
def processes() -> Iterator[ProcessParsing]:
    parsing = ProcessParsing(1, timeout_s=20.0)
    yield parsing
    parsing.close()


def test_worker_processes_give_the_same_articles_as_the_calling_thread(processes: ProcessParsing) -> None:
    in_process = processes.read(FEED, fetched(), max_items=100, at=NOW)
    in_thread = InlineParsing().read(FEED, fetched(), max_items=100, at=NOW)
    assert in_process == in_thread
    assert [a.url for a in in_process.articles] == ["https://news.example/a", "https://news.example/b"]
    assert in_process.feed.publisher_interval_s == 1800.0
    assert in_process.feed.entries == ()  # only articles cross the process boundary


def test_a_body_that_is_not_a_feed_fails_with_its_reason_from_the_worker(processes: ProcessParsing) -> None:
    with pytest.raises(FeedError) as raised:
        processes.read(FEED, fetched(b"\x00\x01 plainly not a feed"), max_items=100, at=NOW)
    assert raised.value.fields["reason"] == "not-a-feed"


def test_a_parse_over_the_timeout_fails_that_feed_and_the_next_one_is_parsed() -> None:
    slow = ProcessParsing(1, timeout_s=1.0, read=sleepy_read)
    try:
        started = time.monotonic()
        with pytest.raises(FeedError) as raised:
            slow.read(FEED, fetched(), max_items=100, at=NOW)
        assert raised.value.fields["reason"] == "parse-timeout"
        assert time.monotonic() - started < 30  # the stuck worker was stopped, not waited for
        assert slow.holds_entries(fetched())  # a new worker took its place
    finally:
        slow.close()


def test_a_worker_that_dies_fails_that_feed_and_the_next_one_is_parsed() -> None:
    crashing = ProcessParsing(1, timeout_s=20.0, read=dying_read)
    try:
        with pytest.raises(FeedError) as raised:
            crashing.read(FEED, fetched(), max_items=100, at=NOW)
        assert raised.value.fields["reason"] == "parser-crashed"
        assert "exit code 3" in str(raised.value)
        assert crashing.holds_entries(fetched())
    finally:
        crashing.close()


def test_errors_keep_their_message_and_fields_across_a_process_boundary() -> None:
    error = pickle.loads(pickle.dumps(FeedError("not a feed: x", reason="not-a-feed", url="https://x/")))
    assert (type(error), str(error), error.fields) == (FeedError, "not a feed: x", {"reason": "not-a-feed", "url": "https://x/"})
    letter = pickle.loads(pickle.dumps(DeadLetter("bad", reason="schema", offset=3)))
    assert (letter.reason, letter.fields) == ("schema", {"reason": "schema", "offset": 3})


def test_read_items_caps_a_long_feed_at_its_first_entries() -> None:
    items = read_items(FEED, fetched(), max_items=1, at=NOW)
    assert [a.title for a in items.articles] == ["Port volumes rise"]
    assert "1 item(s) over the cap of 1 ignored" in (items.feed.defect or "")


def test_a_parser_process_that_is_exiting_ignores_the_pools_sigterm():
    """The pool's SIGTERM can reach a worker while its interpreter shuts down, when CPython has no
    handler left to run and prints a traceback into the producer's log: once exiting, it ignores it."""
    child = ("import atexit, os, signal\n"
             "from producers.parsing import _start_parser_process\n"
             "_start_parser_process('WARNING', 'text')\n"
             "atexit._run_exitfuncs()  # what the interpreter does first when the worker returns\n"
             "os.kill(os.getpid(), signal.SIGTERM)\n"
             "print('still exiting cleanly')\n")
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "still exiting cleanly", "")
