"""Near-duplicate and story decisions for a batch, with the state in a shared `StateStore`.

What a worker keeps between batches is its vocabulary (document frequencies for IDF weights),
bounded by `processor.stories.vocabulary_articles`; everything else is read from the store for
the batch and written back (processors/stories/store.py says why and how concurrent workers
see each other). The rules are those of processors/stories/neardup.py and clustering.py, whose
pure parts decide here too:

- Duplicates: every article of the batch is claimed, then its candidates (same digest or an LSH
  band, arrived within the duplicates window) are read; it is compared only with those claimed
  before it, in claim order, so copies inside one batch are caught as well. An article already
  decided (redelivered, or a later version of it) gets its recorded decision again.
- Stories: a copy joins its original's story (waiting, up to `original_wait_s`, for a worker that
  is placing the original at this moment); other articles are compared with the stored stories
  that share the most keys with them, and join the best above the threshold or found their own.
  A story is written only if no other worker changed it since it was read; otherwise it is read
  again and the batch's articles are added to it again (adding is order-free). The stories are
  written before the articles' records: a batch retried in between (the worker died) places its
  articles again, and a story counts none of them twice (it keeps the ids it counted lately).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from newsflow.errors import ServiceUnavailable
from newsflow.settings import ProcessorSettings
from processors.stories.clustering import Story, StoryClusterer
from processors.stories.features import VECTOR_KINDS, StoryFeatures, Vocabulary, feature_vectors
from processors.stories.neardup import Candidate, Fingerprint, choose_original
from processors.stories.store import Decision, StateRecord, StateStore, StoredStory

__all__ = ["StoryDecider"]

log = logging.getLogger(__name__)

MAX_SAVE_ATTEMPTS = 5  # stories written again after a concurrent change; beyond, the batch is retried later
_WAIT_STEP_S = 0.05


@dataclass
class _Placing:
    """What placing one batch in stories works with, and only for that batch: a clusterer over
    the stories read for it, the version each was read at, those read for deciding only
    (`partial`), those closed while the batch went through, and the keys its articles can look
    stories up by (restored stories are indexed by those alone)."""

    clusterer: StoryClusterer
    keys: dict[str, set[Any]]
    versions: dict[str, Any] = field(default_factory=dict)
    partial: set[str] = field(default_factory=set)
    closed: dict[str, Story] = field(default_factory=dict)


@dataclass
class _Addition:
    features: StoryFeatures
    vectors: dict[str, dict[Any, float]] | None  # None for a copy: it adds nothing to what the story is about


class StoryDecider:
    """Decides for batches of one worker; safe to use from one thread at a time."""

    def __init__(self, store: StateStore, processor: ProcessorSettings) -> None:
        d, s = processor.duplicates, processor.stories
        self.store = store
        self._duplicates, self._stories = d, s
        self._dup_window = timedelta(days=d.window_days)
        self._story_window = timedelta(hours=s.window_hours)
        self.vocabulary = Vocabulary(limit=s.vocabulary_articles)
        self._latest: datetime | None = None  # the latest arrival seen: the clock of the windows
        self._batch: dict[str, StateRecord] = {}  # decided by the duplicates step, for the stories step

    def warm_up(self) -> int:
        """Fill the vocabulary with the latest articles of the store; returns how many."""
        features = self.store.recent_features(self.vocabulary.limit or 0)
        for f in reversed(features):  # oldest first, as they arrived
            self.vocabulary.add(feature_vectors(f), f.arrival, f.article_id)
        return len(features)

    @property
    def latest(self) -> datetime | None:
        """The latest arrival seen: the clock of the windows."""
        return self._latest

    def forget_batch(self) -> None:
        """After a failure: what the duplicates step left for the stories step is not to be trusted."""
        self._batch.clear()

    # --- duplicates ------------------------------------------------------------------------------------------------

    def decide_duplicates(self, fingerprints: Sequence[Fingerprint], *, save: bool = True) -> list[Decision]:
        """Duplicate decisions, in the batch's order. `save=False` when a stories step follows and
        writes the records with its own decisions (one write per article)."""
        self._clock(fp.arrival for fp in fingerprints)
        claims = self.store.claim([StateRecord(fp.article_id, fp.published, fp.arrival, fingerprint=fp) for fp in fingerprints])
        new = sorted((fp for fp in fingerprints if not claims[fp.article_id].record.checked),
                     key=lambda fp: claims[fp.article_id].seq)
        # A batch may span days (a backlog, a topic replayed): each article has its own window,
        # as when articles are decided one by one.
        since = min((fp.arrival for fp in new), default=self._latest) - self._dup_window
        found = self.store.duplicate_candidates(new, since, self._duplicates.max_candidates)
        decided: dict[str, StateRecord] = {}
        for fp in new:
            seq, opens = claims[fp.article_id].seq, fp.arrival - self._dup_window
            earlier = [c for c in found[fp.article_id] if c.seq < seq and c.record.arrived >= opens]
            decided[fp.article_id] = self._decide_copy(claims[fp.article_id].record, fp, [c.record for c in earlier], decided)
        if save:
            self.store.save_records(list(decided.values()))
        else:
            self._batch.update(decided)
        return [(decided.get(fp.article_id) or claims[fp.article_id].record).decision for fp in fingerprints]

    def _decide_copy(self, claim: StateRecord, fp: Fingerprint, earlier: list[StateRecord],
                     decided: dict[str, StateRecord]) -> StateRecord:
        def original(record: StateRecord) -> str:
            record = decided.get(record.article_id, record)  # decided in this batch
            return record.duplicate_of or record.article_id  # an undecided claim stands for itself

        candidates = [Candidate(r.fingerprint, original(r)) for r in earlier if r.fingerprint is not None]
        published = {r.article_id: r.published for r in earlier}
        match = choose_original(fp, candidates, published.get, jaccard_threshold=self._duplicates.jaccard_threshold,
                                containment_threshold=self._duplicates.containment_threshold)
        return replace(claim, fingerprint=fp, checked=True, duplicate_of=match.article_id if match else None,
                       similarity=match.similarity if match else None)

    # --- stories ---------------------------------------------------------------------------------------------------

    def decide_stories(self, batch: Sequence[tuple[StoryFeatures, str | None]]) -> tuple[list[Decision], list[Story]]:
        """Story decisions for (features, duplicate_of) in the batch's order, and the stories they
        changed (as written), whose documents the caller publishes. The batch is weighed with the
        IDF of the vocabulary as it began (`Vocabulary.held`)."""
        with self.vocabulary.held():
            return self._decide_stories(batch)

    def _decide_stories(self, batch: Sequence[tuple[StoryFeatures, str | None]]) -> tuple[list[Decision], list[Story]]:
        self._clock(f.arrival for f, _ in batch)
        records = self._records_of([f for f, _ in batch])
        todo = [(f, dup) for f, dup in batch if records[f.article_id].story_id is None]
        placing = self._placing([f for f, _ in todo])
        clusterer = placing.clusterer
        self._load_originals(placing, [dup for _, dup in todo if dup])
        self._load_candidates(placing, [f for f, dup in todo if dup is None or clusterer.story_of(dup) is None])
        additions: dict[str, list[_Addition]] = {}
        for features, duplicate_of in todo:
            as_copy = duplicate_of is not None and clusterer.story_of(duplicate_of) is not None
            decision = clusterer.decide(features, duplicate_of=duplicate_of)
            additions.setdefault(decision.story_id, []).append(_Addition(features, None if as_copy else feature_vectors(features)))
            records[features.article_id] = replace(records[features.article_id], features=features,
                                                   story_id=decision.story_id)
        stories = self._save_stories(placing, additions)
        self.store.save_records([records[f.article_id] for f, _ in todo])
        for f, _ in batch:
            self._batch.pop(f.article_id, None)
        stories += self._unchanged_stories(records, {f.article_id for f, _ in todo}, {s.id for s in stories})
        return [records[f.article_id].decision for f, _ in batch], stories

    def _records_of(self, features: list[StoryFeatures]) -> dict[str, StateRecord]:
        """Each article's record: from the duplicates step of this batch, the store, or a new claim
        (a chain without the duplicates step)."""
        records = {f.article_id: self._batch[f.article_id] for f in features if f.article_id in self._batch}
        missing = [f for f in features if f.article_id not in records]
        if missing:
            claims = self.store.claim([StateRecord(f.article_id, f.published, f.arrival, features=f) for f in missing])
            records |= {a: c.record for a, c in claims.items()}
        return records

    def _placing(self, features: list[StoryFeatures]) -> _Placing:
        closed: dict[str, Story] = {}
        clusterer = StoryClusterer(window=self._story_window, threshold=self._stories.threshold,
                                   vocabulary=self.vocabulary, on_close=lambda story: closed.setdefault(story.id, story))
        return _Placing(clusterer, self._selecting_keys(clusterer, features), closed=closed)

    def _selecting_keys(self, clusterer: StoryClusterer, features: list[StoryFeatures]) -> dict[str, set[Any]]:
        """Every key the batch's articles could select a story by: with the IDF held for the batch,
        their candidate keys (entities, key phrases, rarest terms: a few dozen each); otherwise,
        whatever the IDF at their turn, all their keys (hundreds each, every one indexed for each
        story read)."""
        keys: dict[str, set[Any]] = {kind: set() for kind in VECTOR_KINDS}
        for f in features:
            vectors = feature_vectors(f)
            if self.vocabulary.is_held:
                for kind, key in clusterer.candidate_keys(vectors):
                    keys[kind].add(key)
            else:
                for kind in VECTOR_KINDS:
                    keys[kind].update(vectors[kind])
        return keys

    def _restore(self, placing: _Placing, stored: StoredStory) -> None:
        story_id = stored.state["id"]
        if story_id not in placing.versions:
            placing.versions[story_id] = stored.version
            if stored.partial:
                placing.partial.add(story_id)
            placing.clusterer.restore(Story.from_state(stored.state, self.vocabulary), placing.keys)

    def _load_originals(self, placing: _Placing, originals: list[str]) -> None:
        """The stories of the originals the batch's copies copy, waiting a moment for those being
        placed by another worker right now (or in this batch: those are decided in order)."""
        wanted = [a for a in dict.fromkeys(originals) if a not in self._batch]
        deadline = time.monotonic() + self._stories.original_wait_s
        story_of: dict[str, str] = {}
        while True:
            records = self.store.records([a for a in wanted if a not in story_of])
            story_of |= {a: r.story_id for a, r in records.items() if r.story_id}
            waiting = [a for a in wanted if a not in story_of and a in records]  # claimed, not placed yet
            if not waiting or time.monotonic() >= deadline:
                break
            time.sleep(_WAIT_STEP_S)
        for stored in self.store.stories(set(story_of.values())).values():
            self._restore(placing, stored)
        for article_id, story_id in story_of.items():
            placing.clusterer.note_member(article_id, story_id)

    def _load_candidates(self, placing: _Placing, features: list[StoryFeatures]) -> None:
        keys = [[f"{kind}:{key}" for kind, key in placing.clusterer.candidate_keys(feature_vectors(f))] for f in features]
        if not keys:
            return
        # From the earliest article's window: the clusterer closes, article by article, what the
        # later ones no longer see.
        since = min(f.arrival for f in features) - self._story_window
        for answer in self.store.story_candidates(keys, since, self._stories.max_candidates):
            for stored in answer:
                self._restore(placing, stored)

    def _save_stories(self, placing: _Placing, additions: dict[str, list[_Addition]]) -> list[Story]:
        versions = placing.versions
        stories = {s: placing.clusterer.story(s) or placing.closed[s] for s in additions}
        # Decided on their centroids only: read whole now, and the batch's articles added to that.
        joined = set(stories) & placing.partial
        whole = self.store.stories(joined, versions={s: versions[s] for s in joined})
        stories |= {s: self._added_again(whole.get(s), stories[s], additions[s], versions) for s in whole}
        saved: list[Story] = []
        for _ in range(MAX_SAVE_ATTEMPTS):
            conflicts = self.store.save_stories([StoredStory(s.to_state(), versions.get(s.id)) for s in stories.values()])
            saved += [stories[s] for s in stories if s not in conflicts]
            if not conflicts:
                return saved
            log.info("stories changed by another worker meanwhile; added again stories=%d", len(conflicts))
            fresh = self.store.stories(conflicts)
            stories = {s: self._added_again(fresh.get(s), stories[s], additions[s], versions) for s in conflicts}
        raise ServiceUnavailable(f"{len(stories)} stories kept changing under this worker; the batch will be retried",
                                 service="elasticsearch")

    def _added_again(self, stored: StoredStory | None, mine: Story, added: list[_Addition], versions: dict[str, Any]) -> Story:
        if stored is None:  # founded meanwhile by nobody else: written as this worker has it
            versions[mine.id] = None
            return mine
        versions[mine.id] = stored.version
        story = Story.from_state(stored.state, self.vocabulary)
        for addition in added:
            story.add(addition.features, addition.vectors)
        return story

    def _unchanged_stories(self, records: dict[str, StateRecord], decided_now: set[str], changed: set[str]) -> list[Story]:
        """The stories of articles placed before (redelivered): published again, in case the
        earlier attempt stored them but never got them published."""
        ids = {r.story_id for a, r in records.items() if a not in decided_now and r.story_id} - changed
        return [Story.from_state(s.state, self.vocabulary) for s in self.store.stories(ids).values()]

    def _clock(self, arrivals: Any) -> None:
        latest = max(arrivals, default=None)
        if latest is not None and (self._latest is None or latest > self._latest):
            self._latest = latest
