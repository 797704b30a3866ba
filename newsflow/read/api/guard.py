"""Who may call the API and how often: API keys and a rate limit, as one ASGI middleware.

- Keys: a caller sends its key in the `X-API-Key` header; the settings hold only SHA-256 hashes
  of the keys (`api.keys`), several so that a key can be rotated without downtime. With no key
  configured none is asked (and `newsflow api` then listens only on a loopback address).
- Rate limit: a moving window per client address, counted before the key is checked (so key
  guessing is limited too), and per key. Beyond it: 429 with `Retry-After` in seconds.
- Open paths (health and the API's own docs) are neither keyed nor counted: a load balancer's
  health check must not need a key or use up a client's budget.
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

__all__ = ["API_KEY_HEADER", "ApiGuard", "hash_key", "new_key"]

API_KEY_HEADER = "X-API-Key"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


def hash_key(key: str) -> str:
    """The form a key is configured in: `sha256:<hex>`. Keys are long random strings, so a plain
    SHA-256 is enough (no password stretching needed), and the settings never hold a usable key."""
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> tuple[str, str]:
    """A fresh random key (give it to the caller) and its hash (put it in `api.keys`)."""
    key = "nf_" + secrets.token_urlsafe(32)
    return key, hash_key(key)


class ApiGuard:
    def __init__(self, app: Asgi, *, key_hashes: Iterable[str], rate_limit: str, open_paths: Iterable[str]) -> None:
        self._app = app
        self._hashes = tuple(h.lower() for h in key_hashes)
        self._limits: list[RateLimitItem] = parse_many(rate_limit)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._open = tuple(open_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._is_open(scope.get("path", "")):
            await self._app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        refusal = self._over_limit(f"address:{address}")
        if refusal is None and self._hashes:
            key = _header(scope, API_KEY_HEADER)
            if key is None:
                refusal = _answer(401, f"an API key is required: send it in the {API_KEY_HEADER} header",
                                  {"WWW-Authenticate": "ApiKey"})
            else:
                hashed = hash_key(key)
                if not any(hmac.compare_digest(hashed, known) for known in self._hashes):
                    refusal = _answer(401, "the API key is not valid", {"WWW-Authenticate": "ApiKey"})
                else:
                    refusal = self._over_limit(f"key:{hashed}")
        if refusal is not None:
            await refusal(send)
            return
        await self._app(scope, receive, send)

    def _is_open(self, path: str) -> bool:
        return any(path == p or path.startswith(p.rstrip("/") + "/") for p in self._open)

    def _over_limit(self, identity: str) -> Callable[[Send], Awaitable[None]] | None:
        for limit in self._limits:
            if not self._limiter.hit(limit, identity):
                reset = self._limiter.get_window_stats(limit, identity).reset_time
                wait = max(1, math.ceil(reset - time.time()))
                return _answer(429, f"too many requests: at most {limit}; retry in {wait} s", {"Retry-After": str(wait)})
        return None


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
