"""The HTTP search API: search with filters and facets, one article, related articles, trending
entities, stories and health, documented at /docs and /openapi.json.

Thin on purpose: queries and validation come from newsflow.read.query, running them and hit
formatting from newsflow.read.search, shared with `newsflow search`. Errors are answers, never
tracebacks: bad parameters get 422 naming the parameter and why, a missing article 404, an
unreachable or unready Elasticsearch 503.
"""

# No `from __future__ import annotations`: FastAPI reads these signatures at run time.

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import StrEnum
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field

from newsflow.errors import NewsflowError, ServiceUnavailable
from newsflow.index.indices import make_client
from newsflow.read.api import stories as stories_module
from newsflow.read.api.docs import add_docs_routes
from newsflow.read.api.guard import API_KEY_HEADER, ApiGuard, matches_key
from newsflow.read.api.stories import MAX_HOURS, StoryDetail, StoryList, StoryQuery, StorySort, get_story, list_stories
from newsflow.read.query import TRENDING_FIELDS, InvalidSearch, SortOrder, parse_search_query
from newsflow.read.search import (
    BoundedSearches,
    Hit,
    IndexMissing,
    SearchRejected,
    SearchResult,
    Trending,
    check_health,
    get_article,
    related_articles,
    search_articles,
    trending_entities,
)
from newsflow.read.web import add_web_routes
from newsflow.settings import ApiSettings, Settings

__all__ = ["create_app"]

log = logging.getLogger(__name__)

TrendingField = StrEnum("TrendingField", {name: name for name in TRENDING_FIELDS})


class Problem(BaseModel):
    detail: str = Field(description="What went wrong, in one sentence.")


class HealthProblem(BaseModel):
    status: str = "unavailable"
    reason: str


class Health(BaseModel):
    status: str = "ok"
    cluster: str
    cluster_status: str = Field(description="green or yellow (red answers 503).")
    alias: str
    articles: int


