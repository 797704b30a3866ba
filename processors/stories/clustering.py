"""Stories: articles about the same event, from any source, grouped incrementally.

Pure and storage-free, like processors/stories/neardup.py: a `StoryClusterer` is rebuilt from records (an
article's `StoryFeatures` plus the story it was put in) and either decides for a new article
(`decide`) or applies a decision another worker took (`record`). What it knows of an article and
how alike an article and a story are (weighted entity, key-phrase and text cosines with IDF
weights) is processors/stories/features.py.

- A story keeps the sum of its members' vectors (bounded: the heaviest entries only). An article's
  similarity to a story shrinks as the story has been quiet (`SILENCE_DISCOUNT`): the same people
  and places two days after a story's last update are more often another event (an airline's
  takeover, then its pilots' strike) than when the story is still unfolding.
- A new article joins the most similar open story when the similarity reaches the threshold,
  otherwise it founds a story whose id derives from its own id (`story_id_for`). A story is open
  to articles published within `window` of its dates (first_seen - window to last_updated + window).
- Two clocks. Whether an article and a story are of one time is told by publish dates; when a
  story closes, by arrival (fetch) times: a story no article arrived in for `window` (against the
  latest arrival seen) is closed and forgotten, which bounds the state by what came in lately.
  Publish dates cannot drive that: a backlog fetched today is dated weeks ago, and an undated item
  is dated by its fetch time, so a newest-published clock closed every backlog story at once.
- An undated article (`StoryFeatures.undated`: its time is only its fetch time) neither dates a
  story (first_seen and last_updated come from its dated members) nor is refused or discounted
  for its time: its time is unknown.
- A duplicate (processors/stories/neardup.py) joins its original's story without a vote: it counts in the
  story's size and sources, but adds nothing to what the story is about (a syndicated copy is no
  new evidence).
- Candidate stories are found through an inverted index of entity names, key-phrase words and
  terms, so an article is compared with the few stories that share something with it.

The evaluation of `newsflow eval stories` (labelled JSONL, pairwise metrics) is
processors/stories/evaluation.py.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from processors.stories.features import (
    VECTOR_KINDS,
    SquaredIdf,
    StoryFeatures,
    Vocabulary,
    entity_key,
    feature_vectors,
    vector_norms,
    weighted_similarity,
)

__all__ = ["Story", "StoryClusterer", "StoryDecision", "story_id_for"]

SILENCE_DISCOUNT = 0.5  # similarity x (1 - this x time since the story's last update / window)
MAX_CENTROID = {"entities": 40, "keyphrases": 40, "terms": 150}  # per story, kept (up to twice as many between prunes)
MAX_CENTRAL = 50  # member articles a story keeps features of (the most central ones)
MAX_TRACKED = 500  # per story: the latest articles whose duplicates can still join it
DOCUMENT_ENTITIES, DOCUMENT_KEYPHRASES, DOCUMENT_TOPICS = 10, 8, 3
CANDIDATE_TERMS = 10  # an article's rarest terms that select candidate stories (with its entities, key phrases)
MAX_POSTING = 200  # a key shared by more open stories than this selects none of them
MAX_CANDIDATES = 30  # stories compared with each article at most, those sharing the most keys
MAX_STORED_MEMBERS = 10  # member features a stored story keeps (it is read and written for every article joining)
MAX_SOURCES = 1000  # sources a stored story names (its source count stops there)
# The latest articles a stored story counted: a batch retried after its stories were written (the
# worker died before writing its articles' records) finds them there and counts none twice. A
# retry comes within a consumer session or two; no story gains this many articles meanwhile.
MAX_ADDED = 100


# --- stories ------------------------------------------------------------------------------------------------------


def story_id_for(founder_id: str) -> str:
    """The id of the story an article founds: derived from the article's id, the same in every worker."""
    return "story-" + hashlib.blake2b(founder_id.encode("utf-8"), digest_size=10).hexdigest()


