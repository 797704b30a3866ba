"""Rendering the pages: one Jinja2 environment, autoescape on for every template, and the filters
the templates use.

Everything a feed wrote (titles, sources, names, texts, error messages, URLs) is escaped by the
templates. The one value written as HTML is a search snippet: Elasticsearch's highlighter already
escaped the article's text and added only <mark>, and `safe_snippet` makes sure of it again. An
article's own address becomes a link only when it is an http(s) URL (`web_url`); every page also
carries a Content-Security-Policy that allows no script and no resource from elsewhere.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from newsflow.contract.text import web_url
from newsflow.read.query import MARK_END, MARK_START
from newsflow.read.web.links import article_href, entity_search_href, search_href, story_href

__all__ = ["KEY_COOKIE", "PAGE_HEADERS", "environment", "render", "safe_snippet", "when"]

# The cookie that carries the API key after the login form (newsflow.read.web.login).
KEY_COOKIE = "newsflow_key"

# No script at all, styles and images from the API itself, forms only back to it, never framed.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # Pages may be behind a key: no shared cache keeps them.
    "Cache-Control": "no-store",
}

_MARKS = re.compile(f"({re.escape(MARK_START)}|{re.escape(MARK_END)})")


def safe_snippet(snippet: str) -> Markup:
    """A search snippet as HTML whose only tags are <mark> and </mark>, balanced.

    The snippet is escaped HTML already; it is taken apart at its literal <mark> and </mark> tags,
    and every piece between them is decoded and escaped again, so that whatever else looks like
    markup (a raw "<img>", "<mark onclick=...>", "<MARK>") comes out as text and an entity stays
    the character it stood for. A stray </mark> is dropped and an unclosed <mark> closed."""
    out: list[str] = []
    marked = False
    for part in _MARKS.split(snippet):
        if part == MARK_START:
            if not marked:
                out.append(MARK_START)
                marked = True
        elif part == MARK_END:
            if marked:
                out.append(MARK_END)
                marked = False
        elif part:
            out.append(str(escape(html.unescape(part))))
    if marked:
        out.append(MARK_END)
    return Markup("".join(out))


def when(value: str | None) -> str:
    """An indexed date as people read it, in UTC ("2024-05-01 12:00 UTC"); as stored if unreadable."""
    if not value:
        return "undated"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _paragraphs(text: str | None) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("newsflow.read.web", "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(snippet=safe_snippet, when=when, web_url=web_url, plural=_plural, paragraphs=_paragraphs)
    env.globals.update(article_href=article_href, story_href=story_href, entity_search_href=entity_search_href,
                       search_href=search_href)
    return env


_ENV = environment()

# The site header's links: (path, label); a page's own is marked aria-current.
_NAV = (("/", "Search"), ("/ui/stories", "Stories"), ("/ui/trending", "Trending"), ("/ui/feeds", "Feeds"))


def render(request: Request, template: str, *, status: int = 200, headers: dict[str, str] | None = None,
           **context: Any) -> HTMLResponse:
    """The page `template` with `context`, as an HTML answer with the page headers."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    path = request.url.path.removeprefix(root) or "/"
    section = next((p for p, _ in reversed(_NAV) if path == p or (p != "/" and path.startswith(p + "/"))), "")
    if not section and path.startswith("/ui/articles/"):
        section = "/"
    body = _ENV.get_template(template).render(root=root, nav=_NAV, section=section, error=context.pop("error", None),
                                              signed_in=KEY_COOKIE in request.cookies, **context)
    return HTMLResponse(body, status_code=status, headers=PAGE_HEADERS | (headers or {}))
