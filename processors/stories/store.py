"""Where the near-duplicate and story state lives: a store every worker of the group shares (issue 18).

A worker keeps no window in memory. Each batch asks the store for what it needs (the articles
that may be copied, the stories an article may join), decides, and writes its decisions back
before the step returns. So the state grows with the window in the store, which shards (an
Elasticsearch index, processors/stories/es_store.py), not in each worker; a worker starts without
replaying anything; and adding workers adds capacity, not copies.

`StateStore` is the contract, `MemoryStore` a store in one process's memory (the evaluation,
unit tests); `processors/stories/decider.py` is what decides with either.

Concurrent workers. Every article is first *claimed*: written to the store, undecided, before any
candidate is looked up. A claim gets a number (`Claim.seq`) that orders all claims of the store,
and an article is compared only with articles claimed before it. Two workers that receive the
same copy at once both claim, then both look up: whichever looks up second sees the other's
claim, so at least the later-claimed copy finds the earlier one, and the earlier never takes
the later for its original. Same text, same answer, whatever worker it reaches.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from processors.stories.features import StoryFeatures
from processors.stories.neardup import Fingerprint, band_keys

__all__ = ["WRITE_ONLY", "Claim", "Decision", "MemoryStore", "StateRecord", "StateStore", "StoredCandidate", "StoredStory"]

RECORD_VERSION = 2
# What deciding does not need of a story (its members' features: most of its bytes), which
# candidate stories are read without; a story joined is read whole before it is written.
WRITE_ONLY = ("members", "duplicates", "added", "sources", "entity_names", "phrases", "topics")


@dataclass(frozen=True)
class Decision:
    """What was decided for an article: the original it copies (and how closely), its story."""

    duplicate_of: str | None = None
    similarity: float | None = None
    story_id: str | None = None


@dataclass(frozen=True)
class StateRecord:
    """What the store keeps of an article: its fingerprint and story features (None when the chain
    has no such step) and the decisions taken for it (`checked`: the duplicates decision is taken;
    `story_id`: the story decision)."""

    article_id: str
    published: datetime
    arrived: datetime
    fingerprint: Fingerprint | None = None
    features: StoryFeatures | None = None
    checked: bool = False
    duplicate_of: str | None = None
    similarity: float | None = None
    story_id: str | None = None
    claimed: int | None = field(default=None, compare=False)  # its claim's number in the store (not in the record)

    @property
    def decision(self) -> Decision:
        return Decision(self.duplicate_of, self.similarity, self.story_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "v": RECORD_VERSION, "id": self.article_id, "published": self.published.isoformat(),
            "arrived": self.arrived.isoformat(), "checked": self.checked,
            "fingerprint": self.fingerprint.to_json() if self.fingerprint else None,
            "story": self.features.to_json() if self.features else None,
            "duplicate_of": self.duplicate_of, "similarity": self.similarity, "story_id": self.story_id,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StateRecord:
        """Parse a record; raises ValueError when it is not one (of this version)."""
        try:
            if data.get("v") != RECORD_VERSION:
                raise ValueError(f"state record version {data.get('v')!r}, expected {RECORD_VERSION}")
            similarity = data.get("similarity")
            return cls(
                article_id=str(data["id"]), published=datetime.fromisoformat(data["published"]),
                arrived=datetime.fromisoformat(data["arrived"]), checked=bool(data.get("checked")),
                fingerprint=Fingerprint.from_json(data["fingerprint"]) if data.get("fingerprint") else None,
                features=StoryFeatures.from_json(data["story"]) if data.get("story") else None,
                duplicate_of=data.get("duplicate_of"), similarity=None if similarity is None else float(similarity),
                story_id=data.get("story_id"),
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a stories state record: {type(exc).__name__}: {exc}") from None

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_json(), separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_bytes(cls, payload: bytes) -> StateRecord:
        try:
            data = json.loads(payload)
        except ValueError as exc:
            raise ValueError(f"not a stories state record: {exc}") from None
        return cls.from_json(data)


@dataclass(frozen=True)
class Claim:
    """An article's place in the store: `seq` orders it among all claims; `record` is what the
    store held for it (the new claim itself when it was unknown)."""

    seq: int
    record: StateRecord


@dataclass(frozen=True)
class StoredCandidate:
    """An article claimed in the window whose text may be copied, with its place and decision."""

    record: StateRecord
    seq: int


@dataclass(frozen=True)
class StoredStory:
    """A story as stored (`Story.to_state()`) and the version it was read at (None: new).
    `partial`: read for deciding only (its centroid and dates, not its members): a story joined
    is read whole before it is written."""

    state: dict[str, Any]
    version: Any = None
    partial: bool = False


class StateStore(Protocol):
    """What the decisions need from the shared state. Raises `ServiceUnavailable` when the store
    cannot answer: nothing is decided without it."""

    def claim(self, records: Sequence[StateRecord]) -> dict[str, Claim]:
        """Add the unknown articles (undecided), and give every article its claim."""

    def duplicate_candidates(self, fingerprints: Sequence[Fingerprint], since: datetime,
                             limit: int) -> dict[str, list[StoredCandidate]]:
        """Per article: the others that arrived since `since` sharing its text digest or an LSH band."""

    def records(self, article_ids: Iterable[str]) -> dict[str, StateRecord]:
        """What the store holds of these articles (the unknown ones are absent)."""

    def save_records(self, records: Sequence[StateRecord]) -> None:
        """Write decisions (an article's record replaced)."""

    def story_candidates(self, keys: Sequence[Sequence[str]], since: datetime, limit: int) -> list[list[StoredStory]]:
        """Per key list: the stories updated by an arrival since `since` sharing the most keys with it."""

    def stories(self, story_ids: Iterable[str], *, versions: Mapping[str, Any] | None = None) -> dict[str, StoredStory]:
        """The stored stories of these ids; `versions`: those at which the caller read them
        (as candidates), which a store may answer from what it holds of them at that version."""

    def save_stories(self, stories: Sequence[StoredStory]) -> set[str]:
        """Write stories, each only if still at the version it was read at; returns the ids that
        were not (another worker changed them meanwhile)."""

    def recent_features(self, limit: int) -> list[StoryFeatures]:
        """The story features of up to `limit` articles, the latest arrived first."""


class MemoryStore:
    """A `StateStore` in one process's memory: for the evaluation and for tests. It keeps
    everything (no window): sized for a labelled set, not for a stream."""

    def __init__(self) -> None:
        self._seq = 0
        self._articles: dict[str, tuple[int, StateRecord]] = {}
        self._by_key: dict[str, list[str]] = {}  # digest or band key -> articles
        self._stories: dict[str, tuple[dict[str, Any], int]] = {}
        self._story_keys: dict[str, set[str]] = {}  # key -> stories

    def claim(self, records: Sequence[StateRecord]) -> dict[str, Claim]:
        for record in records:
            if record.article_id not in self._articles:
                self._seq += 1
                self._articles[record.article_id] = (self._seq, replace(record, claimed=self._seq))
                self._index(record)
        return {r.article_id: Claim(*self._articles[r.article_id]) for r in records}

    def _index(self, record: StateRecord) -> None:
        if record.fingerprint is None:
            return
        for key in [record.fingerprint.digest, *band_keys(record.fingerprint)]:
            self._by_key.setdefault(key, []).append(record.article_id)

    def duplicate_candidates(self, fingerprints: Sequence[Fingerprint], since: datetime,
                             limit: int) -> dict[str, list[StoredCandidate]]:
        found = {}
        for fp in fingerprints:
            # As the Elasticsearch store ranks them: the same text first, then by LSH bands shared.
            shared = Counter(a for key in band_keys(fp) for a in self._by_key.get(key, ()))
            shared.update({a: 1000 for a in self._by_key.get(fp.digest, ())})
            shared.pop(fp.article_id, None)
            candidates = [StoredCandidate(self._articles[a][1], self._articles[a][0]) for a in shared]
            candidates = sorted((c for c in candidates if c.record.arrived >= since),
                                key=lambda c: (-shared[c.record.article_id], c.seq))[:limit]
            found[fp.article_id] = sorted(candidates, key=lambda c: c.seq)
        return found

    def records(self, article_ids: Iterable[str]) -> dict[str, StateRecord]:
        return {a: self._articles[a][1] for a in article_ids if a in self._articles}

    def save_records(self, records: Sequence[StateRecord]) -> None:
        for record in records:
            seq = self._articles[record.article_id][0] if record.article_id in self._articles else self._next()
            had_fingerprint = record.article_id in self._articles and self._articles[record.article_id][1].fingerprint
            self._articles[record.article_id] = (seq, replace(record, claimed=seq))
            if not had_fingerprint:
                self._index(record)

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def story_candidates(self, keys: Sequence[Sequence[str]], since: datetime, limit: int) -> list[list[StoredStory]]:
        answers = []
        for wanted in keys:
            hits = Counter(s for key in wanted for s in self._story_keys.get(key, ()))
            open_ = [s for s in hits if datetime.fromisoformat(self._stories[s][0]["last_arrival"]) >= since]
            best = sorted(open_, key=lambda s: (-hits[s], s))[:limit]
            # As the Elasticsearch store answers: for deciding only, without the members.
            answers.append([StoredStory({k: v for k, v in self._stories[s][0].items() if k not in WRITE_ONLY},
                                        self._stories[s][1], partial=True) for s in best])
        return answers

    def stories(self, story_ids: Iterable[str], *, versions: Mapping[str, Any] | None = None) -> dict[str, StoredStory]:
        return {s: StoredStory(*self._stories[s]) for s in story_ids if s in self._stories}

    def save_stories(self, stories: Sequence[StoredStory]) -> set[str]:
        conflicts = set()
        for story in stories:
            story_id = story.state["id"]
            current = self._stories.get(story_id)
            if (current[1] if current else None) != story.version:
                conflicts.add(story_id)
                continue
            self._stories[story_id] = (story.state, (current[1] if current else 0) + 1)
            for key in story_keys(story.state):
                self._story_keys.setdefault(key, set()).add(story_id)
        return conflicts

    def recent_features(self, limit: int) -> list[StoryFeatures]:
        latest = sorted(self._articles.values(), key=lambda item: item[1].arrived, reverse=True)
        return [r.features for _, r in latest if r.features is not None][:limit]


def story_keys(state: Mapping[str, Any]) -> list[str]:
    """The keys that select a stored story: "kind:key" for every key of its centroid."""
    return [f"{kind}:{key}" for kind, entries in state["centroid"].items() for key, _ in entries]