class ArticleEntity(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str
    type: str
    count: int
    salience: float | None = None


class Article(BaseModel):
    """The indexed document. Fields beyond these (enrichment provenance, coordinates) pass through."""

    model_config = ConfigDict(extra="allow")

    id: str
    version: int
    url: str | None = None
    source: str
    title: str = ""
    summary: str = ""
    text: str = ""
    authors: list[str] = []
    topics: list[str] = []
    language: str | None = None
    published: str | None = None
    updated: str | None = None
    persons: list[str] = []
    organisations: list[str] = []
    places: list[str] = []
    other_entities: list[str] = []
    entities: list[ArticleEntity] = []
    duplicate_of: str | None = Field(None, description="The earliest article with nearly the same text, if any.")
    story_id: str | None = Field(None, description="The story (articles about the same event) it belongs to.")
    duplicates: int = Field(0, description="Indexed articles that are near-duplicates of this one.")


class Related(BaseModel):
    id: str = Field(description="The article the others are like.")
    hits: list[Hit]


_UNAVAILABLE = {503: {"model": Problem, "description": "Elasticsearch unreachable, busy, or the index not set up"}}
# Every route: the rate limit (newsflow.read.api.guard) and Elasticsearch failing otherwise.
_GUARDED = {429: {"model": Problem, "description": "Rate limit reached: retry after the Retry-After header's seconds"},
            502: {"model": Problem, "description": "Elasticsearch failed to answer the request"}}
_KEYED = {401: {"model": Problem, "description": "No API key, or not a valid one (header X-API-Key)"}}
_NOT_FOUND = {404: {"model": Problem, "description": "No article with this id"}}
_NO_STORY = {404: {"model": Problem, "description": "No story with this id"}}
_DATE = "ISO date or time (2024-05-01, 2024-05-01T12:00:00Z) or date math (now-7d)"
_SEARCH_NAMES = {"text": "q"}  # SearchQuery field -> query parameter, for error messages


def create_app(settings: Settings) -> FastAPI:
    """The API over the read alias of `settings.elasticsearch`; its client closes at shutdown."""
    es_settings = settings.elasticsearch
    max_size = settings.api.max_page_size
    client = BoundedSearches(make_client(es_settings), settings.api.search_timeout_s)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        client.close()

    app = FastAPI(
        title="newsflow search API",
        version=_package_version(),
        description="Search the enriched news articles: full text with filters and facets, related articles, "
                    "trending entities, stories (the same event across sources). "
                    "Bad parameters answer 422 with the parameter and the reason.",
        lifespan=lifespan,
        dependencies=[Depends(_reject_unknown_parameters), *_key_scheme(settings.api)],
        responses=_GUARDED | (_KEYED if settings.api.keys else {}),
        docs_url=None,  # served by add_docs_routes from the API's own files: no CDN
        redoc_url=None,
    )
    add_docs_routes(app)
    # The reading pages (/, /ui/..., /login, /static): server-rendered HTML over the same client.
    add_web_routes(app, client=client, settings=settings, check_key=matches_key, stories=stories_module)
    _add_error_handlers(app)
    _add_guards(app, settings.api)

    @app.get("/search", response_model=SearchResult, responses=_UNAVAILABLE, tags=["search"])
    def search(
        q: Annotated[str | None, Query(max_length=1000, description='Words to search for ("exact phrase", -exclude, a | b).')] = None,
        entity: Annotated[str | None, Query(max_length=1000, description="Exact entity name (person, organisation, place, other).")] = None,
        entity_type: Annotated[str | None, Query(max_length=64, description="Entity type: PERSON, ORG, GPE, LOC, NORP, EVENT, ...")] = None,
        topic: Annotated[str | None, Query(max_length=1000)] = None,
        source: Annotated[str | None, Query(max_length=1000)] = None,
        language: Annotated[str | None, Query(max_length=64, description="Language code, e.g. en.")] = None,
        since: Annotated[str | None, Query(max_length=64, description=f"Published at or after: {_DATE}.")] = None,
        until: Annotated[str | None, Query(max_length=64, description=f"Published at or before: {_DATE}.")] = None,
        sort: Annotated[SortOrder, Query(description="relevance, or date: newest first, and the articles whose feed gave "
                                                     "no date (date_source fetched: dated by their fetch time) after "
                                                     "every dated one.")] = SortOrder.RELEVANCE,
        size: Annotated[int, Query(ge=1, le=max_size, description="Hits per page.")] = 10,
        offset: Annotated[int, Query(ge=0, description="Hits to skip (paging).")] = 0,
        facet_size: Annotated[int, Query(ge=1, le=max_size, description="Buckets per facet.")] = 10,
        collapse_duplicates: Annotated[bool, Query(description="Leave out near-duplicates of other articles; "
                                                               "each hit then counts its own in `duplicates`.")] = False,
    ) -> SearchResult:
        """Articles matching the words and filters, with highlighted snippets and facet counts
        (source, language, topics, persons, organisations, places) over all matches.

        A snippet is HTML (the article's text escaped, matches in `<mark>`): the best passage of
        the text, else the summary, else the title. Without words the hits come dated ones first,
        newest first, like sort=date."""
        query = parse_search_query(
            {"text": q, "entity": entity, "entity_type": entity_type, "topic": topic, "source": source,
             "language": language, "since": since, "until": until, "sort": sort, "size": size, "offset": offset,
             "collapse_duplicates": collapse_duplicates},
            max_page_size=max_size, names=_SEARCH_NAMES,
            max_terms=settings.api.max_query_terms, max_prefix_terms=settings.api.max_prefix_terms,
        )
        return search_articles(client, es_settings, query, facets=True, facet_size=facet_size)

    @app.get("/articles/{article_id}", response_model=Article, responses=_NOT_FOUND | _UNAVAILABLE, tags=["articles"])
    def article(article_id: Annotated[str, Path(max_length=512, description="Article id.")]) -> Any:
        """One article as indexed, with its story and how many near-duplicates of it are indexed."""
        found = get_article(client, es_settings, article_id)
        if found is None:
            return _not_found(article_id)
        return found

    @app.get("/articles/{article_id}/related", response_model=Related, responses=_NOT_FOUND | _UNAVAILABLE, tags=["articles"])
    def related(
        article_id: Annotated[str, Path(max_length=512, description="Article id.")],
        size: Annotated[int, Query(ge=1, le=max_size, description="How many related articles.")] = 10,
    ) -> Any:
        """Articles most like this one (more like this on title, text and entity names), itself excluded."""
        hits = related_articles(client, es_settings, article_id, size=size)
        if hits is None:
            return _not_found(article_id)
        return Related(id=article_id, hits=hits)

    @app.get("/entities/trending", response_model=Trending, responses=_UNAVAILABLE, tags=["entities"])
    def trending(
        field: Annotated[TrendingField, Query(description="Which entities: persons, organisations or places.")] = TrendingField.persons,
        size: Annotated[int, Query(ge=1, le=max_size, description="How many entities.")] = 10,
        min_articles: Annotated[int, Query(ge=1, le=10_000, description="Ignore entities named in fewer articles of the last 24 h.")] = 3,
    ) -> Trending:
        """Entities whose share of the last 24 hours' articles stands out against the last 30 days
        (significant terms), most significant first. Only dated articles count: those whose date
        is only their fetch time (the feed gave none) are left out of both periods, and
        `undated_left_out` says how many of the window's were."""
        return trending_entities(client, es_settings, field.value, size=size, min_articles=min_articles)

    @app.get("/stories", response_model=StoryList, responses=_UNAVAILABLE, tags=["stories"])
    def stories(
        sort: Annotated[StorySort, Query(description="latest: most recently updated first; growing: most articles "
                                                     "published in the last `hours` first.")] = StorySort.LATEST,
        hours: Annotated[int | None, Query(ge=1, le=MAX_HOURS, description="The window in hours: growing counts the "
                                           "articles published in it (default 24); latest keeps the stories updated "
                                           "in it (default: no limit).")] = None,
        size: Annotated[int, Query(ge=1, le=max_size, description="How many stories.")] = 10,
        topic: Annotated[str | None, Query(max_length=1000, description="Only stories on this topic (any case).")] = None,
        entity: Annotated[str | None, Query(max_length=1000, description="Only stories naming this entity (exact name, any case).")] = None,
    ) -> StoryList:
        """Stories (articles about the same event, across sources): the latest, or the growing ones."""
        query = StoryQuery(sort=sort, hours=hours, size=size, topic=(topic or "").strip() or None,
                           entity=(entity or "").strip() or None)
        return list_stories(client, es_settings, query)

    @app.get("/stories/{story_id}", response_model=StoryDetail, responses=_NO_STORY | _UNAVAILABLE, tags=["stories"])
    def story(
        story_id: Annotated[str, Path(max_length=128, description="Story id.")],
        size: Annotated[int, Query(ge=1, le=max_size, description="How many of its articles (newest first).")] = 20,
    ) -> Any:
        """One story with its articles, newest first."""
        found = get_story(client, es_settings, story_id, size=size)
        if found is None:
            return JSONResponse(status_code=404, content={"detail": f"story {story_id!r} not found"})
        return found

    @app.get("/health", response_model=Health, tags=["health"],
             responses={503: {"model": HealthProblem, "description": "Elasticsearch unreachable or red, or the alias missing"}})
    def health() -> Any:
        """Ready when the cluster answers (not red) and the read alias exists."""
        try:
            return check_health(client, es_settings)
        except NewsflowError as exc:  # unreachable, refused, red, the alias missing: not ready
            log.warning("health check failed: %s", exc)
            return JSONResponse(status_code=503, content={"status": "unavailable", "reason": str(exc)})

    return app


def _package_version() -> str:
    try:
        return version("newsflow")
    except PackageNotFoundError:
        return "0.0.0"


def _not_found(article_id: str) -> JSONResponse:
    return JSONResponse(status_code=404, content={"detail": f"article {article_id!r} not found"})


def _reject_unknown_parameters(request: Request) -> None:
    """A misspelt parameter (`sise=5`) is refused rather than silently ignored."""
    route = request.scope.get("route")
    if route is None:
        return
    known = {p.alias for p in route.dependant.query_params}
    unknown = [name for name in request.query_params if name not in known]
    if unknown:
        expected = ", ".join(sorted(known)) or "none"
        raise RequestValidationError(
            [{"loc": ("query", name), "msg": f"unknown parameter (expected: {expected})", "type": "extra_forbidden"}
             for name in unknown]
        )


def _key_scheme(api: ApiSettings) -> list[Any]:
    """Documents the X-API-Key header in the OpenAPI description (Swagger UI's Authorize button)
    when keys are configured; checking it is the guard's job, so this one never refuses."""
    if not api.keys:
        return []
    return [Security(APIKeyHeader(name=API_KEY_HEADER, auto_error=False, description="An API key (api.keys)."))]


# Never keyed nor rate-limited: a load balancer's health check, and the API's own documentation.
# /docs/static/ (the docs' files) and /static/ (the pages' CSS) too. /login needs no key (the
# guard lets it through) but is counted: key guessing through the form is rate-limited too.
OPEN_PATHS = ("/health", "/docs", "/redoc", "/openapi.json", "/static")


def _add_guards(app: FastAPI, api: ApiSettings) -> None:
    """API keys and the rate limit; CORS only for the origins configured (none by default), added
    last so that it runs first and answers a browser's preflight without a key."""
    app.add_middleware(ApiGuard, key_hashes=api.keys, rate_limit=api.rate_limit, open_paths=OPEN_PATHS)
    if api.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=api.cors_origins, allow_methods=["GET"],
                           allow_headers=[API_KEY_HEADER], max_age=600)


def _add_error_handlers(app: FastAPI) -> None:
    def problem(status: int):
        async def handler(request: Request, exc: Exception) -> JSONResponse:
            if status >= 500:
                log.warning("%s %s -> %d: %s", request.method, request.url.path, status, exc)
            return JSONResponse(status_code=status, content={"detail": str(exc)})

        return handler

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, InvalidSearch)
        detail = [{"loc": ["query", *p["loc"]], "msg": p["msg"], "type": p["type"]} for p in exc.problems]
        return JSONResponse(status_code=422, content={"detail": detail})

    app.add_exception_handler(InvalidSearch, invalid)
    app.add_exception_handler(SearchRejected, problem(400))
    app.add_exception_handler(ServiceUnavailable, problem(503))
    app.add_exception_handler(IndexMissing, problem(503))
    app.add_exception_handler(NewsflowError, problem(502))  # any other failure of Elasticsearch's