@dataclass
class Story:
    """An open story: what it is about (the sum of its members' vectors) and what a reader sees."""

    id: str
    first_seen: datetime
    last_updated: datetime
    vocabulary: Vocabulary = field(repr=False)
    dated: bool = True  # first_seen and last_updated come from dated members (else from fetch times)
    last_arrival: datetime | None = None  # when its latest article came in: what closes it
    size: int = 0
    centroid: dict[str, Counter[Any]] = field(default_factory=lambda: {kind: Counter() for kind in VECTOR_KINDS}, repr=False)
    members: dict[str, StoryFeatures] = field(default_factory=dict, repr=False)  # the most central, bounded
    tracked: deque[str] = field(default_factory=lambda: deque(maxlen=MAX_TRACKED), repr=False)
    duplicates: list[str] = field(default_factory=list, repr=False)  # the latest few, for article_ids
    added: deque[str] = field(default_factory=lambda: deque(maxlen=MAX_ADDED), repr=False)  # counted lately
    sources: set[str] = field(default_factory=set)
    entity_names: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)  # key -> (name, type)
    phrases: Counter[str] = field(default_factory=Counter, repr=False)
    topics: Counter[str] = field(default_factory=Counter, repr=False)
    _central: tuple[tuple[int, int, int], list[str]] | None = field(default=None, repr=False, compare=False)
    _norms: tuple[Any, int, dict[str, float]] | None = field(default=None, repr=False, compare=False)

    def add(self, features: StoryFeatures, vectors: Mapping[str, Mapping[Any, float]] | None) -> None:
        """Count an article in; `vectors` None for a duplicate, which adds nothing to the centroid.
        An article counted lately is not counted again."""
        if features.article_id in self.added:
            return
        self.added.append(features.article_id)
        self.size += 1
        self._date(features)
        self.last_arrival = features.arrival if self.last_arrival is None else max(self.last_arrival, features.arrival)
        if features.source:
            self.sources.add(features.source)
        if vectors is None:
            self.duplicates.append(features.article_id)
            del self.duplicates[:-MAX_CENTRAL]
            return
        for kind in VECTOR_KINDS:
            self.centroid[kind].update(vectors[kind])
            _prune(self.centroid[kind], MAX_CENTROID[kind])
        for name, kind, _ in features.entities:
            self.entity_names.setdefault(entity_key(name), (name, kind))
        self.phrases.update(features.keyphrases)
        _prune(self.phrases, MAX_CENTROID["keyphrases"])
        self.topics.update(features.topics)
        self.members[features.article_id] = features
        if len(self.members) >= 2 * MAX_CENTRAL:  # ranked in bulk, so that a big story stays cheap to join
            for article_id in self.central_members()[MAX_CENTRAL:]:
                del self.members[article_id]

    def _date(self, features: StoryFeatures) -> None:
        """Widen first_seen/last_updated to the article's date. An undated article's time is its
        fetch time, which would move a story of last month to today: it dates the story only while
        no member has a date of its own."""
        if features.undated and self.dated:
            return
        if not features.undated and not self.dated:
            self.first_seen = self.last_updated = features.published
            self.dated = True
            return
        self.first_seen = min(self.first_seen, features.published)
        self.last_updated = max(self.last_updated, features.published)

    def central_members(self) -> list[str]:
        """Member ids (of those kept), most central first: most similar to the story as a whole.
        Asked for twice per write (its state, its document): worked out once while nothing changed."""
        key = (self.size, len(self.members), self.vocabulary.documents)
        if self._central is None or self._central[0] != key:
            idf2 = self.vocabulary.squared_idf()
            norms = self.norms(idf2)
            scores = {a: weighted_similarity(feature_vectors(f), self.centroid, idf2, norms_b=norms) for a, f in self.members.items()}
            self._central = (key, sorted(scores, key=lambda a: (-scores[a], self.members[a].published, a)))
        return list(self._central[1])

    def norms(self, idf2: SquaredIdf) -> dict[str, float]:
        """The centroid's `vector_norms` under `idf2`: the same for every article compared with the
        story while neither the IDF weights nor the story change."""
        if self._norms is None or self._norms[0] is not idf2 or self._norms[1] != self.size:
            self._norms = (idf2, self.size, vector_norms(self.centroid, idf2))
        return self._norms[2]

    def to_document(self) -> dict[str, Any]:
        """The story as indexed in its own Elasticsearch index."""
        central = self.central_members()
        title = self.members[central[0]].title if central else ""
        entity_weights = self.centroid["entities"]
        top_entities = sorted(entity_weights, key=lambda k: (-entity_weights[k], k))[:DOCUMENT_ENTITIES]
        return {
            "id": self.id,
            "title": title,
            "entities": [{"name": self.entity_names.get(k, (k, ""))[0], "type": self.entity_names.get(k, (k, ""))[1],
                          "weight": round(entity_weights[k], 3)} for k in top_entities],
            "topics": [t for t, _ in sorted(self.topics.items(), key=lambda i: (-i[1], i[0]))[:DOCUMENT_TOPICS]],
            "keyphrases": [p for p, _ in sorted(self.phrases.items(), key=lambda i: (-i[1], i[0]))[:DOCUMENT_KEYPHRASES]],
            "first_seen": self.first_seen.isoformat(),
            "last_updated": self.last_updated.isoformat(),
            "size": self.size,
            "article_ids": (central + self.duplicates)[:MAX_CENTRAL],
            "sources": len(self.sources),
        }


    # --- as kept in a state store (processors/stories/store.py) ------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        """Everything `from_state` needs to go on deciding with the story, JSON-ready and bounded:
        the centroid (pruned), the most central members (`MAX_STORED_MEMBERS`), the latest duplicates."""
        central = self.central_members()[:MAX_STORED_MEMBERS]
        entity_keys = set(self.centroid["entities"])
        return {
            "id": self.id, "first_seen": self.first_seen.isoformat(), "last_updated": self.last_updated.isoformat(),
            "dated": self.dated, "last_arrival": self.last_arrival.isoformat() if self.last_arrival else None,
            "size": self.size, "centroid": {kind: [[k, w] for k, w in self.centroid[kind].items()] for kind in VECTOR_KINDS},
            "members": [self.members[a].to_json() for a in central], "duplicates": list(self.duplicates),
            "added": list(self.added),
            "sources": sorted(self.sources)[:MAX_SOURCES],
            "entity_names": {k: list(v) for k, v in self.entity_names.items() if k in entity_keys},
            "phrases": dict(self.phrases), "topics": dict(self.topics),
        }

    @classmethod
    def from_state(cls, data: Mapping[str, Any], vocabulary: Vocabulary) -> Story:
        members = [StoryFeatures.from_json(m) for m in data.get("members", ())]
        last_arrival = data.get("last_arrival")
        return cls(
            id=str(data["id"]), first_seen=datetime.fromisoformat(data["first_seen"]),
            last_updated=datetime.fromisoformat(data["last_updated"]), vocabulary=vocabulary,
            dated=bool(data.get("dated", True)), last_arrival=datetime.fromisoformat(last_arrival) if last_arrival else None,
            size=int(data.get("size", 0)),
            centroid={kind: _centroid_from_state(kind, data["centroid"].get(kind, ())) for kind in VECTOR_KINDS},
            members={m.article_id: m for m in members}, duplicates=list(data.get("duplicates", ())),
            added=deque(data.get("added", ()), maxlen=MAX_ADDED),
            sources=set(data.get("sources", ())),
            entity_names={k: (v[0], v[1]) for k, v in data.get("entity_names", {}).items()},
            phrases=Counter(data.get("phrases", {})), topics=Counter(data.get("topics", {})),
        )


def _centroid_from_state(kind: str, entries: Any) -> Counter[Any]:
    """A centroid's [key, weight] pairs as stored: turned into a Counter by `dict` itself when they
    are as `to_state` writes them (a story read is parsed at every batch it is a candidate in);
    each pair converted when not (a term stored as a string, a weight as a string)."""
    try:
        counter = Counter(dict(entries))
    except (TypeError, ValueError):
        counter = None
    if counter is None or not all(type(w) is float for w in counter.values()) or (
            kind == "terms" and not all(type(k) is int for k in counter)):
        counter = Counter({(int(k) if kind == "terms" else k): float(w) for k, w in entries})
    return counter


def _prune(counter: Counter[Any], limit: int) -> None:
    # Pruned in bulk when twice over the limit, so that the sort is rare.
    if len(counter) > 2 * limit:
        keep = sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))[:limit]
        counter.clear()
        counter.update(dict(keep))


@dataclass(frozen=True)
class StoryDecision:
    story_id: str
    similarity: float  # to the story joined (1.0 for a duplicate, 0.0 for a new story)
    created: bool


class StoryClusterer:
    """Open stories of the window: decide for a new article, or record a decision taken elsewhere."""

    def __init__(self, *, window: timedelta = timedelta(hours=72), threshold: float = 0.38,
                 on_close: Callable[[Story], None] | None = None, vocabulary: Vocabulary | None = None) -> None:
        self.window = window
        self.threshold = threshold
        self._on_close = on_close  # told of each story as it closes (its last state may still be unpublished)
        # A worker's clusterer for one batch shares the worker's (bounded) vocabulary.
        self._vocabulary = vocabulary if vocabulary is not None else Vocabulary()
        self._stories: dict[str, Story] = {}
        self._story_of: dict[str, str] = {}  # article -> story, for the tracked articles of open stories
        self._postings: dict[tuple[str, Any], set[str]] = {}  # (kind, key) -> stories
        self._posted: dict[str, set[tuple[str, Any]]] = {}  # story -> its postings, to remove them on close
        self._by_arrival: list[tuple[datetime, str]] = []  # heap of (a story's last arrival, story), for closing
        self._latest: datetime | None = None  # the latest arrival seen: the clock of the window

    def __len__(self) -> int:
        return len(self._stories)

    def story(self, story_id: str) -> Story | None:
        return self._stories.get(story_id)

    def stories(self) -> list[Story]:
        return list(self._stories.values())

    def story_of(self, article_id: str) -> str | None:
        return self._story_of.get(article_id)

    def best_story(self, features: StoryFeatures) -> tuple[str, float] | None:
        """The most similar open story and its similarity (under the threshold too); None when no
        open story shares anything with the article. The state is unchanged."""
        vectors = feature_vectors(features)
        idf2 = self._vocabulary.squared_idf()
        norms = vector_norms(vectors, idf2)
        best: tuple[str, float] | None = None
        for story_id in self._candidates(vectors):
            story = self._stories[story_id]
            if not self._open_to(story, features):
                continue
            score = weighted_similarity(vectors, story.centroid, idf2, norms, story.norms(idf2)) * self._freshness(story, features)
            if best is None or score > best[1]:
                best = (story_id, score)
        return best

    def decide(self, features: StoryFeatures, *, duplicate_of: str | None = None) -> StoryDecision:
        """Put the article in a story (its original's, the best above the threshold, or a new one)."""
        known = self._story_of.get(features.article_id)
        if known is not None:
            return StoryDecision(known, 1.0, False)  # seen before (a new version): it stays where it is
        original = self._story_of.get(duplicate_of) if duplicate_of else None
        if original is not None:
            self.record(features, original, duplicate_of=duplicate_of)
            return StoryDecision(original, 1.0, False)
        best = self.best_story(features)
        if best is not None and best[1] >= self.threshold:
            self.record(features, best[0])
            return StoryDecision(best[0], round(best[1], 4), False)
        story_id = story_id_for(features.article_id)
        self.record(features, story_id)
        return StoryDecision(story_id, 0.0, True)

    def record(self, features: StoryFeatures, story_id: str, *, duplicate_of: str | None = None) -> None:
        """Add an article to a story with the decision already taken (here or by another worker);
        an unknown story is opened. A duplicate whose original's story is `story_id` adds nothing
        to what the story is about. Recording an article twice changes nothing."""
        if features.article_id in self._story_of:
            return
        story = self._stories.get(story_id)
        if story is None:
            story = self._stories[story_id] = Story(story_id, features.published, features.published, self._vocabulary,
                                                    dated=not features.undated)
            self._posted[story_id] = set()
        as_duplicate = duplicate_of is not None and self._story_of.get(duplicate_of) == story_id
        vectors = None if as_duplicate else feature_vectors(features)
        story.add(features, vectors)
        if vectors is not None:
            self._vocabulary.add(vectors, features.arrival, features.article_id)
            self._post(story_id, vectors)
        if len(story.tracked) == story.tracked.maxlen:
            self._story_of.pop(story.tracked[0], None)
        story.tracked.append(features.article_id)
        self._story_of[features.article_id] = story_id
        heapq.heappush(self._by_arrival, (story.last_arrival, story_id))
        self._latest = features.arrival if self._latest is None else max(self._latest, features.arrival)
        self.close_before(self._latest - self.window)

    def close_before(self, cutoff: datetime) -> list[str]:
        """Close and forget the stories no article arrived in since `cutoff` (and the articles that
        arrived before it leave the IDF counts); returns the ids of the stories closed. Each closed
        story is handed to `on_close` first, as it stood."""
        self._vocabulary.evict_before(cutoff)
        closed = []
        while self._by_arrival and self._by_arrival[0][0] < cutoff:
            arrival, story_id = heapq.heappop(self._by_arrival)
            story = self._stories.get(story_id)
            if story is None or story.last_arrival != arrival:
                continue  # an older entry of a story grown since
            if self._on_close is not None:
                self._on_close(story)
            self._forget(story_id)
            closed.append(story_id)
        return closed

    def replay(self, records: Iterable[tuple[StoryFeatures, str, str | None]]) -> None:
        """Record (features, story_id, duplicate_of) in order: the state after a restart."""
        for features, story_id, duplicate_of in records:
            self.record(features, story_id, duplicate_of=duplicate_of)

    def _freshness(self, story: Story, features: StoryFeatures) -> float:
        """1 for an article published while the story is being updated, down to 1 - SILENCE_DISCOUNT
        after a window of silence: a story quiet for two days is less likely continued by an article
        sharing only part of it (the same airline, another event) than one still unfolding. 1 when
        either time is unknown (an undated article, a story of undated articles)."""
        if features.undated or not story.dated:
            return 1.0
        silence = max((features.published - story.last_updated) / self.window, 0.0)
        return 1.0 - SILENCE_DISCOUNT * min(silence, 1.0)

    def _open_to(self, story: Story, features: StoryFeatures) -> bool:
        """Whether the article's date lies within the window of the story's dates: always, when
        either time is unknown."""
        if features.undated or not story.dated:
            return True
        return story.first_seen - self.window <= features.published <= story.last_updated + self.window

    def restore(self, story: Story, keys: Mapping[str, set[Any]] | None = None) -> None:
        """Open a story read from a state store, to decide with it (a story already open stays as it
        is). `keys`: by kind, the only keys the articles to decide can look candidates up by; the
        story's other keys are not indexed (a story's centroid holds hundreds)."""
        if story.id in self._stories:
            return
        self._stories[story.id] = story
        self._posted[story.id] = set()
        centroid = story.centroid if keys is None else {
            kind: dict.fromkeys(story.centroid[kind].keys() & keys.get(kind, set()), 1.0) for kind in VECTOR_KINDS}
        self._post(story.id, centroid)
        if story.last_arrival is not None:
            heapq.heappush(self._by_arrival, (story.last_arrival, story.id))

    def note_member(self, article_id: str, story_id: str) -> None:
        """An article of an open story, known from a state store: its duplicates join that story."""
        if story_id in self._stories:
            self._story_of[article_id] = story_id
            self._stories[story_id].tracked.append(article_id)

    def candidate_keys(self, vectors: Mapping[str, Mapping[Any, float]]) -> list[tuple[str, Any]]:
        """The keys that select candidate stories for an article: its entities, key-phrase words and
        rarest terms (by the vocabulary's IDF)."""
        terms = sorted(vectors["terms"], key=lambda k: (-self._vocabulary.idf("terms", k), k))[:CANDIDATE_TERMS]
        return ([("entities", k) for k in vectors["entities"]] + [("keyphrases", k) for k in vectors["keyphrases"]]
                + [("terms", k) for k in terms])

    def _candidates(self, vectors: Mapping[str, Mapping[Any, float]]) -> list[str]:
        """The open stories sharing the most distinctive keys with the article (`candidate_keys`);
        keys shared by many stories ("year", "police") select nothing."""
        hits: Counter[str] = Counter()
        for posting in self.candidate_keys(vectors):
            stories = self._postings.get(posting, ())
            if len(stories) <= MAX_POSTING:
                hits.update(stories)
        return sorted(hits, key=lambda s: (-hits[s], s))[:MAX_CANDIDATES]

    def _post(self, story_id: str, vectors: Mapping[str, Mapping[Any, float]]) -> None:
        posted = self._posted[story_id]
        for kind in VECTOR_KINDS:
            for key in vectors[kind]:
                self._postings.setdefault((kind, key), set()).add(story_id)
                posted.add((kind, key))

    def _forget(self, story_id: str) -> None:
        story = self._stories.pop(story_id)
        for posting in self._posted.pop(story_id):
            stories = self._postings[posting]
            stories.discard(story_id)
            if not stories:
                del self._postings[posting]
        for article_id in story.tracked:
            if self._story_of.get(article_id) == story_id:
                del self._story_of[article_id]
