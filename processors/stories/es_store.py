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
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch

from newsflow.errors import ServiceUnavailable
from newsflow.index.indices import TRANSIENT_ERRORS
from processors.stories.features import StoryFeatures
from processors.stories.neardup import Fingerprint, band_keys
from processors.stories.store import Claim, StateRecord, StoredCandidate, StoredStory, story_keys

__all__ = ["ElasticsearchStore"]

log = logging.getLogger(__name__)

_PAGE = 5000  # documents per page when reading the latest articles


def article_keys(fp: Fingerprint | None) -> list[str]:
    return [] if fp is None else [f"d:{fp.digest}", *(f"b:{k}" for k in band_keys(fp))]


class ElasticsearchStore:
    """A `StateStore` on one Elasticsearch index; every call is one request (bulk, mget or msearch)."""

    def __init__(self, client: Elasticsearch, index: str) -> None:
        self._client = client
        self.index = index

    # --- articles ------------------------------------------------------------------------------------------------

    def claim(self, records: Sequence[StateRecord]) -> dict[str, Claim]:
        records = list({r.article_id: r for r in records}.values())
        if not records:
            return {}
        operations: list[dict[str, Any]] = []
        for record in records:
            operations += [{"create": {"_index": self.index, "_id": record.article_id}}, self._article_doc(record)]
        items = self._call(lambda: self._client.bulk(operations=operations, refresh="true"))["items"]
        claims, taken = {}, []
        for record, item in zip(records, items, strict=True):
            result = item["create"]
            if result.get("status") == 409:
                taken.append(record.article_id)  # claimed before: its claim stands
            elif "error" in result:
                raise _failed("claim", result["error"])
            else:
                claims[record.article_id] = Claim(result["_seq_no"], replace(record, claimed=result["_seq_no"]))
        for article_id, (seq, record) in self._get_articles(taken).items():
            claims[article_id] = Claim(seq, record)
        return claims

    def duplicate_candidates(self, fingerprints: Sequence[Fingerprint], since: datetime,
                             limit: int) -> dict[str, list[StoredCandidate]]:
        searches: list[dict[str, Any]] = []
        for fp in fingerprints:
            query = {"bool": {"filter": [{"term": {"kind": "article"}}, {"terms": {"keys": article_keys(fp)}},
                                         {"range": {"arrived": {"gte": since.isoformat()}}}],
                              "must_not": [{"ids": {"values": [fp.article_id]}}]}}
            searches += [{"index": self.index},
                         {"query": query, "size": limit, "sort": [{"claimed": "asc"}], "seq_no_primary_term": True}]
        answers = self._msearch(searches)
        found = {}
        for fp, answer in zip(fingerprints, answers, strict=True):
            hits = [self._parse_article(hit) for hit in answer["hits"]["hits"]]
            found[fp.article_id] = sorted((StoredCandidate(r, seq) for seq, r in hits), key=lambda c: c.seq)
        return found

    def records(self, article_ids: Iterable[str]) -> dict[str, StateRecord]:
        return {a: r for a, (_, r) in self._get_articles(list(article_ids)).items()}

    def save_records(self, records: Sequence[StateRecord]) -> None:
        operations: list[dict[str, Any]] = []
        for record in records:
            operations += [{"index": {"_index": self.index, "_id": record.article_id}}, self._article_doc(record)]
        if operations:
            self._bulk(operations, "save decisions")

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

    def expire(self, before: datetime) -> None:
        """Delete what arrived before `before` (in the background: a window's worth may be large)."""
        query = {"range": {"arrived": {"lt": before.isoformat()}}}
        self._call(lambda: self._client.delete_by_query(index=self.index, query=query, conflicts="proceed",
                                                        wait_for_completion=False))

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
        searches: list[dict[str, Any]] = []
        for wanted in keys:
            # Each key shared counts 1: the stories sharing the most keys come first.
            should = [{"constant_score": {"filter": {"term": {"keys": key}}, "boost": 1.0}} for key in dict.fromkeys(wanted)]
            query = {"bool": {"filter": [{"term": {"kind": "story"}}, {"range": {"arrived": {"gte": since.isoformat()}}}],
                              "should": should, "minimum_should_match": 1}}
            searches += [{"index": self.index}, {"query": query, "size": limit, "seq_no_primary_term": True,
                                                 "sort": [{"_score": "desc"}, {"story_id": "asc"}]}]
        if not keys:
            return []
        return [[self._parse_story(hit) for hit in answer["hits"]["hits"]] for answer in self._msearch(searches)]

    def stories(self, story_ids: Iterable[str]) -> dict[str, StoredStory]:
        ids = list(story_ids)
        if not ids:
            return {}
        docs = self._call(lambda: self._client.mget(index=self.index, ids=ids))["docs"]
        return {doc["_id"]: self._parse_story(doc) for doc in docs if doc.get("found")}

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
        return conflicts

    @staticmethod
    def _parse_story(hit: dict[str, Any]) -> StoredStory:
        return StoredStory(hit["_source"]["record"], (hit["_seq_no"], hit["_primary_term"]))

    # --- requests --------------------------------------------------------------------------------------------------

    def _msearch(self, searches: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not searches:
            return []
        answers = self._call(lambda: self._client.msearch(searches=searches))["responses"]
        for answer in answers:
            if "error" in answer:
                raise _failed("look up candidates", answer["error"])
        return answers

    def _bulk(self, operations: list[dict[str, Any]], what: str) -> None:
        response = self._call(lambda: self._client.bulk(operations=operations))
        if response.get("errors"):
            error = next(i for item in response["items"] for i in item.values() if "error" in i)["error"]
            raise _failed(what, error)

    def _call(self, request: Any) -> Any:
        try:
            return request()
        except TRANSIENT_ERRORS as exc:
            raise ServiceUnavailable(f"Elasticsearch did not answer the stories state ({type(exc).__name__})",
                                     service="elasticsearch") from None
        except ApiError as exc:
            raise _failed("answer", {"type": type(exc).__name__, "status": exc.meta.status, "reason": str(exc)[:300]}) from None


def _failed(what: str, error: Any) -> ServiceUnavailable:
    """A refusal of the cluster (full disk, red index, missing privilege): waited out like an outage,
    never guessed around; the reason goes to the log and the health events."""
    log.warning("stories state: Elasticsearch did not %s: %s", what, error)
    return ServiceUnavailable(f"Elasticsearch did not {what} for the stories state: {str(error)[:300]}", service="elasticsearch")
