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
from elasticsearch.exceptions import ApiError
from kafka.consumer.fetcher import ConsumerRecord

from newsflow.deadletter import Rejected
from newsflow.elastic import TRANSIENT_ERRORS
from newsflow.errors import DeadLetter, ServiceUnavailable
from newsflow.metrics import BULK_ITEMS
from newsflow.schema import EnrichedArticle, decode_enriched
from sinks.base import Write

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
# Per-item statuses that mean "not now" rather than "never".
_RETRYABLE_STATUS = {429, 500, 502, 503, 504}

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


class ElasticsearchSink:
    def __init__(self, *, client: Elasticsearch, alias: str, url: str, require_alias: bool = True) -> None:
        # `alias` is the write alias in the pipeline; a rebuild writes to a concrete new index.
        self._client = client
        self._alias = alias
        self._url = url
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

    def deliver(self, writes: list[Write]) -> list[Rejected]:
        if not writes:
            return []
        actions = [
            {"_op_type": "index", "_index": self._alias, "_id": w.doc_id, "version": w.version,
             "version_type": "external", "_source": w.document}
            for w in writes
        ]
        try:
            results = list(
                helpers.streaming_bulk(
                    self._client, actions, chunk_size=len(actions), max_chunk_bytes=50 * 1024 * 1024,
                    raise_on_error=False, raise_on_exception=True, max_retries=0, require_alias=self._require_alias,
                )
            )
        except TRANSIENT_ERRORS as exc:
            raise ServiceUnavailable(f"Elasticsearch is not reachable at {self._url} ({type(exc).__name__})", service="elasticsearch") from None
        except ApiError as exc:
            if exc.meta.status == 400:
                return self._isolate_invalid(writes, exc)
            # The whole request failed (overload, auth, a cluster-level refusal): nothing in it is the
            # articles' fault, so pause and retry rather than dead-letter or crash.
            raise ServiceUnavailable(
                f"Elasticsearch refused the bulk request: HTTP {exc.meta.status} {exc.message}", service="elasticsearch"
            ) from None
        return self._classify(writes, results)

    def _isolate_invalid(self, writes: list[Write], exc: ApiError) -> list[Rejected]:
        """A 400 for the whole bulk means one item made the request invalid (an over-long _id, an
        unparseable value): find it by halving the batch, deliver the rest, reject only it.
        Without this, one such message would block the partition forever."""
        if len(writes) == 1:
            detail = exc.body.get("error", {}).get("reason", "") if isinstance(exc.body, dict) else str(exc.body)
            if len(detail) > 300:  # the cause is often at the end, after the offending value
                detail = f"{detail[:120]}…{detail[-160:]}"
            message = f"Elasticsearch refused the request ({exc.message}): {detail}"
            return [Rejected(writes[0].record, DeadLetter(message, reason="request-rejected"))]
        middle = len(writes) // 2
        return self.deliver(writes[:middle]) + self.deliver(writes[middle:])

    def _classify(self, writes: list[Write], results: list[tuple[bool, dict]]) -> list[Rejected]:
        outcomes: Counter[str] = Counter()
        rejected: list[Rejected] = []
        for write, (_, item) in zip(writes, results, strict=True):
            result = item["index"]
            status = result.get("status", 0)
            error = result.get("error") or {}
            if 200 <= status < 300:
                outcomes["indexed"] += 1
            elif status == 409:
                outcomes["superseded"] += 1  # the index already holds this version or a newer one
            elif status in _RETRYABLE_STATUS or error.get("type") == "index_not_found_exception":
                raise ServiceUnavailable(
                    f"Elasticsearch cannot take the write now (status {status}, {error.get('type', '?')}: "
                    f"{error.get('reason', '')[:160]}); if the alias {self._alias!r} is missing, run `newsflow setup`",
                    service="elasticsearch",
                )
            else:
                outcomes["rejected"] += 1
                rejected.append(Rejected(write.record, DeadLetter(
                    f"{error.get('type', 'error')}: {error.get('reason', '')}", reason="mapping-error" if status == 400 else f"http-{status}",
                )))
        for outcome, count in outcomes.items():
            BULK_ITEMS.labels(outcome).inc(count)
        log.info("bulk %s", " ".join(f"{k}={v}" for k, v in sorted(outcomes.items())) or "empty")
        return rejected


def _latest_only(writes: list[Write]) -> list[Write]:
    """Keep only the highest version of each article in a batch (one bulk may not hold an id twice
    with older versions after newer: they would just be rejected as conflicts anyway)."""
    latest: dict[str, Write] = {}
    for w in writes:
        if w.doc_id not in latest or latest[w.doc_id].version < w.version:
            latest[w.doc_id] = w
    return list(latest.values())
