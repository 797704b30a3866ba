"""Elasticsearch client factory, the articles index (template, versioned index, read and write aliases),
the feed-health index and the stories index (each a template and one plain index)."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.serializer import NdjsonSerializer, OrjsonSerializer

from newsflow.errors import ServiceUnavailable
from newsflow.redaction import redact_url
from newsflow.settings import ElasticsearchSettings

__all__ = [
    "OrjsonNdjsonSerializer",
    "article_mappings",
    "ensure_feed_health_index",
    "ensure_index",
    "ensure_stories_index",
    "ensure_stories_state_index",
    "feed_health_mappings",
    "feed_health_template",
    "feed_health_template_name",
    "index_template",
    "installed_modules",
    "make_client",
    "put_template",
    "refusal_reason",
    "stories_mappings",
    "stories_state_mappings",
    "stories_template",
    "stories_template_name",
    "unavailable",
    "with_replicas",
]

log = logging.getLogger(__name__)

# Errors that mean "the cluster is not there right now": retry, never dead-letter.
TRANSIENT_ERRORS = (TransportConnectionError, ConnectionTimeout)


def make_client(settings: ElasticsearchSettings, *, fast_json: bool = False) -> Elasticsearch:
    """A client for the configured nodes. `fast_json`: bodies (bulk ones too) are read and written with orjson,
    several times faster than the standard library on the large answers of the stories state
    (a third of a stories step's CPU went to decoding them); it refuses what json would quietly
    accept (non-string keys), so it is for callers whose documents are plain JSON."""
    auth: dict[str, Any] = {}
    if settings.api_key is not None:
        auth["api_key"] = settings.api_key.get_secret_value()
    elif settings.username and settings.password is not None:
        auth["basic_auth"] = (settings.username, settings.password.get_secret_value())
    tls: dict[str, Any] = {}
    if settings.ca_certs is not None:
        tls["ca_certs"] = str(settings.ca_certs)
    if settings.ssl_assert_fingerprint:
        tls["ssl_assert_fingerprint"] = settings.ssl_assert_fingerprint
    if not settings.verify_certs:
        tls["verify_certs"] = False
    urls = settings.node_urls
    return Elasticsearch(
        urls,
        request_timeout=settings.request_timeout_s,
        # Our stages own retries and backoff. On a cluster a request that finds its node gone
        # (connection refused or reset) is retried once on each other node; never on a timeout
        # (the node may still apply it) nor on an HTTP status (429 and 503 are the stages' call).
        retry_on_timeout=False,
        max_retries=len(urls) - 1,
        retry_on_status=(),
        # The client talks to the URLs given, never to the addresses the nodes publish (which
        # a client outside the cluster's network may not reach).
        sniff_on_start=False,
        sniff_on_node_failure=False,
        **({"serializers": {OrjsonSerializer.mimetype: OrjsonSerializer(), NdjsonSerializer.mimetype: OrjsonNdjsonSerializer()}}
           if fast_json else {}),
        **auth,
        **tls,
    )


class OrjsonNdjsonSerializer(NdjsonSerializer):
    """Bulk bodies (NDJSON) with orjson: the client's own NDJSON serializer uses the standard
    library whatever the JSON one is, and a stories-state bulk carries story states of 10-30 KB.
    Non-string keys become strings, as the standard library makes them."""

    def json_dumps(self, data: Any) -> bytes:
        return orjson.dumps(data, default=self.default, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)

    def json_loads(self, data: bytes) -> Any:
        return orjson.loads(data)


def data_nodes(client: Elasticsearch) -> int:
    """The cluster's nodes that hold shards (any data role)."""
    nodes = client.nodes.info(filter_path="nodes.*.roles").get("nodes", {}).values()
    return sum(1 for node in nodes if any(role.startswith("data") for role in node.get("roles", [])))


def with_replicas(client: Elasticsearch, settings: ElasticsearchSettings) -> ElasticsearchSettings:
    """The settings with `replicas` resolved: when unset, 1 on a cluster of 2+ data nodes, else 0."""
    if settings.replicas is not None:
        return settings
    try:
        replicas = min(1, max(0, data_nodes(client) - 1))
    except TRANSIENT_ERRORS as exc:
        raise unavailable(settings, exc) from None
    return settings.model_copy(update={"replicas": replicas})


def unavailable(settings: ElasticsearchSettings, exc: Exception) -> ServiceUnavailable:
    return ServiceUnavailable(
        f"Elasticsearch is not reachable at {', '.join(redact_url(u) for u in settings.node_urls)} ({type(exc).__name__})",
        service="elasticsearch",
    )


def refusal_reason(exc: ApiError) -> str:
    """Why Elasticsearch refused a request, in its own words: the first root cause's reason (the
    most specific), else the error's type, else the client's message. One helper for every
    stage that turns a refusal into a one-line error."""
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error")
    if isinstance(error, dict):
        causes = error.get("root_cause") or [error]
        first = causes[0] if isinstance(causes[0], dict) else error
        return str(first.get("reason") or error.get("reason") or error.get("type") or exc.message)
    return str(exc.message)


def _keyword() -> dict[str, Any]:
    return {"type": "keyword", "ignore_above": 1024}


# Built-in language analyzers live in the analysis-common module, which minimal distributions
# (the local integ-test zip) lack: detect it, and fall back to the standard analyzer.
LANGUAGE_ANALYSIS_MODULE = "analysis-common"


def installed_modules(client: Elasticsearch) -> set[str]:
    """Modules and plugins present on every node (`GET _nodes/plugins`)."""
    nodes = client.nodes.info(metric="plugins")["nodes"].values()
    per_node = [{m["name"] for m in n.get("modules", []) + n.get("plugins", [])} for n in nodes]
    return set.intersection(*per_node) if per_node else set()


def _full_text(*, exact: bool, english: bool) -> dict[str, Any]:
    """A text field; `exact` adds a keyword subfield for exact match and sorting, `english` a
    stemmed subfield (search both: `field` for precise words, `field.english` for word forms)."""
    fields: dict[str, Any] = {}
    if exact:
        fields["exact"] = {"type": "keyword", "ignore_above": 512}
    if english:
        fields["english"] = {"type": "text", "analyzer": "english"}
    mapping: dict[str, Any] = {"type": "text"}
    if fields:
        mapping["fields"] = fields
    return mapping


def article_mappings(*, language_analysis: bool = False) -> dict[str, Any]:
    """Explicit mappings; `strict` rejects any field not listed (no dynamic mapping, ever).

    Keyword fields (source, authors, topics, persons, ...) aggregate for facets and Kibana
    panels; `entities` is nested so a query can ask for one entity's type and salience together;
    `place_locations` carries the coordinates of mapped places for maps.
    """
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
            "title": _full_text(exact=True, english=language_analysis),
            "summary": _full_text(exact=False, english=language_analysis),
            "text": _full_text(exact=True, english=language_analysis),
            "authors": _keyword(),
            "tags": _keyword(),
            "topics": _keyword(),
            "topic_scores": {"properties": {"name": _keyword(), "score": {"type": "float"}}},
            "keyphrases": _keyword(),
            "language": _keyword(),  # one lowercase ISO 639-1 code, or "und" (contract/languages.py)
            "declared_language": _keyword(),
            "date_source": _keyword(),  # feed | page | fetched: whether `published` is a publish time  # the feed's tag as it wrote it ("en-US", "IT-it")
            "detected_language": _keyword(),
            "language_confidence": {"type": "float"},
            "detector_language": _keyword(),  # the detector's own guess, whatever was chosen
            "detector_confidence": {"type": "float"},
            "text_source": _keyword(),
            "notes": _keyword(),
            # Issue 8: the earliest near-identical article, and the story (same event) of this one.
            "duplicate_of": _keyword(),
            "duplicate_similarity": {"type": "float"},
            "story_id": _keyword(),
            "published": date,
            "published_reported": date,
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
                    "in_title": {"type": "boolean"},
                    "salience": {"type": "float"},
                    "country_code": _keyword(),
                    "location": {"type": "geo_point"},
                    # Offsets of each mention (start, end, text): stored for highlighting and evaluation, not searched.
                    "mentions": {"type": "object", "enabled": False},
                },
            },
            "persons": _keyword(),
            "organisations": _keyword(),
            "places": _keyword(),
            "other_entities": _keyword(),
            "place_locations": {"type": "geo_point"},
            "place_countries": _keyword(),
            "enrichment": {
                "properties": {
                    "steps": _keyword(),
                    "model": _keyword(),
                    "model_version": _keyword(),
                    "models": _keyword(),
                    "revision": {"type": "integer"},
                    "processed_at": date,
                }
            },
        },
    }


