"""news.extract.v1 against real local HTTP servers: what is fetched, what is extracted, what is refused.

Every page is served by a threaded server on 127.0.0.1 that records each request it receives
(path, arrival time, User-Agent). Nothing sleeps in the hope that something happened: a slow
page waits on an event the test releases, and times are measured, not assumed.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import trafilatura

from newsflow.contract.schema import RawArticle
from newsflow.errors import ProcessingError
from newsflow.settings import ProcessorSettings
from processors.base import Draft, build_chain
from processors.extract import ExtractStep, host_label
from processors.extraction import cut_at_word, decode_html, is_html, strip_leading_title

USER_AGENT = "newsflow-test/1.0 (+https://example.org/bot)"
TITLE = "Tokayev meets Khamenei in Tehran"
TEASER = "Kazakhstan's president met Iran's leader."
NAV = ("Home", "World news", "Sport section", "Weather today")
AD = "Subscribe today for only one dollar a month"
FOOTER = "Copyright 2022 Example News Group. All rights reserved."
HTML_TYPE = {"Content-Type": "text/html; charset=utf-8"}


# -- a local server --------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: dict(HTML_TYPE))
    hold_s: float = 0.0  # wait this long (or until the server closes) before answering


@dataclass(frozen=True)
class Seen:
    path: str
    at: float  # time.monotonic() on arrival
    user_agent: str


class PageServer:
    """Serves `routes` (path -> Reply) on 127.0.0.1; any other path is a 404."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply] = {}
        self.requests: list[Seen] = []
        self.release = threading.Event()  # ends every held reply at once
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server.requests.append(Seen(self.path, time.monotonic(), self.headers.get("User-Agent", "")))
                reply = server.routes.get(self.path, Reply(404, b"not found", {"Content-Type": "text/plain"}))
                if reply.hold_s:
                    server.release.wait(reply.hold_s)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that gave up on a held reply is the point of that test

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]

    def close(self) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[PageServer]:
    srv = PageServer()
    yield srv
    srv.close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # httpx honours proxy variables: a request to 127.0.0.1 must not go through one.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def make_settings(**extract: Any) -> ProcessorSettings:
    base = ProcessorSettings()
    options: dict[str, Any] = {
        "allow_private_networks": True,
        "per_host_delay_s": 0.0,
        "per_host_concurrency": 4,
        "timeout_s": 8.0,
        "batch_deadline_s": 10.0,
        "user_agent": USER_AGENT,
    }
    options.update(extract)
    return base.model_copy(update={"extract": base.extract.model_copy(update=options)})


@pytest.fixture
def make_step() -> Iterator[Callable[..., ExtractStep]]:
    steps: list[ExtractStep] = []

    def make(**extract: Any) -> ExtractStep:
        steps.append(ExtractStep(settings=make_settings(**extract)))
        return steps[-1]

    yield make
    for step in steps:
        step.close()


def draft(url: str | None, text: str = TEASER, title: str = TITLE) -> Draft:
    raw = RawArticle(
        id=f"id-{url}", version=1, url=url, feed_url="http://feeds.example/rss", source="Example",
        title=title, text=text, fetched_at=datetime(2022, 6, 19, tzinfo=UTC),
    )
    return Draft(raw, {})


# -- pages -----------------------------------------------------------------------------------------


def article_paragraphs(seed_article: str) -> list[str]:
    return [line.strip() for line in seed_article.splitlines() if line.strip()]


def article_page(paragraphs: list[str], title: str = TITLE) -> bytes:
    """A news page as sites make them: navigation, an ad, the article, related links, a footer."""
    nav = "".join(f'<li><a href="/{i}">{html.escape(item)}</a></li>' for i, item in enumerate(NAV))
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)} | Example News</title></head>"
        f"<body><header><nav><ul>{nav}</ul></nav></header>"
        f"<div class='ad banner'><a href='/subscribe'>{AD}</a></div>"
        f"<main><article><h1>{html.escape(title)}</h1>{body}</article></main>"
        "<aside><h3>Related</h3><ul><li><a href='/r1'>Markets close higher</a></li></ul></aside>"
        f"<footer><p>{FOOTER}</p><a href='/contact'>Contact us</a></footer></body></html>"
    ).encode()


