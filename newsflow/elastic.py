"""Elasticsearch client factory and the articles index: template, versioned index, alias."""

from __future__ import annotations

import logging
from typing import Any

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, Elasticsearch

from newsflow.errors import ServiceUnavailable
from newsflow.settings import ElasticsearchSettings

__all__ = ["article_mappings", "ensure_index", "index_template", "make_client", "unavailable"]

log = logging.getLogger(__name__)

# Errors that mean "the cluster is not there right now": retry, never dead-letter.
TRANSIENT_ERRORS = (TransportConnectionError, ConnectionTimeout)


def make_client(settings: ElasticsearchSettings) -> Elasticsearch:
    auth: dict[str, Any] = {}
    if settings.api_key is not None:
        auth["api_key"] = settings.api_key.get_secret_value()
    elif settings.username and settings.password is not None:
        auth["basic_auth"] = (settings.username, settings.password.get_secret_value())
    return Elasticsearch(
        settings.url,
        request_timeout=settings.request_timeout_s,
        retry_on_timeout=False,  # our stages own retries and backoff
        max_retries=0,
        **auth,
    )


def unavailable(settings: ElasticsearchSettings, exc: Exception) -> ServiceUnavailable:
    return ServiceUnavailable(f"Elasticsearch is not reachable at {settings.url} ({type(exc).__name__})", service="elasticsearch")


def _keyword() -> dict[str, Any]:
    return {"type": "keyword", "ignore_above": 1024}


def _text_with_exact() -> dict[str, Any]:
    return {"type": "text", "fields": {"exact": {"type": "keyword", "ignore_above": 1024}}}


def article_mappings() -> dict[str, Any]:
    """Explicit mappings; `strict` rejects any field not listed (no dynamic mapping, ever)."""
    date = {"type": "date"}
    return {
        "dynamic": "strict",
        "properties": {
            "article_id": _keyword(),
            "version": {"type": "long"},
            "url": _keyword(),
            "guid": _keyword(),
            "feed_url": _keyword(),
            "source": _keyword(),
            "title": _text_with_exact(),
            "summary": {"type": "text"},
            "text": {"type": "text"},
            "authors": _keyword(),
            "tags": _keyword(),
            "language": _keyword(),
            "published": date,
            "updated": date,
            "fetched_at": date,
            "indexed_at": date,
            "entities": {
                "type": "nested",
                "properties": {
                    "name": _keyword(),
                    "type": _keyword(),
                    "count": {"type": "integer"},
                    "first_offset": {"type": "integer"},
                },
            },
            "persons": _keyword(),
            "organisations": _keyword(),
            "places": _keyword(),
            "other_entities": _keyword(),
            "enrichment": {
                "properties": {
                    "steps": _keyword(),
                    "model": _keyword(),
                    "model_version": _keyword(),
                    "processed_at": date,
                }
            },
        },
    }


def index_template(settings: ElasticsearchSettings) -> dict[str, Any]:
    return {
        "index_patterns": [f"{settings.index_prefix}*"],
        "priority": 200,
        "template": {
            "settings": {
                "number_of_shards": settings.shards,
                "number_of_replicas": settings.replicas,
                "refresh_interval": "1s",
            },
            "mappings": article_mappings(),
        },
        "_meta": {"managed_by": "newsflow", "description": "news articles, see sinks/elasticsearch.py"},
    }


def ensure_index(client: Elasticsearch, settings: ElasticsearchSettings) -> bool:
    """Put the template and create the versioned index behind the alias; returns True if created.

    Idempotent: the template is always updated (it only affects new indices); an existing index
    is left alone.
    """
    try:
        client.indices.put_index_template(name=settings.template_name, **index_template(settings))
        if client.indices.exists(index=settings.index_name):
            return False
        client.indices.create(
            index=settings.index_name,
            aliases={settings.alias: {"is_write_index": True}},
        )
        return True
    except TRANSIENT_ERRORS as exc:
        raise unavailable(settings, exc) from None
    except ApiError as exc:
        if exc.meta.status == 400 and "resource_already_exists_exception" in str(exc):
            return False  # a concurrent setup created it first
        raise
