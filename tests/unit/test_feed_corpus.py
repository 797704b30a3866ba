"""The edge-case corpus (shared/fixtures/feeds-edgecases, 287 documents) served over HTTP.

One local HTTP server (127.0.0.1, started here for the module) serves every document with the
Content-Type its manifest entry names (``http_headers``), and none where it names none. Each
document is fetched with `newsflow.net.transport.HttpFetcher`, parsed with `parse_feed` and mapped
with `to_article`, one test per file (its id is the file's path). Each one must end either in
articles or in a `FeedError` with reason "not-a-feed" (only the four documents in
`NOT_FEEDS` are no feed), never in another exception, and every emitted text (feed title,
item title, summary, text) must be free of HTML tags, of UTF-8-read-as-Latin-1 mojibake
("Ã©", "â€™") and of U+FFFD.

The manifest's ``expect`` lines are feedparser's own assertions on its own result. A small
interpreter (`clauses`, `check_clause`) splits each line on its top-level ``and`` and
translates what applies to what newsflow emits:

checked
  - ``encoding == 'X'``: every text equals the text of the same document decoded as X by
    hand (re-served as explicit UTF-8). For the UTF-16/32 documents, whose manifest line is
    empty, the ``Expect:`` line is read from the document itself.
  - ``version == 'X'``: the document is parsed as a feed (no FeedError).
  - ``feed['title']``, ``feed['title_detail']['value']`` == V: `ParsedFeed.title` is V as text.
  - ``feed['link']`` == V: `ParsedFeed.link`.
  - ``entries[0]['title' | 'title_detail']['value']`` == V: the article title is V as text
    (V read as HTML when feedparser typed the field so, else only tidied; either way without
    anything a page would read as a tag: "History of the <blink> tag" as plain text is stored as
    "History of the tag", see `newsflow.contract.text.markup_free`).
  - ``entries[0]['description' | 'summary' | 'summary_detail']['value']``, ``ord(...) == n``:
    the article summary.
  - ``entries[0]['content'][0]['value']`` == V: the article text.
  - ``entries[0]['link']`` == V: the article URL is canonical_url(V);
    ``not entries[0].has_key('link')``: it has no URL.
  - ``entries[0]['id' | 'guid']`` == V: the article GUID.
  - ``entries[0]['author' | 'author_detail']['name' | 'authors'][i]['name']`` == V: V is one
    of the article's authors.
  - ``entries[0]['category' | 'tags'][i]['term']`` == V, ``... != None``: V is (or some tag
    is) among the article's tags.
  - ``entries[0]['published' | 'updated']`` == V, ``[..._parsed] == (tuple)``: the article's
    published / updated datetime (UTC).

not applicable (counted, not asserted)
  - ``bozo``, ``not bozo``, ``isinstance(bozo_exception, ...)``, ``1``: feedparser's
    well-formedness flag; newsflow reads ill-formed feeds on purpose and notes the problem in
    `ParsedFeed.defect` (and it re-decodes bodies itself, so the flag differs anyway).
  - feedparser-internal or unkept keys: ``feed['description']``, ``author_detail['email']``,
    ``tags[i]['scheme' | 'label']``, ``title_detail['type']``, ``summary_detail['type']``,
    ``content[0]['type' | 'src']``, ``guidislink``, ``links``, ``enclosures``, ``license``,
    ``comments``, ``publisher``, ``copyright``, ``contributors``, ``source``, ``created``,
    ``expired``, ``where`` (GeoRSS): a RawArticle has no field for them.

Two documents where newsflow deliberately differs from feedparser's expectation:
``bozo_linenoise.xml`` (valid UTF-8 with one stray byte: feedparser decodes the whole document
as a legacy code page and expects mojibake, newsflow keeps the UTF-8 and reads only the stray
byte as windows-1252: see `OVERRIDES`), and the expectations of the Miniflux documents (no
expect lines: the correct text is in `KNOWN_TEXT`).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest

from newsflow.contract.ids import canonical_url
from newsflow.contract.schema import RawArticle
from newsflow.contract.text import html_to_text, markup_free, plain_text
from newsflow.errors import FeedError
from newsflow.net.response import FetchedFeed
from newsflow.net.transport import HttpFetcher
from producers.base import FeedSpec, ParsedFeed
from producers.items import parse_feed, to_article
from tests.conftest import SHARED

CORPUS = SHARED / "fixtures" / "feeds-edgecases"
NOW = datetime(2026, 1, 1, tzinfo=UTC)

NOT_FEEDS = {
    "feedparser/illformed/rss_empty_document.xml",  # a comment and nothing else
    "gofeed/universal/empty_feed.xml",  # zero bytes
    "gofeed/universal/unknown_feed.xml",  # XML, but a <note>
    "gofeed/universal/invalid.json",  # truncated JSON
}

# Documents without an expect line whose correct text is plain from their bytes (the Miniflux
# encoding tests): (feed title, first article title or None).
KNOWN_TEXT = {
    "miniflux-v2/encoding/invalid-prolog.xml": ("테스트 피드", "Café"),
    "miniflux-v2/encoding/utf8-incorrect-prolog.xml": ("테스트 피드", "Café"),
    "miniflux-v2/encoding/utf8.xml": ("테스트 피드", "Café"),
    "miniflux-v2/encoding/windows-1252-incorrect-prolog.xml": ("Euro €", None),
    "miniflux-v2/encoding/windows-1252.xml": ("Euro €", None),
    "miniflux-v2/encoding/iso-8859-1.xml": ("Café", None),
    "miniflux-v2/encoding/koi8r.xml": ("Пример RSS ленты", "Первая новость"),
}

# Where newsflow's reading is the better one, the value it must give instead (and why above).
OVERRIDES = {
    ("feedparser/encoding/bozo_linenoise.xml", "entries[0]['summary']"): "\u2019<>\u201d\u00a9",
    # `<!' <a href="foo">` is, to an HTML5 parser (and a browser), one bogus comment: no text.
    # feedparser's expected value is its sanitiser's rewriting of it, and the sanitiser is off.
    ("feedparser/wellformed/rss/item_description_not_a_doctype.xml", "entries[0]['description']"): "",
}


def _manifest() -> list[dict[str, Any]]:
    path = CORPUS / "MANIFEST.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


MANIFEST = _manifest()


# ── the server and the fetcher ──────────────────────────────────────────────────────────


class _CorpusHandler(BaseHTTPRequestHandler):
    root: Path
    content_types: dict[str, str]

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        name = unquote(self.path.lstrip("/"))
        path = (self.root / name).resolve()
        if self.root not in path.parents or not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        self.send_response(200)
        if name in self.content_types:
            self.send_header("Content-Type", self.content_types[name])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
        pass


def _content_type(headers: list[str] | None) -> str | None:
    for line in headers or []:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-type":
            return value.strip()
    return None


@dataclass
class Corpus:
    base_url: str
    fetcher: HttpFetcher

    def url(self, file: str) -> str:
        return f"{self.base_url}/{quote(file)}"


@pytest.fixture(scope="module")
def corpus(fixtures_dir: Path) -> Iterator[Corpus]:
    root = (fixtures_dir / "feeds-edgecases").resolve()
    content_types = {e["file"]: ct for e in MANIFEST if (ct := _content_type(e.get("http_headers")))}
    handler = type("Handler", (_CorpusHandler,), {"root": root, "content_types": content_types})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    fetcher = HttpFetcher(
        connect_timeout_s=5,
        read_timeout_s=5,
        total_timeout_s=10,
        max_body_bytes=1024 * 1024,
        user_agent="newsflow-tests",
        allow_private_networks=True,  # the server is on 127.0.0.1
    )
    try:
        yield Corpus(base_url=f"http://127.0.0.1:{server.server_address[1]}", fetcher=fetcher)
    finally:
        fetcher.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class Result:
    fetched: FetchedFeed
    parsed: ParsedFeed | None = None
    error: FeedError | None = None
    articles: tuple[RawArticle, ...] = ()
    rejected: int = 0  # items with no link, GUID or content (ValueError): skipped, not fatal


def run_pipeline(fetched: FetchedFeed) -> Result:
    try:
        parsed = parse_feed(fetched)
    except FeedError as exc:
        return Result(fetched=fetched, error=exc)
    spec = FeedSpec(url=fetched.url)
    articles, rejected = [], 0
    for entry in parsed.entries:
        try:
            articles.append(to_article(entry, feed=spec, parsed=parsed, fetched_url=fetched.url, fetched_at=NOW))
        except ValueError:
            rejected += 1
    return Result(fetched=fetched, parsed=parsed, articles=tuple(articles), rejected=rejected)


# ── the expect-line interpreter ─────────────────────────────────────────────────────────


def clauses(expect: str) -> list[str]:
    """An expect line split on its top-level ``and`` (not inside quotes or brackets)."""
    parts, depth, quote_char, start, i = [], 0, "", 0, 0
    while i < len(expect):
        if quote_char:
            if expect.startswith(quote_char, i) and expect[i - 1] != "\\":
                i += len(quote_char) - 1
                quote_char = ""
        elif expect.startswith(('"""', "'''"), i):
            quote_char = expect[i : i + 3]
            i += 2
        elif expect[i] in "'\"":
            quote_char = expect[i]
        elif expect[i] in "([{":
            depth += 1
        elif expect[i] in ")]}":
            depth -= 1
        elif depth == 0 and expect.startswith(" and ", i):
            parts.append(expect[start:i])
            start = i + 5
            i += 4
        i += 1
    parts.append(expect[start:])
    return [_unwrap(p.strip()) for p in parts if p.strip()]