def index_template(settings: ElasticsearchSettings, *, language_analysis: bool = False) -> dict[str, Any]:
    return {
        "index_patterns": [f"{settings.index_prefix}*"],
        "priority": 200,
        "template": {
            "settings": {
                "number_of_shards": settings.shards,
                "number_of_replicas": settings.replicas or 0,  # unset: resolved on the cluster (with_replicas)
                "refresh_interval": "1s",
            },
            "mappings": article_mappings(language_analysis=language_analysis),
        },
        "_meta": {"managed_by": "newsflow", "language_analysis": language_analysis},
    }


def put_template(client: Elasticsearch, settings: ElasticsearchSettings) -> bool:
    """Install the current template (it only shapes indices created later); returns whether it
    uses language analysis, which depends on the cluster's modules."""
    language_analysis = LANGUAGE_ANALYSIS_MODULE in installed_modules(client)
    settings = with_replicas(client, settings)
    client.indices.put_index_template(name=settings.template_name, **index_template(settings, language_analysis=language_analysis))
    return language_analysis


def _add_new_fields(client: Elasticsearch, settings: ElasticsearchSettings, *, language_analysis: bool) -> None:
    target = settings.write_alias if client.indices.exists_alias(name=settings.write_alias) else settings.index_name
    try:
        client.indices.put_mapping(index=target, **article_mappings(language_analysis=language_analysis))
    except ApiError as exc:
        if exc.meta.status != 400:
            raise
        log.warning("index %s keeps its older mapping (%s); run `newsflow index rebuild`", target, str(exc)[:200])


