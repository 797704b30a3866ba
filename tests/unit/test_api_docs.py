"""The API's /docs and /redoc (newsflow/read/api/docs.py) load nothing from another host: every URL
they reference is served by the app itself, so they work on a cluster without internet."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from importlib.metadata import files
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi import Depends, FastAPI, HTTPException
from fastapi.testclient import TestClient
from starlette.routing import Mount

from newsflow.read.api.docs import add_docs_routes

PAGES = ["/docs", "/redoc"]


class _References(HTMLParser):
    """(kind, attribute, URL) of every src= and href= in a page, and ReDoc's spec-url; the kind is
    the tag, or for a <link> its rel (stylesheet, icon)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = (dict(attrs).get("rel") or tag) if tag == "link" else tag
        self.found += [(kind, name, value) for name, value in attrs if name in ("src", "href", "spec-url") and value]


def references(html: str) -> list[tuple[str, str, str]]:
    parser = _References()
    parser.feed(html)
    return parser.found


def foreign_urls(html: str) -> list[str]:
    """The URLs of a page that name a scheme or a host (`https://cdn...`, `//cdn...`): not this app's."""
    urls = [url for _, _, url in references(html)]
    urls += re.findall(r"""\burl:\s*['"]([^'"]+)['"]""", html)  # the spec Swagger UI loads
    urls += re.findall(r"""(?:https?:)?//[\w-]+(?:\.[\w-]+)+""", html)  # any host named anywhere else
    return [url for url in urls if urlsplit(url).scheme or urlsplit(url).netloc or url.startswith("//")]


def docs_app(**kwargs) -> FastAPI:
    app = FastAPI(title="docs test", docs_url=None, redoc_url=None, **kwargs)

    @app.get("/ping")
    def ping() -> dict[str, str]:
        return {"ping": "pong"}

    add_docs_routes(app)
    return app


@pytest.fixture
def client():
    with TestClient(docs_app()) as client:
        yield client


def test_the_check_catches_fastapis_cdn_pages() -> None:
    # FastAPI's default pages load Swagger UI and ReDoc from cdn.jsdelivr.net: the check must see it.
    with TestClient(FastAPI()) as default:
        for page in PAGES:
            html = default.get(page).text
            assert any("cdn.jsdelivr.net" in url for url in foreign_urls(html)), page


@pytest.mark.parametrize("page", PAGES)
def test_the_page_references_only_this_app(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert foreign_urls(response.text) == []
    assert "cdn" not in response.text and "googleapis" not in response.text


# What each kind of reference must be: a script JavaScript, a stylesheet CSS, an icon an image.
CONTENT_TYPES = {"script": ("text/javascript", "application/javascript"), "stylesheet": ("text/css",),
                 "shortcut icon": ("image/",), "icon": ("image/",)}


@pytest.mark.parametrize("page", PAGES)
def test_every_asset_of_the_page_is_served(client: TestClient, page: str) -> None:
    assets = [(kind, url) for kind, name, url in references(client.get(page).text) if name in ("src", "href")]
    assert "script" in {kind for kind, _ in assets}, assets
    if page == "/docs":
        assert "stylesheet" in {kind for kind, _ in assets}, assets
    for kind, url in assets:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content, url
        assert response.headers["content-type"].startswith(CONTENT_TYPES[kind]), (url, response.headers["content-type"])


def test_the_pages_load_the_apps_openapi_json(client: TestClient) -> None:
    swagger = client.get("/docs").text
    assert re.findall(r"""\burl:\s*['"]([^'"]+)['"]""", swagger) == ["/openapi.json"]
    assert [url for _, name, url in references(client.get("/redoc").text) if name == "spec-url"] == ["/openapi.json"]
    spec = client.get("/openapi.json").json()
    assert list(spec["paths"]) == ["/ping"]  # the doc pages and their assets stay out of the schema


def test_swagger_ui_oauth2_redirect_is_served(client: TestClient) -> None:
    assert "oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect'" in client.get("/docs").text
    response = client.get("/docs/oauth2-redirect", params={"state": "s", "code": "c"})
    assert response.status_code == 200 and "<html" in response.text.lower()


def test_the_app_dependencies_do_not_apply_to_the_docs() -> None:
    # The API's own dependencies (unknown-parameter check, any key check) guard its routes, not the docs.
    def refuse() -> None:
        raise HTTPException(status_code=401)

    with TestClient(docs_app(dependencies=[Depends(refuse)])) as guarded:
        assert guarded.get("/ping").status_code == 401
        for page in PAGES:
            for url in [page] + [url for _, name, url in references(guarded.get(page).text) if name in ("src", "href")]:
                assert guarded.get(url).status_code == 200, url


def test_the_urls_follow_the_root_path() -> None:
    # Behind a proxy that strips /api, the pages must ask for /api/... .
    with TestClient(docs_app(), root_path="/api") as proxied:
        for page in PAGES:
            urls = [url for _, _, url in references(proxied.get(page).text)]
            assert urls and all(url.startswith("/api/") for url in urls), urls


def test_the_assets_come_from_the_installed_fastapi_offline_package() -> None:
    (mount,) = [route for route in docs_app().routes if isinstance(route, Mount)]
    (directory,) = [Path(d) for d in mount.app.all_directories]
    installed = {Path(f.locate()).resolve() for f in files("fastapi-offline") or []}
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png"):
        assert (directory / name).resolve() in installed, name
