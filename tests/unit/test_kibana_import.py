"""`newsflow kibana setup` against a local stand-in for Kibana's saved-objects import API.

The stub checks every request the way Kibana would (method, path and space, overwrite=true,
kbn-xsrf, credentials, a multipart `file` holding NDJSON) and answers in Kibana's shapes. The
real command runs as a subprocess, as a user runs it.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from newsflow.read.kibana import DATA_VIEW_ID, FEED_HEALTH_VIEW_ID, load_objects

PASSWORD = "s3cret-Kibana-pw"
API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
IMPORT_PATH = "/api/saved_objects/_import"


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    objects: list[dict[str, Any]]


@dataclass
class KibanaStub:
    """Answers POST {space}/api/saved_objects/_import like Kibana; records what it received and
    every way a request differed from what Kibana accepts."""

    authorization: str | None = None  # the exact Authorization header Kibana would accept
    space: str | None = None
    failures: dict[str, dict[str, Any]] = field(default_factory=dict)  # object id -> Kibana's error
    answer: tuple[int, str, bytes] | None = None  # a fixed raw answer instead of an import result
    received: list[Received] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def start(self) -> None:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, payload = stub.handle(self.path, dict(self.headers.items()), body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:  # noqa: N802
                stub.problems.append(f"unexpected GET {self.path}")
                self.send_error(405)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_port}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- what Kibana checks ---------------------------------------------------------------------

    def handle(self, raw_path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        headers = {k.lower(): v for k, v in headers.items()}
        if headers.get("authorization") != self.authorization:
            return _kibana_error(401, "Unauthorized", "[security_exception]: unable to authenticate user for REST request")
        parts = urlsplit(raw_path)
        expected_path = (f"/s/{self.space}" if self.space else "") + IMPORT_PATH
        problems = []
        if parts.path != expected_path:
            problems.append(f"path {parts.path!r}, expected {expected_path!r}")
        query = parse_qs(parts.query)
        if query != {"overwrite": ["true"]}:
            problems.append(f"query {query!r}, expected overwrite=true only")
        if headers.get("kbn-xsrf") is None:
            problems.append("no kbn-xsrf header")  # Kibana refuses such a POST
        objects, body_problems = _ndjson_file(headers.get("content-type", ""), body)
        problems += body_problems
        self.received.append(Received(parts.path, query, headers, objects))
        if problems:
            self.problems += problems
            return _kibana_error(400, "Bad Request", "; ".join(problems))
        if self.answer:
            status, reason, payload = self.answer
            return status, payload
        return 200, json.dumps(self._import_result(objects)).encode()

    def _import_result(self, objects: list[dict[str, Any]]) -> dict[str, Any]:
        ok = [o for o in objects if o["id"] not in self.failures]
        errors = [{"id": o["id"], "type": o["type"], "meta": {"title": o["attributes"].get("title")},
                   "error": self.failures[o["id"]]} for o in objects if o["id"] in self.failures]
        return {
            "success": not errors,
            "successCount": len(ok),
            "successResults": [{"type": o["type"], "id": o["id"], "meta": {"title": o["attributes"].get("title")},
                                "overwrite": True} for o in ok],
            "errors": errors,
        }


def _kibana_error(status: int, error: str, message: str) -> tuple[int, bytes]:
    return status, json.dumps({"statusCode": status, "error": error, "message": message}).encode()


def _ndjson_file(content_type: str, body: bytes) -> tuple[list[dict[str, Any]], list[str]]:
    """The saved objects of the multipart `file` part, as Kibana's import route reads it."""
    if not content_type.startswith("multipart/form-data"):
        return [], [f"content type {content_type!r}, expected multipart/form-data"]
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    parts = list(message.iter_parts())
    files = [p for p in parts if p.get_param("name", header="content-disposition") == "file"]
    if len(parts) != 1 or len(files) != 1:
        return [], [f"expected exactly one part named 'file', got {len(parts)} parts"]
    if not (files[0].get_filename() or "").endswith(".ndjson"):
        return [], [f"file name {files[0].get_filename()!r} does not end in .ndjson"]  # Kibana checks this
    try:
        objects = [json.loads(line) for line in files[0].get_payload(decode=True).decode().splitlines() if line.strip()]
    except ValueError as exc:
        return [], [f"file is not NDJSON: {exc}"]
    if not objects or not all({"type", "id", "attributes"} <= o.keys() for o in objects):
        return [], ["file holds no saved objects"]
    return objects, []