def _unwrap(clause: str) -> str:
    while clause.startswith("(") and clause.endswith(")") and clause.count("(") == 1:
        clause = clause[1:-1].strip()
    return clause


def _path(expression: str) -> str:
    """``entries[0].summary`` -> ``entries[0]['summary']``; double quotes -> single."""
    expression = re.sub(r'\["([^"]*)"\]', r"['\1']", expression.strip())
    return re.sub(r"\.([A-Za-z_]\w*)", r"['\1']", expression)


NOT_APPLICABLE = [
    (re.compile(r"^(not )?bozo$|^isinstance\(bozo_exception|^1$"), "feedparser's well-formedness flag"),
    (re.compile(r"\['(author_detail|publisher_detail)'\]\['email'\]"), "emails are not kept"),
    (re.compile(r"\['tags'\]\[\d+\]\['(scheme|label)'\]"), "tag schemes and labels are not kept"),
    (re.compile(r"\['(title|summary)_detail'\]\['type'\]|\['content'\]\[0\]\['(type|src)'\]"), "content types are internal"),
    (re.compile(r"guidislink|\['links'\]|enclosures|license|comments|publisher|copyright|contributors"), "no such field"),
    (re.compile(r"\['source'\]|created|expired|where|feed\['description'\]|namespaces"), "no such field"),
]


