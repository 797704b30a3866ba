"""One redaction for every URL that reaches a log line, an error, a Kafka message or the index.

A URL may carry credentials (``https://user:password@host/``): the Elasticsearch URL of the
settings, a feed URL of the registry, a redirect target. Whatever shows a URL shows
`redact_url(url)`. It works on the text, not on a parse: a URL that no parser accepts must still
lose its password before it is shown.
"""

from __future__ import annotations

import re

__all__ = ["redact_url"]


def redact_url(url: str) -> str:
    """`url` without the credentials it may carry (``https://user:pass@host/`` -> ``https://***@host/``).
    A comma-separated list of URLs (Elasticsearch nodes) is redacted URL by URL: split only where a
    comma is followed by a scheme, so a comma inside a password does not cut the URL short."""
    parts = _URL_LIST_SEPARATOR.split(url)
    if len(parts) > 1:
        return ",".join(_redact_one(part) for part in parts)
    return _redact_one(url)


_URL_LIST_SEPARATOR = re.compile(r",(?=\s*[A-Za-z][A-Za-z0-9+.-]*://)")


def _redact_one(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    end = len(rest)
    for stop in "/?#":
        index = rest.find(stop)
        if index != -1:
            end = min(end, index)
    authority = rest[:end]
    if "@" not in authority:
        return url
    return f"{scheme}://***@{authority.rpartition('@')[2]}{rest[end:]}"
