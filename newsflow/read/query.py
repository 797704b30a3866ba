"""The typed search query and the Elasticsearch request bodies built from it.

`SearchQuery` is what a search asks for; `parse_search_query` validates parameters into one and
raises `InvalidSearch` naming each wrong parameter in the caller's words. The `build_*_body`
functions turn a query (or an article, or an entity field) into request bodies: pure functions,
unit-tested without a cluster. Running them and shaping the answers is `newsflow.read.search`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from newsflow.contract.languages import normalise_language_tag
from newsflow.errors import NewsflowError

__all__ = [
    "DATE_HELP",
    "ENTITY_FIELDS",
    "FACET_FIELDS",
    "HIT_SOURCE",
    "MARK_END",
    "MARK_START",
    "TRENDING_FIELDS",
    "InvalidSearch",
    "SearchQuery",
    "SortOrder",
    "build_duplicate_count_body",
    "build_related_body",
    "build_search_body",
    "build_trending_body",
    "trending_periods",
    "parse_search_query",
]

# Keyword fields holding entity names, grouped by kind by the sink (sinks/articles.py).
ENTITY_FIELDS = ("persons", "organisations", "places", "other_entities")
FACET_FIELDS = ("source", "language", "topics", "persons", "organisations", "places")
TRENDING_FIELDS = ("persons", "organisations", "places")
# Elasticsearch refuses from + size beyond index.max_result_window (10,000 by default): say so
# before asking rather than relay its error.
MAX_RESULT_WINDOW = 10_000

MARK_START, MARK_END = "<mark>", "</mark>"

_TEXT_FIELDS = ["title^3", "summary^2", "text", "persons^2", "organisations^2", "places^2"]
HIT_SOURCE = ["article_id", "title", "source", "published", "date_source", "url", "entities", "summary"]
_HIGHLIGHT = {
    "pre_tags": [MARK_START],
    "post_tags": [MARK_END],
    "fields": {
        "text": {"fragment_size": 160, "number_of_fragments": 1},
        "summary": {"fragment_size": 160, "number_of_fragments": 1},
    },
}

# Elasticsearch date math anchored on now: now-7d, now-1h/h, now/d. (Anchors on a date,
# "2024-05-01||-1d", are left out: an ISO date covers what people type.)
_DATE_MATH = re.compile(r"now(?:[+-]\d+[yMwdhHms])*(?:/[yMwdhHms])?")
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_HELP = "an ISO date or time (2024-05-01, 2024-05-01T12:00:00Z) or date math such as now-7d or now-24h"
_ENTITY_TYPE = re.compile(r"[A-Z][A-Z_]*")


# -- errors ------------------------------------------------------------------------------------


class InvalidSearch(NewsflowError):
    """Search parameters that cannot make a valid request; `problems` name each parameter and why."""

    code = "E500"

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        text = "; ".join(f"{p['loc'][-1]}: {p['msg']}" if p["loc"] else p["msg"] for p in problems)
        super().__init__(f"invalid search: {text}", problems=problems)
        self.problems = problems


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
    since: str | None = Field(None, description=f"Published at or after: {DATE_HELP}.")
    until: str | None = Field(None, description=f"Published at or before: {DATE_HELP}.")
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
        raise ValueError(f"must be {DATE_HELP}") from None


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
    # The index keeps one normalised language per article: "en-US", "EN" and "eng" all ask for "en".
    language = query.language and (normalise_language_tag(query.language) or query.language.lower())
    for field, value in (("topics", query.topic), ("source", query.source), ("language", language)):
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


def trending_periods(now: datetime) -> tuple[str, str]:
    """The window (the last 24 h) and the background (the last 30 days) of trending, as absolute
    times rounded up to the minute (so never longer than 24 h and 30 days). Elasticsearch refuses
    date math on ``now`` in a significant_terms background filter once it holds data ("could not
    read the current timestamp", a 400 on every call); rounded, the same minute's requests also
    share its cache."""
    now = now.astimezone(UTC)
    minute = now.replace(second=0, microsecond=0)
    minute += timedelta(minutes=1) if minute < now else timedelta(0)
    return _iso(minute - timedelta(hours=24)), _iso(minute - timedelta(days=30))


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_trending_body(field: str, *, size: int, min_articles: int, window: str, background: str) -> dict[str, Any]:
    """Significant terms: entities whose share of the articles published since `window` stands out
    against their share since `background` (absolute times: `trending_periods`), rather than the
    merely frequent ones."""
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
