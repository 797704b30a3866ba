"""The reading pages: search, one article, stories, trending entities and feed health.

Each page runs the calls the JSON API runs (newsflow.read.search; the story calls of
newsflow.read.api.stories, handed in by `add_web_routes`) through the same client, so the same
time budget bounds them. A page always answers with a page: bad parameters 422 (a query text
Elasticsearch refuses as malformed too), any failure of Elasticsearch's (unreachable, busy,
refusing newsflow's credentials, an index missing) 503, each with one sentence in
`<div id="error" role="alert">`: the messages are NewsflowErrors, redacted when made; never a
traceback. Parameters the page does not know (`utm_source`) are ignored, not refused.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from newsflow.errors import NewsflowError
from newsflow.read.query import (
    FACET_FIELDS,
    MAX_RESULT_WINDOW,
    TRENDING_FIELDS,
    InvalidSearch,
    SearchQuery,
    parse_search_query,
)
from newsflow.read.search import SearchRejected, get_article, related_articles, search_articles, trending_entities
from newsflow.read.web.feeds import ERROR_WINDOW, feed_health
from newsflow.read.web.links import (
    FACET_LABELS,
    active_filters,
    current_params,
    facet_values,
    page_href,
)
from newsflow.read.web.render import render
from newsflow.settings import Settings

__all__ = ["Pages", "failure"]

log = logging.getLogger(__name__)

PAGE_SIZE = 20
FACET_SIZE = 10
RELATED_SHOWN = 5
STORIES_SHOWN = 30
STORY_ARTICLES_SHOWN = 50
TRENDING_SHOWN = 20
MAX_ID_CHARS = 512  # as the API's path parameters
# The API's limits on its query parameters (GET /search), in characters.
_MAX_CHARS = {"q": 1000, "entity": 1000, "topic": 1000, "source": 1000, "entity_type": 64, "language": 64,
              "since": 64, "until": 64, "sort": 16, "offset": 16, "collapse_duplicates": 16}
_SEARCH_NAMES = {"text": "q"}
# Entity types in the order an article page lists them, and what it calls them.
_TYPE_LABELS = {"PERSON": "People", "ORG": "Organisations", "GPE": "Places", "LOC": "Locations", "FAC": "Facilities",
                "NORP": "Groups", "EVENT": "Events", "PRODUCT": "Products", "WORK_OF_ART": "Works", "LAW": "Laws",
                "LANGUAGE": "Languages"}


def failure(exc: NewsflowError) -> tuple[int, str]:
    """The status and the one sentence a page shows for a failed call or invalid parameters."""
    if isinstance(exc, InvalidSearch):
        wrong = "; ".join(f"{p['loc'][-1]}: {p['msg']}" if p["loc"] else p["msg"] for p in exc.problems)
        return 422, _sentence(f"Invalid search parameters: {wrong}")
    if isinstance(exc, SearchRejected):  # the query text, refused by Elasticsearch as malformed
        return 422, _sentence(str(exc))
    return 503, _sentence(f"This page cannot be shown right now: {exc}")


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def _too_long(params: dict[str, str]) -> InvalidSearch | None:
    problems = [{"loc": [name], "msg": f"must be at most {most} characters", "type": "string_too_long"}
                for name, most in _MAX_CHARS.items() if len(params.get(name, "")) > most]
    return InvalidSearch(problems) if problems else None


@dataclass(frozen=True)
class Pages:
    """The page handlers over one client and the settings. `stories` is newsflow.read.api.stories
    (its list_stories, get_story, StoryQuery and StorySort), handed in: newsflow.read.api imports
    this package, which therefore must not import it back (import-linter's no-circles contract)."""

    client: Any
    settings: Settings
    stories: Any

    @property
    def page_size(self) -> int:
        return min(PAGE_SIZE, self.settings.api.max_page_size)

    def _failed(self, request: Request, template: str, exc: NewsflowError, **context: Any) -> HTMLResponse:
        status, message = failure(exc)
        if status >= 500:
            log.warning("%s %s -> %d: %s", request.method, request.url.path, status, exc)
        return render(request, template, status=status, error=message, **context)

    # -- search --------------------------------------------------------------------------------

    def search(self, request: Request) -> HTMLResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        params = current_params(request.query_params)
        context: dict[str, Any] = {"params": params, "active": active_filters(params, root=root), "result": None,
                                   "facets": [], "pages": None, "offset": 0}
        try:
            query = self._query(params)
            result = search_articles(self.client, self.settings.elasticsearch, query, facets=True, facet_size=FACET_SIZE)
        except NewsflowError as exc:
            return self._failed(request, "search.html", exc, **context)
        facets = [{"field": field, "label": FACET_LABELS[field],
                   "values": facet_values(params, field, [(b.value, b.count) for b in result.facets.get(field, [])],
                                          root=root)}
                  for field in FACET_FIELDS]
        return render(request, "search.html", **(context | {
            "result": result, "facets": facets, "offset": query.offset,
            "pages": self._pages(params, query.offset, query.size, result.total, len(result.hits), root=root)}))

    def _query(self, params: dict[str, str]) -> SearchQuery:
        too_long = _too_long(params)
        if too_long:
            raise too_long
        api = self.settings.api
        fields = {("text" if name == "q" else name): value for name, value in params.items()}
        return parse_search_query(fields | {"size": self.page_size}, max_page_size=api.max_page_size,
                                  names=_SEARCH_NAMES, max_terms=api.max_query_terms,
                                  max_prefix_terms=api.max_prefix_terms)

    @staticmethod
    def _pages(params: dict[str, str], offset: int, size: int, total: int, shown: int, *, root: str) -> dict[str, Any] | None:
        if not total:
            return None
        reachable = min(total, MAX_RESULT_WINDOW)
        prev_offset = max(0, min(offset, reachable) - size) if offset else None
        next_offset = offset + size if offset + size < reachable else None
        return {
            "first": offset + 1 if shown else None, "last": offset + shown, "total": total,
            "prev": page_href(params, prev_offset, root=root) if prev_offset is not None else None,
            "next": page_href(params, next_offset, root=root) if next_offset is not None else None,
        }

    # -- one article ---------------------------------------------------------------------------

    def article(self, request: Request) -> HTMLResponse:
        article_id = request.path_params["article_id"]
        es = self.settings.elasticsearch
        try:
            found = get_article(self.client, es, article_id) if len(article_id) <= MAX_ID_CHARS else None
            related = related_articles(self.client, es, article_id, size=RELATED_SHOWN) if found else None
        except NewsflowError as exc:
            return self._failed(request, "error.html", exc, heading="Article")
        if found is None:
            return render(request, "error.html", status=404, heading="Article not found",
                          error=f"There is no article with the id {_shown_id(article_id)}.")
        return render(request, "article.html", article=found, entities=_entities_by_type(found.get("entities") or []),
                      related=related or [])

    # -- stories -------------------------------------------------------------------------------

    def story_list(self, request: Request) -> HTMLResponse:
        sort_name = (request.query_params.get("sort") or "latest").strip()
        sorts = [s.value for s in self.stories.StorySort]
        context: dict[str, Any] = {"sort": sort_name, "sorts": sorts, "stories": None}
        if sort_name not in sorts:
            return render(request, "stories.html", status=422, error=f"The sort must be one of {' or '.join(sorts)}.",
                          **context)
        query = self.stories.StoryQuery(sort=self.stories.StorySort(sort_name),
                                        size=min(STORIES_SHOWN, self.settings.api.max_page_size))
        try:
            found = self.stories.list_stories(self.client, self.settings.elasticsearch, query)
        except NewsflowError as exc:
            return self._failed(request, "stories.html", exc, **context)
        return render(request, "stories.html", **(context | {"stories": found}))

    def story(self, request: Request) -> HTMLResponse:
        story_id = request.path_params["story_id"]
        size = min(STORY_ARTICLES_SHOWN, self.settings.api.max_page_size)
        try:
            found = (self.stories.get_story(self.client, self.settings.elasticsearch, story_id, size=size)
                     if len(story_id) <= MAX_ID_CHARS else None)
        except NewsflowError as exc:
            return self._failed(request, "error.html", exc, heading="Story")
        if found is None:
            return render(request, "error.html", status=404, heading="Story not found",
                          error=f"There is no story with the id {_shown_id(story_id)}.")
        return render(request, "story.html", story=found)

    # -- trending entities ---------------------------------------------------------------------

    def trending(self, request: Request) -> HTMLResponse:
        field = (request.query_params.get("field") or "persons").strip()
        raw_min = (request.query_params.get("min_articles") or "3").strip()
        context: dict[str, Any] = {"field": field, "fields": TRENDING_FIELDS, "trending": None}
        if field not in TRENDING_FIELDS:
            return render(request, "trending.html", status=422, **context,
                          error=f"The field must be one of {', '.join(TRENDING_FIELDS)}.")
        if not raw_min.isdigit() or not 1 <= int(raw_min) <= 10_000:
            return render(request, "trending.html", status=422, **context,
                          error="min_articles must be a whole number from 1 to 10000.")
        try:
            found = trending_entities(self.client, self.settings.elasticsearch, field, size=TRENDING_SHOWN,
                                      min_articles=int(raw_min))
        except NewsflowError as exc:
            return self._failed(request, "trending.html", exc, **context)
        return render(request, "trending.html", **(context | {"trending": found}))

    # -- feed health ---------------------------------------------------------------------------

    def feeds(self, request: Request) -> HTMLResponse:
        try:
            found = feed_health(self.client, self.settings.elasticsearch)
        except NewsflowError as exc:
            return self._failed(request, "feeds.html", exc, health=None, error_window=ERROR_WINDOW)
        return render(request, "feeds.html", health=found, error_window=ERROR_WINDOW)

    # -- anything else under /ui ---------------------------------------------------------------

    def not_found(self, request: Request) -> HTMLResponse:
        """A mistyped or stale link under /ui answers a page, like every other page (not JSON)."""
        return render(request, "error.html", status=404, heading="Page not found",
                      error=f"There is no page at {_shown_id(request.url.path)}.")


def _shown_id(value: str) -> str:
    return repr(value if len(value) <= 80 else value[:80] + "…")


def _entities_by_type(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entities grouped by type (people, organisations, places first), most mentioned first."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for entity in entities:
        groups.setdefault(str(entity.get("type", "")), []).append(entity)
    order = list(_TYPE_LABELS)
    kinds = sorted(groups, key=lambda t: (order.index(t) if t in order else len(order), t))
    return [{"type": kind, "label": _TYPE_LABELS.get(kind, kind.replace("_", " ").title()),
             "entities": sorted(groups[kind], key=lambda e: (-int(e.get("count") or 0), str(e.get("name", ""))))}
            for kind in kinds]
