"""The search page's links, built from its query parameters: a facet value adds its filter, an
active filter's link removes it, the page links move the offset. Pure functions over the
parameters as the reader typed them (not the normalised query: `since=2024-05-01` stays so in
the links), unit-tested without a server.

Every parameter keeps the API's name (`newsflow.read.api.app`, GET /search), so a page's address
is also the API request that gives the same results as JSON at /search.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlencode

from pydantic import BaseModel, ConfigDict

__all__ = [
    "FACET_LABELS",
    "FACET_PARAMS",
    "FILTER_PARAMS",
    "SEARCH_PARAMS",
    "ActiveFilter",
    "FacetValue",
    "active_filters",
    "article_href",
    "current_params",
    "entity_search_href",
    "facet_href",
    "facet_values",
    "page_href",
    "search_href",
    "story_href",
    "without",
]

# The page's parameters, in the order its links write them.
SEARCH_PARAMS = ("q", "source", "language", "topic", "entity", "entity_type", "since", "until", "sort", "offset",
                 "collapse_duplicates")
# Those that narrow the results: shown as active filters, each with a link that removes it.
FILTER_PARAMS = ("source", "language", "topic", "entity", "entity_type", "since", "until")
# A facet of the search answer -> the parameter that filters on its values. One entity filter at
# a time (the API's `entity`): a person's facet link replaces an organisation chosen before.
FACET_PARAMS = {"source": "source", "language": "language", "topics": "topic", "persons": "entity",
                "organisations": "entity", "places": "entity"}
FACET_LABELS = {"source": "Sources", "language": "Languages", "topics": "Topics", "persons": "People",
                "organisations": "Organisations", "places": "Places"}
_FILTER_LABELS = {"source": "source", "language": "language", "topic": "topic", "entity": "entity",
                  "entity_type": "entity type", "since": "since", "until": "until"}


class FacetValue(BaseModel):
    model_config = ConfigDict(frozen=True)

    value: str
    count: int
    href: str
    active: bool = False


class ActiveFilter(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    label: str
    value: str
    href: str


def current_params(query: Mapping[str, str]) -> dict[str, str]:
    """The page's own parameters out of a query string, blanks dropped (`?topic=` from a form means
    no topic), in `SEARCH_PARAMS` order. Others are ignored: a page is for reading, and a stray
    `utm_source` must not turn it into an error."""
    params = {}
    for name in SEARCH_PARAMS:
        value = query.get(name)
        if value is not None and value.strip():
            params[name] = value.strip()
    return params


def search_href(params: Mapping[str, str], *, root: str = "") -> str:
    """The search page with these parameters (in `SEARCH_PARAMS` order)."""
    ordered = [(name, params[name]) for name in SEARCH_PARAMS if params.get(name)]
    return f"{root}/" + (f"?{urlencode(ordered)}" if ordered else "")


def without(params: Mapping[str, str], *names: str) -> dict[str, str]:
    return {k: v for k, v in params.items() if k not in names}


def facet_href(params: Mapping[str, str], field: str, value: str, *, root: str = "") -> str:
    """The current search with the facet's filter set to `value`, from its first page."""
    name = FACET_PARAMS[field]
    return search_href({**without(params, "offset", name), name: value}, root=root)


def page_href(params: Mapping[str, str], offset: int, *, root: str = "") -> str:
    return search_href({**without(params, "offset"), **({"offset": str(offset)} if offset else {})}, root=root)


def active_filters(params: Mapping[str, str], *, root: str = "") -> list[ActiveFilter]:
    """The filters in force, each with the link to the same search without it (first page)."""
    return [
        ActiveFilter(name=name, label=_FILTER_LABELS[name], value=params[name],
                     href=search_href(without(params, "offset", name), root=root))
        for name in FILTER_PARAMS
        if params.get(name)
    ]


def facet_values(params: Mapping[str, str], field: str, buckets: list[tuple[str, int]], *,
                 root: str = "") -> list[FacetValue]:
    name = FACET_PARAMS[field]
    chosen = (params.get(name) or "").casefold()  # the API's keyword filters ignore case
    return [FacetValue(value=value, count=count, href=facet_href(params, field, value, root=root),
                       active=bool(chosen) and value.casefold() == chosen)
            for value, count in buckets]


def entity_search_href(name: str, *, entity_type: str | None = None, root: str = "") -> str:
    """A search for the articles naming an entity (of a type, when given), newest first."""
    params = {"entity": name, "sort": "date"} | ({"entity_type": entity_type} if entity_type else {})
    return search_href(params, root=root)


def article_href(article_id: str, *, root: str = "") -> str:
    return f"{root}/ui/articles/{quote(article_id, safe='')}"


def story_href(story_id: str, *, root: str = "") -> str:
    return f"{root}/ui/stories/{quote(story_id, safe='')}"
