"""A running producer follows its feed registry (producers/watch.py): changes are picked up, a
version that does not load is refused once and the feeds before it stay."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from producers.base import FeedSpec
from producers.registry import add_feed, remove_feed, update_feed
from producers.watch import RegistryWatch


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n  - url: https://a.example/rss\n  - url: https://b.example/rss\n")
    return path


def watch(path: Path) -> RegistryWatch:
    from producers.registry import load_registry

    return RegistryWatch(path, load_registry(path), settle_s=0)  # read at the first look (settling: below)


def touch_later(path: Path) -> None:
    """Another modification time, whatever the file system's clock granularity."""
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_an_unchanged_file_is_not_read_again(registry: Path):
    watcher = watch(registry)
    assert watcher.poll() is None
    touch_later(registry)  # rewritten with the same feeds: nothing to tell
    assert watcher.poll() is None


def test_feeds_added_removed_and_changed_are_told_once(registry: Path):
    watcher = watch(registry)
    add_feed(registry, FeedSpec(url="https://c.example/rss"))
    change = watcher.poll()
    assert change is not None and (change.added, change.removed, change.changed) == (1, 0, 0)
    assert [f.url for f in change.feeds] == ["https://a.example/rss", "https://b.example/rss", "https://c.example/rss"]
    assert watcher.poll() is None

    remove_feed(registry, "https://a.example/rss")
    update_feed(registry, "https://b.example/rss", enabled=False)
    touch_later(registry)
    change = watcher.poll()
    assert change is not None and (change.added, change.removed, change.changed) == (0, 1, 1)
    assert [(f.url, f.enabled) for f in change.feeds] == [("https://b.example/rss", False), ("https://c.example/rss", True)]
    assert change.summary() == "feeds registry reloaded feeds=2 added=0 removed=1 changed=1"


@pytest.mark.parametrize("broken", [
    "feeds: [https://a.example/rss\n",                        # not YAML
    "feeds:\n  - url: ftp://a.example/rss\n",                 # an entry the registry refuses
    "feeds:\n  - https://a.example/rss\n  - https://A.example/rss\n",  # the same feed twice
    "feeds: " + "[" * 50_000 + "]" * 50_000 + "\n",          # nested beyond the YAML parser's recursion
    None,                                                      # the file removed
])
def test_a_version_that_does_not_load_keeps_the_feeds_and_is_logged_once(registry: Path, broken, caplog):
    watcher = watch(registry)
    if broken is None:
        registry.unlink()
    else:
        registry.write_text(broken)
        touch_later(registry)
    with caplog.at_level(logging.ERROR, logger="producers.watch"):
        assert watcher.poll() is None
        assert watcher.poll() is None
    [record] = caplog.records
    assert "polling the 2 feeds loaded before" in record.getMessage()

    registry.write_text("feeds:\n  - url: https://a.example/rss\n")  # mended: taken at once
    touch_later(registry)
    change = watcher.poll()
    assert change is not None and [f.url for f in change.feeds] == ["https://a.example/rss"] and change.removed == 1


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_file_caught_half_written_is_read_once_it_has_settled(registry: Path):
    from producers.registry import load_registry

    clock = Clock()
    watcher = RegistryWatch(registry, load_registry(registry), settle_s=0.5, clock=clock)
    with registry.open("w", encoding="utf-8"):  # truncated in place, as an editor or a script writes
        touch_later(registry)
        assert watcher.poll() is None  # looked at while empty: not taken for "no feeds"
    registry.write_text("feeds:\n  - url: https://a.example/rss\n  - url: https://b.example/rss\n"
                        "  - url: https://c.example/rss\n")
    clock.now += 0.3
    assert watcher.poll() is None  # changed again since: still settling
    clock.now += 0.3
    assert watcher.poll() is None  # 0.3 s since its last change
    clock.now += 0.3
    change = watcher.poll()
    assert change is not None and (change.added, change.removed) == (1, 0)
    assert watcher.poll() is None