@dataclass
class Outcome:
    clause: str
    status: str  # "checked" or "n/a"
    why: str = ""
    exact: str | None = None  # the text an article field was found equal to


# An entry without link, GUID or text (many corpus items hold just one element: an author, a
# date) is skipped by the producer; its expectations are checked on the article it would make
# with a link.
SYNTHETIC_LINK = "https://corpus.invalid/item"


def _article_of(entry: Any, parsed: ParsedFeed, fetched_url: str) -> RawArticle:
    spec = FeedSpec(url=fetched_url)
    try:
        return to_article(entry, feed=spec, parsed=parsed, fetched_url=fetched_url, fetched_at=NOW)
    except ValueError:
        return to_article(dict(entry, link=SYNTHETIC_LINK), feed=spec, parsed=parsed, fetched_url=fetched_url, fetched_at=NOW)


def _literal(text: str) -> Any:
    return ast.literal_eval(text.strip())


def _field_type(entry: Any, field: str) -> str:
    if field == "text":
        contents = entry.get("content") or []
        return (contents[0].get("type") if contents else None) or "text/html"
    detail = entry.get(f"{field}_detail")
    if detail is None and field == "summary":
        detail = next((c for c in entry.get("content") or [] if c.get("value") == entry.get("summary")), None)
    return (detail or {}).get("type") or "text/html"


def _as_text(value: str, kind: str) -> str:
    return markup_free(plain_text(value) if kind == "text/plain" else html_to_text(value))


ENTRY_TEXT = {
    "entries[0]['title']": "title",
    "entries[0]['title_detail']['value']": "title",
    "entries[0]['description']": "summary",
    "entries[0]['summary']": "summary",
    "entries[0]['summary_detail']['value']": "summary",
    "entries[0]['content'][0]['value']": "text",
}


