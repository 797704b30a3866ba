"""The one redaction every URL goes through before it is shown (newsflow.redaction)."""

from __future__ import annotations

import pytest

from newsflow.redaction import redact_url


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
