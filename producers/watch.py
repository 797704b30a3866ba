"""A running producer follows its feed registry: `newsflow feeds add|remove|import-opml` (or an
edit by hand) reaches it within a tick, without a restart.

The file is looked at (one `stat`) at every turn of the producer's loop and read again only when
its signature (inode, size, modification time) changed and then stayed the same for `settle_s`.
`newsflow feeds` writes the registry atomically (a new file renamed over the old), but an edit by
hand or a script may truncate the file and write it in place: a look in between sees it empty,
which loads as "no feeds" and would drop them all (seen in CI). Waiting for the signature to
settle reads the finished file, a tick later.
A new version that does not load (invalid YAML, a bad entry, the file gone) changes nothing: the
feeds loaded before go on being polled, and the error is logged once per version, never raised.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsflow.errors import ConfigError
from producers.base import FeedSpec
from producers.registry import load_registry

__all__ = ["RegistryChange", "RegistryWatch"]

log = logging.getLogger(__name__)

SETTLE_S = 0.5  # a changed registry is read once it has not changed for this long


@dataclass(frozen=True)
class RegistryChange:
    """The feeds of a new version of the registry, and how they differ from those before (by id)."""

    feeds: tuple[FeedSpec, ...]
    added: int
    removed: int
    changed: int

    def summary(self) -> str:
        return (f"feeds registry reloaded feeds={len(self.feeds)} added={self.added} removed={self.removed} "
                f"changed={self.changed}")


class RegistryWatch:
    """Tells, when asked, whether the registry file now holds other feeds than `feeds`."""

    def __init__(self, path: Path, feeds: Sequence[FeedSpec], *, settle_s: float = SETTLE_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.path = Path(path)
        self._feeds = {f.id: f for f in feeds}
        self._signature = self._stat()
        self._refused: tuple[int, int, int] | None = None  # the version whose error was logged
        self._settle_s, self._clock = settle_s, clock
        self._changing: tuple[tuple[int, int, int], float] | None = None  # a new signature, and since when

    def poll(self) -> RegistryChange | None:
        """The new feeds when the file changed, settled and loads; None otherwise (unchanged,
        still changing, or refused)."""
        signature = self._stat()
        if signature == self._signature or signature == self._refused:
            self._changing = None
            return None
        now = self._clock()
        if self._changing is None or self._changing[0] != signature:
            self._changing = (signature, now)
        if now - self._changing[1] < self._settle_s:
            return None  # maybe half written: read when it has stayed so for a while
        self._changing = None
        try:
            feeds = load_registry(self.path)
        except (ConfigError, OSError) as exc:  # logged once: this version is not read again
            log.error("feeds registry changed but cannot be used; polling the %d feeds loaded before: %s",
                      len(self._feeds), exc)
            self._refused = signature
            return None
        self._signature, self._refused = signature, None
        before, after = self._feeds, {f.id: f for f in feeds}
        if after == before:
            return None  # rewritten, same feeds
        self._feeds = after
        return RegistryChange(
            feeds=tuple(feeds),
            added=len(after.keys() - before.keys()),
            removed=len(before.keys() - after.keys()),
            changed=sum(1 for key in after.keys() & before.keys() if after[key] != before[key]),
        )

    def _stat(self) -> tuple[int, int, int]:
        """(inode, size, mtime in ns); zeros when the file is missing (a version of its own)."""
        try:
            st = os.stat(self.path)
        except OSError:
            return (0, 0, 0)
        return (st.st_ino, st.st_size, st.st_mtime_ns)
