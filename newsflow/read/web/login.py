"""Signing in to the pages when the API asks for keys (api.keys): a form takes the key once and a
cookie carries it after, since a browser cannot add an X-API-Key header to a link.

`POST /login` checks the key against the configured hashes and, when it is valid, sets the
`newsflow_key` cookie (HttpOnly: no script reads it; SameSite=Strict: no other site's link,
form or image sends it; Secure when served over https) and redirects to the search page. The
API guard (newsflow.read.api.guard) then takes the key from that cookie as from the header.
`POST /logout` (the header's "Sign out" button) removes the cookie and goes back to the form.

Cross-site request forgery: what the cookie unlocks is only GET pages that read (no page
changes anything), and SameSite=Strict keeps browsers from sending it on any request another
site starts. The login form itself sets nothing but the key typed into it. The login path is
rate-limited per address like every keyed path, so it is no way around the limit on guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from newsflow.read.web.render import KEY_COOKIE, PAGE_HEADERS, render

__all__ = ["KEY_COOKIE", "LOGIN_PATH", "LOGOUT_PATH", "MAX_FORM_BYTES", "Login"]

# The same names as newsflow.read.api.guard's (which this package may not import: the API imports
# it); tests/unit/test_web_login.py checks that they agree. KEY_COOKIE is render's: the header's
# "Sign out" button shows while the cookie is there.
LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
MAX_FORM_BYTES = 4096  # a key is ~46 characters; anything much longer is not a login

KeyCheck = Callable[[str, Sequence[str]], bool]


class Login:
    def __init__(self, *, key_hashes: Sequence[str], check_key: KeyCheck) -> None:
        self._hashes = tuple(key_hashes)
        self._check = check_key

    async def form(self, request: Request) -> Response:
        if not self._hashes:
            return _to_search(request)
        return render(request, "login.html")

    async def submit(self, request: Request) -> Response:
        if not self._hashes:
            return _to_search(request)
        body = await _read_bounded(request, MAX_FORM_BYTES)
        if body is None:
            return render(request, "login.html", status=413, error="The form was too large to be a login.")
        fields = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=20)
        key = (fields.get("key") or [""])[0].strip()
        if not key:
            return render(request, "login.html", status=401, error="Enter an API key.")
        if not self._check(key, self._hashes):
            return render(request, "login.html", status=401, error="That API key is not valid.")
        response = _to_search(request)
        response.set_cookie(KEY_COOKIE, key, path="/", httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
        return response


    async def logout(self, request: Request) -> Response:
        """Forget the key: the cookie is removed and the browser goes back to the login form."""
        root = str(request.scope.get("root_path", "")).rstrip("/")
        response = RedirectResponse(f"{root}{LOGIN_PATH}" if self._hashes else f"{root}/", status_code=303,
                                    headers={"Cache-Control": PAGE_HEADERS["Cache-Control"]})
        response.delete_cookie(KEY_COOKIE, path="/", httponly=True, samesite="strict",
                               secure=request.url.scheme == "https")
        return response


def _to_search(request: Request) -> RedirectResponse:
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return RedirectResponse(f"{root}/", status_code=303, headers={"Cache-Control": PAGE_HEADERS["Cache-Control"]})


async def _read_bounded(request: Request, most: int) -> bytes | None:
    """The request body, or None once it passes `most` bytes (read no further)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > most:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
