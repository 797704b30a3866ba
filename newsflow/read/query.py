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
    "SNIPPET_CHARS",
    "TRENDING_FIELDS",
    "InvalidSearch",
    "SearchQuery",
    "SortOrder",
    "build_duplicate_count_body",
    "build_related_body",
    "build_search_body",
    "build_trending_body",
    "parse_search_query",
    "scores_relevance",
    "trending_periods",
]

# Keyword fields holding entity names, grouped by kind by the sink (sinks/articles.py).
ENTITY_FIELDS = ("persons", "organisations", "places", "other_entities")
FACET_FIELDS = ("source", "language", "topics", "persons", "organisations", "places")
TRENDING_FIELDS = ("persons", "organisations", "places")
# Elasticsearch refuses from + size beyond index.max_result_window (10,000 by default): say so
# before asking rather than relay its error.
MAX_RESULT_WINDOW = 10_000
# The cost cap on a query text (the API's settings can lower or raise the first two): every word
# is a term lookup on several fields, and a prefix term expands to up to max_expansions terms.
DEFAULT_MAX_TERMS = 32
DEFAULT_MAX_PREFIX_TERMS = 2
MIN_PREFIX_CHARS = 3

MARK_START, MARK_END = "<mark>", "</mark>"

_TEXT_FIELDS = ["title^3", "summary^2", "text", "persons^2", "organisations^2", "places^2"]
_PHRASE_FIELDS = ["title^3", "summary^2", "text"]  # where the words typed in order count extra
HIT_SOURCE = ["article_id", "title", "source", "published", "date_source", "url", "entities", "summary"]
# The operators the help documents ("exact phrase", -exclude, a | b, +), a trailing * for a
# prefix, parentheses and backslash escapes. Not ~ (fuzzy, slop, near): in pasted text "~50" is
# a tilde, not an operator.
_OPERATORS = "AND|OR|NOT|PHRASE|PREFIX|PRECEDENCE|WHITESPACE|ESCAPE"
SNIPPET_CHARS = 160
# The highlighted fields and the snippet they give (newsflow.read.search picks one): the body's
# best passages by score (several, so that one which is only a trailing tag list can be passed
# over), else its beginning (`no_match_size`: filter-only searches and matches outside the body);
# the summary's match; the whole title (a last resort, for articles with neither).
# `encoder: html` escapes the article's own text, so that a snippet is safe HTML whose only
# markup is <mark>.
_HIGHLIGHT_FIELDS = {
    "text": {"fragment_size": SNIPPET_CHARS, "number_of_fragments": 3, "order": "score", "no_match_size": SNIPPET_CHARS},
    "summary": {"fragment_size": SNIPPET_CHARS, "number_of_fragments": 1},
    "title": {"number_of_fragments": 0},
}
_HIGHLIGHT = {"pre_tags": [MARK_START], "post_tags": [MARK_END], "encoder": "html", "fields": _HIGHLIGHT_FIELDS}
_HIGHLIGHTED = list(_HIGHLIGHT_FIELDS)

# Function words of the languages of the mix (en, de, fr, it, es, pt). They are not highlighted
# on their own: "the state of the union" marks "state", "union" and the phrase where it occurs,
# never every "of" and "the" of the text. Lower case; words that are also content words in
# another language of the mix ("war", "art", "also") are left out.
_STOP_WORDS = frozenset("""
a an and are as at be but by for if in into is it its no not of on or such that the their then there these
they this to was were will with from
der die das den dem des ein eine einer eines einem einen und oder im in am an zu zum zur von vom mit für auf
um ist sind bei aus nach über
le la les l un une des du de d et ou au aux en dans sur pour par avec est qui que se
il lo gli i una uno di del della dei delle e o al alla nel nella per con che è
el los las y del al con por para es
o os as um uma do da dos das e em no na nos nas ao à com
""".split())

