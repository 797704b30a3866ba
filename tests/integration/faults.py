"""A proxy in front of the real Elasticsearch that injects failures: it forwards each request, or,
by mode, answers an error instead (401, 403, 429, 500, 503 with Elasticsearch's error bodies),
answers too late ("slow"), or picks one of those per request ("mixed")."""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["FaultyProxy"]

# What an Elasticsearch error looks like, per status (the client parses these bodies).
_ERRORS = {
    401: ("security_exception", "unable to authenticate user [elastic] for REST request [/_search]"),
    403: ("security_exception", "action [indices:data/read/search] is unauthorized for user [elastic]"),
    429: ("es_rejected_execution_exception", "rejected execution of coordinating operation"),
    500: ("null_pointer_exception", "something broke inside the node"),
    503: ("cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered]"),
}
_MIXED = ["pass", "pass", 429, 500, 503, 401]


class FaultyProxy:
    """Forwards every request to `upstream`, or answers the error of `mode` instead."""

    def __init__(self, upstream: str) -> None:
        self.mode: object = "pass"
        self.rng = random.Random(16)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                mode = proxy.rng.choice(_MIXED) if proxy.mode == "mixed" else proxy.mode
                if mode == "slow":
                    time.sleep(3.0)
                if isinstance(mode, int):
                    kind, reason = _ERRORS[mode]
                    error = {"type": kind, "reason": reason}
                    payload = json.dumps({"error": {"root_cause": [error], **error}, "status": mode}).encode()
                    self._answer(mode, payload, {"Content-Type": "application/json"})
                    return
                request = urllib.request.Request(upstream + self.path, data=body, method=self.command,
                                                 headers={k: v for k, v in self.headers.items() if k.lower() != "host"})
                try:
                    with urllib.request.urlopen(request, timeout=30) as answer:
                        self._answer(answer.status, answer.read(), dict(answer.headers))
                except urllib.error.HTTPError as error:
                    self._answer(error.code, error.read(), dict(error.headers))
                except OSError as error:  # upstream unreachable (URLError is one): a gateway's answer
                    # Not left to socketserver, which prints the traceback from this thread: on
                    # CPython 3.11 that parses source (caret anchors) while the test's thread may
                    # be compiling too, and the interpreter's shared AST state can then break
                    # (gh-106905: "AST constructor recursion depth mismatch", seen in CI).
                    payload = json.dumps({"error": f"proxy: upstream unreachable ({type(error).__name__})"}).encode()
                    self._answer(502, payload, {"Content-Type": "application/json"})

            def _answer(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        if key.lower() not in ("content-length", "transfer-encoding", "connection", "x-elastic-product"):
                            self.send_header(key, value)
                    self.send_header("X-Elastic-Product", "Elasticsearch")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the slow mode): nothing to answer

            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _any  # noqa: N815 - http.server's naming

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
