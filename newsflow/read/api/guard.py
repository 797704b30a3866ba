"""Who may call the API and how often: API keys and a rate limit, as one ASGI middleware.

- Keys: a caller sends its key in the `X-API-Key` header; the settings hold only SHA-256 hashes
  of the keys (`api.keys`), several so that a key can be rotated without downtime. With no key
  configured none is asked (and `newsflow api` then listens only on a loopback address).
- Rate limit: a moving window per client address, counted before the key is checked (so key
  guessing is limited too), and per key. Beyond it: 429 with `Retry-After` in seconds.
- Open paths (health and the API's own docs) are neither keyed nor counted: a load balancer's
  health check must not need a key or use up a client's budget.
- The reading pages (newsflow.read.web): a browser cannot add a header to a link, so the key may
  also come in the `newsflow_key` cookie, which the login form (`/login`) sets once the key
  typed into it matched. A page request without a valid key (a path of the pages, or one whose
  Accept asks for HTML) is redirected (303) to the login form instead of answered 401 JSON. The
  login path needs no key but is counted per address like the others: guessing keys through
  the form is limited like guessing them in the header.

  The cookie's cross-site request forgery risk is small: the pages are GET-only and change
  nothing (no state-changing request exists that a forged one could make), and the cookie is
  SameSite=Strict and HttpOnly, so no other site's link, form or script sends or reads it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

__all__ = ["API_KEY_HEADER", "KEY_COOKIE", "LOGIN_PATH", "ApiGuard", "hash_key", "matches_key", "new_key"]

API_KEY_HEADER = "X-API-Key"
# The pages' key cookie and login form (newsflow.read.web.login, which keeps the same names).
KEY_COOKIE = "newsflow_key"
LOGIN_PATH = "/login"
# The reading pages: "/" and what is under /ui/. A request for one without a key goes to the login form.
_PAGES_HOME, _PAGES_PREFIX = "/", "/ui/"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


def hash_key(key: str) -> str:
    """The form a key is configured in: `sha256:<hex>`. Keys are long random strings, so a plain
    SHA-256 is enough (no password stretching needed), and the settings never hold a usable key."""
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def matches_key(key: str, key_hashes: Iterable[str]) -> bool:
    """Whether `key` is one of the keys whose hashes are `key_hashes` (compared in constant time)."""
    hashed = hash_key(key)
    return any(hmac.compare_digest(hashed, known.lower()) for known in key_hashes)


def new_key() -> tuple[str, str]:
    """A fresh random key (give it to the caller) and its hash (put it in `api.keys`)."""
    key = "nf_" + secrets.token_urlsafe(32)
    return key, hash_key(key)


class ApiGuard:
    def __init__(self, app: Asgi, *, key_hashes: Iterable[str], rate_limit: str, open_paths: Iterable[str],
                 login_path: str | None = LOGIN_PATH) -> None:
        self._app = app
        self._hashes = tuple(h.lower() for h in key_hashes)
        self._limits: list[RateLimitItem] = parse_many(rate_limit)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._open = tuple(open_paths)
        self._login = login_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or self._is_open(path):
            await self._app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        refusal = self._over_limit(f"address:{address}")
        if refusal is None and self._hashes and path != self._login:
            refusal = self._check_key(scope)
        if refusal is not None:
            await refusal(send)
            return
        await self._app(scope, receive, send)

    def _check_key(self, scope: Scope) -> Callable[[Send], Awaitable[None]] | None:
        """None when the request carries a valid key (and that key is within its limit), else the answer."""
        header = _header(scope, API_KEY_HEADER)
        key = header if header is not None else _cookie(scope, KEY_COOKIE)
        page = header is None and self._login is not None and _wants_page(scope)
        if key is None:
            if page:
                return _to_login(scope, self._login)
            return _answer(401, f"an API key is required: send it in the {API_KEY_HEADER} header", {"WWW-Authenticate": "ApiKey"})
        if not matches_key(key, self._hashes):
            if page:  # a cookie from before the key was rotated: sign in again
                return _to_login(scope, self._login, forget_key=True)
            return _answer(401, "the API key is not valid", {"WWW-Authenticate": "ApiKey"})
        return self._over_limit(f"key:{hash_key(key)}")

    def _is_open(self, path: str) -> bool:
        return any(path == p or path.startswith(p.rstrip("/") + "/") for p in self._open)

    def _over_limit(self, identity: str) -> Callable[[Send], Awaitable[None]] | None:
        for limit in self._limits:
            if not self._limiter.hit(limit, identity):
                reset = self._limiter.get_window_stats(limit, identity).reset_time
                wait = max(1, math.ceil(reset - time.time()))
                return _answer(429, f"too many requests: at most {limit}; retry in {wait} s", {"Retry-After": str(wait)})
        return None


def _wants_page(scope: Scope) -> bool:
    """A browser asking for a page: a path of the pages, or an Accept header that takes HTML."""
    path = scope.get("path", "")
    if path == _PAGES_HOME or path.startswith(_PAGES_PREFIX):
        return True
    return "text/html" in (_header(scope, "accept") or "").lower()


def _cookie(scope: Scope, name: str) -> str | None:
    """The value of cookie `name` (the first, if several), from every Cookie header."""
    for key, value in scope.get("headers", []):
        if key.lower() != b"cookie":
            continue
        for pair in value.decode("latin-1").split(";"):
            cookie, sep, content = pair.strip().partition("=")
            if sep and cookie.strip() == name:
                content = content.strip()
                if len(content) >= 2 and content[0] == content[-1] == '"':
                    content = content[1:-1]
                return content or None
    return None


def _to_login(scope: Scope, login: str, *, forget_key: bool = False) -> Callable[[Send], Awaitable[None]]:
    root = str(scope.get("root_path", "")).rstrip("/")
    headers = [(b"location", f"{root}{login}".encode("latin-1")), (b"content-length", b"0"),
               (b"cache-control", b"no-store")]
    if forget_key:
        headers.append((b"set-cookie", f"{KEY_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict".encode("latin-1")))

    async def send_it(send: Send) -> None:
        await send({"type": "http.response.start", "status": 303, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    return send_it


def _header(scope: Scope, name: str) -> str | None:
    wanted = name.lower().encode("latin-1")
    for key, value in scope.get("headers", []):
        if key.lower() == wanted:
            return value.decode("latin-1")
    return None


def _answer(status: int, detail: str, headers: dict[str, str]) -> Callable[[Send], Awaitable[None]]:
    body = json.dumps({"detail": detail}).encode("utf-8")
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw_headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    async def send_it(send: Send) -> None:
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": body})

    return send_it