def note_of(result: dict[str, Any]) -> str:
    notes = result.get("notes", ())
    assert len(notes) == 1, notes
    return notes[0]


# -- tests -----------------------------------------------------------------------------------------


def test_a_short_item_gets_the_article_body_without_navigation_ads_or_footer(
    server: PageServer, make_step: Callable[..., ExtractStep], seed_article: str
) -> None:
    paragraphs = article_paragraphs(seed_article)
    server.routes["/news/1"] = Reply(body=article_page(paragraphs))
    step = make_step()

    [result] = step.run([draft(server.url("/news/1"))])

    assert result["text_source"] == "extracted"
    assert "notes" not in result
    text = result["text"]
    for paragraph in paragraphs:
        assert paragraph in text
    for boilerplate in (*NAV, AD, FOOTER, "Contact us", "Markets close higher"):
        assert boilerplate not in text
    assert not text.startswith(TITLE), "the headline is the article's title already"
    # No robots.txt (404) allows everything; both requests carried our User-Agent.
    assert server.paths() == ["/robots.txt", "/news/1"]
    assert {seen.user_agent for seen in server.requests} == {USER_AGENT}


def test_a_long_item_is_not_fetched_at_all(server: PageServer, make_step: Callable[..., ExtractStep], seed_article: str) -> None:
    step = make_step(min_words=150)
    item = draft(server.url("/news/1"), text=seed_article)  # 347 words

    [result] = step.run([item, draft(None)])[:1]

    assert result == {"text": seed_article, "text_source": "feed"}
    assert server.requests == []


def test_robots_disallow_keeps_the_feed_text_and_robots_is_fetched_once(
    server: PageServer, make_step: Callable[..., ExtractStep], seed_article: str
) -> None:
    server.routes["/robots.txt"] = Reply(body=b"User-agent: newsflow-test\nDisallow: /private/\n", headers={"Content-Type": "text/plain"})
    server.routes["/news/1"] = Reply(body=article_page(article_paragraphs(seed_article)))
    step = make_step()

    refused, allowed = step.run([draft(server.url("/private/1")), draft(server.url("/news/1"))])
    again = step.run([draft(server.url("/private/2"))])[0]

    assert refused == {"text": TEASER, "text_source": "feed", "notes": (f"news.extract.v1: robots-disallowed for {server.host}",)}
    assert allowed["text_source"] == "extracted"
    assert again["text_source"] == "feed" and "robots-disallowed" in note_of(again)
    # One robots.txt for two batches (cached), and no request for a disallowed path.
    assert server.paths() == ["/robots.txt", "/news/1"]


def test_robots_that_fails_with_5xx_refuses_the_host_for_that_batch_only(
    server: PageServer, make_step: Callable[..., ExtractStep], seed_article: str
) -> None:
    server.routes["/robots.txt"] = Reply(500, b"oops", {"Content-Type": "text/plain"})
    server.routes["/news/1"] = Reply(body=article_page(article_paragraphs(seed_article)))
    step = make_step()

    first = step.run([draft(server.url("/news/1")), draft(server.url("/news/2"))])
    assert [r["text_source"] for r in first] == ["feed", "feed"]
    assert note_of(first[0]) == f"news.extract.v1: robots-unavailable (http-error 500) for {server.host}"
    assert server.paths() == ["/robots.txt"]

    del server.routes["/robots.txt"]  # fixed: the next batch asks again, and the 404 allows all
    [second] = step.run([draft(server.url("/news/1"))])
    assert second["text_source"] == "extracted"
    assert server.paths() == ["/robots.txt", "/robots.txt", "/news/1"]


