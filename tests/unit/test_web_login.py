"""Signing in to the pages when keys are configured: the login form sets the `newsflow_key` cookie
(HttpOnly, SameSite=Strict, Path=/), the API guard takes the key from it as from the X-API-Key
header, and a page asked for without a valid key redirects to the form while the JSON API still
answers 401. A bare Starlette app behind the real ApiGuard, no Elasticsearch."""

from __future__ import annotations

from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse

from newsflow.read import web
from newsflow.read.api import guard, stories
from newsflow.read.api.guard import ApiGuard, matches_key, new_key
from newsflow.read.web import add_web_routes
from newsflow.settings import load_settings
from tests.unit.test_web_pages import FakeElasticsearch, document

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def site(*hashes: str, rate_limit: str = "100/minute") -> TestClient:
    settings = load_settings(elasticsearch={"url": "http://127.0.0.1:9"}, api={"keys": list(hashes), "rate_limit": rate_limit})
    app = Starlette()

    async def search(request: Request) -> JSONResponse:  # stands for the JSON API
        return JSONResponse({"total": 0})

    app.add_route("/search", search, methods=["GET"])
    add_web_routes(app, client=FakeElasticsearch([document("a1")]), settings=settings, check_key=matches_key, stories=stories)
    app.add_middleware(ApiGuard, key_hashes=settings.api.keys, rate_limit=settings.api.rate_limit,
                       open_paths=("/health", "/static"))
    return TestClient(app, follow_redirects=False)


def test_the_page_package_and_the_guard_agree_on_the_names() -> None:
    assert (web.KEY_COOKIE, web.LOGIN_PATH) == (guard.KEY_COOKIE, guard.LOGIN_PATH) == ("newsflow_key", "/login")


def test_a_page_without_a_key_goes_to_the_login_form_and_the_api_answers_401() -> None:
    client = site(new_key()[1])
    for path in ["/", "/ui/stories", "/ui/articles/a1"]:
        response = client.get(path)
        assert (response.status_code, response.headers["location"]) == (303, "/login"), path
    assert client.get("/search", headers=HTML).headers["location"] == "/login"  # a browser asking for HTML
    api = client.get("/search", headers={"Accept": "application/json"})
    assert api.status_code == 401 and "X-API-Key" in api.json()["detail"]
    assert client.get("/static/site.css").status_code == 200  # the assets need no key
    form = LexborHTMLParser(client.get("/login").text)
    assert form.css_first("form#login").attributes["method"] == "post"
    assert form.css_first("form#login").attributes["action"] == "/login"
    assert form.css_first("input[name=key]").attributes["type"] == "password"


def test_the_right_key_sets_the_cookie_and_opens_the_pages() -> None:
    key, hashed = new_key()
    client = site(hashed)
    response = client.post("/login", content=f"key={key}", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (response.status_code, response.headers["location"]) == (303, "/")
    cookie = response.headers["set-cookie"]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert cookie.startswith(f"newsflow_key={key};")
    assert {"httponly", "samesite", "path"} <= attributes and "samesite=strict" in cookie.lower() and "path=/" in cookie.lower()
    assert "secure" not in attributes  # plain http here; set over https
    client.cookies.clear()
    with_cookie = {"Cookie": f"newsflow_key={key}"}
    assert client.get("/", headers=with_cookie).status_code == 200
    assert client.get("/search", headers=with_cookie | {"Accept": "application/json"}).json() == {"total": 0}
    assert client.get("/search", headers={"X-API-Key": key}).status_code == 200


def test_a_wrong_key_is_a_401_page_with_the_form() -> None:
    client = site(new_key()[1])
    for body in ["key=nf_not-the-key", "key=", "other=x"]:
        response = client.post("/login", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert response.status_code == 401, body
        page = LexborHTMLParser(response.text)
        assert page.css_first("div#error[role=alert]") is not None and page.css_first("form#login") is not None
        assert "set-cookie" not in response.headers
    too_big = client.post("/login", content="key=" + "x" * 10_000, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert too_big.status_code == 413


def test_a_stale_cookie_is_forgotten_and_the_reader_asked_again() -> None:
    client = site(new_key()[1])
    response = client.get("/", headers={"Cookie": "other=1; newsflow_key=nf_rotated-away"})
    assert (response.status_code, response.headers["location"]) == (303, "/login")
    assert response.headers["set-cookie"].startswith("newsflow_key=;") and "Max-Age=0" in response.headers["set-cookie"]
    api = client.get("/search", headers={"Cookie": "newsflow_key=nf_rotated-away", "Accept": "application/json"})
    assert api.status_code == 401 and api.json()["detail"] == "the API key is not valid"


def test_guessing_keys_through_the_form_is_rate_limited() -> None:
    client = site(new_key()[1], rate_limit="3/minute")
    codes = [client.post("/login", content=f"key=guess-{n}", headers={"Content-Type": "application/x-www-form-urlencoded"})
             .status_code for n in range(5)]
    assert codes == [401, 401, 401, 429, 429]


def test_without_keys_the_pages_are_open_and_login_leads_home() -> None:
    client = site()
    assert client.get("/").status_code == 200
    assert client.get("/search").status_code == 200
    login = client.get("/login")
    assert (login.status_code, login.headers["location"]) == (303, "/")


def test_sign_out_removes_the_cookie_and_the_pages_ask_for_the_key_again() -> None:
    key, hashed = new_key()
    client = site(hashed)
    with_cookie = {"Cookie": f"newsflow_key={key}"}
    form = LexborHTMLParser(client.get("/", headers=with_cookie).text).css_first("form#logout")
    assert (form.attributes["method"], form.attributes["action"]) == ("post", "/logout")
    assert LexborHTMLParser(client.get("/login").text).css_first("form#logout") is None  # no cookie, no button
    response = client.post("/logout", headers=with_cookie | HTML)
    assert (response.status_code, response.headers["location"]) == (303, "/login")
    removed = response.headers["set-cookie"].lower()
    assert removed.startswith('newsflow_key="";') and "max-age=0" in removed and "path=/" in removed
    assert client.get("/", headers=HTML).headers["location"] == "/login"
