"""The Elasticsearch sink: where an enriched article becomes a search document.

Bulk requests with `_id` = article id and external versioning: a replayed or late older version
never overwrites a newer document, and a version conflict means "already there", not an error.

The external version is the article's version and its enrichment revision in one number
(`external_version`): a newer article version always wins, and of two enrichments of the same
version the higher revision (`newsflow reprocess`) wins, while a replay of the same enrichment
is a conflict that changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch
from kafka.consumer.fetcher import ConsumerRecord
from pydantic_core import to_json

from newsflow.contract.languages import article_language
from newsflow.contract.schema import EnrichedArticle, decode_enriched
from newsflow.errors import DeadLetter
from newsflow.runtime.metrics import BULK_ITEMS
from sinks.base import Write
from sinks.bulk import Action, BulkSink, Keep, OnConflict

__all__ = ["MAX_ARTICLE_VERSION", "REVISIONS_PER_VERSION", "ArticleSink", "external_version", "to_document", "to_source"]

# spaCy labels grouped into the aggregatable keyword fields people filter on.
FIELD_BY_ENTITY_TYPE = {
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


# The article's own fields that the document does not copy as they are: `id` becomes
# `article_id`, `enrichment` is flattened for filtering, and `language` is the one normalised
# language (the feed's raw tag is kept as `declared_language`; see `_derived_fields`).
_NOT_COPIED = frozenset({"schema_version", "id", "enrichment", "language"})
_ENTITY_FIELD_NAMES = tuple(sorted(set(FIELD_BY_ENTITY_TYPE.values())))


def to_document(article: EnrichedArticle, *, indexed_at: datetime) -> dict[str, Any]:
    """The search document for an article: its fields plus entity names grouped by kind."""
    return article.model_dump(mode="json", exclude=_NOT_COPIED) | _derived_fields(article, indexed_at.isoformat())


def to_source(article: EnrichedArticle, *, indexed_at: str) -> bytes:
    """`to_document` as the JSON a bulk request carries, made without the dict in between.

    Everything is serialised by pydantic's compiled serializer: building the dict and encoding
    it again with `json` took half the sink's CPU per document (bench/README.md, "Sink
    throughput")."""
    copied = article.__pydantic_serializer__.to_json(article, exclude=_NOT_COPIED)
    derived = to_json(_derived_fields(article, indexed_at))
    # Both are JSON objects with disjoint keys (`_NOT_COPIED`): join their members.
    return copied[:-1] + b"," + derived[1:]


def _derived_fields(article: EnrichedArticle, indexed_at: str) -> dict[str, Any]:
    provenance = article.enrichment
    grouped: dict[str, list[str]] = {field: [] for field in _ENTITY_FIELD_NAMES}
    for entity in sorted(article.entities, key=lambda e: -e.count):
        field = FIELD_BY_ENTITY_TYPE.get(entity.type)
        if field and entity.name not in grouped[field]:
            grouped[field].append(entity.name)
    return {
        "article_id": article.id,
        "language": article_language(article.detected_language, article.language),
        "declared_language": article.language,
        "enrichment": {
            "steps": [s.name for s in provenance.steps],
            "model": provenance.model,
            "model_version": provenance.model_version,
            "models": [f"{m.name}@{m.version}" for m in provenance.models],
            "revision": provenance.revision,
            "processed_at": provenance.processed_at.isoformat(),
        },
        **grouped,
        "place_locations": [{"lat": e.location.lat, "lon": e.location.lon} for e in article.entities if e.location is not None],
        "place_countries": sorted({e.country_code for e in article.entities if e.country_code}),
        "indexed_at": indexed_at,
    }


class ArticleSink(BulkSink):
    """Enriched articles into the articles index, by external version: the newest version wins."""

    name = "articles"
    action = Action.INDEX_EXTERNAL
    on_conflict = OnConflict.SUPERSEDED  # a replay, or an older version than the one indexed
    keep = Keep.LATEST_VERSION
    items_metric = BULK_ITEMS

    def __init__(self, *, client: Elasticsearch, alias: str, url: str, require_alias: bool = True) -> None:
        # `alias` is the write alias in the pipeline; a rebuild writes to a concrete new index.
        super().__init__(client=client, target=alias, url=url, require_alias=require_alias)

    def to_write(self, record: ConsumerRecord, now: datetime) -> Write:
        article = decode_enriched(record.value)
        return Write(record, article.id, external_version(article), to_source(article, indexed_at=now.isoformat()))
