"""Property tier for OPML import (producers/opml.py): generated subscription lists, from other
readers' shapes (folders, categories, newsflow's own attributes) to arbitrary bytes.

Whatever the document: `import_opml` either adds feeds or raises `ConfigError`, never another
exception; every feed it adds is a valid registry entry (an http(s) URL with a host, or a local
file that exists), lands in the registry file (which loads again), and an export of that registry
imports to the same feeds.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsflow.errors import ConfigError
from producers.opml import OPML_NAMESPACE, export_opml, import_opml
from producers.registry import read_registry

PROPERTIES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
hosts = st.sampled_from(["news.example", "xn--bcher-kva.example", "bücher.example", "127.0.0.1", "[::1]", "a" * 70 + ".example",
                         "", "news.example:99999", "user:pa ss@news.example"])
urls = st.one_of(
    st.builds(lambda scheme, host, path: f"{scheme}://{host}/{path}",
              st.sampled_from(["http", "https", "HTTP", "ftp", "file", "javascript", "feed"]), hosts, text),
    text,
)
attributes = st.dictionaries(
    st.sampled_from(["text", "title", "type", "language", "category", "{ns}minInterval", "{ns}maxInterval",
                     "{ns}enabled", "htmlUrl"]),
    text, max_size=5,
)


def _outline(url: str, extra: dict[str, str], children: list[str]) -> str:
    attrs = "".join(f" {name.replace('{ns}', 'nf:')}={quoteattr(value)}" for name, value in extra.items())
    inner = "".join(children)
    return f"<outline xmlUrl={quoteattr(url)}{attrs}>{inner}</outline>" if inner else f"<outline xmlUrl={quoteattr(url)}{attrs}/>"


outlines = st.recursive(
    st.builds(_outline, urls, attributes, st.just([])),
    lambda inner: st.builds(lambda name, kids: f"<outline text={quoteattr(name)}>{''.join(kids)}</outline>",
                            text, st.lists(inner, max_size=4)),
    max_leaves=12,
)


def _document(body: list[str]) -> bytes:
    # Characters XML 1.0 forbids (controls) are a document that is not well-formed: allowed here too.
    return (f'<?xml version="1.0" encoding="UTF-8"?><opml version="2.0" xmlns:nf="{OPML_NAMESPACE}">'
            f"<head><title>subs</title></head><body>{''.join(body)}</body></opml>").encode("utf-8", "surrogatepass")


def _pollable(url: str) -> bool:
    if url.split(":", 1)[0].lower() in ("http", "https"):
        return bool(urlsplit(url).hostname)
    return Path(url).is_file()


def _imported(document: bytes):
    with tempfile.TemporaryDirectory() as folder:
        registry = Path(folder) / "feeds.yaml"
        try:
            report = import_opml(registry, document)
        except ConfigError:
            return None, []
        return report, read_registry(registry, missing_ok=True)


@PROPERTIES
@given(st.lists(outlines, max_size=6))
def test_any_subscription_list_imports_valid_feeds_or_is_refused_as_a_config_error(body):
    report, stored = _imported(_document(body))
    if report is None:
        return
    assert list(report.added) == stored  # what it says it added is what the registry holds
    assert all(_pollable(f.url) for f in stored), [f.url for f in stored]
    # What newsflow exports, it imports back to the same feeds.
    again, restored = _imported(export_opml(stored))
    assert again is not None and restored == stored


@PROPERTIES
@given(st.binary(max_size=400))
def test_arbitrary_bytes_are_refused_as_a_config_error_or_add_nothing_unpollable(raw):
    report, stored = _imported(raw)
    assert all(_pollable(f.url) for f in stored), [f.url for f in stored]
    assert report is None or list(report.added) == stored
