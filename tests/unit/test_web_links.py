"""The search page's links (newsflow.read.web.links): facet values add their filter, active
filters remove theirs, pages move the offset, and all keep the API's parameter names."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from starlette.datastructures import QueryParams

from newsflow.read.web.links import (
    active_filters,
    article_href,
    current_params,
    entity_search_href,
    facet_href,
    facet_values,
    page_href,
    search_href,
)


def query_of(href: str) -> dict[str, str]:
    parts = urlsplit(href)
    assert parts.path.endswith("/")
    return dict(parse_qsl(parts.query))


def test_current_params_keep_the_page_s_own_non_blank_in_order() -> None:
    params = current_params(QueryParams("topic=&utm_source=x&entity=NATO&q=trade+talks&offset=20&since=now-7d"))
    assert params == {"q": "trade talks", "entity": "NATO", "since": "now-7d", "offset": "20"}
    assert list(params) == ["q", "entity", "since", "offset"]


def test_a_facet_value_adds_its_filter_and_starts_from_the_first_page() -> None:
    params = {"q": "trade", "source": "Daily Planet", "offset": "40", "sort": "date"}
    assert query_of(facet_href(params, "topics", "economy")) == {"q": "trade", "source": "Daily Planet", "topic": "economy",
                                                                 "sort": "date"}
    for field in ("persons", "organisations", "places"):
        assert query_of(facet_href(params, field, "Paris & Co"))["entity"] == "Paris & Co"
    assert query_of(facet_href(params, "language", "fr"))["language"] == "fr"
    # One filter per parameter: a source facet replaces the source chosen before.
    assert query_of(facet_href(params, "source", "Le Monde"))["source"] == "Le Monde"


def test_facet_hrefs_are_encoded_and_rooted() -> None:
    href = facet_href({}, "persons", "A&B=C #1", root="/news")
    assert href == "/news/?entity=A%26B%3DC+%231"
    assert query_of(href) == {"entity": "A&B=C #1"}


def test_facet_values_mark_the_active_one_ignoring_case() -> None:
    values = facet_values({"entity": "nato"}, "organisations", [("NATO", 8), ("Maersk", 3)])
    assert [(v.value, v.count, v.active) for v in values] == [("NATO", 8, True), ("Maersk", 3, False)]


def test_active_filters_link_to_the_search_without_them() -> None:
    params = {"q": "trade", "entity": "NATO", "since": "2024-05-01", "offset": "20", "collapse_duplicates": "true"}
    filters = active_filters(params)
    assert [(f.name, f.value) for f in filters] == [("entity", "NATO"), ("since", "2024-05-01")]
    assert query_of(filters[0].href) == {"q": "trade", "since": "2024-05-01", "collapse_duplicates": "true"}
    assert query_of(filters[1].href) == {"q": "trade", "entity": "NATO", "collapse_duplicates": "true"}
    assert active_filters({"q": "only words"}) == []


def test_page_links_move_the_offset_only() -> None:
    params = {"q": "trade", "offset": "20"}
    assert query_of(page_href(params, 40)) == {"q": "trade", "offset": "40"}
    assert query_of(page_href(params, 0)) == {"q": "trade"}  # the first page has no offset
    assert search_href({}) == "/"


def test_article_and_entity_links() -> None:
    assert article_href("a/b c") == "/ui/articles/a%2Fb%20c"
    assert query_of(entity_search_href("Ebrahim Raisi", entity_type="PERSON")) == {
        "entity": "Ebrahim Raisi", "entity_type": "PERSON", "sort": "date"}
