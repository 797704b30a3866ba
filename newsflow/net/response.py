"""What one fetch returns: the body, the response headers, and the validators of the next fetch."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["FetchedFeed", "Validators"]


@dataclass(frozen=True)
class Validators:
    """What the last successful fetch returned, sent back so an unchanged feed costs a 304."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchedFeed:
    """The raw bytes of a feed and the response headers (lower-case names).

    `status` is 200 or 304 (not modified: `body` is empty). `permanent_redirect` is the URL a
    chain of only permanent redirects (301/308) ended at: the registry should move there.
    """

    url: str  # the URL finally fetched (after redirects)
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    status: int = 200
    permanent_redirect: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304