def test_a_slow_page_is_given_up_at_the_batch_deadline_and_the_others_are_extracted(
    server: PageServer, make_step: Callable[..., ExtractStep], seed_article: str
) -> None:
    page = article_page(article_paragraphs(seed_article))
    server.routes["/slow"] = Reply(body=page, hold_s=30.0)
    server.routes["/fast"] = Reply(body=page)
    deadline_s = 1.0
    step = make_step(batch_deadline_s=deadline_s, timeout_s=20.0, respect_robots=False)

    started = time.monotonic()
    slow, fast = step.run([draft(server.url("/slow")), draft(server.url("/fast"))])
    elapsed = time.monotonic() - started

    assert deadline_s <= elapsed < deadline_s + 0.5
    assert slow == {"text": TEASER, "text_source": "feed", "notes": (f"news.extract.v1: batch-deadline for {server.host}",)}
    assert fast["text_source"] == "extracted"
    server.release.set()  # the slow reply ends now, so closing the step does not wait for it
    closing = time.monotonic()
    step.close()
    assert time.monotonic() - closing < 5.0


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(body=b"%PDF-1.7 an article as a PDF", headers={"Content-Type": "application/pdf"}), "not-html"),
        (Reply(404, b"<html><body>gone</body></html>"), "http-error 404"),
        (Reply(body=b"<!DOCTYPE html><html><head><title>Gone</title></head><body></body></html>"), "extraction-empty"),
    ],
    ids=["not-html", "404", "nothing-to-extract"],
)
def test_a_page_that_gives_no_text_keeps_the_feed_text_with_a_note(
    server: PageServer, make_step: Callable[..., ExtractStep], reply: Reply, reason: str
) -> None:
    server.routes["/news/1"] = reply
    step = make_step(respect_robots=False)
    # Credentials in the item's URL never reach a note.
    url = server.url("/news/1").replace("http://", "http://reader:s3cret@")

    [result] = step.run([draft(url)])

    assert result == {"text": TEASER, "text_source": "feed", "notes": (f"news.extract.v1: {reason} for {server.host}",)}
    assert server.paths() == ["/news/1"]


def test_extracted_text_no_longer_than_the_feed_text_is_not_used(
    server: PageServer, make_step: Callable[..., ExtractStep], seed_article: str
) -> None:
    paragraphs = article_paragraphs(seed_article)
    server.routes["/news/1"] = Reply(body=article_page(paragraphs[:3]))
    feed_text = " ".join(paragraphs[:5])  # more words than the page's three paragraphs, under min_words
    step = make_step(respect_robots=False)

    [result] = step.run([draft(server.url("/news/1"), text=feed_text)])

    assert result["text"] == feed_text and result["text_source"] == "feed"
    assert note_of(result) == f"news.extract.v1: extracted-not-longer for {server.host}"


def test_the_same_page_extracted_again_and_again_keeps_its_text(
    server: PageServer, make_step: Callable[..., ExtractStep], seed_article: str
) -> None:
    # trafilatura's deduplicate=True remembers segments process-wide and drops one seen more
    # than twice: the fourth extraction of an article would come back empty.
    server.routes["/news/1"] = Reply(body=article_page(article_paragraphs(seed_article)))
    step = make_step(respect_robots=False)

    texts = [step.run([draft(server.url("/news/1"))])[0]["text"] for _ in range(4)]

    assert len(set(texts)) == 1 and len(texts[0].split()) > 300


def test_the_ssrf_guard_refuses_loopback_unless_allowed(server: PageServer, make_step: Callable[..., ExtractStep]) -> None:
    server.routes["/news/1"] = Reply(body=b"<html><body><p>secret</p></body></html>")
    step = make_step(allow_private_networks=False)

    [result] = step.run([draft(server.url("/news/1"))])

    assert result == {"text": TEASER, "text_source": "feed", "notes": (f"news.extract.v1: forbidden-address for {server.host}",)}
    assert server.requests == []


@pytest.mark.parametrize(
    ("url", "note"),
    [("file:///etc/passwd", "unsupported-scheme for a URL without host"), ("http://[bad/x", "invalid-url for an invalid URL")],
    ids=["local-file", "broken-url"],
)
def test_a_url_that_is_not_a_web_page_is_never_fetched(make_step: Callable[..., ExtractStep], url: str, note: str) -> None:
    step = make_step()

    [result] = step.run([draft(url)])

    assert result == {"text": TEASER, "text_source": "feed", "notes": (f"news.extract.v1: {note}",)}


