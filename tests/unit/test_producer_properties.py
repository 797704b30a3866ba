"""Property tier: generated feed bodies through the producer's whole read path (issue 15).

RSS, Atom, RDF and JSON Feed documents with random unicode, markup nesting, sizes, encodings,
dates and links are written to a registry-named local file and read by the real `FeedReader`
(the HttpFetcher's local read, parsing, items, the size budget), then encoded as the Kafka
message the producer would send. Whatever the body: no exception escapes the reader, every
article encodes, decodes to itself, fits in one message, and carries an http(s) URL or none.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsflow.contract.schema import MAX_EVENT_BYTES, decode_raw, encode
from newsflow.net.politeness import HostGate
from newsflow.net.transport import HttpFetcher
from producers.base import FeedSpec
from producers.reader import FeedReader
from producers.state import FeedState

NOW = datetime(2026, 12, 1, tzinfo=UTC)

# Lone surrogates included: JSON can escape them ("\\ud800"), XML gets them as character references.
texts = st.one_of(st.text(st.characters(), max_size=200), st.sampled_from(["lone \ud800 high", "a\udfffb", "\ud83d\ude00 pair"]))
links = st.one_of(
    st.sampled_from(["https://example.org/a", "http://example.org/b?utm_source=x", "/relative/path", "file:///etc/passwd",
                     "javascript:alert(1)", "data:text/html,hi", "mailto:a@b.example", "", "https://[::1]/x", "http://"]),
    st.builds(lambda host, path: f"https://{host}/{path}", st.sampled_from(["example.org", "straße.example", "xn--zz.example"]),
              st.text(max_size=20)),
)
dates = st.one_of(
    st.sampled_from(["Tue, 03 Nov 2026 10:00:00 GMT", "2026-11-03T10:00:00Z", "Seg, 24 Set 2012", "mer, 16 nov 2011",
                     "not a date", "", "9999-12-31T23:59:59Z", "0001-01-01"]),
    texts,
)
markup = st.recursive(texts.map(escape), lambda inner: st.builds(lambda tag, body: f"<{tag}>{body}</{tag}>",
                                                                 st.sampled_from(["div", "p", "b", "span"]), inner),
                      max_leaves=8)
items = st.fixed_dictionaries({"title": texts, "link": links, "date": dates, "body": st.one_of(texts, markup),
                               "depth": st.integers(min_value=0, max_value=700)})


def rss(channel_title: str, entries: list[dict]) -> str:
    body = "".join(
        f"<item><title>{escape(e['title'])}</title><link>{escape(e['link'])}</link><pubDate>{escape(e['date'])}</pubDate>"
        f"<description>{escape(nest(e))}</description></item>"
        for e in entries
    )
    return f'<rss version="2.0"><channel><title>{escape(channel_title)}</title>{body}</channel></rss>'


def atom(channel_title: str, entries: list[dict]) -> str:
    body = "".join(
        f'<entry><title>{escape(e["title"])}</title><link href="{escape(e["link"], {chr(34): "&quot;"})}"/>'
        f"<id>urn:{i}</id><updated>{escape(e['date'])}</updated><content type=\"html\">{escape(nest(e))}</content></entry>"
        for i, e in enumerate(entries)
    )
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{escape(channel_title)}</title>{body}</feed>'


def rdf(channel_title: str, entries: list[dict]) -> str:
    body = "".join(f"<item><title>{escape(e['title'])}</title><link>{escape(e['link'])}</link>"
                   f"<description>{escape(nest(e))}</description></item>" for e in entries)
    return ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
            f"<channel><title>{escape(channel_title)}</title></channel>{body}</rdf:RDF>")


def jsonfeed(channel_title: str, entries: list[dict]) -> str:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": channel_title, "items": [
        {"id": str(i), "url": e["link"], "title": e["title"], "date_published": e["date"], "content_html": nest(e)}
        for i, e in enumerate(entries)]})


def nest(entry: dict) -> str:
    return "<div>" * entry["depth"] + entry["body"] + "</div>" * entry["depth"]


FORMATS = {"rss": rss, "atom": atom, "rdf": rdf, "json": jsonfeed}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from(sorted(FORMATS)), texts, st.lists(items, max_size=6),
       st.sampled_from(["utf-8", "utf-16", "iso-8859-1", "undeclared-utf-8", "windows-1251"]),
       st.booleans())
def test_any_feed_body_gives_articles_that_fit_decode_and_link_to_the_web(
    kind: str, title: str, entries: list[dict], encoding: str, garbage: bool
) -> None:
    document = FORMATS[kind](title, entries)
    body = encode_document(document, encoding, xml=kind != "json")
    if garbage:
        body = body[: len(body) // 2] + b"\xff\xfe\x00<&" + body[len(body) // 2 :]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"feed.{kind}"
        path.write_bytes(body)
        outcome = read(path)
    assert outcome.kind in ("ok", "error", "unchanged")
    for article in outcome.articles:
        message = encode(article)
        assert len(message) <= MAX_EVENT_BYTES
        assert decode_raw(message) == article
        assert article.url is None or urlsplit(article.url).scheme in ("http", "https")


def encode_document(document: str, encoding: str, *, xml: bool) -> bytes:
    if not xml:
        return document.encode("utf-8" if encoding.startswith("undeclared") else "utf-16" if encoding == "utf-16" else "utf-8")
    if encoding == "undeclared-utf-8":  # lone surrogates as the invalid bytes a careless writer emits
        return ('<?xml version="1.0"?>' + document).encode("utf-8", errors="surrogatepass")
    declared = f'<?xml version="1.0" encoding="{encoding}"?>' + document
    return declared.encode(encoding, errors="xmlcharrefreplace")


def read(path: Path):
    with HttpFetcher(connect_timeout_s=1.0, read_timeout_s=1.0, total_timeout_s=5.0, max_body_bytes=4 << 20,
                     user_agent="newsflow-test/1.0") as fetcher:
        reader = FeedReader(fetcher=fetcher, gate=HostGate(per_host_concurrency=1, min_delay_s=0.0), clock=lambda: NOW)
        feed = FeedSpec(url=str(path))
        return reader.read(feed, FeedState(feed_id=feed.id, url=feed.url))