def check_clause(file: str, clause: str, result: Result, reference: Callable[[str], Result]) -> Outcome:
    """Assert what `clause` says about `result`, translated to newsflow's output."""
    for pattern, why in NOT_APPLICABLE:
        if pattern.search(_path(clause)):
            return Outcome(clause, "n/a", why)
    assert result.error is None, f"{file}: expected a feed, got {result.error}"
    parsed = result.parsed
    assert parsed is not None
    entry = parsed.entries[0] if parsed.entries else None
    first = _article_of(entry, parsed, result.fetched.url) if entry is not None else None

    if clause == "not entries[0].has_key('link')":
        assert result.articles and result.articles[0].url is None
        return Outcome(clause, "checked")
    if match := re.fullmatch(r"ord\((.+)\) == (\d+)", clause):
        lhs, rhs = _path(match.group(1)), chr(int(match.group(2)))
        assert lhs in ENTRY_TEXT and first is not None
        assert getattr(first, ENTRY_TEXT[lhs]) == rhs
        return Outcome(clause, "checked", exact=rhs)
    match = re.fullmatch(r"(.+?)\s*(==|!=)\s*(.+)", clause, re.DOTALL)
    if not match:
        return Outcome(clause, "n/a", "no comparison")
    lhs, op, expected = _path(match.group(1)), match.group(2), _literal(match.group(3))
    expected = OVERRIDES.get((file, lhs), expected)

    if lhs == "encoding":
        ref = reference(str(expected))
        assert ref.error is None
        assert parsed.title == ref.parsed.title
        assert [(a.title, a.summary, a.text) for a in result.articles] == [(a.title, a.summary, a.text) for a in ref.articles]
        return Outcome(clause, "checked")
    if lhs == "version":
        return Outcome(clause, "checked")  # parsed as a feed: asserted above
    if lhs in ("feed['title']", "feed['title_detail']['value']"):
        assert parsed.title == markup_free(html_to_text(expected))
        return Outcome(clause, "checked")
    if lhs == "feed['link']":
        assert parsed.link == expected
        return Outcome(clause, "checked")
    assert entry is not None and first is not None, f"{file}: no entry to check {clause}"
    if lhs in ENTRY_TEXT:
        field = ENTRY_TEXT[lhs]
        wanted = expected if (file, lhs) in OVERRIDES else _as_text(expected, _field_type(entry, field))
        assert getattr(first, field) == wanted
        return Outcome(clause, "checked", exact=wanted)
    if lhs == "entries[0]['link']":
        assert first.url == canonical_url(expected)
        return Outcome(clause, "checked")
    if lhs in ("entries[0]['id']", "entries[0]['guid']"):
        assert first.guid == expected
        return Outcome(clause, "checked")
    if re.fullmatch(r"entries\[0\]\['(author|author_detail'\]\['name|authors'\]\[\d+\]\['name)'\]", lhs):
        assert expected in first.authors
        return Outcome(clause, "checked")
    if lhs == "entries[0]['category']" and op == "!=" and expected is None:
        assert first.tags
        return Outcome(clause, "checked")
    if re.fullmatch(r"entries\[0\]\['(category|tags'\]\[\d+\]\['term)'\]", lhs):
        assert expected in first.tags
        return Outcome(clause, "checked")
    if match := re.fullmatch(r"entries\[0\]\['(published|updated)(_parsed)?'\]", lhs):
        moment = getattr(first, match.group(1))
        if match.group(2):
            wanted_moment = datetime(*expected[:6], tzinfo=UTC)
        elif expected[:1].isdigit():
            wanted_moment = datetime.fromisoformat(expected)
        else:
            wanted_moment = parsedate_to_datetime(expected)
        assert moment == wanted_moment
        return Outcome(clause, "checked")
    return Outcome(clause, "n/a", "no newsflow field for it")


# ── invariants of every emitted text ────────────────────────────────────────────────────

# What an HTML parser would start a tag, comment or declaration with: not even an unclosed one.
_TAG = re.compile(r"<[A-Za-z!/?]")


