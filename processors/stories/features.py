"""What story clustering knows of an article, and how alike an article and a story are.

Pure and storage-free, like processors/stories/neardup.py; the clusterer that uses them is
processors/stories/clustering.py.

- Features of an article (`story_features`, `features_from_draft`): its named entities with their
  salience, its key phrases, its topics and a hashed bag of its title and text terms (the title
  counts double), all small enough to travel in a state record (`StoryFeatures.to_json`).
- Vectors and similarity: an article is three sparse vectors (a story, the sum of its members').
  Their similarity is a weighted sum of three cosines, each with IDF weights from the articles in
  the window (so that "United States" or "government" count for little): entities
  (`ENTITY_WEIGHT`), key-phrase words (`KEYPHRASE_WEIGHT`) and terms (`TEXT_WEIGHT`). It is 0 when
  the texts share almost no words (`MIN_TEXT_SIMILARITY`): the same country or company named in
  two articles is no event in common.
"""

from __future__ import annotations

import base64
import heapq
import math
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, partial
from typing import Any

import numpy as np

from processors.keyphrases import stopwords_for

__all__ = [
    "ENTITY_WEIGHT",
    "KEYPHRASE_WEIGHT",
    "TEXT_WEIGHT",
    "StoryFeatures",
    "article_times",
    "features_from_draft",
    "story_features",
]

ENTITY_WEIGHT, KEYPHRASE_WEIGHT, TEXT_WEIGHT = 0.45, 0.15, 0.40
MIN_TEXT_SIMILARITY = 0.15  # shared names without shared words ("France" in two French articles) are no story
MAX_ENTITIES = 8  # per article, the most salient
MAX_TERMS = 32  # per article, the most frequent
HELD_FROM = 1000  # articles in a vocabulary before a batch is weighed on its counts as it began (Vocabulary.held)
TERM_BUCKETS = 1 << 20  # hashed terms: collisions are rare at this size and a bucket fits in 20 bits

_WORD = re.compile(r"[^\W\d_]{3,}")
_FALLBACK_LANGUAGE = "en"


# --- features ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryFeatures:
    """What a story needs to know of an article; compact in JSON (~600 bytes).

    Two times: `published`, the article's own date (never after its fetch, see `article_times`),
    which says whether two articles can be about one event; and `arrived`, its fetch time, the
    clock that closes stories (processors/stories/clustering.py). `undated`: the feed gave no date,
    so `published` is only the fetch time and says nothing of when the event was."""

    article_id: str
    published: datetime
    title: str = ""
    source: str = ""
    entities: tuple[tuple[str, str, float], ...] = ()  # (name, type, salience), most salient first
    keyphrases: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    terms: tuple[tuple[int, int], ...] = ()  # (bucket, count), most frequent first
    arrived: datetime | None = None  # None: records written before it was kept, when published stood for it
    undated: bool = False

    def __post_init__(self) -> None:
        if self.arrived is None:  # as in records written before it was kept: published stood for it
            object.__setattr__(self, "arrived", self.published)

    @property
    def arrival(self) -> datetime:
        """When the article came in: its fetch time (its published time in records that lack it)."""
        return self.arrived if self.arrived is not None else self.published

    def to_json(self) -> dict[str, Any]:
        # Terms as base64 of uint32 values: bucket (20 bits) << 8 | count (8 bits, capped when made).
        packed = np.array([(b << 8) | c for b, c in self.terms], dtype="<u4").tobytes()
        value = {"id": self.article_id, "published": self.published.isoformat(), "title": self.title,
                 "source": self.source, "entities": [list(e) for e in self.entities],
                 "keyphrases": list(self.keyphrases), "topics": list(self.topics),
                 "terms": base64.b64encode(packed).decode("ascii")}
        return value | _times_to_json(self.published, self.arrived, self.undated)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StoryFeatures:
        values = np.frombuffer(base64.b64decode(data.get("terms", "")), dtype="<u4")
        published, arrived, undated = _times_from_json(data)
        return cls(
            article_id=str(data["id"]),
            published=published,
            arrived=arrived,
            undated=undated,
            title=str(data.get("title", "")),
            source=str(data.get("source", "")),
            entities=tuple((str(n), str(t), float(s)) for n, t, s in data.get("entities", ())),
            keyphrases=tuple(str(k) for k in data.get("keyphrases", ())),
            topics=tuple(str(t) for t in data.get("topics", ())),
            terms=tuple((int(v) >> 8, int(v) & 0xFF) for v in values),
        )