# -- running the command -------------------------------------------------------------------------


def newsflow(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Only this test's settings: a developer's Kibana settings, config file or alias must not leak in.
    leaks = ("NEWSFLOW_KIBANA__", "NEWSFLOW_CONFIG", "NEWSFLOW_ELASTICSEARCH__ALIAS", "NEWSFLOW_ELASTICSEARCH__FEED_HEALTH_INDEX")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(leaks)}
    return subprocess.run(
        [sys.executable, "-m", "newsflow", *args],
        capture_output=True, text=True, timeout=120, env=clean | env,
    )


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("newsflow: error: ")
    return lines[0]


def assert_no_secret(result: subprocess.CompletedProcess) -> None:
    for secret in (PASSWORD, API_KEY):
        assert secret not in result.stdout + result.stderr


@pytest.fixture
def kibana():
    stubs: list[KibanaStub] = []

    def start(**options: Any) -> KibanaStub:
        stub = KibanaStub(**options)
        stub.start()
        stubs.append(stub)
        return stub

    yield start
    for stub in stubs:
        stub.close()


@pytest.fixture(scope="module")
def objects() -> list[dict[str, Any]]:
    return load_objects()


# -- tests ---------------------------------------------------------------------------------------


def test_setup_imports_every_object_with_basic_auth_idempotently(kibana, objects):
    stub = kibana(authorization=basic("newsflow", PASSWORD))
    env = {"NEWSFLOW_KIBANA__PASSWORD": PASSWORD}
    first = newsflow("kibana", "setup", "--url", stub.url, "--username", "newsflow", **env)
    second = newsflow("kibana", "setup", "--url", stub.url, "--username", "newsflow", **env)

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert stub.problems == []
    assert len(stub.received) == 2
    # The same objects with the same ids each time: Kibana overwrites instead of duplicating.
    assert stub.received[0].objects == stub.received[1].objects == objects
    for obj in objects:
        assert f"imported {obj['type']} {obj['id']}" in first.stdout
    assert f"{len(objects)} saved objects imported into Kibana at {stub.url} (space default)" in first.stdout
    assert_no_secret(first)


def test_setup_uses_the_api_key_and_the_space(kibana, objects):
    stub = kibana(authorization=f"ApiKey {API_KEY}", space="news-desk")
    result = newsflow("kibana", "setup", "--url", stub.url, "--space", "news-desk", NEWSFLOW_KIBANA__API_KEY=API_KEY)

    assert result.returncode == 0, result.stderr
    assert stub.problems == []
    assert stub.received[0].path == f"/s/news-desk{IMPORT_PATH}"
    assert "(space news-desk)" in result.stdout
    assert_no_secret(result)


def test_settings_alone_configure_url_user_and_space(kibana):
    stub = kibana(authorization=basic("ops", PASSWORD), space="ops")
    result = newsflow("kibana", "setup", NEWSFLOW_KIBANA__URL=stub.url, NEWSFLOW_KIBANA__USERNAME="ops",
                      NEWSFLOW_KIBANA__PASSWORD=PASSWORD, NEWSFLOW_KIBANA__SPACE="ops")
    assert result.returncode == 0, result.stderr
    assert stub.problems == []
    assert_no_secret(result)


def test_data_view_titles_follow_the_index_settings(kibana):
    stub = kibana()
    result = newsflow("kibana", "setup", "--url", stub.url, NEWSFLOW_ELASTICSEARCH__ALIAS="eu-news",
                      NEWSFLOW_ELASTICSEARCH__FEED_HEALTH_INDEX="eu-feed-health", NEWSFLOW_ELASTICSEARCH__STORIES_INDEX="eu-stories")

    assert result.returncode == 0, result.stderr
    titles = {o["id"]: o["attributes"]["title"] for o in stub.received[0].objects if o["type"] == "index-pattern"}
    assert titles == {DATA_VIEW_ID: "eu-news", FEED_HEALTH_VIEW_ID: "eu-feed-health", "newsflow-stories": "eu-stories"}


