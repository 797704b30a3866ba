"""One redaction for every URL and every message that reaches a log line, an error, a Kafka
message, the index or an API response.

A URL may carry credentials (``https://user:password@host/``) or a secret in its query
(``?token=...``, ``&api_key=...``): the Elasticsearch URL of the settings, a feed URL of the
registry, a redirect target, a WebSub callback. Whatever shows a URL shows `redact_url(url)`;
whatever shows free text that may quote one (an error message, a log line) shows
`redact_text(text)`. Both work on the text, not on a parse: a URL that no parser accepts must
still lose its password before it is shown. The root exception (`newsflow.errors`) and the log
configuration apply `redact_text`, so a message that forgot is still redacted.
"""

from __future__ import annotations

import re

__all__ = ["redact_text", "redact_url"]

MASK = "***"


def redact_url(url: str) -> str:
    """`url` without the credentials it may carry (``https://user:pass@host/?token=t`` ->
    ``https://***@host/?token=***``). A comma-separated list of URLs (Elasticsearch nodes) is
    redacted URL by URL: split only where a comma is followed by a scheme, so a comma inside a
    password does not cut the URL short."""
    parts = _URL_LIST_SEPARATOR.split(url)
    if len(parts) > 1:
        return ",".join(_redact_one(part) for part in parts)
    return _redact_one(url)


def redact_text(text: str) -> str:
    """`text` with every URL in it redacted (user, password, secret query values)."""
    if "://" not in text and "=" not in text:
        return text
    text = _USERINFO_IN_TEXT.sub(rf"\1{MASK}@", text)
    return _SECRET_QUERY_VALUE.sub(rf"\1{MASK}", text)


_URL_LIST_SEPARATOR = re.compile(r",(?=\s*[A-Za-z][A-Za-z0-9+.-]*://)")
# Query parameters whose value is a secret in URLs people configure: a WebSub callback's token,
# an API key or signature in a paid feed's URL.
_SECRET_QUERY_VALUE = re.compile(
    r"(?i)([?&;](?:[a-z0-9_.-]*(?:token|key|secret|password|passwd|pwd|auth|sig|signature|credential)[a-z0-9_.-]*)=)"
    r"[^&#\s\"'<>]*"
)
# A scheme, then an authority that holds an "@": everything before the last "@" is user info.
_USERINFO_IN_TEXT = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^\s/?#\"'<>]*@")


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
    if "@" in authority:
        url = f"{scheme}://{MASK}@{authority.rpartition('@')[2]}{rest[end:]}"
    return _SECRET_QUERY_VALUE.sub(rf"\1{MASK}", url)
