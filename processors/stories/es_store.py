"""The stories state in Elasticsearch: the `StateStore` the processors share (processors/stories/store.py).

One document per article (`kind` article, `_id` its id) and per story (`kind` story, `_id` the
story id) in `elasticsearch.stories_state_index` (mapping: newsflow/index/indices.py
`stories_state_mappings`). An article's digest and its 64 LSH band keys, and a story's centroid
keys, are keywords in `keys`: candidates are a `terms` lookup, never a scan. The rest of a
document (fingerprint, features, decisions; a story's centroid and members) is one object kept
but not indexed (`record`).

Claims and their order. `claim` creates the undecided documents (`create`: an article claimed
before keeps its claim) and refreshes the shard before it returns, so a lookup made after it sees
them. The index has one shard, whose sequence numbers (`_seq_no`) order all writes: an article's
claim number is its document's `_seq_no` at creation, kept in `claimed` when its decision is
written (which gives the document a new `_seq_no`).

Stories are written with `if_seq_no`/`if_primary_term`: a story another worker changed since it
was read is refused (409) and reported as a conflict, for the decider to add its articles again.

Candidates are searched without their source: each hit's version (`_seq_no`, `_primary_term`)
tells whether the worker holds it parsed already (processors/stories/cache.py), and only the
others are read (one mget). A worker holds what it wrote itself (claims, decisions, stories) at
the version the write answered, so its own recent articles are never read back.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import orjson
from elasticsearch import ApiError, Elasticsearch
from prometheus_client import REGISTRY

from newsflow.errors import ServiceUnavailable
from newsflow.index.indices import TRANSIENT_ERRORS
from newsflow.runtime.metrics import STORIES_STATE_READS
from processors.stories.cache import VersionedCache
from processors.stories.features import StoryFeatures
from processors.stories.neardup import Fingerprint, band_keys
from processors.stories.store import WRITE_ONLY, Claim, StateRecord, StoredCandidate, StoredStory, story_keys

__all__ = ["ElasticsearchStore", "candidate_reads"]

log = logging.getLogger(__name__)

_PAGE = 5000  # documents per page when reading the latest articles
_MAX_HITS = 5000  # candidates one batch's lookup reads at most (limit x batch size, up to this)


def article_keys(fp: Fingerprint | None) -> list[str]:
    return [] if fp is None else [f"d:{fp.digest}", *(f"b:{k}" for k in band_keys(fp))]


class ElasticsearchStore:
    """A `StateStore` on one Elasticsearch index. Each call is one request (bulk, mget or search),
    except the candidate lookups: a search, then one mget of what the worker does not hold (and,
    for stories, a second search when more match than may be read)."""

    def __init__(self, client: Elasticsearch, index: str, *, cached_articles: int = 0, cached_stories: int = 0) -> None:
        self._client = client
        self.index = index
        # (claim number, record, keys) of candidate articles; (state, whole) of stories: partial as
        # read for deciding, whole as this worker wrote it or read it to write it. A state is kept
        # as JSON bytes: thousands of centroids as Python lists made each full garbage collection
        # walk half a million of them (~0.1 s each), and each reader gets a state of its own.
        self.cached_articles: VersionedCache[tuple[int, StateRecord, frozenset[str]]] = VersionedCache(cached_articles)
        self.cached_stories: VersionedCache[tuple[bytes, bool]] = VersionedCache(cached_stories)

    # --- articles ------------------------------------------------------------------------------------------------

    def claim(self, records: Sequence[StateRecord]) -> dict[str, Claim]:
        records = list({r.article_id: r for r in records}.values())
        if not records:
            return {}
        docs = [self._article_doc(record) for record in records]
        operations: list[dict[str, Any]] = []
        for record, doc in zip(records, docs, strict=True):
            operations += [{"create": {"_index": self.index, "_id": record.article_id}}, doc]
        items = self._call(lambda: self._client.bulk(operations=operations, refresh="true"))["items"]
        claims, taken = {}, []
        for record, doc, item in zip(records, docs, items, strict=True):
            result = item["create"]
            if result.get("status") == 409:
                taken.append(record.article_id)  # claimed before: its claim stands
            elif "error" in result:
                raise _failed("claim", result["error"])
            else:
                claims[record.article_id] = Claim(result["_seq_no"], replace(record, claimed=result["_seq_no"]))
                self._remember_article(claims[record.article_id].record, doc["keys"], result)
        for article_id, (seq, record) in self._get_articles(taken).items():
            claims[article_id] = Claim(seq, record)
        return claims

    def duplicate_candidates(self, fingerprints: Sequence[Fingerprint], since: datetime,
                             limit: int) -> dict[str, list[StoredCandidate]]:
        """One search for the whole batch (the union of its keys), each hit ranked for each article
        by the keys they share (the same text first, then the most LSH bands): a search per article
        would cost Elasticsearch's fixed cost of a search for every article."""
        wanted = {fp.article_id: article_keys(fp) for fp in fingerprints}
        union = list(dict.fromkeys(k for keys in wanted.values() for k in keys))
        if not union:
            return {fp.article_id: [] for fp in fingerprints}
        query = {"bool": {"filter": [{"term": {"kind": "article"}}, {"terms": {"keys": union}},
                                     {"range": {"arrived": {"gte": since.isoformat()}}}]}}
        hits = self._search(query, size=min(_MAX_HITS, limit * len(fingerprints)), sort=[{"claimed": "asc"}], source=False)
        stored = self._candidate_articles(hits)
        holders: dict[str, list[str]] = {}  # key -> the candidates that have it, of the keys wanted
        wanted_any = frozenset(union)
        for article_id, (_, _, keys) in stored.items():
            for key in keys & wanted_any:
                holders.setdefault(key, []).append(article_id)
        found = {}
        for fp in fingerprints:
            shared = Counter(a for key in wanted[fp.article_id] for a in holders.get(key, ()))
            shared.update(dict.fromkeys(holders.get(f"d:{fp.digest}", ()), 1000))  # the same text first
            shared.pop(fp.article_id, None)
            best = sorted(shared, key=lambda a: (-shared[a], stored[a][0]))[:limit]
            found[fp.article_id] = sorted((StoredCandidate(stored[a][1], stored[a][0]) for a in best), key=lambda c: c.seq)
        return found

    def _candidate_articles(self, hits: list[dict[str, Any]]) -> dict[str, tuple[int, StateRecord, frozenset[str]]]:
        """(claim number, record, keys) of each hit: kept from an earlier batch if unchanged, else read."""
        found, missing = {}, []
        for hit in hits:
            entry = self.cached_articles.get(hit["_id"], _version(hit))
            if entry is None:
                missing.append(hit["_id"])
            else:
                found[hit["_id"]] = entry
        _count_reads("article", cached=len(found), read=len(missing))
        if missing:
            docs = self._call(lambda: self._client.mget(index=self.index, ids=missing, source_includes=_CANDIDATE_SOURCE))["docs"]
            for doc in docs:
                if doc.get("found"):  # else deleted meanwhile (it left the window)
                    seq, record = self._parse_article(doc)
                    entry = (seq, record, frozenset(article_keys(record.fingerprint)))
                    self.cached_articles.put(doc["_id"], _version(doc), entry)
                    found[doc["_id"]] = entry
        return found

    def records(self, article_ids: Iterable[str]) -> dict[str, StateRecord]:
        return {a: r for a, (_, r) in self._get_articles(list(article_ids)).items()}

    def save_records(self, records: Sequence[StateRecord]) -> None:
        if not records:
            return
        docs = [self._article_doc(record) for record in records]
        operations: list[dict[str, Any]] = []
        for record, doc in zip(records, docs, strict=True):
            operations += [{"index": {"_index": self.index, "_id": record.article_id}}, doc]
        items = self._bulk(operations, "save decisions")
        for record, doc, item in zip(records, docs, items, strict=True):
            self._remember_article(record, doc["keys"], item["index"])

    def _remember_article(self, record: StateRecord, keys: list[str], written: dict[str, Any]) -> None:
        """Keep what this worker just wrote, at the version written, as a candidate read would
        have parsed it: the next batches' candidates are mostly this worker's last articles, which
        were read again for every batch (their decision had given them a new version)."""
        if record.claimed is not None and record.fingerprint is not None:  # without one it is never a candidate
            candidate = replace(record, features=None)  # a candidate read leaves the story features out
            # `keys`: those of the document written (`article_keys`), worked out once.
            self.cached_articles.put(record.article_id, _version(written), (record.claimed, candidate, frozenset(keys)))

    def recent_features(self, limit: int) -> list[StoryFeatures]:
        """Paged by `search_after`: the latest `limit` articles placed in a story, newest first."""
        features: list[StoryFeatures] = []
        after: list[Any] | None = None
        while len(features) < limit:
            body: dict[str, Any] = {
                "query": {"bool": {"filter": [{"term": {"kind": "article"}}, {"exists": {"field": "story_id"}}]}},
                "size": min(_PAGE, limit - len(features)), "sort": [{"arrived": "desc"}, {"claimed": "desc"}],
                "_source": ["record.story"],
            }
            if after is not None:
                body["search_after"] = after
            hits = self._call(lambda body=body: self._client.search(index=self.index, **body))["hits"]["hits"]
            features += [StoryFeatures.from_json(h["_source"]["record"]["story"]) for h in hits
                         if (h["_source"].get("record") or {}).get("story")]
            if len(hits) < body["size"]:
                break
            after = hits[-1]["sort"]
        return features[:limit]

    def expire(self, before: datetime, *, pages: int = 10) -> int:
        """Delete what arrived before `before`, a page of ids at a time (search, then bulk delete:
        delete-by-query is a module the local distribution lacks); returns how many were deleted.
        At most `pages` pages per call: the rest goes at the next call."""
        deleted = 0
        query = {"range": {"arrived": {"lt": before.isoformat()}}}
        for _ in range(pages):
            hits = self._search(query, size=_PAGE, sort=[{"arrived": "asc"}], source=False)
            if not hits:
                break
            self._bulk([{"delete": {"_index": self.index, "_id": hit["_id"]}} for hit in hits], "delete what left the window")
            deleted += len(hits)
            if len(hits) < _PAGE:
                break
        return deleted

    def _article_doc(self, record: StateRecord) -> dict[str, Any]:
        doc: dict[str, Any] = {"kind": "article", "keys": article_keys(record.fingerprint),
                               "arrived": record.arrived.isoformat(), "record": record.to_json()}
        if record.story_id:
            doc["story_id"] = record.story_id
        if record.claimed is not None:
            doc["claimed"] = record.claimed
        return doc

    def _get_articles(self, article_ids: list[str]) -> dict[str, tuple[int, StateRecord]]:
        if not article_ids:
            return {}
        docs = self._call(lambda: self._client.mget(index=self.index, ids=article_ids))["docs"]
        return {doc["_id"]: self._parse_article(doc) for doc in docs if doc.get("found")}

    @staticmethod
    def _parse_article(hit: dict[str, Any]) -> tuple[int, StateRecord]:
        source = hit["_source"]
        seq = source.get("claimed", hit.get("_seq_no"))  # an undecided claim: its own _seq_no is its number
        return seq, replace(StateRecord.from_json(source["record"]), claimed=seq)

    # --- stories -------------------------------------------------------------------------------------------------

    def story_candidates(self, keys: Sequence[Sequence[str]], since: datetime, limit: int) -> list[list[StoredStory]]:
        """The open stories sharing any of the batch's keys, each with its keys, so they are ranked
        for each article here, then read once each (those the worker does not hold at that version).

        First a filter for them all: most batches match fewer stories than they may read (`limit`
        per article), and then it finds the same stories at a third of the cost of ranking them in
        Elasticsearch. Only when more match is the search repeated, the most shared keys first (a
        disjunction scored over every key; named clauses, `matched_queries`, would cost a third
        more again than reading each story's keys)."""
        union = list(dict.fromkeys(k for wanted in keys for k in wanted))
        if not union:
            return [[] for _ in keys]
        size = min(_MAX_HITS, limit * len(keys))
        in_window = [{"term": {"kind": "story"}}, {"range": {"arrived": {"gte": since.isoformat()}}}]
        answer = self._call(lambda: self._client.search(
            index=self.index, query={"bool": {"filter": [*in_window, {"terms": {"keys": union}}]}}, size=size,
            _source=["keys"], seq_no_primary_term=True, track_total_hits=size + 1))
        hits = answer["hits"]["hits"]
        if answer["hits"]["total"]["value"] > size:
            should = [{"constant_score": {"filter": {"term": {"keys": key}}}} for key in union]
            hits = self._search({"bool": {"filter": in_window, "should": should, "minimum_should_match": 1}}, size=size,
                                sort=[{"_score": "desc"}, {"story_id": "asc"}], source=["keys"])
        versions = {hit["_id"]: _version(hit) for hit in hits}
        wanted_any = frozenset(union)
        matched = [(hit["_id"], wanted_any.intersection(hit["_source"].get("keys", ()))) for hit in hits]
        ranked = []
        for wanted in keys:
            mine = set(wanted)
            shared = {story_id: len(mine & theirs) for story_id, theirs in matched if mine & theirs}
            ranked.append(sorted(shared, key=lambda story_id: (-shared[story_id], story_id))[:limit])
        stories = self._candidate_stories({s: versions[s] for ids in ranked for s in ids})
        return [[stories[s] for s in ids if s in stories] for ids in ranked]

    def _candidate_stories(self, versions: dict[str, Any]) -> dict[str, StoredStory]:
        """Partial stories at these versions: kept from an earlier batch if unchanged, else read."""
        found = {}
        for story_id, version in versions.items():
            cached = self.cached_stories.get(story_id, version)
            if cached is not None:
                found[story_id] = StoredStory(_partial(orjson.loads(cached[0])), version, partial=True)
        missing = [s for s in versions if s not in found]
        _count_reads("story", cached=len(found), read=len(missing))
        return found | self.stories(missing, partial=True)

    def stories(self, story_ids: Iterable[str], *, partial: bool = False,
                versions: Mapping[str, Any] | None = None) -> dict[str, StoredStory]:
        """Stories by id; `partial`: without what only writing a story needs (most of its bytes).
        `versions`: the version each was read at, as a candidate: a story this worker holds whole
        at that version is not read again (if it changed since, writing it is refused, and the
        story read again without)."""
        found: dict[str, StoredStory] = {}
        for story_id, version in (versions or {}).items():
            cached = self.cached_stories.get(story_id, version) if not partial else None
            if cached is not None and cached[1]:
                found[story_id] = StoredStory(orjson.loads(cached[0]), version)
        ids = [s for s in story_ids if s not in found]
        if not ids:
            return found
        excludes = _WRITE_ONLY if partial else None
        docs = self._call(lambda: self._client.mget(index=self.index, ids=ids, source_excludes=excludes))["docs"]
        read = {doc["_id"]: self._parse_story(doc, partial) for doc in docs if doc.get("found")}
        for story_id, stored in read.items():
            self.cached_stories.put(story_id, stored.version, (_frozen(stored.state), not partial))
        return found | read

    def save_stories(self, stories: Sequence[StoredStory]) -> set[str]:
        operations: list[dict[str, Any]] = []
        for story in stories:
            story_id = story.state["id"]
            if story.version is None:
                action: dict[str, Any] = {"create": {"_index": self.index, "_id": story_id}}
            else:
                seq_no, term = story.version
                action = {"index": {"_index": self.index, "_id": story_id, "if_seq_no": seq_no, "if_primary_term": term}}
            doc = {"kind": "story", "keys": story_keys(story.state), "arrived": story.state["last_arrival"],
                   "story_id": story_id, "record": story.state}
            operations += [action, doc]
        if not operations:
            return set()
        items = self._call(lambda: self._client.bulk(operations=operations))["items"]
        conflicts = set()
        for story, item in zip(stories, items, strict=True):
            result = next(iter(item.values()))
            if result.get("status") == 409:
                conflicts.add(story.state["id"])
            elif "error" in result:
                raise _failed("save stories", result["error"])
            else:  # whole, at the version just written
                self.cached_stories.put(story.state["id"], _version(result), (_frozen(story.state), True))
        return conflicts

    @staticmethod
    def _parse_story(hit: dict[str, Any], partial: bool = False) -> StoredStory:
        return StoredStory(hit["_source"]["record"], (hit["_seq_no"], hit["_primary_term"]), partial)

    # --- requests --------------------------------------------------------------------------------------------------

    def _search(self, query: dict[str, Any], *, size: int, sort: list[Any], source: Any) -> list[dict[str, Any]]:
        answer = self._call(lambda: self._client.search(index=self.index, query=query, size=size, sort=sort, _source=source,
                                                        seq_no_primary_term=True))
        return answer["hits"]["hits"]

    def _bulk(self, operations: list[dict[str, Any]], what: str) -> list[dict[str, Any]]:
        """The bulk's items, in order, once none failed."""
        response = self._call(lambda: self._client.bulk(operations=operations))
        if response.get("errors"):
            # A delete of what another worker deleted first (404) is no failure.
            errors = [i for item in response["items"] for i in item.values() if "error" in i and i.get("status") != 404]
            if errors:
                raise _failed(what, errors[0]["error"])
        return response["items"]

    def _call(self, request: Any) -> Any:
        try:
            return request()
        except TRANSIENT_ERRORS as exc:
            raise ServiceUnavailable(f"Elasticsearch did not answer the stories state ({type(exc).__name__})",
                                     service="elasticsearch") from None
        except ApiError as exc:
            raise _failed("answer", {"type": type(exc).__name__, "status": exc.meta.status, "reason": str(exc)[:300]}) from None