def ensure_index(client: Elasticsearch, settings: ElasticsearchSettings) -> bool:
    """Put the template and create the first versioned index behind the read and write aliases;
    returns True if it created the index.

    Idempotent: when the read alias exists (on whichever index version a rebuild left it), the
    index is kept and only gains the fields this release added (an additive mapping update;
    a change of an existing field's type needs `newsflow index rebuild`).
    """
    try:
        language_analysis = put_template(client, settings)
        if client.indices.exists_alias(name=settings.alias) or client.indices.exists(index=settings.index_name):
            _add_new_fields(client, settings, language_analysis=language_analysis)
            return False
        client.indices.create(
            index=settings.index_name,
            aliases={settings.alias: {}, settings.write_alias: {"is_write_index": True}},
        )
        return True
    except TRANSIENT_ERRORS as exc:
        raise unavailable(settings, exc) from None
    except ApiError as exc:
        if exc.meta.status == 400 and "resource_already_exists_exception" in str(exc):
            return False  # a concurrent setup created it first
        raise


# -- the feed-health index -----------------------------------------------------------------------
#
# One document per fetch outcome (producers/health.py FeedHealthEvent), for the Feed health
# dashboard. A single plain index named settings.feed_health_index: a few hundred feeds fetched
# every few minutes make well under a million small documents a month, which one shard holds.
#
# Retention: ILM is not in the minimal local Elasticsearch, so nothing prunes the index by itself.
# Keep about what the news.feeds.health topic keeps (30 days) by deleting older documents, e.g. daily:
#   POST news-feed-health/_delete_by_query?conflicts=proceed {"query": {"range": {"at": {"lt": "now-30d/d"}}}}
# (_delete_by_query needs the reindex module: every standard distribution has it, the local
# integ-test zip does not; there, deleting the index and running `newsflow setup` starts afresh).
# On a cluster with ILM, a policy with a delete phase on the index does the same.

FEED_HEALTH_TEMPLATE_PRIORITY = 210  # above the articles template (200): an exact name beats a broad prefix


def feed_health_mappings() -> dict[str, Any]:
    """Explicit, strict mappings of a FeedHealthEvent document (its fields but schema_version)."""
    date, integer = {"type": "date"}, {"type": "integer"}
    return {
        "dynamic": "strict",
        "properties": {
            "feed_id": _keyword(),
            "url": _keyword(),
            "name": _keyword(),
            "at": date,
            "outcome": _keyword(),
            "status": _keyword(),
            "reason": _keyword(),
            # Searched as words in Discover, shown and counted as a whole in tables.
            "error": {"type": "text", "fields": {"keyword": _keyword()}},
            "items": integer,
            "emitted": integer,
            "duration_ms": integer,
            "next_due": date,
            "pushed": {"type": "boolean"},
        },
    }


def feed_health_template_name(settings: ElasticsearchSettings) -> str:
    return settings.feed_health_index


def feed_health_template(settings: ElasticsearchSettings) -> dict[str, Any]:
    return _side_index_template(settings, settings.feed_health_index, FEED_HEALTH_TEMPLATE_PRIORITY, feed_health_mappings(),
                                content="feed-health")


def _side_index_template(settings: ElasticsearchSettings, index: str, priority: int, mappings: dict[str, Any], *,
                         content: str) -> dict[str, Any]:
    """The template of a one-index side store (feed health, stories): one shard, a 5 s refresh."""
    return {
        "index_patterns": [index],
        "priority": priority,
        "template": {
            "settings": {"number_of_shards": 1, "number_of_replicas": settings.replicas or 0, "refresh_interval": "5s"},
            "mappings": mappings,
        },
        "_meta": {"managed_by": "newsflow", "content": content},
    }


def ensure_feed_health_index(client: Elasticsearch, settings: ElasticsearchSettings) -> bool:
    """Put the feed-health template and create its index; returns True if it created the index.
    Idempotent (see `_ensure_side_index`)."""
    settings = with_replicas(client, settings)
    return _ensure_side_index(client, settings, settings.feed_health_index, feed_health_template(settings),
                              feed_health_mappings())


