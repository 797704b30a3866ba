"""Searching the articles index: one typed query and the Elasticsearch requests built from it.

`newsflow search` and the HTTP API (newsflow.read.api) share everything here: the query model and its
validation, the request builders (pure functions, unit-tested without a cluster), the calls
that run them, and the way a hit is turned into a result.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from elasticsearch import ApiError, Elasticsearch
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from newsflow.errors import NewsflowError, ServiceUnavailable
from newsflow.index.indices import TRANSIENT_ERRORS, unavailable
from newsflow.settings import ElasticsearchSettings, Settings

__all__ = [
    "ENTITY_FIELDS",
    "FACET_FIELDS",
    "HIT_SOURCE",
    "TRENDING_FIELDS",
    "FacetBucket",
    "Hit",
    "IndexMissing",
    "InvalidSearch",
    "SearchFailed",
    "SearchQuery",
    "SearchRejected",
    "SearchResult",
    "SortOrder",
    "Trending",
    "TrendingEntity",
    "add_search_arguments",
    "build_duplicate_count_body",
    "build_related_body",
    "build_search_body",
    "build_trending_body",
    "check_health",
    "count_duplicates",
    "format_hit",
    "get_article",
    "parse_search_query",
    "related_articles",
    "run_search_command",
    "search_articles",
    "to_hit",
    "translated_errors",
    "trending_entities",
]

log = logging.getLogger(__name__)

# Keyword fields holding entity names, grouped by kind by the sink (sinks/articles.py).
ENTITY_FIELDS = ("persons", "organisations", "places", "other_entities")
FACET_FIELDS = ("source", "language", "topics", "persons", "organisations", "places")
TRENDING_FIELDS = ("persons", "organisations", "places")
# Elasticsearch refuses from + size beyond index.max_result_window (10,000 by default): say so
# before asking rather than relay its error.
MAX_RESULT_WINDOW = 10_000

# Numbers and dates are entities to spaCy but not what a reader scans a result for.
_SKIPPED_TYPES = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}

MARK_START, MARK_END = "<mark>", "</mark>"
# "Al-Farabi" is two tokens to the standard analyzer: show one highlight, not two.
_SPLIT_MARK = re.compile(re.escape(MARK_END) + r"([-'’.])" + re.escape(MARK_START))

_TEXT_FIELDS = ["title^3", "summary^2", "text", "persons^2", "organisations^2", "places^2"]
HIT_SOURCE = ["article_id", "title", "source", "published", "url", "entities", "summary"]
_HIGHLIGHT = {
    "pre_tags": [MARK_START],
    "post_tags": [MARK_END],
    "fields": {
        "text": {"fragment_size": 160, "number_of_fragments": 1},
        "summary": {"fragment_size": 160, "number_of_fragments": 1},
    },
}
_SNIPPET_CHARS = 160

# Elasticsearch date math anchored on now: now-7d, now-1h/h, now/d. (Anchors on a date,
# "2024-05-01||-1d", are left out: an ISO date covers what people type.)
_DATE_MATH = re.compile(r"now(?:[+-]\d+[yMwdhHms])*(?:/[yMwdhHms])?")
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_HELP = "an ISO date or time (2024-05-01, 2024-05-01T12:00:00Z) or date math such as now-7d or now-24h"
_ENTITY_TYPE = re.compile(r"[A-Z][A-Z_]*")


# -- errors ------------------------------------------------------------------------------------


class InvalidSearch(NewsflowError):
    """Search parameters that cannot make a valid request; `problems` name each parameter and why."""

    code = "E500"

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        text = "; ".join(f"{p['loc'][-1]}: {p['msg']}" if p["loc"] else p["msg"] for p in problems)
        super().__init__(f"invalid search: {text}", problems=problems)
        self.problems = problems


class IndexMissing(NewsflowError):
    code = "E501"


class SearchRejected(NewsflowError):
    """Elasticsearch refused the request as malformed (400): the request's fault, not the cluster's."""

    code = "E502"


class SearchFailed(NewsflowError):
    code = "E503"


# -- the query ---------------------------------------------------------------------------------


class SortOrder(StrEnum):
    RELEVANCE = "relevance"
    DATE = "date"


class SearchQuery(BaseModel):
    """What a search asks for. Build it with `parse_search_query` to get the page-size limit and
    error messages that name the parameters as the caller spelled them."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    text: str | None = Field(None, description='Words to search for (simple query string: "exact phrase", -exclude, a | b).')
    entity: str | None = Field(None, description="Exact name of a person, organisation, place or other entity (any case).")
    entity_type: str | None = Field(None, description="Entity type (spaCy label): PERSON, ORG, GPE, LOC, NORP, EVENT, ...")
    topic: str | None = None
    source: str | None = None
    language: str | None = Field(None, description="Language code, e.g. en.")
    since: str | None = Field(None, description=f"Published at or after: {_DATE_HELP}.")
    until: str | None = Field(None, description=f"Published at or before: {_DATE_HELP}.")
    sort: SortOrder = SortOrder.RELEVANCE
    size: int = Field(10, ge=1, description="Hits per page.")
    offset: int = Field(0, ge=0, description="Hits to skip (for paging).")
    collapse_duplicates: bool = Field(
        False, description="Leave out near-duplicates (articles with duplicate_of) and count each hit's duplicates."
    )

    @field_validator("text", "entity", "entity_type", "topic", "source", "language", "since", "until")
    @classmethod
    def _blank_is_absent(cls, value: str | None) -> str | None:
        return value or None  # `?topic=` from a form means "any topic", not "the empty topic"

    @field_validator("entity_type")
    @classmethod
    def _known_label_shape(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.upper()
        if not _ENTITY_TYPE.fullmatch(value):
            raise ValueError("must be an entity type such as PERSON, ORG or GPE")
        return value

    @field_validator("since", "until")
    @classmethod
    def _date_or_date_math(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        normalised = _normalise_date(value)
        if info.field_name == "until" and info.data.get("since") and _starts_after(info.data["since"], normalised):
            raise ValueError("must not be before since")
        return normalised

    @field_validator("size")
    @classmethod
    def _within_page_limit(cls, value: int, info: ValidationInfo) -> int:
        limit = (info.context or {}).get("max_page_size")
        if limit is not None and value > limit:
            raise ValueError(f"must be at most {limit}")
        return value

    @field_validator("offset")
    @classmethod
    def _within_result_window(cls, value: int, info: ValidationInfo) -> int:
        size = info.data.get("size", 0)
        if value + size > MAX_RESULT_WINDOW:
            raise ValueError(f"offset + size must be at most {MAX_RESULT_WINDOW}")
        return value


def _normalise_date(value: str) -> str:
    """An Elasticsearch range bound: date math as given, a date as the whole day (`||/d` rounds
    down for gte and up for lte, so `until=2024-05-01` includes that day), a time in ISO form."""
    if _DATE_MATH.fullmatch(value):
        return value
    try:
        if _DATE_ONLY.fullmatch(value):
            return f"{date.fromisoformat(value).isoformat()}||/d"
        # fromisoformat also takes forms Elasticsearch's strict parser does not ("2024-05-01 12:00",
        # "20240501"): re-emit them in the one form it does.
        return datetime.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"must be {_DATE_HELP}") from None


def _absolute(bound: str, *, end_of_day: bool) -> datetime | None:
    if bound.startswith("now"):
        return None
    day_only = bound.endswith("||/d")
    moment = datetime.fromisoformat(bound.removesuffix("||/d"))
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment + timedelta(days=1) - timedelta(microseconds=1) if day_only and end_of_day else moment


def _starts_after(since: str, until: str) -> bool:
    start, end = _absolute(since, end_of_day=False), _absolute(until, end_of_day=True)
    return start is not None and end is not None and start > end


def parse_search_query(
    fields: Mapping[str, Any], *, max_page_size: int | None = None, names: Mapping[str, str] | None = None
) -> SearchQuery:
    """Validate search parameters; `names` maps query fields to the caller's names (text -> q) so
    that InvalidSearch says which parameter was wrong in the caller's words."""
    try:
        return SearchQuery.model_validate(dict(fields), context={"max_page_size": max_page_size})
    except ValidationError as exc:
        raise InvalidSearch(_problems(exc, names or {})) from None


def _problems(exc: ValidationError, names: Mapping[str, str]) -> list[dict[str, Any]]:
    problems = []
    for err in exc.errors(include_url=False, include_context=False):
        loc = [names.get(str(part), str(part)) for part in err["loc"]]
        problems.append({"loc": loc, "msg": err["msg"].removeprefix("Value error, "), "type": err["type"]})
    return problems


# -- request builders (pure) -------------------------------------------------------------------


def build_search_body(query: SearchQuery, *, facets: bool = False, facet_size: int = 10) -> dict[str, Any]:
    """The search request for `query`. Filters sit in `filter` clauses: they narrow the results
    without touching the relevance score, and Elasticsearch can cache them."""
    body: dict[str, Any] = {
        "query": {"bool": {"must": [_text_clause(query.text)], "filter": _filters(query)}},
        "sort": _sort(query.sort),
        "from": query.offset,
        "size": query.size,
        "track_total_hits": True,  # "12,345 articles match", not "at least 10,000"
        "highlight": _HIGHLIGHT,
        "_source": HIT_SOURCE,
    }
    if query.collapse_duplicates:
        # Leave out the copies: the original stands for them, with their count (`count_duplicates`).
        body["query"]["bool"]["must_not"] = [{"exists": {"field": "duplicate_of"}}]
    if facets:
        body["aggs"] = {name: {"terms": {"field": name, "size": facet_size}} for name in FACET_FIELDS}
    return body


def build_duplicate_count_body(article_ids: list[str]) -> dict[str, Any]:
    """One terms aggregation: for each of `article_ids`, how many indexed articles name it as
    their `duplicate_of` (articles without duplicates have no bucket)."""
    return {
        "size": 0,
        "query": {"bool": {"filter": [{"terms": {"duplicate_of": article_ids}}]}},
        "aggs": {"duplicates": {"terms": {"field": "duplicate_of", "size": max(len(article_ids), 1)}}},
    }


def _text_clause(text: str | None) -> dict[str, Any]:
    if text is None:
        return {"match_all": {}}
    return {"simple_query_string": {"query": text, "fields": _TEXT_FIELDS, "default_operator": "and"}}


def _term(field: str, value: str) -> dict[str, Any]:
    # People type "nato" for NATO and "daily planet" for a source: keyword filters ignore case.
    return {"term": {field: {"value": value, "case_insensitive": True}}}


def _filters(query: SearchQuery) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    if query.entity_type is not None:
        # Nested, so that name and type must hold for the same entity: "Paris" as a PERSON must
        # not match an article with the city Paris and some other person.
        must = [{"term": {"entities.type": query.entity_type}}]
        if query.entity is not None:
            must.append(_term("entities.name", query.entity))
        filters.append({"nested": {"path": "entities", "query": {"bool": {"filter": must}}}})
    elif query.entity is not None:
        filters.append({"bool": {"should": [_term(f, query.entity) for f in ENTITY_FIELDS], "minimum_should_match": 1}})
    for field, value in (("topics", query.topic), ("source", query.source), ("language", query.language)):
        if value is not None:
            filters.append(_term(field, value))
    bounds = {op: value for op, value in (("gte", query.since), ("lte", query.until)) if value is not None}
    if bounds:
        filters.append({"range": {"published": bounds}})
    return filters


def _sort(order: SortOrder) -> list[Any]:
    newest_first = {"published": {"order": "desc", "missing": "_last"}}
    if order is SortOrder.DATE:
        return [newest_first, "_score"]
    return ["_score", newest_first]  # equal scores (no text, only filters): newest first


def build_related_body(index: str, article_id: str, *, size: int) -> dict[str, Any]:
    """More like this: articles sharing the rarer words and entity names of `article_id`."""
    return {
        "query": {
            "more_like_this": {
                "fields": ["title", "text", *ENTITY_FIELDS],
                "like": [{"_index": index, "_id": article_id}],
                "include": False,  # never the article itself
                # News texts are short and a name appears once or twice: the defaults (a term
                # twice in the article, in 5+ documents) would throw away exactly the names.
                "min_term_freq": 1,
                "min_doc_freq": 2,
                "max_query_terms": 25,
            }
        },
        "size": size,
        "_source": HIT_SOURCE,
    }


def build_trending_body(
    field: str, *, size: int, min_articles: int, window: str = "now-24h", background: str = "now-30d"
) -> dict[str, Any]:
    """Significant terms: entities whose share of the articles published since `window` stands out
    against their share since `background`, rather than the merely frequent ones."""
    if field not in TRENDING_FIELDS:
        raise ValueError(f"field must be one of {', '.join(TRENDING_FIELDS)}")
    return {
        "size": 0,
        "query": {"bool": {"filter": [{"range": {"published": {"gte": window}}}]}},
        "aggs": {
            "trending": {
                "significant_terms": {
                    "field": field,
                    "size": size,
                    "min_doc_count": min_articles,
                    "background_filter": {"range": {"published": {"gte": background}}},
                }
            }
        },
    }


# -- results -----------------------------------------------------------------------------------


class Hit(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    score: float | None = Field(description="Relevance score (null when Elasticsearch did not compute one).")
    title: str
    source: str
    published: str | None
    url: str | None
    top_entities: list[str] = Field(description='Most mentioned entities as "Name (TYPE)".')
    snippet: str = Field(description="Best matching passage; matches wrapped in <mark>…</mark>.")
    duplicates: int | None = Field(
        None, description="Indexed near-duplicates of this article (counted when duplicates are collapsed, else null)."
    )

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump()


class FacetBucket(BaseModel):
    model_config = ConfigDict(frozen=True)

    value: str
    count: int = Field(description="Matching articles with this value.")


class SearchResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetBucket]] = Field(default_factory=dict)


