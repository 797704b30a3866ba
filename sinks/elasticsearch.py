"""The Elasticsearch sink: where an enriched article becomes a search document.

Bulk requests with `_id` = article id and external versioning: a replayed or late older version
never overwrites a newer document, and a version conflict means "already there", not an error.

The external version is the article's version and its enrichment revision in one number
(`external_version`): a newer article version always wins, and of two enrichments of the same
version the higher revision (`newsflow reprocess`) wins, while a replay of the same enrichment
is a conflict that changes nothing.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch, helpers
from kafka.consumer.fetcher import ConsumerRecord

from newsflow.deadletter import Rejected
from newsflow.errors import DeadLetter
from newsflow.metrics import BULK_ITEMS
from newsflow.schema import EnrichedArticle, decode_enriched
from sinks.base import Write
from sinks.bulk import BulkSink

__all__ = ["MAX_ARTICLE_VERSION", "REVISIONS_PER_VERSION", "ElasticsearchSink", "external_version", "to_document"]

log = logging.getLogger(__name__)

# spaCy labels grouped into the aggregatable keyword fields people filter on.
ENTITY_FIELDS = {
    "PERSON": "persons",
    "ORG": "organisations",
    "GPE": "places",
    "LOC": "places",
    "FAC": "places",
    "NORP": "other_entities",
    "EVENT": "other_entities",
    "WORK_OF_ART": "other_entities",
    "LAW": "other_entities",
    "PRODUCT": "other_entities",
    "LANGUAGE": "other_entities",
}

# One more than the largest enrichment revision (schema.Provenance.revision). Elasticsearch
# versions are signed longs, so article versions (epoch milliseconds) fit up to 9.2e12: the
# year 2262.
REVISIONS_PER_VERSION = 1_000_000
MAX_ARTICLE_VERSION = (2**63 - 1 - (REVISIONS_PER_VERSION - 1)) // REVISIONS_PER_VERSION


def external_version(article: EnrichedArticle) -> int:
    """Article version and enrichment revision as one Elasticsearch external version, ordered by
    version first. Raises `DeadLetter` for a version too large to encode."""
    if article.version > MAX_ARTICLE_VERSION:
        raise DeadLetter(f"version {article.version} exceeds {MAX_ARTICLE_VERSION}, the largest the index can order", reason="version-range")
    return article.version * REVISIONS_PER_VERSION + article.enrichment.revision


def to_document(article: EnrichedArticle, *, indexed_at: datetime) -> dict[str, Any]:
    """The search document for an article: its fields plus entity names grouped by kind."""
    doc = article.model_dump(mode="json", exclude={"schema_version", "id"})
    doc["article_id"] = article.id
    doc["enrichment"] = {
        "steps": [f"{s.name}" for s in article.enrichment.steps],
        "model": article.enrichment.model,
        "model_version": article.enrichment.model_version,
        "models": [f"{m.name}@{m.version}" for m in article.enrichment.models],
        "revision": article.enrichment.revision,
        "processed_at": article.enrichment.processed_at.isoformat(),
    }
    grouped: dict[str, list[str]] = {field: [] for field in set(ENTITY_FIELDS.values())}
    for entity in sorted(article.entities, key=lambda e: -e.count):
        field = ENTITY_FIELDS.get(entity.type)
        if field and entity.name not in grouped[field]:
            grouped[field].append(entity.name)
    doc |= grouped
    doc["place_locations"] = [
        {"lat": e.location.lat, "lon": e.location.lon} for e in article.entities if e.location is not None
    ]
    doc["place_countries"] = sorted({e.country_code for e in article.entities if e.country_code})
    doc["indexed_at"] = indexed_at.isoformat()
    return doc


class ElasticsearchSink(BulkSink):
    def __init__(self, *, client: Elasticsearch, alias: str, url: str, require_alias: bool = True) -> None:
        # `alias` is the write alias in the pipeline; a rebuild writes to a concrete new index.
        self._client = client
        self._alias = self.target = alias
        self.url = url
        self._require_alias = require_alias

    def prepare(self, records: list[ConsumerRecord]) -> tuple[list[Write], list[Rejected]]:
        now = datetime.now(UTC)
        writes, rejected = [], []
        for record in records:
            try:
                article = decode_enriched(record.value)
                version = external_version(article)
            except DeadLetter as err:
                rejected.append(Rejected(record, err))
                continue
            writes.append(Write(record, article.id, version, to_document(article, indexed_at=now)))
        return _latest_only(writes), rejected

    def send(self, writes: list[Write]) -> list[dict[str, Any]]:
        actions = [
            {"_op_type": "index", "_index": self._alias, "_id": w.doc_id, "version": w.version,
             "version_type": "external", "_source": w.document}
            for w in writes
        ]
        results = helpers.streaming_bulk(
            self._client, actions, chunk_size=len(actions), max_chunk_bytes=50 * 1024 * 1024,
            raise_on_error=False, raise_on_exception=True, max_retries=0, require_alias=self._require_alias,
        )
        return [item["index"] for _, item in results]

    def summarise(self, outcomes: Counter[str]) -> None:
        for outcome, count in outcomes.items():
            BULK_ITEMS.labels(outcome).inc(count)
        log.info("bulk %s", " ".join(f"{k}={v}" for k, v in sorted(outcomes.items())) or "empty")


def _latest_only(writes: list[Write]) -> list[Write]:
    """Keep only the highest version of each article in a batch (one bulk may not hold an id twice
    with older versions after newer: they would just be rejected as conflicts anyway)."""
    latest: dict[str, Write] = {}
    for w in writes:
        if w.doc_id not in latest or latest[w.doc_id].version < w.version:
            latest[w.doc_id] = w
    return list(latest.values())
