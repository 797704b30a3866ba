"""What a hostile article, a broken Elasticsearch and a missing key look like in a real browser."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest
from selenium.webdriver.common.keys import Keys

from newsflow.read.api.guard import new_key
from newsflow.settings import load_settings
from tests.browser.pages import active_filters, every, hits, navigates, one, path, search, total

TITLE = '<img src=x onerror="window.__xss=1"> Xsscanary summit'
SCRIPT = "<script>window.__xss=2</script>"


def no_script_ran(driver) -> None:
    assert driver.execute_script("return window.__xss") is None, f"injected markup ran on {driver.current_url}"
    injected = driver.execute_script(
        "return Array.from(document.querySelectorAll('[onerror], script'))"
        ".filter(e => e.outerHTML.includes('__xss')).map(e => e.outerHTML)")
    assert injected == [], f"injected elements in the page at {driver.current_url}: {injected}"


def served(api, path_: str) -> dict:
    with urllib.request.urlopen(api.at(path_), timeout=10) as response:
        return json.load(response)


def test_markup_in_an_article_and_its_story_is_shown_as_text_never_run(api, settings, driver, shot):
    from tests.integration.test_story_sink import index_stories, story_sample
    from tests.support import index_articles

    sample = story_sample(datetime.now(UTC).replace(microsecond=0))
    hostile = sample.articles[0].model_copy(update={
        "id": "xss0001", "url": "https://news.example.org/xss", "title": TITLE, "story_id": "story-xss",
        "summary": f"Xsscanary delegates {SCRIPT} met in Paris.",
        "text": f"PARIS — Xsscanary delegates met. {SCRIPT} The talks covered trade and <b>more</b>.",
    })
    story = sample.stories["Ebrahim Raisi"].model_copy(update={
        "id": "story-xss", "title": TITLE, "size": 1, "sources": 1, "article_ids": ("xss0001",),
        "first_seen": hostile.published, "last_updated": hostile.published,
    })
    index_articles(settings, [hostile])
    index_stories(settings, [story])

    driver.get(api.at("/"))
    search(driver, "xsscanary")
    no_script_ran(driver)
    shot(driver, "search")
    [hit] = hits(driver)
    title = served(api, "/articles/xss0001")["title"]  # the API's title: markup taken out on the way out
    assert "Xsscanary summit" in title
    assert hit.id == "xss0001" and hit.title == title.strip()

    navigates(driver, one(driver, "a.hit-title").click)
    no_script_ran(driver)
    assert one(driver, "h1#title").text == title.strip()
    text = one(driver, "#text").text
    assert f"Xsscanary delegates met. {SCRIPT} The talks covered trade and <b>more</b>." in text, text
    assert not every(driver, "#text script, #text b, #text img"), "the article's text was inserted as HTML"
    shot(driver, "article")

    navigates(driver, one(driver, "a#story").click)
    no_script_ran(driver)
    assert one(driver, "h1#title").text == TITLE, "the story's title is not shown literally"
    driver.get(api.at("/ui/stories"))
    no_script_ran(driver)
    assert TITLE in [a.text for a in every(driver, "ol#stories li.story a")], "the story's title is not shown literally"


@pytest.fixture
def unreachable(closed_port, serve_api):
    """The API over an Elasticsearch that is not there: a closed port of 127.0.0.1."""
    base = load_settings()
    broken = base.model_copy(update={"elasticsearch": base.elasticsearch.model_copy(update={"url": f"http://127.0.0.1:{closed_port}"})})
    return serve_api(broken)


@pytest.mark.parametrize("page", ["/?q=talks", "/ui/articles/sample0001", "/ui/stories"], ids=["search", "article", "stories"])
def test_an_unreachable_elasticsearch_shows_an_error_not_a_traceback(unreachable, driver, page):
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(unreachable.at(page), timeout=30)
    answer.value.close()
    assert answer.value.code == 503, f"{page} answers {answer.value.code}"

    driver.get(unreachable.at(page))
    error = one(driver, "div#error[role=alert]")
    assert error.is_displayed()
    message = error.text.strip()
    assert len(message) >= 10, f"the error says too little: {message!r}"
    size = float(driver.execute_script("return parseFloat(getComputedStyle(arguments[0]).fontSize)", error))
    assert size >= 12, f"the error's text is {size}px"
    body = driver.find_element("tag name", "body").text
    for leak in ("Traceback", 'File "', "elasticsearch.", "ConnectionError("):
        assert leak not in body, f"the error page shows {leak!r}: {body!r}"
    assert one(driver, "nav#site").is_displayed(), "the error page has no way back (nav#site)"
    assert not hits(driver)


@pytest.fixture
def keyed(settings, sample, serve_api):
    """The API with one API key configured, and the key."""
    key, hashed = new_key()
    with_key = settings.model_copy(update={"api": settings.api.model_copy(update={"keys": [hashed]})})
    return serve_api(with_key), key


def test_with_api_keys_the_pages_ask_for_a_key_first(keyed, driver, shot):
    api, key = keyed
    for page in ("/", "/ui/stories"):
        driver.get(api.at(page))
        assert path(driver) == "/login", f"{page} shows without a key"
    one(driver, "form#login")
    assert not every(driver, "ol#results"), "the login page shows results"

    box = one(driver, "form#login input[name=key]")
    assert box.get_attribute("type") == "password", "the key is typed in the clear"
    box.send_keys("not-the-key")
    navigates(driver, lambda: box.send_keys(Keys.ENTER))
    assert path(driver) == "/login" and one(driver, "form#login")
    alert = one(driver, "[role=alert]")
    assert alert.is_displayed() and alert.text.strip(), "a wrong key gives no message"
    shot(driver, "wrong-key")
    driver.get(api.at("/"))
    assert path(driver) == "/login", "a wrong key let the browser in"

    box = one(driver, "form#login input[name=key]")
    box.send_keys(key)
    navigates(driver, lambda: box.send_keys(Keys.ENTER))
    assert path(driver) == "/", f"the right key lands on {driver.current_url}"
    assert key not in driver.current_url
    cookies = driver.get_cookies()
    assert cookies and all(c["httpOnly"] for c in cookies), f"the session cookie is readable by scripts: {cookies}"
    assert total(driver) == 28 and hits(driver)
    search(driver, "Rotterdam")
    assert total(driver) == 9 and not active_filters(driver)
    driver.get(api.at("/ui/stories"))
    assert path(driver) == "/ui/stories" and every(driver, "ol#stories li.story")

    navigates(driver, one(driver, "form#logout button").click)
    assert path(driver) == "/login", f"signing out lands on {driver.current_url}"
    assert not driver.get_cookies(), f"the key's cookie outlived signing out: {driver.get_cookies()}"
    driver.get(api.at("/ui/stories"))
    assert path(driver) == "/login", "the pages still open after signing out"
