"""What a worker keeps of the stories state it read: parsed documents, each at the version read.

A batch's candidates are mostly the last batches' candidates again: in the scale benchmark four
in five candidate stories of a batch, and most candidate articles, were read in an earlier batch
at the same version (issue 18). Reading and parsing them again is most of the stories steps' time.
A `VersionedCache` keeps them, bounded by a setting (`processor.stories.cached_stories`,
`processor.duplicates.cached_articles`), not by the window.

It is never trusted blindly: a lookup names the version the store answers for the document now
(`_seq_no` and `_primary_term` of a search hit), and only an entry of that version is used. A
document another worker changed since is read again, so the cache cannot make a worker decide on
an old state; it only spares reading what did not change.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["VersionedCache"]

V = TypeVar("V")


class VersionedCache(Generic[V]):
    """At most `limit` values (0: none), the least recently used evicted first. Not thread-safe:
    its store is used by one thread at a time (processors/stories/state.py holds a lock)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._entries: OrderedDict[str, tuple[Hashable, V]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: str, version: Hashable) -> V | None:
        """The value kept for `key` if it is of `version`, else None."""
        entry = self._entries.get(key)
        if entry is None or entry[0] != version:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry[1]

    def put(self, key: str, version: Hashable, value: V) -> None:
        if self.limit <= 0:
            return
        self._entries[key] = (version, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.limit:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