def test_two_pages_of_one_host_start_at_least_the_delay_apart(
    server: PageServer, make_step: Callable[..., ExtractStep], seed_article: str
) -> None:
    page = article_page(article_paragraphs(seed_article))
    server.routes["/news/1"] = Reply(body=page)
    server.routes["/news/2"] = Reply(body=page)
    delay_s = 0.2
    step = make_step(per_host_delay_s=delay_s, per_host_concurrency=2, concurrency=4)

    started = time.monotonic()
    results = step.run([draft(server.url("/news/1")), draft(server.url("/news/2"))])

    assert [r["text_source"] for r in results] == ["extracted", "extracted"]
    assert sorted(server.paths()) == ["/news/1", "/news/2", "/robots.txt"]
    arrivals = sorted(seen.at for seen in server.requests)
    # robots.txt, then each page: the k-th request to the host starts k delays after the first at
    # the earliest. A request reaches the server after its start, never before, so this bound
    # holds however loaded the machine; without the gate all three arrive within milliseconds.
    assert all(at - started >= k * delay_s for k, at in enumerate(arrivals)), [at - started for at in arrivals]
    # Each gap too, with room for one request's arrival being delayed by scheduling (seen: 45 ms
    # with the two cores saturated) while the next one's is not.
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    assert min(gaps) >= delay_s / 2, gaps


def test_the_step_runs_in_a_chain_and_names_its_extractor(server: PageServer, seed_article: str) -> None:
    server.routes["/news/1"] = Reply(body=article_page(article_paragraphs(seed_article)))
    chain = build_chain(["news.extract.v1"], settings=make_settings(respect_robots=False))
    step = chain.steps[0]
    try:
        [article] = chain.enrich([draft(server.url("/news/1")).raw], datetime(2022, 6, 19, tzinfo=UTC))
    finally:
        step.close()

    assert article.text_source == "extracted" and article.notes == ()
    assert step.provenance() == {"trafilatura": trafilatura.__version__}
    assert [(m.name, m.version) for m in article.enrichment.models] == [("trafilatura", trafilatura.__version__)]
    with pytest.raises(ProcessingError):
        step.run([draft(server.url("/news/1"))])


# -- pure parts ------------------------------------------------------------------------------------


def test_html_detection_decoding_and_text_helpers() -> None:
    assert is_html({"content-type": "application/xhtml+xml"}, b"")
    assert not is_html({"content-type": "application/json"}, b"<html>")
    assert is_html({}, b"\xef\xbb\xbf  <!DOCTYPE html><html>") and not is_html({}, b"%PDF")
    latin = "Café à Téhéran".encode("latin-1")
    assert decode_html(b"<meta charset='iso-8859-1'>" + latin, {}).endswith("Café à Téhéran")
    assert decode_html("é".encode("cp1252"), {"content-type": "text/html; charset=windows-1252"}) == "é"
    assert strip_leading_title(f"{TITLE.upper()}\nBody.", TITLE) == "Body."
    assert strip_leading_title("Body first.\nMore.", TITLE) == "Body first.\nMore."
    assert cut_at_word("one two three", 9) == "one two"
    assert host_label("https://u:p@[::1]:8443/x?token=1") == "[::1]:8443"


def test_text_from_the_recall_pass_carries_a_note(
    server: PageServer, make_step: Callable[..., ExtractStep], seed_article: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import processors.extract as extract_module
    from processors.extraction import Extraction

    paragraphs = article_paragraphs(seed_article)
    server.routes["/news/1"] = Reply(body=article_page(paragraphs))
    monkeypatch.setattr(extract_module, "extract_page", lambda html, url: Extraction("\n".join(paragraphs), "recall"))
    step = make_step(respect_robots=False)

    [result] = step.run([draft(server.url("/news/1"))])

    assert result["text_source"] == "extracted" and paragraphs[0] in result["text"]
    assert note_of(result) == f"news.extract.v1: extracted-in-recall-mode for {server.host}"
