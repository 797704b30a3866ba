"""What the browser tests read off the pages, by the pages' HTML contract (ids and classes), and
how they wait for a page to load after a click."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from tests.support import wait_for

FACET_FIELDS = ("source", "language", "topics", "persons", "organisations", "places")


def one(where: WebDriver | WebElement, selector: str) -> WebElement:
    """The element `selector` finds; fails naming the selector when there is none."""
    found = where.find_elements(By.CSS_SELECTOR, selector)
    assert found, f"no element matches {selector!r}"
    return found[0]


def every(where: WebDriver | WebElement, selector: str) -> list[WebElement]:
    return where.find_elements(By.CSS_SELECTOR, selector)


def _stale(element: WebElement) -> bool:
    try:
        element.tag_name  # noqa: B018 - any call on an element of a page gone raises
        return False
    except StaleElementReferenceException:
        return True


def navigates(driver: WebDriver, action: Callable[[], object], *, timeout: float = 15) -> None:
    """Run `action` (a click, Enter in a form) and wait until the browser has left the page and
    loaded the next one."""
    old = driver.find_element(By.TAG_NAME, "html")
    action()
    wait_for(lambda: _stale(old), timeout=timeout, what="the browser to leave the page", interval=0.05)
    wait_for(lambda: driver.execute_script("return document.readyState") == "complete", timeout=timeout,
             what="the next page to load", interval=0.05)


def query(driver: WebDriver) -> dict[str, list[str]]:
    """The current page's query parameters."""
    return parse_qs(urlsplit(driver.current_url).query)


def path(driver: WebDriver) -> str:
    return urlsplit(driver.current_url).path


# -- the search page --------------------------------------------------------------------------------


def search(driver: WebDriver, words: str) -> None:
    """Type `words` in the search box of the page shown and press Enter."""
    box = one(driver, "form#search input[name=q]")
    assert box.is_displayed(), "the search box is not visible"
    box.clear()
    box.send_keys(words)
    navigates(driver, lambda: box.send_keys(Keys.ENTER))


def total(driver: WebDriver) -> int:
    """The number of matches #total states (its first number, thousands separators allowed)."""
    shown = one(driver, "p#total")
    assert shown.is_displayed(), "#total is not visible"
    number = re.search(r"\d[\d,.\u00a0\u202f ]*", shown.text)
    assert number, f"#total states no number: {shown.text!r}"
    return int(re.sub(r"\D", "", number.group()))


@dataclass(frozen=True)
class Hit:
    id: str
    href: str
    title: str
    source: str
    date: str
    entities: str
    snippet: str  # its text
    marked: tuple[str, ...]  # the text of each <mark> in the snippet


def hits(driver: WebDriver) -> list[Hit]:
    found = []
    for item in every(driver, "ol#results > li.hit"):
        link = one(item, "a.hit-title")
        href = link.get_attribute("href") or ""
        match = re.search(r"/ui/articles/([^/?#]+)$", urlsplit(href).path)
        assert match, f"a hit's title links to {href!r}, not /ui/articles/<id>"
        snippet = one(item, "p.hit-snippet")
        found.append(Hit(
            id=match.group(1), href=href, title=link.text, source=one(item, ".hit-source").text,
            date=one(item, "time.hit-date").text, entities=one(item, ".hit-entities").text, snippet=snippet.text,
            marked=tuple(mark.text for mark in every(snippet, "mark")),
        ))
    return found


def facet_values(driver: WebDriver, field: str) -> dict[str, tuple[int, WebElement]]:
    """A facet's values as shown: name -> (its count, its link)."""
    facet = one(driver, f"section#facets div.facet[data-field={field}]")
    values = {}
    for link in every(facet, "a.facet-value"):
        count = one(link, "span.count").text
        name = driver.execute_script(
            "return Array.from(arguments[0].childNodes)"
            ".filter(n => !(n.classList && n.classList.contains('count'))).map(n => n.textContent).join('').trim()", link)
        digits = re.sub(r"\D", "", count)
        assert digits, f"facet {field} value {name!r}: its span.count holds no number ({count!r})"
        values[name] = (int(digits), link)
    return values


def active_filters(driver: WebDriver) -> dict[str, WebElement]:
    """Each active filter's text -> its link (which removes it)."""
    return {link.text.strip(): link for link in every(driver, "a.active-filter")}


def active_filter(driver: WebDriver, value: str) -> WebElement:
    shown = active_filters(driver)
    matching = [link for text, link in shown.items() if value in text]
    assert len(matching) == 1, f"no single active filter naming {value!r}: {list(shown)}"
    return matching[0]


def widths(driver: WebDriver) -> tuple[int, int]:
    """(document width, viewport width) of the page shown."""
    return tuple(driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]"))