# A query's quoted phrases, and its other words (operators and grouping stripped).
_QUOTED = re.compile(r'"([^"]*)"')
_WORD = re.compile(r"[^\s|+()\"]+")

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

    @field_validator("text")
    @classmethod
    def _within_query_cost(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        context = info.context or {}
        phrases = _QUOTED.findall(value)
        words = _WORD.findall(_QUOTED.sub(" ", value))  # excluded (-word) ones cost as much
        terms = sum(len(_WORD.findall(p)) for p in phrases) + len(words)
        most = context.get("max_terms", DEFAULT_MAX_TERMS)
        if terms > most:
            raise ValueError(f"holds {terms} words; at most {most}")
        prefixes = [w for w in words if w.endswith("*")]
        most_prefixes = context.get("max_prefix_terms", DEFAULT_MAX_PREFIX_TERMS)
        if len(prefixes) > most_prefixes:
            raise ValueError(f"holds {len(prefixes)} prefix terms (word*); at most {most_prefixes}")
        short = [w for w in prefixes if len(w.lstrip("-").rstrip("*")) < MIN_PREFIX_CHARS]
        if short:
            raise ValueError(f"{short[0]!r}: a prefix term needs at least {MIN_PREFIX_CHARS} letters before *")
        return value

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
    if not (day_only and end_of_day):
        return moment
    try:
        return moment + timedelta(days=1) - timedelta(microseconds=1)
    except OverflowError:  # until=9999-12-31: the day's end is past what datetime holds
        return datetime.max.replace(tzinfo=UTC)


def _starts_after(since: str, until: str) -> bool:
    start, end = _absolute(since, end_of_day=False), _absolute(until, end_of_day=True)
    if start is None or end is None:
        return False
    try:
        return start > end
    except OverflowError:  # an offset at the edge of the calendar (0001-01-01T00:00+05:00): not comparable
        return False


def parse_search_query(
    fields: Mapping[str, Any], *, max_page_size: int | None = None, names: Mapping[str, str] | None = None,
    max_terms: int = DEFAULT_MAX_TERMS, max_prefix_terms: int = DEFAULT_MAX_PREFIX_TERMS,
) -> SearchQuery:
    """Validate search parameters; `names` maps query fields to the caller's names (text -> q) so
    that InvalidSearch says which parameter was wrong in the caller's words. The text's cost is
    capped: at most `max_terms` words and `max_prefix_terms` prefix terms (word*)."""
    context = {"max_page_size": max_page_size, "max_terms": max_terms, "max_prefix_terms": max_prefix_terms}
    try:
        return SearchQuery.model_validate(dict(fields), context=context)
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
    without touching the relevance score, and Elasticsearch can cache them.

    The score is relevance when words are given and the order is relevance. Otherwise (sort=date,
    or no words, where every match would score the same) it only says whether the article's date
    is a publish date (1) or the fetch time standing in for one (0, `date_source: fetched`): sorted
    on it first, then on `published`, undated articles come after every dated one, newest fetched
    first among themselves, instead of ranking as the newest news. Documents indexed before
    `date_source` existed lack it and count as dated: they were sorted by their `published` before.
    """
    body: dict[str, Any] = {
        "query": _scored(query),
        "sort": _SORT,
        "from": query.offset,
        "size": query.size,
        "track_total_hits": True,  # "12,345 articles match", not "at least 10,000"
        "highlight": _highlight(query.text),
        "_source": HIT_SOURCE,
    }
    if query.collapse_duplicates:
        # Leave out the copies: the original stands for them, with their count (`count_duplicates`).
        body["query"]["bool"]["must_not"] = [{"exists": {"field": "duplicate_of"}}]
    if facets:
        body["aggs"] = {name: {"terms": {"field": name, "size": facet_size}} for name in FACET_FIELDS}
    return body


def scores_relevance(query: SearchQuery) -> bool:
    """Whether the hits' score is relevance, or only the dated flag of `build_search_body`."""
    return query.text is not None and query.sort is SortOrder.RELEVANCE


# Matches every article whose `published` is a publish date; old documents without `date_source` too.
_FETCHED = {"term": {"date_source": "fetched"}}
_DATED = {"bool": {"must_not": [_FETCHED]}}


def _scored(query: SearchQuery) -> dict[str, Any]:
    if scores_relevance(query):
        clause: dict[str, Any] = {"must": [_text_clause(query.text)], "filter": _filters(query)}
        phrase = _phrase_clause(query.text)
        return {"bool": clause | ({"should": [phrase]} if phrase else {})}
    # The words (or match_all) still decide what matches and score nothing. They stay a `must`
    # clause: of `should` and `filter` clauses alone, a bool with no filter would require a
    # `should` to match, and leave the undated articles out instead of putting them after.
    return {"bool": {"must": [{"constant_score": {"filter": _text_clause(query.text), "boost": 0}}],
                     "filter": _filters(query), "should": [{"constant_score": {"filter": _DATED, "boost": 1}}]}}


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
    return {"simple_query_string": {"query": text, "fields": _TEXT_FIELDS, "default_operator": "and", "flags": _OPERATORS}}


def _query_words(text: str) -> tuple[list[str], list[str]]:
    """The quoted phrases of a simple query string and its other words, excluded ones (-word) left
    out: "-" only negates at the start of a word, so "Al-Farabi" stays one word."""
    phrases = [p.strip() for p in _QUOTED.findall(text) if p.strip()]
    words = [w for w in _WORD.findall(_QUOTED.sub(" ", text)) if not w.startswith("-")]
    return phrases, words


def _phrase_clause(text: str) -> dict[str, Any] | None:
    """The unquoted words as typed, in order, as a phrase: optional, it only ranks the articles
    holding "state of the union" above those with the words scattered."""
    _, words = _query_words(text)
    words = [w.rstrip("*") for w in words if w.rstrip("*")]
    if len(words) < 2:
        return None
    return {"multi_match": {"query": " ".join(words), "type": "phrase", "fields": _PHRASE_FIELDS}}


def _highlight_query(text: str) -> dict[str, Any]:
    """What the snippets mark: the quoted phrases, the content words, and the unquoted words as a
    phrase where they occur together. Function words are marked only inside a phrase: a query
    of function words alone ("to be or not to be") keeps them, or nothing would be marked."""
    phrases, words = _query_words(text)
    content = [w for w in words if w.rstrip("*").lower() not in _STOP_WORDS] or words
    terms = [f'"{p}"' for p in phrases] + content
    should: list[dict[str, Any]] = []
    if terms:
        should.append({"simple_query_string": {"query": " ".join(terms), "fields": _HIGHLIGHTED,
                                               "default_operator": "or", "flags": _OPERATORS}})
    phrase = _phrase_clause(text)
    if phrase:
        should.append({"multi_match": phrase["multi_match"] | {"fields": _HIGHLIGHTED}})
    return {"bool": {"should": should}}


def _highlight(text: str | None) -> dict[str, Any]:
    # Without a highlight query Elasticsearch marks every term of the search, "the" and "of" too.
    return _HIGHLIGHT if text is None else _HIGHLIGHT | {"highlight_query": _highlight_query(text)}


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


# Relevance, then the newest first. For sort=date and for searches without words the score is
# the dated flag (`_scored`): the same keys then give the dated articles newest first, then the
# undated ones newest fetched first.
_SORT = ["_score", {"published": {"order": "desc", "missing": "_last"}}]


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
    merely frequent ones.

    Only dated articles count, in the window and in the background: an article whose `published`
    is the time it was fetched (`date_source: fetched`) may be weeks old, and counting it as
    today's news would make whatever it names trend. The `undated` bucket counts those of the
    window, so that the answer can say how many were left out. Documents without `date_source`
    (indexed before it existed) count as dated.
    """
    if field not in TRENDING_FIELDS:
        raise ValueError(f"field must be one of {', '.join(TRENDING_FIELDS)}")
    return {
        "size": 0,
        "query": {"bool": {"filter": [{"range": {"published": {"gte": window}}}]}},
        "aggs": {
            "undated": {"filter": _FETCHED},
            "dated": {
                "filter": _DATED,
                "aggs": {
                    "trending": {
                        "significant_terms": {
                            "field": field,
                            "size": size,
                            "min_doc_count": min_articles,
                            "background_filter": {"bool": {"filter": [{"range": {"published": {"gte": background}}}],
                                                           "must_not": [_FETCHED]}},
                        }
                    }
                },
            },
        },
    }
