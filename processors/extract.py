"""Full text for short items (`news.extract.v1`): fetch the article page, extract its main text.

Many feeds carry a teaser only. For an item with a URL and fewer than `min_words` words of text,
this step fetches the page and extracts its main text (`processors.extraction`: trafilatura,
precise then recall, publisher notices removed); every other item passes through with its feed
text. A page is fetched only when robots.txt allows it, through the shared
HTTP package `newsflow.net`: its transport (time and size limits, SSRF guard on every redirect
hop and on the connected address), a per-host politeness gate and its robots.txt rules.

Slow sites must not stall the CPU work of the chain, so the pages of a batch are fetched by a
thread pool and the batch waits `batch_deadline_s` at most: a page not back by then keeps its feed
text with a note, and its thread gives up at the next check (it never extracts for a batch that
has moved on).

Whatever goes wrong with a page (fetch failure, robots.txt, not HTML, nothing extracted) the item
keeps its feed text and gets a note ``news.extract.v1: <reason> for <host>``: the host only, never
the URL (it may carry credentials or tokens).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from protego import Protego

from newsflow.contract.text import markup_free
from newsflow.errors import FeedError, ProcessingError
from newsflow.net.politeness import HostGate
from newsflow.net.response import FetchedFeed
from newsflow.net.robots import (
    ROBOTS_MAX_BYTES,
    ROBOTS_MAX_ORIGINS,
    ROBOTS_TTL_S,
    RobotsCache,
    RobotsUnavailable,
    allows,
    load_robots,
    robots_origin,
)
from newsflow.net.transport import HttpFetcher
from newsflow.settings import ExtractSettings, ProcessorSettings
from processors.base import Draft, register_step
from processors.extraction import cut_at_word, decode_html, extract_page, is_html, strip_leading_title, word_count

__all__ = ["ExtractStep", "PageOutcome", "host_label", "needs_fetch"]

log = logging.getLogger(__name__)

STEP = "news.extract.v1"
# The share of `timeout_s` a robots.txt fetch may take; the page gets the rest, so one page costs
# `timeout_s` at most, robots.txt included (the setting's promise).
ROBOTS_SHARE = 0.25
# Fetch failures that say the URL itself may not be fetched: reported as such even when they
# happen on the way to robots.txt (the page would fail the same way).
URL_REASONS = frozenset({"forbidden-address", "invalid-url", "unsupported-scheme"})



# -- pure logic ------------------------------------------------------------------------------------


def needs_fetch(url: str | None, text: str, min_words: int) -> bool:
    """An item is worth a page fetch when it has a URL and its feed text is short."""
    return bool(url) and word_count(text) < min_words


def host_label(url: str) -> str:
    """The host (and an explicit port) of `url` for notes and logs: never credentials, path or query."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return "an invalid URL"
    if not host:
        return "a URL without host"
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{port}" if port else host


def _note(reason: str, url: str) -> str:
    return f"{STEP}: {reason} for {host_label(url)}"


def _fetch_reason(exc: FeedError) -> str:
    reason = str(exc.fields.get("reason", "fetch-error"))
    status = exc.fields.get("status")
    return f"{reason} {status}" if status else reason


def _robots_reason(exc: RobotsUnavailable) -> str:
    """The note of a page whose robots.txt could not be read."""
    reason = _fetch_reason(exc.error)
    return reason if exc.error.fields.get("reason") in URL_REASONS else f"robots-unavailable ({reason})"


# -- the step --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageOutcome:
    """What fetching one page gave: its main text, or why there is none."""

    text: str = ""
    reason: str | None = None
    method: str = "precise"  # which extraction pass gave the text (processors.extraction)


class _GaveUp(Exception):
    """The batch that wanted this page has moved on (deadline) or the step is closing."""