def test_refused_objects_fail_with_one_line_naming_them_and_kibanas_reasons(kibana, objects):
    stub = kibana(authorization=basic("newsflow", PASSWORD), failures={
        "newsflow-map-places": {"type": "missing_references", "references": [{"type": "index-pattern", "id": "gone"}]},
        "newsflow-lens-topics": {"type": "unknown", "message": "Unable to parse the state", "statusCode": 400},
    })
    result = newsflow("kibana", "setup", "--url", stub.url, "--username", "newsflow", NEWSFLOW_KIBANA__PASSWORD=PASSWORD)

    line = one_error_line(result)
    assert f"did not import 2 of {len(objects)} saved objects" in line
    assert "map/newsflow-map-places (missing references index-pattern/gone)" in line
    assert "lens/newsflow-lens-topics (unknown: Unable to parse the state)" in line
    assert "imported index-pattern newsflow-articles" in result.stdout  # the rest went in
    assert "imported map newsflow-map-places" not in result.stdout
    assert_no_secret(result)


def test_wrong_credentials_fail_with_one_line(kibana):
    stub = kibana(authorization=basic("newsflow", "the-right-one"))
    result = newsflow("kibana", "setup", "--url", stub.url, "--username", "newsflow", NEWSFLOW_KIBANA__PASSWORD=PASSWORD)

    line = one_error_line(result)
    assert "401" in line and "NEWSFLOW_KIBANA__PASSWORD" in line
    assert_no_secret(result)


def test_missing_space_fails_with_one_line(kibana):
    stub = kibana(answer=(404, "Not Found", b'{"statusCode":404,"error":"Not Found","message":"Not Found"}'),
                  space="nowhere")
    line = one_error_line(newsflow("kibana", "setup", "--url", stub.url, "--space", "nowhere"))
    assert "'nowhere'" in line and "404" in line


def test_unexpected_answer_fails_with_one_line(kibana):
    stub = kibana(answer=(502, "Bad Gateway", b"<html>proxy error</html>"))
    line = one_error_line(newsflow("kibana", "setup", "--url", stub.url))
    assert "502" in line and "proxy error" in line


def test_unreachable_kibana_fails_with_one_line():
    with socket.socket() as sock:  # a port nobody listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    line = one_error_line(newsflow("kibana", "setup", "--url", f"http://127.0.0.1:{port}"))
    assert line == f"newsflow: error: Kibana is not reachable at http://127.0.0.1:{port} (ConnectError)"


@pytest.mark.parametrize("url", ["ftp://kibana.example", "http://[::1", "kibana.example:5601"])
def test_a_url_option_that_is_no_http_url_fails_with_one_line(url):
    line = one_error_line(newsflow("kibana", "setup", "--url", url))
    assert line.startswith(f"newsflow: error: --url: {url!r} is not a Kibana URL")


def test_user_without_password_fails_with_one_line(kibana):
    stub = kibana()
    line = one_error_line(newsflow("kibana", "setup", "--url", stub.url, "--username", "newsflow"))
    assert "NEWSFLOW_KIBANA__PASSWORD" in line
    assert stub.received == []


def test_secrets_are_not_command_line_options():
    for option in ("--password", "--api-key"):
        result = newsflow("kibana", "setup", option, PASSWORD)
        assert result.returncode == 2 and "unrecognized arguments" in result.stderr


def test_debug_logging_does_not_reveal_secrets(kibana):
    stub = kibana(authorization=basic("newsflow", PASSWORD))
    result = newsflow("--log-level", "DEBUG", "kibana", "setup", "--url", stub.url, "--username", "newsflow",
                      NEWSFLOW_KIBANA__PASSWORD=PASSWORD)
    assert result.returncode == 0, result.stderr
    assert_no_secret(result)
    assert base64.b64encode(f"newsflow:{PASSWORD}".encode()).decode() not in result.stderr