def looks_like_mojibake(text: str) -> bool:
    """UTF-8 read as windows-1252 or Latin-1 ("CafÃ©", "donâ€™t") turns back into UTF-8."""
    if text.isascii():
        return False
    for codec in ("cp1252", "latin-1"):
        try:
            repaired = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if repaired != text:
            return True
    return False


def _expect_in_document(body: bytes) -> str | None:
    """The ``Expect:`` line of a feedparser document the manifest could not read (UTF-16/32)."""
    text = body.replace(b"\x00", b"").decode("latin-1")
    match = re.search(r"^Expect:\s*(.+?)\s*$", text, re.MULTILINE)
    return match.group(1) if match else None


# ── the tests ───────────────────────────────────────────────────────────────────────────


def test_charset_detection_is_available():
    # The undeclared big5, euc-jp, koi8-r... documents (illformed/chardet) need it; without it
    # producers.items reads them as windows-1252. It must be a declared dependency.
    assert importlib.util.find_spec("charset_normalizer"), "charset_normalizer is not installed"


def test_the_corpus_is_all_there(fixtures_dir: Path):
    assert len(MANIFEST) == 287, f"MANIFEST.json not found or changed under {CORPUS}"
    for entry in MANIFEST:
        assert (fixtures_dir / "feeds-edgecases" / entry["file"]).is_file(), entry["file"]


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_corpus_document(corpus: Corpus, entry: dict[str, Any]):
    file = entry["file"]
    fetched = corpus.fetcher.fetch(corpus.url(file))
    assert fetched.status == 200 and fetched.body == (CORPUS / file).read_bytes()
    result = run_pipeline(fetched)

    if result.error is not None:
        assert result.error.fields.get("reason") == "not-a-feed", f"{file}: {result.error}"
        assert str(result.error).startswith("not a feed: "), str(result.error)
        assert file in NOT_FEEDS, f"{file} was refused: {result.error}"
        return
    assert file not in NOT_FEEDS, f"{file} should not be taken for a feed"
    parsed = result.parsed
    assert parsed is not None
    assert parsed.defect is None or "\n" not in parsed.defect

    def reference(encoding: str) -> Result:
        codec = {"us-ascii": "ascii"}.get(encoding.lower(), encoding)
        text = fetched.body.decode(codec).lstrip("\ufeff")
        return run_pipeline(
            FetchedFeed(url=fetched.url, body=text.encode("utf-8"), headers={"content-type": "application/xml; charset=utf-8"})
        )

    expect = entry.get("expect") or _expect_in_document(fetched.body)
    outcomes = [check_clause(file, clause, result, reference) for clause in clauses(expect)] if expect else []
    # A text found equal to an expected value is what it must be (a "<" that starts no tag
    # included): the heuristics below are for the others.
    exact = {o.exact for o in outcomes if o.exact is not None}

    if file in KNOWN_TEXT:
        feed_title, first_title = KNOWN_TEXT[file]
        assert parsed.title == feed_title
        if first_title is not None:
            assert result.articles[0].title == first_title

    texts = [("feed title", parsed.title)]
    for article in result.articles:
        texts += [(field, getattr(article, field)) for field in ("title", "summary", "text")]
    for field, text in texts:
        # No exception for expected values: stored text never holds a tag, whatever the feed said.
        assert not _TAG.search(text), f"{file}: HTML left in the {field}: {text!r}"
        if text in exact:
            continue
        assert not looks_like_mojibake(text), f"{file}: mojibake in the {field}: {text!r}"
        assert "\ufffd" not in text, f"{file}: U+FFFD in the {field}: {text!r}"
    for article in result.articles:
        assert article.published is not None and article.published.utcoffset().total_seconds() == 0
        assert article.published <= NOW or article.published_reported is not None


def test_the_interpreter_splits_and_normalises():
    line = 'not bozo and (entries[0][\'a\'] == \'x and y\') and entries[0].summary == """q \' and """'
    assert clauses(line) == ["not bozo", "entries[0]['a'] == 'x and y'", 'entries[0].summary == """q \' and """']
    assert _path("entries[0].source.href") == "entries[0]['source']['href']"
    assert looks_like_mojibake("Caf\u00c3\u00a9") and looks_like_mojibake("don\u00e2\u20ac\u2122t")
    assert not looks_like_mojibake("Caf\u00e9 don\u2019t \u5e74")