# What deciding does not read of a candidate story (its members' features, most of its bytes).
_WRITE_ONLY = [f"record.{f}" for f in WRITE_ONLY]
# What a duplicate decision reads of a candidate: not its story features (most of a record).
_CANDIDATE_SOURCE = ["claimed", *(f"record.{f}" for f in ("v", "id", "published", "arrived", "checked", "fingerprint",
                                                           "duplicate_of", "similarity", "story_id"))]


def _frozen(state: dict[str, Any]) -> bytes:
    """A story's state as the cache keeps it (JSON, as the client would send it)."""
    return orjson.dumps(state, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)


def _partial(state: dict[str, Any]) -> dict[str, Any]:
    """A story's state as a candidate read answers it: without what only writing needs."""
    return {k: v for k, v in state.items() if k not in WRITE_ONLY}


def _count_reads(kind: str, *, cached: int, read: int) -> None:
    STORIES_STATE_READS.labels(kind=kind, source="cache").inc(cached)
    STORIES_STATE_READS.labels(kind=kind, source="elasticsearch").inc(read)


def candidate_reads() -> dict[str, dict[str, float]]:
    """What this process counted so far in `newsflow_stories_state_reads`: kind (article, story) ->
    source (cache, elasticsearch) -> candidates."""
    return {kind: {source: REGISTRY.get_sample_value("newsflow_stories_state_reads_total", {"kind": kind, "source": source})
                   or 0.0 for source in ("cache", "elasticsearch")} for kind in ("article", "story")}


def _version(hit: dict[str, Any]) -> tuple[int, int]:
    """A document's version as a search hit, an mget document or a bulk item gives it."""
    return hit["_seq_no"], hit["_primary_term"]


def _failed(what: str, error: Any) -> ServiceUnavailable:
    """A refusal of the cluster (full disk, red index, missing privilege): waited out like an outage,
    never guessed around; the reason goes to the log and the health events."""
    log.warning("stories state: Elasticsearch did not %s: %s", what, error)
    return ServiceUnavailable(f"Elasticsearch did not {what} for the stories state: {str(error)[:300]}", service="elasticsearch")
