"""Prometheus metrics and the health endpoints every long-running stage serves.

`/metrics` (Prometheus text format), `/healthz` (liveness: the process and its main loop are
alive) and `/readyz` (readiness: every dependency of this stage answers right now) on
`metrics_host:metrics_port`. Readiness probes the dependencies when asked (a TCP connect to a
Kafka bootstrap server, a cluster-health call to Elasticsearch), so it is true to the moment
even while the stage is idle.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

__all__ = [
    "BATCH_SECONDS",
    "BULK_ITEMS",
    "CONSUMED",
    "CONSUMER_LAG",
    "DEAD_LETTERS",
    "FEEDS",
    "FEED_FETCH_SECONDS",
    "FETCHES",
    "ITEMS_PRODUCED",
    "STEP_SECONDS",
    "STORIES_STATE_READS",
    "Check",
    "HealthServer",
    "kafka_reachable",
]

log = logging.getLogger(__name__)

FEEDS = Gauge("newsflow_feeds", "Owned feeds by health state (new, ok, stale, failing, disabled, not-a-feed).", ["state"])
FETCHES = Counter("newsflow_fetches", "Feed fetches by outcome (ok, not-modified, unchanged, or the failure reason).", ["outcome"])
FEED_FETCH_SECONDS = Histogram(
    "newsflow_feed_fetch_seconds", "Time to fetch and parse one feed.", buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
ITEMS_PRODUCED = Counter("newsflow_items_produced", "Articles produced to news.raw and acknowledged.")
CONSUMED = Counter("newsflow_messages_consumed", "Messages consumed and completed (delivered or dead-lettered).", ["stage"])
CONSUMER_LAG = Gauge("newsflow_consumer_lag", "Messages behind the end of the partition.", ["stage", "topic", "partition"])
STEP_SECONDS = Histogram(
    "newsflow_step_seconds", "Enrichment time per article of each step (batch time / batch size).", ["step"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
BULK_ITEMS = Counter("newsflow_bulk_items", "Bulk item results by outcome (indexed, superseded, rejected).", ["outcome"])
DEAD_LETTERS = Counter("newsflow_dead_letters", "Messages sent to the dead-letter topic.", ["stage", "reason"])
BATCH_SECONDS = Histogram("newsflow_batch_seconds", "Time to complete one batch, consume to commit.", ["stage"])
# Whether processor.duplicates.cached_articles and processor.stories.cached_stories are large
# enough: a candidate the worker holds at the version searched is not read again.
STORIES_STATE_READS = Counter(
    "newsflow_stories_state_reads",
    "Candidates of the stories state (kind: article or story) taken from the worker's cache or read from Elasticsearch.",
    ["kind", "source"],
)

Check = Callable[[], bool]


def kafka_reachable(bootstrap_servers: str, timeout_s: float = 2.0) -> Check:
    """A readiness check: can any bootstrap server be reached over TCP?"""
    addresses = [a.strip().rsplit(":", 1) for a in bootstrap_servers.split(",") if a.strip()]

    def check() -> bool:
        for host, port in addresses:
            try:
                with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s):
                    return True
            except OSError:
                continue
        return False

    return check


class HealthServer:
    """Serves /metrics, /healthz and /readyz from a daemon thread."""

    def __init__(self, host: str, port: int, checks: dict[str, Check]) -> None:
        self._checks = checks
        self._main = threading.main_thread()
        self._httpd = ThreadingHTTPServer((host, port), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="health-server", daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_port

    def start(self) -> HealthServer:
        self._thread.start()
        log.info("metrics and health on http://%s:%d/metrics /healthz /readyz", *self._httpd.server_address[:2])
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def readiness(self) -> dict[str, bool]:
        results = {}
        for name, check in self._checks.items():
            try:
                results[name] = bool(check())
            except Exception:  # noqa: BLE001 - a failing probe means "not ready", never a crash
                results[name] = False
        return results

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                if self.path == "/metrics":
                    self._send(200, generate_latest(), CONTENT_TYPE_LATEST)
                elif self.path == "/healthz":
                    alive = server._main.is_alive()
                    self._json(200 if alive else 503, {"alive": alive})
                elif self.path == "/readyz":
                    started = time.monotonic()
                    deps = server.readiness()
                    ready = all(deps.values())
                    self._json(200 if ready else 503, {"ready": ready, "dependencies": deps,
                                                       "seconds": round(time.monotonic() - started, 3)})
                else:
                    self._json(404, {"error": "try /metrics, /healthz or /readyz"})

            def _json(self, status: int, body: dict) -> None:
                self._send(status, json.dumps(body).encode(), "application/json")

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass  # probes every few seconds would drown the logs

        return Handler
