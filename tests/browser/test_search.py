"""The search page (`/`) in a real browser: searching, paging, facets as filters, the phone layout."""

from __future__ import annotations

from tests.browser.pages import (
    active_filter,
    active_filters,
    every,
    facet_values,
    hits,
    navigates,
    one,
    query,
    search,
    total,
    widths,
)


def naming(sample, name: str) -> set[str]:
    return {a.id for a in sample.articles if any(e.name == name for e in a.entities)}


def test_a_search_shows_the_total_the_hits_and_highlighted_snippets(api, sample, driver):
    driver.get(api.at("/"))
    assert one(driver, "nav#site").is_displayed()
    search(driver, "Rotterdam")

    assert query(driver).get("q") == ["Rotterdam"], driver.current_url  # the search is a link one can share
    assert one(driver, "form#search input[name=q]").get_attribute("value") == "Rotterdam"
    expected = naming(sample, "Rotterdam")
    assert total(driver) == len(expected) == 9
    shown = hits(driver)
    assert {h.id for h in shown} == expected
    for hit in shown:
        assert "Rotterdam" in hit.title, hit
        assert hit.source and hit.date, hit
        assert "Sophie Adenot" in hit.entities, hit
        assert hit.marked and all(m.lower() == "rotterdam" for m in hit.marked), hit
    assert not every(driver, "p#empty"), "the 'no results' message shows beside results"
    assert not every(driver, "#error"), "an error shows beside results"


def test_paging_through_the_results(api, sample, driver):
    driver.get(api.at("/"))
    search(driver, "talks")  # every sample article's text
    assert total(driver) == len(sample.articles) == 28
    first = hits(driver)
    assert 0 < len(first) < 28
    assert not every(driver, "nav#pages a[rel=prev]"), "page 1 links to a previous page"

    navigates(driver, one(driver, "nav#pages a[rel=next]").click)
    second = hits(driver)
    assert second and not {h.id for h in first} & {h.id for h in second}, "page 2 repeats page 1"
    assert total(driver) == 28 and query(driver).get("q") == ["talks"]

    navigates(driver, one(driver, "nav#pages a[rel=prev]").click)
    assert [h.id for h in hits(driver)] == [h.id for h in first]


def test_a_search_without_matches_says_so(api, sample, driver):
    driver.get(api.at("/"))
    search(driver, "xylophonist")
    empty = one(driver, "p#empty")
    assert empty.is_displayed() and empty.text.strip(), "p#empty is not shown, or says nothing"
    assert not hits(driver)


def test_facet_values_filter_and_active_filters_remove_them(api, sample, driver, shot):
    driver.get(api.at("/"))
    search(driver, "talks")
    everything = total(driver)
    assert everything == 28
    for field in ("source", "language", "topics", "persons", "organisations", "places"):
        assert facet_values(driver, field), f"facet {field} shows no value"
    assert not active_filters(driver)
    shot(driver, "all")

    adenot = naming(sample, "Sophie Adenot")
    count, link = facet_values(driver, "persons")["Sophie Adenot"]
    assert count == len(adenot) == 9
    navigates(driver, link.click)
    assert total(driver) == 9 and {h.id for h in hits(driver)} == adenot
    assert query(driver).get("q") == ["talks"], "the facet dropped the words searched"
    active_filter(driver, "Sophie Adenot")

    # A second filter narrows further: Daily Planet's among Sophie Adenot's.
    daily_adenot = {a.id for a in sample.articles if a.id in adenot and a.source == "Daily Planet"}
    count, link = facet_values(driver, "source")["Daily Planet"]
    assert count == len(daily_adenot) == 2
    navigates(driver, link.click)
    assert total(driver) == 2 and {h.id for h in hits(driver)} == daily_adenot
    assert len(active_filters(driver)) == 2
    shot(driver, "two-filters")

    # Removing the person widens to all of Daily Planet's, removing the source to everything.
    navigates(driver, active_filter(driver, "Sophie Adenot").click)
    daily = {a.id for a in sample.articles if a.source == "Daily Planet"}
    assert total(driver) == len(daily) == 8 and {h.id for h in hits(driver)} == daily
    assert list(active_filters(driver)) and "Sophie Adenot" not in " ".join(active_filters(driver))
    navigates(driver, active_filter(driver, "Daily Planet").click)
    assert total(driver) == everything and not active_filters(driver)


def test_collapsing_duplicates_leaves_out_the_copies(api, sample, driver):
    driver.get(api.at("/"))
    search(driver, "Adenot")
    assert total(driver) == 9 and set(sample.duplicates) <= {h.id for h in hits(driver)}

    box = one(driver, "input[name=collapse_duplicates]")
    assert box.get_attribute("type") == "checkbox" and not box.is_selected()
    box.click()
    navigates(driver, one(driver, "form#search button[type=submit]").click)
    assert query(driver).get("q") == ["Adenot"]
    assert total(driver) == 7
    shown = {h.id for h in hits(driver)}
    assert sample.original in shown and not set(sample.duplicates) & shown
    assert one(driver, "input[name=collapse_duplicates]").is_selected(), "the box is unticked on the collapsed results"


def fits(phone, page: str) -> None:
    document, viewport = widths(phone)
    assert viewport == 390, (f"the {page} is laid out {viewport}px wide on a 390px phone "
                             "(something wider than the screen, or no viewport meta tag)")
    assert document <= viewport, f"the {page} scrolls sideways on a phone: {document}px wide in {viewport}px"


def test_the_pages_fit_a_phone(api, sample, settings, phone, shot):
    from tests.support import index_articles

    # A feed's unbroken run of characters (a long address, a hashtag chain) must wrap, not widen the page.
    long_word = "Longword" + "x" * 150
    index_articles(settings, [sample.articles[0].model_copy(update={
        "id": "long0001", "url": "https://news.example.org/long", "title": f"Ministers meet {long_word}",
        "summary": f"About {long_word}.", "text": f"TEHRAN — the talks covered {long_word} and trade.",
    })])
    phone.get(api.at("/"))
    search(phone, "talks")
    assert hits(phone) and one(phone, "section#facets")
    fits(phone, "search page")
    box = one(phone, "form#search input[name=q]")
    assert box.is_displayed() and box.rect["x"] >= 0 and box.rect["x"] + box.rect["width"] <= 390
    shot(phone, "search")

    search(phone, long_word)
    assert [h.id for h in hits(phone)] == ["long0001"]
    fits(phone, "search page with a long word")
    navigates(phone, one(phone, "a.hit-title").click)
    assert one(phone, "h1#title").is_displayed()
    fits(phone, "article page with a long word")
