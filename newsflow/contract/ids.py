"""Article identity: a stable hash of the canonical URL (docs/architecture.md, "Identity and versions")."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["article_id", "canonical_url"]

# Query parameters that only say where a click came from; the same article carries many of them.
_TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "_hsenc", "_hsmi", "mkt_tok"}
)
_TRACKING_PREFIXES = ("utm_",)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)])
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def _digest(text: str) -> str:
    # 128 bits of SHA-256: collision-free at any news volume, short enough for ids and keys.
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def article_id(*, link: str | None, feed_url: str, guid: str | None, content: str = "") -> str:
    """The id of an article: from its canonical link, else from its feed and GUID, else (as
    Miniflux does) from its feed and content, so an item without either is still not lost."""
    if link:
        return _digest(canonical_url(link))
    if guid:
        return _digest(f"{canonical_url(feed_url)}#{guid}")
    if content.strip():
        return _digest(f"{canonical_url(feed_url)}#content:{content.strip()}")
    raise ValueError("an item needs a link, a guid or some content to have an identity")