def _ensure_side_index(client: Elasticsearch, settings: ElasticsearchSettings, index: str, template: dict[str, Any],
                       mappings: dict[str, Any]) -> bool:
    """Put a side index's template (named after the index) and create the index; True if created.

    An existing index is kept and only gains fields this release added. The template also shapes
    the index if a sink writes to it before it exists (auto-creation)."""
    try:
        client.indices.put_index_template(name=index, **template)
        if client.indices.exists(index=index):
            _add_plain_index_fields(client, index, mappings)
            return False
        client.indices.create(index=index)
        return True
    except TRANSIENT_ERRORS as exc:
        raise unavailable(settings, exc) from None
    except ApiError as exc:
        if exc.meta.status == 400 and "resource_already_exists_exception" in str(exc):
            return False  # a concurrent setup, or the sink's first write, created it first
        raise


# -- the stories index -----------------------------------------------------------------------------
#
# One document per story (schema.StoryDocument, from the compacted news.stories topic), with
# `_id` = story id: the story sink overwrites it as the story grows (sinks/stories.py). A single
# plain index named settings.stories_index: a story gathers many articles, so it stays far smaller
# than the articles index. It is not pruned: the compacted topic keeps every story too, and the
# index can be rebuilt from it (a new consumer group replays it).

STORIES_TEMPLATE_PRIORITY = 210  # above the articles template (200): an exact name beats a broad prefix


def stories_mappings() -> dict[str, Any]:
    """Explicit, strict mappings of a story document: the StoryDocument fields (but schema_version)
    plus `entity_names`, the entities' names as one flat keyword field that Kibana and the
    `/stories?entity=` filter can aggregate and match (the nested `entities` keep name, type and
    weight together, which the top level of Kibana cannot use)."""
    date, integer = {"type": "date"}, {"type": "integer"}
    return {
        "dynamic": "strict",
        "properties": {
            "id": _keyword(),
            # Searched as words, shown and sorted as a whole.
            "title": {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 512}}},
            "entities": {
                "type": "nested",
                "properties": {"name": _keyword(), "type": _keyword(), "weight": {"type": "float"}},
            },
            "entity_names": _keyword(),
            "topics": _keyword(),
            "keyphrases": _keyword(),
            "first_seen": date,
            "last_updated": date,
            "size": integer,
            "sources": integer,
            "article_ids": _keyword(),
            "indexed_at": date,
        },
    }


def stories_template_name(settings: ElasticsearchSettings) -> str:
    return settings.stories_index


def stories_template(settings: ElasticsearchSettings) -> dict[str, Any]:
    return _side_index_template(settings, settings.stories_index, STORIES_TEMPLATE_PRIORITY, stories_mappings(), content="stories")


def ensure_stories_index(client: Elasticsearch, settings: ElasticsearchSettings) -> bool:
    """Put the stories template and create its index; returns True if it created the index.
    Idempotent (see `_ensure_side_index`)."""
    settings = with_replicas(client, settings)
    return _ensure_side_index(client, settings, settings.stories_index, stories_template(settings), stories_mappings())


# -- the processors' stories state -------------------------------------------------------------------
#
# Articles (their fingerprint, story features and decisions) and stories (their centroid) of the
# near-duplicate and story windows, written and read by the processors (processors/stories/
# es_store.py). One shard: its sequence numbers order the processors' claims. Only `kind`,
# `keys` (an article's digest and LSH band keys, a story's centroid keys), `arrived` (a story's
# latest arrival), `story_id` and `claimed` are searched; the rest is kept, never indexed.

def stories_state_mappings() -> dict[str, Any]:
    return {
        "dynamic": "strict",
        "properties": {
            "kind": {"type": "keyword"},
            "keys": {"type": "keyword", "doc_values": False},
            "arrived": {"type": "date"},
            "story_id": {"type": "keyword"},
            "claimed": {"type": "long"},
            "record": {"type": "object", "enabled": False},
        },
    }


def ensure_stories_state_index(client: Elasticsearch, settings: ElasticsearchSettings) -> bool:
    """Put the stories-state template and create its index; True if it created it. Idempotent."""
    settings = with_replicas(client, settings)
    template = _side_index_template(settings, settings.stories_state_index, STORIES_TEMPLATE_PRIORITY,
                                    stories_state_mappings(), content="stories-state")
    template["template"]["settings"]["refresh_interval"] = "1s"  # other workers' stories, found within a second
    return _ensure_side_index(client, settings, settings.stories_state_index, template, stories_state_mappings())


def _add_plain_index_fields(client: Elasticsearch, index: str, mappings: dict[str, Any]) -> None:
    try:
        client.indices.put_mapping(index=index, **mappings)
    except ApiError as exc:
        if exc.meta.status != 400:
            raise
        log.warning("index %s keeps its older mapping (%s); delete it and run `newsflow setup`", index, str(exc)[:200])
