"""The API's /docs (Swagger UI) and /redoc pages, served with their assets by the API itself.

FastAPI's default pages load Swagger UI and ReDoc from a CDN, so on a cluster without internet
they stay blank. The assets here are the package data of fastapi-offline (its `static`
directory: swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js, favicon.png). The app is
created with `FastAPI(docs_url=None, redoc_url=None)`, then `add_docs_routes(app)`.

Everything the pages need lives under /docs, /redoc and the app's openapi_url, as plain GET
routes and a static mount: Starlette routes, so the app's dependencies do not apply to them.
"""

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["add_docs_routes"]

_DOCS = "/docs"
_REDOC = "/redoc"
_ASSETS = "/docs/static"


def add_docs_routes(app: FastAPI) -> None:
    """Serve the assets at /docs/static, Swagger UI at /docs (and its OAuth2 redirect) and ReDoc at /redoc."""
    openapi_url = app.openapi_url
    if openapi_url is None:
        raise ValueError("the API documentation pages need the app's openapi_url")
    oauth2_redirect_url = app.swagger_ui_oauth2_redirect_url
    # Checked now: a missing asset directory fails at startup, not as a blank page.
    app.mount(_ASSETS, StaticFiles(packages=[("fastapi_offline", "static")]), name="docs-static")

    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{_ASSETS}/favicon.png",
            oauth2_redirect_url=root + oauth2_redirect_url if oauth2_redirect_url else None,
            init_oauth=app.swagger_ui_init_oauth,
            swagger_ui_parameters=app.swagger_ui_parameters,
        )

    async def swagger_ui_redirect(request: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{_ASSETS}/favicon.png",
            with_google_fonts=False,
        )

    app.add_route(_DOCS, swagger_ui, methods=["GET"], include_in_schema=False)
    if oauth2_redirect_url:
        app.add_route(oauth2_redirect_url, swagger_ui_redirect, methods=["GET"], include_in_schema=False)
    app.add_route(_REDOC, redoc, methods=["GET"], include_in_schema=False)
