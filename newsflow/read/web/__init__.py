"""The reading pages of `newsflow api` (issue "A page to look at the news"): search with facets,
one article, stories, trending entities and feed health, as server-rendered HTML with one CSS
file, all served by the API itself (no script, no CDN, no build step).

`add_web_routes(app, ...)` adds them to the API's app: plain Starlette routes (not in the
OpenAPI description, and outside the API's own parameter checks: a page answers a page, never
JSON), the static files at /static, and the login form when keys are configured. Templates are
Jinja2 with autoescape on for all of them (newsflow.read.web.render).

Pages:      GET /  (search), /ui/articles/{id}, /ui/stories, /ui/stories/{id}, /ui/trending, /ui/feeds;
            any other /ui path is a 404 page
Login:      GET, POST /login (only does anything when api.keys is set; newsflow.read.web.login);
            POST /logout
Assets:     GET /static/site.css, /static/favicon.svg
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from newsflow.read.web.login import KEY_COOKIE, LOGIN_PATH, LOGOUT_PATH, Login
from newsflow.read.web.pages import Pages
from newsflow.settings import Settings

__all__ = ["KEY_COOKIE", "LOGIN_PATH", "STATIC_PATH", "add_web_routes"]

STATIC_PATH = "/static"


def add_web_routes(app: FastAPI, *, client: Any, settings: Settings, check_key: Callable[[str, Sequence[str]], bool],
                   stories: Any) -> None:
    """Add the pages to `app`, searching through `client` (the API's, with its time budget).

    `check_key(key, hashes)` says whether a key is one of the configured hashes'
    (newsflow.read.api.guard.matches_key) and `stories` is newsflow.read.api.stories: both handed
    in because the API package imports this one, which must not import it back."""
    pages = Pages(client=client, settings=settings, stories=stories)
    login = Login(key_hashes=settings.api.keys, check_key=check_key)
    # Checked now: a missing asset directory fails at startup, not as an unstyled page.
    app.mount(STATIC_PATH, StaticFiles(packages=[("newsflow.read.web", "static")]), name="web-static")
    for path, handler in (("/", pages.search), ("/ui/articles/{article_id:path}", pages.article),
                          ("/ui/stories", pages.story_list), ("/ui/stories/{story_id:path}", pages.story),
                          ("/ui/trending", pages.trending), ("/ui/feeds", pages.feeds),
                          ("/ui/{unknown:path}", pages.not_found)):  # last: only what no page above took
        app.add_route(path, handler, methods=["GET"], include_in_schema=False)
    app.add_route(LOGIN_PATH, login.form, methods=["GET"], include_in_schema=False)
    app.add_route(LOGIN_PATH, login.submit, methods=["POST"], include_in_schema=False)
    app.add_route(LOGOUT_PATH, login.logout, methods=["POST"], include_in_schema=False)