def _times_to_json(published: datetime, arrived: datetime | None, undated: bool) -> dict[str, Any]:
    # Only what differs from the default: most articles arrive dated, and a record is kept per article.
    value: dict[str, Any] = {}
    if arrived is not None and arrived != published:
        value["arrived"] = arrived.isoformat()
    if undated:
        value["undated"] = True
    return value


def _times_from_json(data: Mapping[str, Any]) -> tuple[datetime, datetime | None, bool]:
    """(published, arrived, undated) of a JSON record; records older than these fields have
    only `published`, which then stands for the arrival too."""
    published = datetime.fromisoformat(data["published"])
    arrived = datetime.fromisoformat(data["arrived"]) if data.get("arrived") else None
    return published, arrived, bool(data.get("undated", False))


def article_times(draft: Any) -> tuple[datetime, datetime, bool]:
    """(published, arrived, undated) of an article on its way through the chain.

    `arrived` is the fetch time. `published` is the article's date, bounded by the fetch time (a
    date after it is wrong), or the fetch time when there is none. `undated` when the feed gave no
    date (`date_source` "fetched"): the fetch time stands in, and it is no date of the event: a
    backlog item without a date fetched today must not look like today's news."""
    fetched, published = draft.get("fetched_at"), draft.get("published")
    undated = published is None or draft.get("date_source") == "fetched"
    if published is None:
        published = fetched
    elif fetched is not None:
        published = min(published, fetched)
    return published, fetched if fetched is not None else published, undated


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


_LEADING_ARTICLE = re.compile(r"^(?:(?:the|le|la|les)\s+|l['’])", re.IGNORECASE)


def entity_key(name: str) -> str:
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
    return _stemmed([w for w in _WORD.findall(_fold(text)) if w not in stopwords])


def _stemmed(words: list[str]) -> list[str]:
    # Each distinct word stemmed once: an article of 700 words has ~300 (stemming was a third of the features' time).
    stems = {word: _stem(word) for word in set(words)}
    return [stems[word] for word in words]


def _bucket(term: str) -> int:
    # crc32, not hash(): Python's string hash differs between processes, and state is shared.
    return zlib.crc32(term.encode("utf-8")) % TERM_BUCKETS


def _stopwords(language: str | None) -> frozenset[str]:
    return stopwords_for((language or _FALLBACK_LANGUAGE).split("-")[0].lower()) or stopwords_for(_FALLBACK_LANGUAGE)


def _top_words(title: str, text: str, stopwords: frozenset[str]) -> list[tuple[str, int]]:
    """The `MAX_TERMS` most frequent content words (the title's count twice), with their counts;
    of equals, the first seen (a Counter keeps its words in that order, and the sort is stable)."""
    counts = Counter(_content_words(title, stopwords) * 2 + _content_words(text, stopwords))
    return [(word, counts[word]) for word in sorted(counts, key=lambda w: -counts[w])[:MAX_TERMS]]


def story_features(article_id: str, published: datetime, *, title: str = "", text: str = "", source: str = "",
                   entities: Iterable[Any] = (), keyphrases: Iterable[str] = (), topics: Iterable[str] = (),
                   language: str | None = None, arrived: datetime | None = None, undated: bool = False) -> StoryFeatures:
    """Features of an enriched article. `entities` are `newsflow.contract.schema.Entity` objects or
    (name, type, salience) tuples; `arrived` and `undated` as in `StoryFeatures`."""
    buckets: Counter[int] = Counter()
    for word, count in _top_words(title, text, _stopwords(language)):
        bucket = _bucket(word)
        buckets[bucket] = min(buckets[bucket] + count, 255)  # a count fits in a byte in JSON
    triples = [_entity_triple(e) for e in entities]
    triples.sort(key=lambda e: (-e[2], e[0]))
    return StoryFeatures(
        article_id=article_id, published=published, title=title, source=source,
        entities=tuple(triples[:MAX_ENTITIES]), keyphrases=tuple(keyphrases), topics=tuple(topics),
        terms=tuple(sorted(buckets.items(), key=lambda item: (-item[1], item[0]))),
        arrived=arrived, undated=undated,
    )


