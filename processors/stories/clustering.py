"""Stories: articles about the same event, from any source, grouped incrementally.

Pure and storage-free, like processors/stories/neardup.py: a `StoryClusterer` is rebuilt from records (an
article's `StoryFeatures` plus the story it was put in) and either decides for a new article
(`decide`) or applies a decision another worker took (`record`).

- Features of an article (`story_features`): its named entities with their salience, its key
  phrases, its topics and a hashed bag of its title and text terms (the title counts double), all
  small enough to travel in a state record (`StoryFeatures.to_json`).
- A story keeps the sum of its members' vectors (bounded: the heaviest entries only). An article's
  similarity to a story is a weighted sum of three cosines, each with IDF weights from the
  articles in the window (so that "United States" or "government" count for little): entities
  (`ENTITY_WEIGHT`), key-phrase words (`KEYPHRASE_WEIGHT`) and terms (`TEXT_WEIGHT`). It is 0 when
  the texts share almost no words (`MIN_TEXT_SIMILARITY`): the same country or company named in two
  articles is no event in common. It shrinks as the story has been quiet (`SILENCE_DISCOUNT`): the
  same people and places two days after a story's last update are more often another event (an
  airline's takeover, then its pilots' strike) than when the story is still unfolding.
- A new article joins the most similar open story when the similarity reaches the threshold,
  otherwise it founds a story whose id derives from its own id (`story_id_for`). A story is open
  to articles published within `window` of its last update; stories not updated for `window`
  (against the latest published time seen) are closed and forgotten, which bounds the state.
- A duplicate (processors/stories/neardup.py) joins its original's story without a vote: it counts in the
  story's size and sources, but adds nothing to what the story is about (a syndicated copy is no
  new evidence).
- Candidate stories are found through an inverted index of entity names, key-phrase words and
  terms, so an article is compared with the few stories that share something with it.

The evaluation of `newsflow eval stories` (labelled JSONL, pairwise metrics) is at the end.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import math
import re
import unicodedata
import zlib
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from processors.keyphrases import stopwords_for

if TYPE_CHECKING:
    pass

__all__ = [
    "ENTITY_WEIGHT",
    "KEYPHRASE_WEIGHT",
    "TEXT_WEIGHT",
    "Story",
    "StoryClusterer",
    "StoryDecision",
    "StoryFeatures",
    "features_from_draft",
    "story_features",
    "story_id_for",
]

ENTITY_WEIGHT, KEYPHRASE_WEIGHT, TEXT_WEIGHT = 0.45, 0.15, 0.40
MIN_TEXT_SIMILARITY = 0.15  # shared names without shared words ("France" in two French articles) are no story
SILENCE_DISCOUNT = 0.5  # similarity x (1 - this x time since the story's last update / window)
MAX_ENTITIES = 8  # per article, the most salient
MAX_TERMS = 32  # per article, the most frequent
TERM_BUCKETS = 1 << 20  # hashed terms: collisions are rare at this size and a bucket fits in 20 bits
MAX_CENTROID = {"entities": 40, "keyphrases": 40, "terms": 150}  # per story, kept (up to twice as many between prunes)
MAX_CENTRAL = 50  # member articles a story keeps features of (the most central ones)
MAX_TRACKED = 500  # per story: the latest articles whose duplicates can still join it
DOCUMENT_ENTITIES, DOCUMENT_KEYPHRASES, DOCUMENT_TOPICS = 10, 8, 3
CANDIDATE_TERMS = 10  # an article's rarest terms that select candidate stories (with its entities, key phrases)
MAX_POSTING = 200  # a key shared by more open stories than this selects none of them
MAX_CANDIDATES = 30  # stories compared with each article at most, those sharing the most keys

_WORD = re.compile(r"[^\W\d_]{3,}")
_FALLBACK_LANGUAGE = "en"


# --- features ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryFeatures:
    """What a story needs to know of an article; compact in JSON (~600 bytes)."""

    article_id: str
    published: datetime
    title: str = ""
    source: str = ""
    entities: tuple[tuple[str, str, float], ...] = ()  # (name, type, salience), most salient first
    keyphrases: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    terms: tuple[tuple[int, int], ...] = ()  # (bucket, count), most frequent first

    def to_json(self) -> dict[str, Any]:
        # Terms as base64 of uint32 values: bucket (20 bits) << 8 | count (8 bits, capped when made).
        packed = np.array([(b << 8) | c for b, c in self.terms], dtype="<u4").tobytes()
        return {"id": self.article_id, "published": self.published.isoformat(), "title": self.title,
                "source": self.source, "entities": [list(e) for e in self.entities],
                "keyphrases": list(self.keyphrases), "topics": list(self.topics),
                "terms": base64.b64encode(packed).decode("ascii")}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StoryFeatures:
        values = np.frombuffer(base64.b64decode(data.get("terms", "")), dtype="<u4")
        return cls(
            article_id=str(data["id"]),
            published=datetime.fromisoformat(data["published"]),
            title=str(data.get("title", "")),
            source=str(data.get("source", "")),
            entities=tuple((str(n), str(t), float(s)) for n, t, s in data.get("entities", ())),
            keyphrases=tuple(str(k) for k in data.get("keyphrases", ())),
            topics=tuple(str(t) for t in data.get("topics", ())),
            terms=tuple((int(v) >> 8, int(v) & 0xFF) for v in values),
        )


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


_LEADING_ARTICLE = re.compile(r"^(?:(?:the|le|la|les)\s+|l['’])", re.IGNORECASE)


def _entity_key(name: str) -> str:
    # "The Information Commissioner's Office" and "Information Commissioner's Office" are one entity.
    return _LEADING_ARTICLE.sub("", _fold(name)).strip()


def _stem(word: str) -> str:
    # Plurals only: "talks"/"talk", "companies"/"company"; enough to match two wordings of one event.
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _content_words(text: str, stopwords: frozenset[str]) -> list[str]:
    return [_stem(w) for w in _WORD.findall(_fold(text)) if w not in stopwords]


def _bucket(term: str) -> int:
    # crc32, not hash(): Python's string hash differs between processes, and state is shared.
    return zlib.crc32(term.encode("utf-8")) % TERM_BUCKETS


def _stopwords(language: str | None) -> frozenset[str]:
    return stopwords_for((language or _FALLBACK_LANGUAGE).split("-")[0].lower()) or stopwords_for(_FALLBACK_LANGUAGE)


def story_features(article_id: str, published: datetime, *, title: str = "", text: str = "", source: str = "",
                   entities: Iterable[Any] = (), keyphrases: Iterable[str] = (), topics: Iterable[str] = (),
                   language: str | None = None) -> StoryFeatures:
    """Features of an enriched article. `entities` are `newsflow.contract.schema.Entity` objects or
    (name, type, salience) tuples."""
    stopwords = _stopwords(language)
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for position, word in enumerate(_content_words(title, stopwords) * 2 + _content_words(text, stopwords)):
        counts[word] += 1
        first.setdefault(word, position)
    top = sorted(counts, key=lambda w: (-counts[w], first[w]))[:MAX_TERMS]
    buckets: Counter[int] = Counter()
    for word in top:
        bucket = _bucket(word)
        buckets[bucket] = min(buckets[bucket] + counts[word], 255)  # a count fits in a byte in JSON
    triples = [_entity_triple(e) for e in entities]
    triples.sort(key=lambda e: (-e[2], e[0]))
    return StoryFeatures(
        article_id=article_id, published=published, title=title, source=source,
        entities=tuple(triples[:MAX_ENTITIES]), keyphrases=tuple(keyphrases), topics=tuple(topics),
        terms=tuple(sorted(buckets.items(), key=lambda item: (-item[1], item[0]))),
    )


def _entity_triple(entity: Any) -> tuple[str, str, float]:
    if isinstance(entity, tuple):
        name, kind, salience = entity
    else:
        name, kind, salience = entity.name, entity.type, entity.salience
    return str(name), str(kind), round(float(salience), 2)


# --- vectors and similarity -------------------------------------------------------------------------------------

_KINDS = ("entities", "keyphrases", "terms")


def _vectors(features: StoryFeatures) -> dict[str, dict[Any, float]]:
    """The three sparse vectors of an article: entity name -> salience, key-phrase word -> count,
    term bucket -> 1 + log(count)."""
    entities: dict[Any, float] = {}
    for name, _, salience in features.entities:
        key = _entity_key(name)
        entities[key] = max(entities.get(key, 0.0), max(salience, 0.05))
    words: dict[Any, float] = {}
    for phrase in features.keyphrases:
        for word in set(_content_words(phrase, frozenset())):
            words[word] = words.get(word, 0.0) + 1.0
    terms = {bucket: 1.0 + math.log(count) for bucket, count in features.terms if count > 0}
    return {"entities": entities, "keyphrases": words, "terms": terms}


class _Vocabulary:
    """Document frequencies over the articles in the window (duplicates excluded), for IDF weights."""

    def __init__(self) -> None:
        self.documents = 0
        self.frequency: dict[str, Counter[Any]] = {kind: Counter() for kind in _KINDS}
        self._by_time: list[tuple[datetime, int, Mapping[str, Mapping[Any, float]]]] = []  # heap, for eviction
        self._added = 0  # a tie-breaker: vectors are not comparable

    def add(self, vectors: Mapping[str, Mapping[Any, float]], published: datetime) -> None:
        self._count(vectors, 1)
        self._added += 1
        heapq.heappush(self._by_time, (published, self._added, vectors))

    def evict_before(self, cutoff: datetime) -> None:
        while self._by_time and self._by_time[0][0] < cutoff:
            self._count(heapq.heappop(self._by_time)[2], -1)

    def _count(self, vectors: Mapping[str, Mapping[Any, float]], sign: int) -> None:
        self.documents += sign
        for kind in _KINDS:
            frequency = self.frequency[kind]
            for key in vectors[kind]:
                frequency[key] += sign
                if frequency[key] <= 0:
                    del frequency[key]

    def idf(self, kind: str, key: Any) -> float:
        return math.log((self.documents + 1) / (self.frequency[kind].get(key, 0) + 1)) + 1.0

    def squared_idf(self) -> _SquaredIdf:
        """IDF² by (kind, key), memoised: for one decision, while the counts stay as they are."""
        return _SquaredIdf(self)


class _SquaredIdf(dict):
    def __init__(self, vocabulary: _Vocabulary) -> None:
        super().__init__()
        self._vocabulary = vocabulary

    def __missing__(self, kind_key: tuple[str, Any]) -> float:
        value = self[kind_key] = self._vocabulary.idf(*kind_key) ** 2
        return value


def _cosine(a: Mapping[Any, float], b: Mapping[Any, float], kind: str, idf2: _SquaredIdf) -> float:
    if not a or not b:
        return 0.0
    dot = sum(weight * b[key] * idf2[kind, key] for key, weight in a.items() if key in b)
    if dot == 0.0:
        return 0.0
    norm_a = math.sqrt(sum(w * w * idf2[kind, k] for k, w in a.items()))
    norm_b = math.sqrt(sum(w * w * idf2[kind, k] for k, w in b.items()))
    return dot / (norm_a * norm_b)


def _similarity(a: Mapping[str, Mapping[Any, float]], b: Mapping[str, Mapping[Any, float]], idf2: _SquaredIdf) -> float:
    """Weighted entity, key-phrase and text cosines; 0 when the texts share (almost) no words."""
    text = _cosine(a["terms"], b["terms"], "terms", idf2)
    if text < MIN_TEXT_SIMILARITY:
        return 0.0
    return (ENTITY_WEIGHT * _cosine(a["entities"], b["entities"], "entities", idf2)
            + KEYPHRASE_WEIGHT * _cosine(a["keyphrases"], b["keyphrases"], "keyphrases", idf2)
            + TEXT_WEIGHT * text)


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
    vocabulary: _Vocabulary = field(repr=False)
    size: int = 0
    centroid: dict[str, Counter[Any]] = field(default_factory=lambda: {kind: Counter() for kind in _KINDS}, repr=False)
    members: dict[str, StoryFeatures] = field(default_factory=dict, repr=False)  # the most central, bounded
    tracked: deque[str] = field(default_factory=lambda: deque(maxlen=MAX_TRACKED), repr=False)
    duplicates: list[str] = field(default_factory=list, repr=False)  # the latest few, for article_ids
    sources: set[str] = field(default_factory=set)
    entity_names: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)  # key -> (name, type)
    phrases: Counter[str] = field(default_factory=Counter, repr=False)
    topics: Counter[str] = field(default_factory=Counter, repr=False)

    def add(self, features: StoryFeatures, vectors: Mapping[str, Mapping[Any, float]] | None) -> None:
        """Count an article in; `vectors` None for a duplicate, which adds nothing to the centroid."""
        self.size += 1
        self.first_seen = min(self.first_seen, features.published)
        self.last_updated = max(self.last_updated, features.published)
        if features.source:
            self.sources.add(features.source)
        if vectors is None:
            self.duplicates.append(features.article_id)
            del self.duplicates[:-MAX_CENTRAL]
            return
        for kind in _KINDS:
            self.centroid[kind].update(vectors[kind])
            _prune(self.centroid[kind], MAX_CENTROID[kind])
        for name, kind, _ in features.entities:
            self.entity_names.setdefault(_entity_key(name), (name, kind))
        self.phrases.update(features.keyphrases)
        _prune(self.phrases, MAX_CENTROID["keyphrases"])
        self.topics.update(features.topics)
        self.members[features.article_id] = features
        if len(self.members) >= 2 * MAX_CENTRAL:  # ranked in bulk, so that a big story stays cheap to join
            for article_id in self.central_members()[MAX_CENTRAL:]:
                del self.members[article_id]

    def central_members(self) -> list[str]:
        """Member ids (of those kept), most central first: most similar to the story as a whole."""
        idf2 = self.vocabulary.squared_idf()
        scores = {a: _similarity(_vectors(f), self.centroid, idf2) for a, f in self.members.items()}
        return sorted(scores, key=lambda a: (-scores[a], self.members[a].published, a))

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

    def __init__(self, *, window: timedelta = timedelta(hours=72), threshold: float = 0.35) -> None:
        self.window = window
        self.threshold = threshold
        self._vocabulary = _Vocabulary()
        self._stories: dict[str, Story] = {}
        self._story_of: dict[str, str] = {}  # article -> story, for the tracked articles of open stories
        self._postings: dict[tuple[str, Any], set[str]] = {}  # (kind, key) -> stories
        self._posted: dict[str, set[tuple[str, Any]]] = {}  # story -> its postings, to remove them on close
        self._by_update: list[tuple[datetime, str]] = []  # heap, for closing
        self._latest: datetime | None = None

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
        vectors = _vectors(features)
        idf2 = self._vocabulary.squared_idf()
        best: tuple[str, float] | None = None
        for story_id in self._candidates(vectors):
            story = self._stories[story_id]
            if not self._open_to(story, features.published):
                continue
            score = _similarity(vectors, story.centroid, idf2) * self._freshness(story, features.published)
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
            story = self._stories[story_id] = Story(story_id, features.published, features.published, self._vocabulary)
            self._posted[story_id] = set()
        as_duplicate = duplicate_of is not None and self._story_of.get(duplicate_of) == story_id
        vectors = None if as_duplicate else _vectors(features)
        story.add(features, vectors)
        if vectors is not None:
            self._vocabulary.add(vectors, features.published)
            self._post(story_id, vectors)
        if len(story.tracked) == story.tracked.maxlen:
            self._story_of.pop(story.tracked[0], None)
        story.tracked.append(features.article_id)
        self._story_of[features.article_id] = story_id
        heapq.heappush(self._by_update, (story.last_updated, story_id))
        self._latest = features.published if self._latest is None else max(self._latest, features.published)
        self.close_before(self._latest - self.window)

    def close_before(self, cutoff: datetime) -> list[str]:
        """Close and forget the stories last updated before `cutoff` (and the articles published
        before it leave the IDF counts); returns the ids of the stories closed."""
        self._vocabulary.evict_before(cutoff)
        closed = []
        while self._by_update and self._by_update[0][0] < cutoff:
            updated, story_id = heapq.heappop(self._by_update)
            story = self._stories.get(story_id)
            if story is None or story.last_updated != updated:
                continue  # an older entry of a story updated since
            self._forget(story_id)
            closed.append(story_id)
        return closed

    def replay(self, records: Iterable[tuple[StoryFeatures, str, str | None]]) -> None:
        """Record (features, story_id, duplicate_of) in order: the state after a restart."""
        for features, story_id, duplicate_of in records:
            self.record(features, story_id, duplicate_of=duplicate_of)

    def _freshness(self, story: Story, published: datetime) -> float:
        """1 for an article published while the story is being updated, down to 1 - SILENCE_DISCOUNT
        after a window of silence: a story quiet for two days is less likely continued by an article
        sharing only part of it (the same airline, another event) than one still unfolding."""
        silence = max((published - story.last_updated) / self.window, 0.0)
        return 1.0 - SILENCE_DISCOUNT * min(silence, 1.0)

    def _open_to(self, story: Story, published: datetime) -> bool:
        return story.first_seen - self.window <= published <= story.last_updated + self.window

    def _candidates(self, vectors: Mapping[str, Mapping[Any, float]]) -> list[str]:
        """The open stories sharing the most distinctive keys with the article: its entities, key-phrase
        words and rarest terms; keys shared by many stories ("year", "police") select nothing."""
        terms = sorted(vectors["terms"], key=lambda k: (-self._vocabulary.idf("terms", k), k))[:CANDIDATE_TERMS]
        keys = [("entities", k) for k in vectors["entities"]] + [("keyphrases", k) for k in vectors["keyphrases"]]
        hits: Counter[str] = Counter()
        for posting in keys + [("terms", k) for k in terms]:
            stories = self._postings.get(posting, ())
            if len(stories) <= MAX_POSTING:
                hits.update(stories)
        return sorted(hits, key=lambda s: (-hits[s], s))[:MAX_CANDIDATES]

    def _post(self, story_id: str, vectors: Mapping[str, Mapping[Any, float]]) -> None:
        posted = self._posted[story_id]
        for kind in _KINDS:
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



def features_from_draft(draft: Any) -> StoryFeatures:
    """Features of an article on its way through the chain (`processors.base.Draft`), once the
    entities, key phrases and topics steps have run. Its time is the published time, else the fetch time."""
    return story_features(
        draft.get("id"), draft.get("published") or draft.get("fetched_at"), title=draft.get("title") or "",
        text=draft.get("text") or "", source=draft.get("source") or "", entities=draft.get("entities") or (),
        keyphrases=draft.get("keyphrases") or (), topics=draft.get("topics") or (),
        language=draft.get("detected_language"),
    )
