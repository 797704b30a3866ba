"""robots.txt handling (newsflow.net.robots): where the file lives, what a fetch of it means, the cache.

Pure: the fetch is a function the test hands in, so no server is needed. The extract step's own
tests (test_step_extract.py) cover robots.txt end to end against a local server.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from newsflow.errors import FeedError
from newsflow.net.response import FetchedFeed
from newsflow.net.robots import (
    RobotsCache,
    RobotsUnavailable,
    allows,
    load_robots,
    parse_robots,
    robots_origin,
    robots_url,
)

AGENT = "newsflow-test/1.0"


def answering(body: bytes, asked: list[str] | None = None) -> Callable[[str], FetchedFeed]:
    def fetch(url: str) -> FetchedFeed:
        if asked is not None:
            asked.append(url)
        return FetchedFeed(url=url, body=body)

    return fetch


def failing(reason: str, **fields: object) -> Callable[[str], FetchedFeed]:
    def fetch(url: str) -> FetchedFeed:
        raise FeedError(f"feed {url} failed", feed=url, reason=reason, **fields)

    return fetch


def test_robots_url_keeps_scheme_host_and_port_and_drops_credentials_path_and_query() -> None:
    assert robots_url("HTTPS://user:secret@Example.com/news/1?token=x#top") == "https://example.com/robots.txt"
    assert robots_url("http://example.com:8080/a") == "http://example.com:8080/robots.txt"
    assert robots_url("http://[::1]:8443/a") == "http://[::1]:8443/robots.txt"


def test_robots_origin_is_one_key_per_scheme_host_and_port() -> None:
    assert robots_origin("http://Example.com/a") == robots_origin("http://example.com:80/b") == "http://example.com:80"
    assert robots_origin("https://example.com/a") == "https://example.com:443"
    assert robots_origin("https://example.com/a") != robots_origin("http://example.com/a")


def test_load_robots_fetches_the_origins_file_and_parses_it() -> None:
    asked: list[str] = []
    rules = load_robots("https://u:p@example.com/news/1", answering(b"User-agent: *\nDisallow: /private/\n", asked))
    assert asked == ["https://example.com/robots.txt"]
    assert allows(rules, "https://example.com/news/1", AGENT)
    assert not allows(rules, "https://example.com/private/2", AGENT)


@pytest.mark.parametrize("status", [401, 403, 404, 410])
def test_a_4xx_means_no_robots_txt_and_everything_is_allowed(status: int) -> None:
    rules = load_robots("https://example.com/a", failing("http-error", status=status))
    assert rules is None and allows(rules, "https://example.com/anything", AGENT)


@pytest.mark.parametrize(
    ("reason", "fields"),
    [("http-error", {"status": 500}), ("rate-limited", {"status": 429}), ("timeout", {}), ("too-large", {})],
)
def test_any_other_failure_makes_the_rules_unavailable(reason: str, fields: dict[str, object]) -> None:
    with pytest.raises(RobotsUnavailable) as caught:
        load_robots("https://example.com/a", failing(reason, **fields))
    assert caught.value.error.fields["reason"] == reason


def test_what_the_fetch_raises_otherwise_goes_through() -> None:
    class GaveUp(Exception):
        pass

    def fetch(url: str) -> FetchedFeed:
        raise GaveUp

    with pytest.raises(GaveUp):
        load_robots("https://example.com/a", fetch)


def test_bytes_that_are_not_utf8_do_not_stop_the_parse() -> None:
    rules = parse_robots(b"# caf\xe9 \xff\xfe\nUser-agent: *\nDisallow: /x\n")
    assert not allows(rules, "https://example.com/x", AGENT)


def test_robots_cache_expires_and_stays_bounded() -> None:
    now = [0.0]
    cache = RobotsCache(ttl_s=10.0, max_origins=2, clock=lambda: now[0])
    loads: list[str] = []

    def loader(origin: str) -> Callable[[], None]:
        return lambda: loads.append(origin)

    for origin in ("http://a:80", "http://a:80", "http://b:80", "http://c:80"):
        cache.get(origin, loader(origin))
    assert loads == ["http://a:80", "http://b:80", "http://c:80"] and len(cache) == 2
    now[0] = 11.0
    cache.get("http://c:80", loader("http://c:80"))
    assert loads[-1] == "http://c:80" and len(loads) == 4

