"""Fetching feeds over http(s) with httpx, or from local files, with hard limits on size and time."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from newsflow.errors import FeedError
from producers.base import FeedSpec, FetchedFeed

__all__ = ["HttpFetcher"]

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5


class HttpFetcher:
    """Fetches http(s) URLs and local file paths.

    The body limit is enforced while streaming the decompressed bytes, so a gzip bomb stops at
    the limit rather than after it filled the memory.
    """

    def __init__(self, *, timeout_s: float, max_body_bytes: int, user_agent: str) -> None:
        self._max_body_bytes = max_body_bytes
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_s, connect=min(10.0, timeout_s)),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={"User-Agent": user_agent, "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.8"},
        )

    def close(self) -> None:
        self._client.close()

    def fetch(self, feed: FeedSpec) -> FetchedFeed:
        scheme = urlsplit(feed.url).scheme.lower()
        if scheme in ("http", "https"):
            return self._fetch_http(feed.url)
        if scheme in ("", "file"):
            return self._read_file(feed.url)
        raise FeedError(f"unsupported feed URL scheme {scheme!r}: {feed.url}", feed=feed.url)

    def _read_file(self, url: str) -> FetchedFeed:
        path = Path(url.removeprefix("file://"))
        try:
            size = path.stat().st_size
            if size > self._max_body_bytes:
                raise FeedError(f"feed file {path} is {size} bytes, over the {self._max_body_bytes} limit", feed=url)
            return FetchedFeed(url=str(path), body=path.read_bytes())
        except OSError as exc:
            raise FeedError(f"cannot read feed file {path}: {exc.strerror}", feed=url) from None

    def _fetch_http(self, url: str) -> FetchedFeed:
        try:
            with self._client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise FeedError(f"feed {url} answered HTTP {response.status_code}", feed=url, status=response.status_code)
                body = self._read_limited(response, url)
                return FetchedFeed(url=str(response.url), body=body, headers=dict(response.headers))
        except httpx.TooManyRedirects:
            raise FeedError(f"feed {url} redirected more than {MAX_REDIRECTS} times", feed=url) from None
        except httpx.TimeoutException:
            raise FeedError(f"feed {url} timed out", feed=url) from None
        except httpx.HTTPError as exc:
            raise FeedError(f"feed {url} is unreachable: {_describe(exc)}", feed=url) from None

    def _read_limited(self, response: httpx.Response, url: str) -> bytes:
        chunks: list[bytes] = []
        total = 0
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > self._max_body_bytes:
                raise FeedError(f"feed {url} is larger than the {self._max_body_bytes}-byte limit", feed=url)
            chunks.append(chunk)
        return b"".join(chunks)


def _describe(exc: httpx.HTTPError) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]
