"""No secret is ever shown (issue 16): one secret in every credential-bearing setting, every error
path driven (Elasticsearch answering 401, 403, 429, 503, too slowly, or not at all; Kafka down;
Kibana down), and every answer, output and log line grepped for it.

Elasticsearch is the real one, behind a proxy (tests.integration.faults) that forwards each
request or, by mode, answers an error instead.
"""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from newsflow.read.api.app import create_app
from newsflow.settings import Settings
from tests.integration.faults import FaultyProxy
from tests.support import as_env, index_articles, sample_articles

SECRET = "S3cr3t" + secrets.token_hex(6)
MODES = ["pass", 401, 403, 429, 503, "slow", "down"]


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def proxy(settings: Settings) -> Iterator[FaultyProxy]:
    upstream = settings.elasticsearch.node_urls[0].rstrip("/")
    server = FaultyProxy(upstream)
    yield server
    server.close()


def _secret_env(settings: Settings, proxy: FaultyProxy, mode: object) -> dict[str, str]:
    """Every credential-bearing setting holds the secret: in URLs (user info and query) and in
    the secret settings themselves."""
    port = _closed_port() if mode == "down" else proxy.port
    return {
        **as_env(settings),
        "NEWSFLOW_ELASTICSEARCH__URL": f"http://elastic:{SECRET}@127.0.0.1:{port}",
        "NEWSFLOW_ELASTICSEARCH__USERNAME": "elastic",
        "NEWSFLOW_ELASTICSEARCH__PASSWORD": SECRET,
        "NEWSFLOW_ELASTICSEARCH__REQUEST_TIMEOUT_S": "1",
        "NEWSFLOW_KAFKA__SASL_PASSWORD": SECRET,
        "NEWSFLOW_KAFKA__SSL_PASSWORD": SECRET,
        "NEWSFLOW_KIBANA__URL": f"http://kibana:{SECRET}@127.0.0.1:{_closed_port()}",
        "NEWSFLOW_KIBANA__PASSWORD": SECRET,
        "NEWSFLOW_PRODUCER__WEBSUB_CALLBACK_URL": f"https://hook:{SECRET}@news.example/websub?token={SECRET}",
        "NEWSFLOW_PRODUCER__WEBSUB_SECRET": SECRET,
        "NEWSFLOW_SECURITY__SINK_PASSWORD": SECRET,
        "NEWSFLOW_SECURITY__API_PASSWORD": SECRET,
        "NEWSFLOW_SECURITY__VIEWER_PASSWORD": SECRET,
        "NEWSFLOW_SECURITY__PROCESSOR_PASSWORD": SECRET,
        "NEWSFLOW_API__SEARCH_TIMEOUT_S": "0.3",
    }


def _settings_from(env: dict[str, str]) -> Settings:
    saved = os.environ.copy()
    os.environ.update(env)
    try:
        return Settings()
    finally:
        os.environ.clear()
        os.environ.update(saved)


_API_CALLS = ["/search?q=election", "/search?q=election&collapse_duplicates=true", "/health", "/articles/nope",
              "/articles/nope/related", "/entities/trending", "/stories", "/stories?sort=growing", "/stories/nope",
              "/openapi.json"]


@pytest.mark.parametrize("mode", MODES)
def test_the_api_shows_no_secret_whatever_elasticsearch_answers(settings: Settings, proxy: FaultyProxy, mode: object,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    index_articles(settings, sample_articles(6))
    proxy.mode = mode
    caplog.set_level(logging.DEBUG)
    app = create_app(_settings_from(_secret_env(settings, proxy, mode)))
    statuses = {}
    with TestClient(app, raise_server_exceptions=False) as client:
        for call in _API_CALLS:
            answer = client.get(call)
            statuses[call] = answer.status_code
            shown = answer.text + "".join(f"{k}: {v}" for k, v in answer.headers.items())
            assert SECRET not in shown, f"{call} in mode {mode} answered the secret: {shown[:500]}"
    assert SECRET not in caplog.text
    for record in caplog.records:
        assert SECRET not in record.getMessage()
    # The paths were driven: a failure mode made the searches fail, the pass mode answered.
    if mode == "pass":
        assert statuses["/search?q=election"] == 200
        assert statuses["/health"] == 200
    else:
        assert statuses["/search?q=election"] >= 500 or statuses["/search?q=election"] in (401, 403)
        assert statuses["/health"] == 503


def _cli(*args: str, env: dict[str, str], timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsflow", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=timeout)


@pytest.mark.parametrize("mode", [401, 403, 429, 503, "slow", "down"])
def test_commands_show_no_secret_when_elasticsearch_fails(settings: Settings, proxy: FaultyProxy, mode: object) -> None:
    proxy.mode = mode
    env = _secret_env(settings, proxy, mode) | {"NEWSFLOW_LOG_LEVEL": "DEBUG"}
    for args in (["search", "election"], ["security", "setup"], ["index", "rebuild", "--help"]):
        result = _cli(*args, env=env)
        assert SECRET not in result.stdout + result.stderr, f"newsflow {' '.join(args)} in mode {mode}"
        if args[0] != "index":
            assert result.returncode != 0, f"newsflow {' '.join(args)} succeeded against mode {mode}"
            assert "Traceback" not in result.stderr


def test_commands_show_no_secret_when_kafka_and_kibana_are_down(settings: Settings, proxy: FaultyProxy) -> None:
    env = _secret_env(settings, proxy, "pass") | {
        "NEWSFLOW_KAFKA__BOOTSTRAP_SERVERS": f"127.0.0.1:{_closed_port()}", "NEWSFLOW_LOG_LEVEL": "DEBUG",
    }
    for args in (["setup"], ["kibana", "setup"]):
        result = _cli(*args, env=env, timeout=180)
        assert result.returncode != 0, f"newsflow {' '.join(args)} succeeded with its service down"
        assert SECRET not in result.stdout + result.stderr, f"newsflow {' '.join(args)}"
        assert "Traceback" not in result.stderr
    shown = _cli("config", "show", env=env)
    assert shown.returncode == 0
    assert SECRET not in shown.stdout + shown.stderr
    assert "websub_callback_url: https://***@news.example/websub?token=***" in shown.stdout