def _entity_triple(entity: Any) -> tuple[str, str, float]:
    if isinstance(entity, tuple):
        name, kind, salience = entity
    else:
        name, kind, salience = entity.name, entity.type, entity.salience
    return str(name), str(kind), round(float(salience), 2)


def features_from_draft(draft: Any) -> StoryFeatures:
    """Features of an article on its way through the chain (`processors.base.Draft`), once the
    entities, key phrases and topics steps have run. Its times are those of `article_times`."""
    published, arrived, undated = article_times(draft)
    return story_features(
        draft.get("id"), published, title=draft.get("title") or "",
        text=draft.get("text") or "", source=draft.get("source") or "", entities=draft.get("entities") or (),
        keyphrases=draft.get("keyphrases") or (), topics=draft.get("topics") or (),
        language=draft.get("detected_language"), arrived=arrived, undated=undated,
    )


# --- vectors and similarity -------------------------------------------------------------------------------------

VECTOR_KINDS = ("entities", "keyphrases", "terms")


@lru_cache(maxsize=8192)
def feature_vectors(features: StoryFeatures) -> dict[str, dict[Any, float]]:
    """The three sparse vectors of an article: entity name -> salience, key-phrase word -> count,
    term bucket -> 1 + log(count). Memoised (an article's vectors are asked for by every story
    it is compared with, and a story's members at every write): never change what it returns."""
    entities: dict[Any, float] = {}
    for name, _, salience in features.entities:
        key = entity_key(name)
        entities[key] = max(entities.get(key, 0.0), max(salience, 0.05))
    words: dict[Any, float] = {}
    for phrase in features.keyphrases:
        for word in set(_content_words(phrase, frozenset())):
            words[word] = words.get(word, 0.0) + 1.0
    terms = {bucket: 1.0 + math.log(count) for bucket, count in features.terms if count > 0}
    return {"entities": entities, "keyphrases": words, "terms": terms}


class Vocabulary:
    """Document frequencies over the articles that arrived in the window (duplicates excluded), for IDF weights."""

    def __init__(self, *, limit: int | None = None) -> None:
        self.documents = 0
        self.frequency: dict[str, Counter[Any]] = {kind: Counter() for kind in VECTOR_KINDS}
        self._by_time: list[tuple[datetime, int, Mapping[str, Mapping[Any, float]], str | None]] = []  # heap, for eviction
        # The articles counted (while in the vocabulary): a batch decided again after a failure
        # (the worker retries it) must not count its articles twice.
        self._counted: set[str] = set()
        self._added = 0  # a tie-breaker: vectors are not comparable
        # A worker's memory must not grow with the window (issue 18): beyond `limit` articles, the
        # earliest arrived leave. The IDF of a few thousand recent articles ranks words as well.
        self.limit = limit
        self._held: list[Callable[[], None]] | None = None  # what a held batch added and evicted, in order
        self._held_idf: SquaredIdf | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        """While a batch is decided: one set of IDF weights for the whole batch (the counts as it
        began), so that the weights and each story's norms are worked out once per batch instead
        of once per article (most of the clustering's time); what the batch adds and evicts is
        counted when it ends. Among thousands of articles a batch's own move the IDF by little;
        a vocabulary of fewer than `HELD_FROM` articles (a cold start) is not held: there the
        batch's first articles would all weigh every word alike (story F1 0.968 -> 0.930 on the
        tuning set, decided from an empty vocabulary)."""
        if self._held is not None or self.documents < HELD_FROM:
            yield
            return
        self._held = []
        try:
            yield
        finally:
            pending, self._held, self._held_idf = self._held, None, None
            for change in pending:
                change()

    @property
    def is_held(self) -> bool:
        """Whether the IDF weights stay as they are until the batch ends (`held`)."""
        return self._held is not None

    def add(self, vectors: Mapping[str, Mapping[Any, float]], arrived: datetime, article_id: str | None = None) -> None:
        """Count an article's words; an `article_id` counted already (and not evicted since) is not counted again."""
        if self._held is not None:
            self._held.append(partial(self.add, vectors, arrived, article_id))
            return
        if article_id is not None:
            if article_id in self._counted:
                return
            self._counted.add(article_id)
        self._count(vectors, 1)
        self._added += 1
        heapq.heappush(self._by_time, (arrived, self._added, vectors, article_id))
        while self.limit is not None and self.documents > self.limit:
            self._evict_earliest()

    def evict_before(self, cutoff: datetime) -> None:
        if self._held is not None:
            self._held.append(partial(self.evict_before, cutoff))
            return
        while self._by_time and self._by_time[0][0] < cutoff:
            self._evict_earliest()

    def _evict_earliest(self) -> None:
        _, _, vectors, article_id = heapq.heappop(self._by_time)
        self._count(vectors, -1)
        self._counted.discard(article_id)

    def _count(self, vectors: Mapping[str, Mapping[Any, float]], sign: int) -> None:
        self.documents += sign
        for kind in VECTOR_KINDS:
            frequency = self.frequency[kind]
            for key in vectors[kind]:
                frequency[key] += sign
                if frequency[key] <= 0:
                    del frequency[key]

    def idf(self, kind: str, key: Any) -> float:
        return math.log((self.documents + 1) / (self.frequency[kind].get(key, 0) + 1)) + 1.0

    def squared_idf(self) -> SquaredIdf:
        """IDF² by (kind, key), memoised while the counts stay as they are: for one decision, or
        for the whole batch while `held`."""
        if self._held is None:
            return SquaredIdf(self)
        if self._held_idf is None:
            self._held_idf = SquaredIdf(self)
        return self._held_idf


