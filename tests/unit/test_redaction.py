"""The one redaction every URL goes through before it is shown (newsflow.redaction)."""

from __future__ import annotations

import logging
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsflow.errors import FeedError
from newsflow.redaction import redact_text, redact_url
from newsflow.runtime.logs import configure_logging


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pw@example.org:8443/a?b=c@d", "https://***@example.org:8443/a?b=c@d"),
        ("https://u:p@es.example:9200/x", "https://***@es.example:9200/x"),
        ("http://elastic@es.example/", "http://***@es.example/"),
        ("http://u:p@[::1]:9200/", "http://***@[::1]:9200/"),
        # A password holding "@" or "/" is still cut at the last "@" before the path.
        ("https://u:p@ss@host/x", "https://***@host/x"),
        ("http://u:p%2Fq@host", "http://***@host"),
    ],
)
def test_credentials_are_replaced(url: str, shown: str) -> None:
    assert redact_url(url) == shown


@pytest.mark.parametrize(
    "url",
    ["https://example.org/a@b", "http://127.0.0.1:9200", "/local/feed.xml", "not a url", "mailto:a@b.example"],
)
def test_urls_without_credentials_are_unchanged(url: str) -> None:
    assert redact_url(url) == url


def test_every_url_of_a_node_list_loses_its_credentials() -> None:
    """`elasticsearch.url` may list several nodes; each may carry the password (issue 19)."""
    nodes = "http://elastic:s3cret@127.0.0.1:19200, https://elastic:s3cret,2@127.0.0.1:19201/"
    shown = redact_url(nodes)
    assert "s3cret" not in shown
    assert shown == "http://***@127.0.0.1:19200, https://***@127.0.0.1:19201/"


# -- secret query values and free text (issue 16) -------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://hub.example/cb?token=abc123&x=1", "https://hub.example/cb?token=***&x=1"),
        ("https://feeds.example/rss?api_key=K1&format=xml", "https://feeds.example/rss?api_key=***&format=xml"),
        ("https://u:p@h.example/cb?hub.secret=S&sig=Z#f", "https://***@h.example/cb?hub.secret=***&sig=***#f"),
        ("https://h.example/a?Password=x", "https://h.example/a?Password=***"),
    ],
)
def test_secret_query_values_are_masked(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_harmless_query_values_stay() -> None:
    # (A name merely holding one of the words, `monkey=`, is masked too: over-masking only hides.)
    url = "https://news.example/feed?page=2&lang=en&q=a%40b"
    assert redact_url(url) == url


@pytest.mark.parametrize(
    "text",
    [
        "Elasticsearch at http://elastic:S3CRET@127.0.0.1:9200 is busy (429)",
        "ConnectionError(http://elastic:S3CRET@es:9200/_bulk): refused",
        "feed 'x' redirects to https://bob:S3CRET@evil.example/feed.xml and https://ok.example/?token=S3CRET",
        '{"url": "https://u:S3CRET@h/"}',
    ],
)
def test_every_url_in_a_message_loses_its_secrets(text: str) -> None:
    shown = redact_text(text)
    assert "S3CRET" not in shown
    assert "***" in shown


def test_a_message_without_urls_is_unchanged() -> None:
    text = "search failed: [query_shards] reason=too many clauses; user@example.org wrote a = b"
    assert redact_text(text) == text


# A user name of any printable characters but the URL's own delimiters (a space ends a URL in text).
@given(user=st.text(alphabet=st.characters(blacklist_characters="/?#@\"'<>",
                                           blacklist_categories=("Zs", "Zl", "Zp", "Cc", "Cs")), min_size=1),
       secret=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=8),
       before=st.text(), after=st.text(alphabet=st.characters(blacklist_characters="0123456789abcdefghijklmnopqrstuvwxyz")))
def test_a_password_in_a_url_never_survives_in_any_text(user: str, secret: str, before: str, after: str) -> None:
    text = f"{before} https://{user}:{secret}@host.example/path {after}"
    assert f":{secret}@" not in redact_text(text)


def test_every_newsflow_error_is_redacted_when_made() -> None:
    """The root exception redacts its message and text fields: a raise that forgot still shows no
    password in logs, health events, DLQ headers or API answers."""
    error = FeedError("cannot fetch https://bob:S3CRET@feeds.example/rss", feed="https://bob:S3CRET@feeds.example/rss")
    assert "S3CRET" not in str(error)
    assert "S3CRET" not in str(error.fields["feed"])
    assert "S3CRET" not in str(pickle.loads(pickle.dumps(error)))


def test_log_lines_and_tracebacks_are_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        for fmt in ("text", "json"):
            configure_logging("INFO", fmt)
            log = logging.getLogger("newsflow.test")
            log.warning("connecting to %s", "http://elastic:S3CRET@es:9200")
            try:
                raise RuntimeError("refused: http://elastic:S3CRET@es:9200/_bulk")
            except RuntimeError:
                log.exception("bulk failed")
        err = capsys.readouterr().err
        assert "S3CRET" not in err
        assert err.count("***@es:9200") >= 4
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