class _Batch:
    """What the page tasks of one `run` share: whether it is over, and robots.txt failures seen."""

    def __init__(self, closing: threading.Event) -> None:
        self._over = threading.Event()
        self._closing = closing
        self._lock = threading.Lock()
        self._robots_failures: dict[str, str] = {}

    def end(self) -> None:
        self._over.set()

    def check(self) -> None:
        if self._over.is_set() or self._closing.is_set():
            raise _GaveUp

    def robots_failure(self, origin: str) -> str | None:
        with self._lock:
            return self._robots_failures.get(origin)

    def remember_robots_failure(self, origin: str, reason: str) -> None:
        with self._lock:
            self._robots_failures[origin] = reason


@register_step(STEP)
class ExtractStep:
    """Fetches and extracts the pages of short items; see the module doc. Call `close()` at shutdown."""

    reads = ("url", "text", "title")
    writes = ("text", "text_source", "notes")

    def __init__(self, *, settings: ProcessorSettings) -> None:
        self._config: ExtractSettings = settings.extract
        self._max_text_chars = settings.max_text_chars
        robots_timeout_s = self._config.timeout_s * ROBOTS_SHARE
        self._page_fetcher = self._fetcher(self._config.timeout_s - robots_timeout_s, self._config.max_body_bytes)
        self._robots_fetcher = self._fetcher(robots_timeout_s, ROBOTS_MAX_BYTES)
        self._gate = HostGate(
            per_host_concurrency=self._config.per_host_concurrency, min_delay_s=self._config.per_host_delay_s
        )
        self._robots = RobotsCache(ttl_s=ROBOTS_TTL_S, max_origins=ROBOTS_MAX_ORIGINS)
        self._pool = ThreadPoolExecutor(max_workers=self._config.concurrency, thread_name_prefix="extract")
        self._closing = threading.Event()

    def _fetcher(self, total_timeout_s: float, max_body_bytes: int) -> HttpFetcher:
        return HttpFetcher(
            connect_timeout_s=total_timeout_s,
            read_timeout_s=total_timeout_s,
            total_timeout_s=total_timeout_s,
            max_body_bytes=max_body_bytes,
            user_agent=self._config.user_agent,
            allow_private_networks=self._config.allow_private_networks,
        )

    def __enter__(self) -> ExtractStep:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stop: pages waiting for their turn give up, fetches in flight end (by their own timeout)."""
        if self._closing.is_set():
            return
        self._closing.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._page_fetcher.close()
        self._robots_fetcher.close()

    def provenance(self) -> dict[str, str]:
        return {"trafilatura": trafilatura.__version__}

    # -- a batch -----------------------------------------------------------------------------------

    def run(self, drafts: Sequence[Draft]) -> list[dict[str, Any]]:
        if self._closing.is_set():
            raise ProcessingError(f"{STEP} is closed", step=STEP)
        started = time.monotonic()
        wanted = [d.get("url") if needs_fetch(d.get("url"), d.get("text"), self._config.min_words) else None for d in drafts]
        outcomes = self._fetch_pages({url for url in wanted if url}, started)
        results = [
            self._result(draft, outcomes[url]) if url else {"text": draft.get("text"), "text_source": "feed"}
            for draft, url in zip(drafts, wanted, strict=True)
        ]
        if outcomes:
            self._log_summary(results, len(outcomes), time.monotonic() - started)
        return results

    def _fetch_pages(self, urls: set[str], started: float) -> dict[str, PageOutcome]:
        """One task per distinct URL; whatever is not back by the batch deadline is given up."""
        if not urls:
            return {}
        batch = _Batch(self._closing)
        tasks = {url: self._pool.submit(self._page, url, batch) for url in urls}
        wait(tasks.values(), timeout=max(0.0, self._config.batch_deadline_s - (time.monotonic() - started)))
        batch.end()
        outcomes: dict[str, PageOutcome] = {}
        for url, task in tasks.items():
            task.cancel()  # not started yet: never will be
            outcomes[url] = task.result() if task.done() and not task.cancelled() else PageOutcome(reason="batch-deadline")
        return outcomes

    def _result(self, draft: Draft, outcome: PageOutcome) -> dict[str, Any]:
        url, feed_text = draft.get("url"), draft.get("text")
        kept = {"text": feed_text, "text_source": "feed"}
        if outcome.reason:
            return kept | {"notes": (_note(outcome.reason, url),)}
        # A page's text is text: markup in it (an escaped "&lt;script&gt;" reads as "<script>") goes.
        text = markup_free(strip_leading_title(outcome.text, draft.get("title")))
        if word_count(text) <= word_count(feed_text):
            return kept | {"notes": (_note("extracted-not-longer", url),)}
        # The recall pass finds more and also more that is not the article: the reader is told.
        notes = (_note("extracted-in-recall-mode", url),) if outcome.method == "recall" else ()
        if len(text) > self._max_text_chars:
            # An event over Kafka's message limit would be dead-lettered: keep the part NER reads.
            text = cut_at_word(text, self._max_text_chars)
            notes += (_note(f"text-cut-to-{len(text)}-chars", url),)
        return {"text": text, "text_source": "extracted"} | ({"notes": notes} if notes else {})

    def _log_summary(self, results: list[dict[str, Any]], pages: int, elapsed_s: float) -> None:
        extracted = sum(1 for r in results if r["text_source"] == "extracted")
        late = sum(1 for r in results for n in r.get("notes", ()) if "batch-deadline" in n)
        log.info(
            "step=%s items=%d pages=%d extracted=%d late=%d elapsed_s=%.2f",
            STEP, len(results), pages, extracted, late, elapsed_s,
        )

    # -- a page (in a pool thread) -----------------------------------------------------------------

    def _page(self, url: str, batch: _Batch) -> PageOutcome:
        try:
            return self._fetch_and_extract(url, batch)
        except FeedError as exc:
            return PageOutcome(reason=_fetch_reason(exc))
        except _GaveUp:
            return PageOutcome(reason="batch-deadline")
        except Exception:  # noqa: BLE001 - a parser bug on one page must not fail the batch
            log.warning("step=%s extraction failed host=%s", STEP, host_label(url), exc_info=True)
            return PageOutcome(reason="extraction-error")

    def _fetch_and_extract(self, url: str, batch: _Batch) -> PageOutcome:
        try:
            scheme = urlsplit(url).scheme.lower()
        except ValueError:  # "http://[bad/": not a URL at all
            return PageOutcome(reason="invalid-url")
        # Checked here, not left to the fetcher: it also reads local files (a file:// "article").
        if scheme not in ("http", "https"):
            return PageOutcome(reason="unsupported-scheme")
        if self._config.respect_robots:
            refusal = self._robots_refusal(url, batch)
            if refusal:
                return PageOutcome(reason=refusal)
        with self._gate.slot(url):
            batch.check()
            fetched = self._page_fetcher.fetch(url)
        if not is_html(fetched.headers, fetched.body):
            return PageOutcome(reason="not-html")
        batch.check()  # no CPU spent on a page the batch no longer waits for
        extraction = extract_page(decode_html(fetched.body, fetched.headers), fetched.url)
        if not extraction.text:
            return PageOutcome(reason="extraction-empty")
        return PageOutcome(text=extraction.text, method=extraction.method)

    def _robots_refusal(self, url: str, batch: _Batch) -> str | None:
        """None when robots.txt lets our User-Agent fetch `url`, else the reason for the note."""
        origin = robots_origin(url)
        failure = batch.robots_failure(origin)
        if failure:
            return failure
        try:
            rules = self._robots.get(origin, lambda: self._load_robots(url, batch))
        except RobotsUnavailable as exc:
            # Conservative, and for this batch only: the next batch asks the host again.
            reason = _robots_reason(exc)
            batch.remember_robots_failure(origin, reason)
            return reason
        return None if allows(rules, url, self._config.user_agent) else "robots-disallowed"

    def _load_robots(self, url: str, batch: _Batch) -> Protego | None:
        """The origin's rules, fetched in the host's politeness slot like a page (None: all allowed)."""

        def fetch(robots: str) -> FetchedFeed:
            with self._gate.slot(url):
                batch.check()
                return self._robots_fetcher.fetch(robots)

        return load_robots(url, fetch)