class SquaredIdf(dict):
    """IDF² by (kind, key) of one vocabulary, worked out as asked for (`Vocabulary.squared_idf`)."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        super().__init__()
        self._vocabulary = vocabulary

    def __missing__(self, kind_key: tuple[str, Any]) -> float:
        value = self[kind_key] = self._vocabulary.idf(*kind_key) ** 2
        return value


def vector_norms(vectors: Mapping[str, Mapping[Any, float]], idf2: SquaredIdf) -> dict[str, float]:
    """Each kind's IDF-weighted length: worked out once per article and story of a decision, not
    once per pair compared (a story's centroid holds hundreds of keys)."""
    return {kind: _norm(vectors[kind], kind, idf2) for kind in VECTOR_KINDS}


def _norm(vector: Mapping[Any, float], kind: str, idf2: SquaredIdf) -> float:
    return math.sqrt(sum(w * w * idf2[kind, k] for k, w in vector.items()))


def _cosine(a: Mapping[Any, float], b: Mapping[Any, float], kind: str, idf2: SquaredIdf, norm_a: float, norm_b: float) -> float:
    if not norm_a or not norm_b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    dot = sum(weight * large[key] * idf2[kind, key] for key, weight in small.items() if key in large)
    return dot / (norm_a * norm_b)


def weighted_similarity(a: Mapping[str, Mapping[Any, float]], b: Mapping[str, Mapping[Any, float]], idf2: SquaredIdf,
                        norms_a: Mapping[str, float] | None = None, norms_b: Mapping[str, float] | None = None) -> float:
    """Weighted entity, key-phrase and text cosines; 0 when the texts share (almost) no words.
    `norms_a`, `norms_b`: the sides' `vector_norms` under `idf2`, when the caller has them; a norm
    not given is worked out only for a cosine that is needed (none but the text's, for most pairs).

    When neither side has entities (a language without an NER model: German, Portuguese, Spanish
    pass the entities step with none), the other two weights are scaled to sum to 1: otherwise two
    reports of one event in such a language could never reach more than 0.55, and never join."""
    def cosine(kind: str) -> float:
        na = norms_a[kind] if norms_a is not None else _norm(a[kind], kind, idf2)
        nb = norms_b[kind] if norms_b is not None else _norm(b[kind], kind, idf2)
        return _cosine(a[kind], b[kind], kind, idf2, na, nb)

    text = cosine("terms")
    if text < MIN_TEXT_SIMILARITY:
        return 0.0
    keyphrases = KEYPHRASE_WEIGHT * cosine("keyphrases") + TEXT_WEIGHT * text
    if not a["entities"] and not b["entities"]:
        return keyphrases / (KEYPHRASE_WEIGHT + TEXT_WEIGHT)
    return ENTITY_WEIGHT * cosine("entities") + keyphrases