class TrendingEntity(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    count: int = Field(description="Articles naming it in the window.")
    background_count: int = Field(description="Articles naming it in the background period.")
    score: float = Field(description="Significance: how far its share in the window exceeds its background share.")


class Trending(BaseModel):
    model_config = ConfigDict(frozen=True)

    field: str
    window: str
    background: str
    articles: int = Field(description="Articles published in the window.")
    entities: list[TrendingEntity]


def to_hit(raw: dict[str, Any]) -> Hit:
    src = raw["_source"]
    entities = sorted(
        (e for e in src.get("entities", []) if e["type"] not in _SKIPPED_TYPES),
        key=lambda e: (-e["count"], e["first_offset"]),
    )
    fragments = raw.get("highlight", {})
    snippet = (fragments.get("text") or fragments.get("summary") or [src.get("summary", "")[:_SNIPPET_CHARS]])[0]
    return Hit(
        id=src["article_id"],
        score=raw.get("_score"),
        title=src.get("title", ""),
        source=src.get("source", ""),
        published=src.get("published"),
        url=src.get("url"),
        top_entities=[f"{e['name']} ({e['type']})" for e in entities[:6]],
        snippet=_SPLIT_MARK.sub(r"\1", " ".join(snippet.split())),
    )


def _to_facets(aggregations: dict[str, Any]) -> dict[str, list[FacetBucket]]:
    return {
        name: [FacetBucket(value=str(b["key"]), count=b["doc_count"]) for b in aggregations[name]["buckets"]]
        for name in FACET_FIELDS
        if name in aggregations
    }


# -- calls -------------------------------------------------------------------------------------

# Statuses that mean "the cluster cannot answer now", not "the request is wrong".
_BUSY_STATUS = {429, 502, 503, 504}


@contextmanager
def translated_errors(settings: ElasticsearchSettings, what: str, *, index: str | None = None) -> Iterator[None]:
    """Turn client exceptions into newsflow errors with one clear sentence each; `index` names
    what a 404 means is missing when it is not the articles' read alias."""
    try:
        yield
    except TRANSIENT_ERRORS as exc:
        raise unavailable(settings, exc) from None
    except ApiError as exc:
        if exc.meta.status == 404:
            missing = f"index {index!r}" if index else f"index alias {settings.alias!r}"
            raise IndexMissing(f"{missing} does not exist: run `newsflow setup` first") from None
        if exc.meta.status in _BUSY_STATUS:
            raise ServiceUnavailable(f"Elasticsearch at {settings.url} is busy ({exc.meta.status})", service="elasticsearch") from None
        if exc.meta.status == 400:
            raise SearchRejected(f"Elasticsearch refused the {what}: {_reason(exc)}") from None
        log.warning("%s failed status=%s error=%s", what, exc.meta.status, _reason(exc))
        raise SearchFailed(f"{what} failed: {_reason(exc)}") from None


def _reason(exc: ApiError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error")
    if isinstance(error, dict):
        causes = error.get("root_cause") or [error]
        return str(causes[0].get("reason") or error.get("type") or exc.message)
    return str(exc.message)


def search_articles(client: Elasticsearch, settings: ElasticsearchSettings, query: SearchQuery, *,
                    facets: bool = False, facet_size: int = 10) -> SearchResult:
    body = build_search_body(query, facets=facets, facet_size=facet_size)
    with translated_errors(settings, "search"):
        response = client.search(index=settings.alias, **body)
    hits = [to_hit(h) for h in response["hits"]["hits"]]
    if query.collapse_duplicates and hits:
        counts = count_duplicates(client, settings, [h.id for h in hits])
        hits = [h.model_copy(update={"duplicates": counts.get(h.id, 0)}) for h in hits]
    return SearchResult(
        total=response["hits"]["total"]["value"],
        hits=hits,
        facets=_to_facets(response.get("aggregations", {})),
    )


def count_duplicates(client: Elasticsearch, settings: ElasticsearchSettings, article_ids: list[str]) -> dict[str, int]:
    """Article id -> how many indexed articles are its near-duplicates (ids without any are absent)."""
    with translated_errors(settings, "duplicate count"):
        response = client.search(index=settings.alias, **build_duplicate_count_body(article_ids))
    return {str(b["key"]): b["doc_count"] for b in response["aggregations"]["duplicates"]["buckets"]}


def _fetch(client: Elasticsearch, settings: ElasticsearchSettings, article_id: str) -> dict[str, Any] | None:
    with translated_errors(settings, "article lookup"):
        response = client.options(ignore_status=404).get(index=settings.alias, id=article_id)
    if response.get("found"):
        return dict(response)
    if "error" in response:  # a 404 for the alias itself, not for the document
        raise IndexMissing(f"index alias {settings.alias!r} does not exist: run `newsflow setup` first")
    return None


def get_article(client: Elasticsearch, settings: ElasticsearchSettings, article_id: str) -> dict[str, Any] | None:
    """The stored document (with `id`, and `duplicates`: how many indexed articles are its
    near-duplicates), or None when there is no such article."""
    found = _fetch(client, settings, article_id)
    if found is None:
        return None
    duplicates = count_duplicates(client, settings, [article_id]).get(article_id, 0)
    return {"id": found["_id"], **found["_source"], "duplicates": duplicates}


def related_articles(client: Elasticsearch, settings: ElasticsearchSettings, article_id: str, *, size: int) -> list[Hit] | None:
    """Articles like `article_id`, best first; None when there is no such article."""
    found = _fetch(client, settings, article_id)
    if found is None:
        return None
    # The concrete index, not the alias: more_like_this fetches the article's terms from it.
    body = build_related_body(found["_index"], article_id, size=size)
    with translated_errors(settings, "related search"):
        response = client.search(index=settings.alias, **body)
    return [to_hit(h) for h in response["hits"]["hits"]]


def trending_entities(client: Elasticsearch, settings: ElasticsearchSettings, field: str, *,
                      size: int = 10, min_articles: int = 3) -> Trending:
    window, background = "now-24h", "now-30d"
    body = build_trending_body(field, size=size, min_articles=min_articles, window=window, background=background)
    with translated_errors(settings, "trending entities"):
        response = client.search(index=settings.alias, **body)
    agg = response["aggregations"]["trending"]
    return Trending(
        field=field, window=window, background=background, articles=agg["doc_count"],
        entities=[
            TrendingEntity(name=str(b["key"]), count=b["doc_count"], background_count=b["bg_count"], score=b["score"])
            for b in agg["buckets"]
        ],
    )


def check_health(client: Elasticsearch, settings: ElasticsearchSettings) -> dict[str, Any]:
    """Cluster reachable and not red, read alias present; raises ServiceUnavailable or
    IndexMissing saying which is not."""
    with translated_errors(settings, "health check"):
        health = client.cluster.health()
        if health["status"] == "red":
            raise ServiceUnavailable(f"Elasticsearch cluster {health['cluster_name']!r} is red", service="elasticsearch")
        if not client.indices.exists_alias(name=settings.alias):
            raise IndexMissing(f"index alias {settings.alias!r} does not exist: run `newsflow setup` first")
        articles = client.count(index=settings.alias)["count"]
    return {"status": "ok", "cluster": health["cluster_name"], "cluster_status": health["status"],
            "alias": settings.alias, "articles": articles}


# -- the command -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Option:
    flags: tuple[str, ...]
    field: str
    metavar: str
    help: str


_FILTER_OPTIONS = (
    _Option(("--entity",), "entity", "NAME", "only articles naming this person, organisation, place or other entity (exact name, any case)"),
    _Option(("--type",), "entity_type", "TYPE", "only articles with an entity of this type (PERSON, ORG, GPE, ...); "
                                                "with --entity, that entity as this type"),
    _Option(("--topic",), "topic", "TOPIC", "only articles on this topic"),
    _Option(("--source",), "source", "SOURCE", "only articles from this source (exact name, any case)"),
    _Option(("--language",), "language", "CODE", "only articles in this language (code, e.g. en)"),
    _Option(("--since",), "since", "DATE", f"published at or after DATE: {_DATE_HELP}"),
    _Option(("--until",), "until", "DATE", f"published at or before DATE: {_DATE_HELP}"),
)
# How the query's fields are spelled on the command line, for error messages.
_CLI_NAMES = {"text": "QUERY", "size": "--size", "offset": "--from", "sort": "--sort"} | {o.field: o.flags[0] for o in _FILTER_OPTIONS}


def add_search_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="+", help="words to search for")
    for option in _FILTER_OPTIONS:
        parser.add_argument(*option.flags, dest=option.field, metavar=option.metavar, help=option.help)
    parser.add_argument("--sort", choices=[s.value for s in SortOrder], default=SortOrder.RELEVANCE.value,
                        help="relevance (default) or date (newest first)")
    parser.add_argument("-n", "--size", type=int, default=10, help="number of hits to show (default 10)")
    parser.add_argument("--from", dest="offset", type=int, default=0, metavar="N", help="skip the first N hits (paging)")
    parser.add_argument("--collapse-duplicates", action="store_true",
                        help="leave out near-duplicates of other articles and show how many each hit has")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run_search_command(settings: Settings, args: argparse.Namespace) -> int:
    from newsflow.index.indices import make_client

    fields = {o.field: getattr(args, o.field) for o in _FILTER_OPTIONS}
    fields |= {"text": " ".join(args.query), "sort": args.sort, "size": args.size, "offset": args.offset,
               "collapse_duplicates": args.collapse_duplicates}
    query = parse_search_query(fields, max_page_size=settings.api.max_page_size, names=_CLI_NAMES)
    client = make_client(settings.elasticsearch)
    try:
        result = search_articles(client, settings.elasticsearch, query)
    finally:
        client.close()
    if args.json:
        hits = [h.as_dict() if query.collapse_duplicates else h.model_dump(exclude={"duplicates"}) for h in result.hits]
        print(json.dumps({"total": result.total, "hits": hits}, ensure_ascii=False, indent=2))
        return 0
    print(f"{result.total} article(s) match")
    color = sys.stdout.isatty()
    for hit in result.hits:
        print()
        print(format_hit(hit, color=color))
    return 0


def format_hit(hit: Hit, *, color: bool) -> str:
    start, end = ("\x1b[1m", "\x1b[0m") if color else ("**", "**")
    snippet = hit.snippet.replace(MARK_START, start).replace(MARK_END, end)
    copies = f" · {hit.duplicates} duplicate(s)" if hit.duplicates else ""
    lines = [
        f"{hit.title}",
        f"  {hit.source} · {hit.published or 'undated'} · {hit.url or hit.id}{copies}",
        f"  entities: {', '.join(hit.top_entities) or '-'}",
        f"  {snippet}",
    ]
    return "\n".join(lines)
