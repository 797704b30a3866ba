"""The cache of what a worker read from the stories state: a value only at the version asked for,
bounded, the least recently used evicted first."""

from __future__ import annotations

from processors.stories.cache import VersionedCache


def test_a_value_is_given_only_at_its_version():
    cache: VersionedCache[str] = VersionedCache(10)
    cache.put("story-1", (4, 1), "as read at 4")
    assert cache.get("story-1", (4, 1)) == "as read at 4"
    assert cache.get("story-1", (5, 1)) is None  # changed since: to be read again
    assert cache.get("story-1", (4, 2)) is None  # another primary term: another history
    assert cache.get("story-2", (4, 1)) is None
    assert (cache.hits, cache.misses) == (1, 3)


def test_a_value_read_again_replaces_the_older_one():
    cache: VersionedCache[str] = VersionedCache(10)
    cache.put("story-1", (4, 1), "old")
    cache.put("story-1", (9, 1), "new")
    assert cache.get("story-1", (4, 1)) is None
    assert cache.get("story-1", (9, 1)) == "new"
    assert len(cache) == 1


def test_the_least_recently_used_leaves_first_beyond_the_limit():
    cache: VersionedCache[int] = VersionedCache(2)
    cache.put("a", 1, 1)
    cache.put("b", 1, 2)
    assert cache.get("a", 1) == 1  # used: "b" is now the least recently used
    cache.put("c", 1, 3)
    assert len(cache) == 2
    assert cache.get("b", 1) is None
    assert cache.get("a", 1) == 1
    assert cache.get("c", 1) == 3


def test_a_limit_of_zero_keeps_nothing():
    cache: VersionedCache[int] = VersionedCache(0)
    cache.put("a", 1, 1)
    assert len(cache) == 0
    assert cache.get("a", 1) is None
