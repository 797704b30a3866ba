"""Who may call the search API and how often (issue 16): API keys hashed in the settings, a rate
limit answering 429 with Retry-After, CORS off unless configured, health and docs open, and
`newsflow api` refusing to serve anyone on a public address without keys.

The app is the real one; Elasticsearch is a closed port, so a request that passes the guard
answers 503 (unreachable) and one the guard stops answers 401 or 429 before any search."""

from __future__ import annotations

import argparse

import pytest
from fastapi.testclient import TestClient

from newsflow.errors import ConfigError
from newsflow.read.api import is_loopback, run_api_command
from newsflow.read.api.app import create_app
from newsflow.read.api.guard import hash_key, new_key
from newsflow.settings import load_settings

CLOSED_PORT_URL = "http://127.0.0.1:9"


def _client(**api: object) -> TestClient:
    settings = load_settings(elasticsearch={"url": CLOSED_PORT_URL, "request_timeout_s": 2}, api=api)
    return TestClient(create_app(settings))


def test_without_keys_configured_no_key_is_asked() -> None:
    assert _client().get("/search").status_code == 503


def test_with_keys_a_request_needs_a_valid_one() -> None:
    key, hashed = new_key()
    client = _client(keys=[hashed])
    missing = client.get("/search", params={"q": "x"})
    assert missing.status_code == 401
    assert "X-API-Key" in missing.json()["detail"]
    assert client.get("/search", headers={"X-API-Key": key + "x"}).status_code == 401
    assert client.get("/search", headers={"X-API-Key": key}).status_code == 503  # past the guard


def test_two_keys_let_one_be_rotated() -> None:
    old, new = new_key(), new_key()
    client = _client(keys=f"{old[1]},{new[1]}")
    for key, _ in (old, new):
        assert client.get("/stories", headers={"X-API-Key": key}).status_code == 503


def test_settings_hold_hashes_never_keys() -> None:
    key, hashed = new_key()
    assert hashed == hash_key(key) and key not in hashed
    with pytest.raises(ConfigError, match="api.keys"):
        load_settings(api={"keys": [key]})


def test_health_and_docs_stay_open_with_keys() -> None:
    client = _client(keys=[new_key()[1]], rate_limit="1/minute")
    for _ in range(3):
        assert client.get("/health").status_code == 503  # unreachable, but not refused
        assert client.get("/docs").status_code == 200
        assert client.get("/openapi.json").status_code == 200


def test_over_the_limit_answers_429_with_retry_after() -> None:
    client = _client(rate_limit="3/minute")
    answers = [client.get("/search") for _ in range(4)]
    assert [a.status_code for a in answers] == [503, 503, 503, 429]
    retry_after = int(answers[-1].headers["Retry-After"])
    assert 1 <= retry_after <= 60


def test_key_guessing_is_rate_limited_by_address() -> None:
    client = _client(keys=[new_key()[1]], rate_limit="5/minute")
    codes = [client.get("/search", headers={"X-API-Key": f"guess-{n}"}).status_code for n in range(7)]
    assert codes == [401] * 5 + [429] * 2


def test_cors_is_off_unless_origins_are_configured() -> None:
    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    closed = _client().options("/search", headers=preflight)
    assert "access-control-allow-origin" not in closed.headers
    assert "access-control-allow-origin" not in _client().get("/search", headers={"Origin": "https://evil.example"}).headers

    opened = _client(cors_origins="https://news.example", keys=[new_key()[1]])
    allowed = opened.options("/search", headers={**preflight, "Origin": "https://news.example",
                                                 "Access-Control-Request-Headers": "X-API-Key"})
    assert allowed.status_code == 200  # the preflight needs no key
    assert allowed.headers["access-control-allow-origin"] == "https://news.example"
    refused = opened.options("/search", headers=preflight)
    assert "access-control-allow-origin" not in refused.headers


def test_a_costly_query_text_is_refused_by_name() -> None:
    client = _client(max_query_terms=4)
    answer = client.get("/search", params={"q": "one two three four five"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "q"]
    assert _client().get("/search", params={"q": "a* bcd*"}).status_code == 422
    assert _client().get("/search", params={"q": "abc* bcd* cde*"}).status_code == 422


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("::1", True), ("[::1]", True),
                                                 ("localhost", True), ("0.0.0.0", False), ("10.0.0.5", False),
                                                 ("api.example", False)])
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_the_api_refuses_a_public_address_without_keys() -> None:
    args = argparse.Namespace(host="0.0.0.0", port=8000, new_key=False)
    with pytest.raises(ConfigError, match="api.keys"):
        run_api_command(load_settings(), args)


def test_new_key_prints_a_key_and_its_hash(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_api_command(load_settings(), argparse.Namespace(host=None, port=None, new_key=True)) == 0
    out = capsys.readouterr().out
    key = out.split("key:", 1)[1].split()[0]
    assert f"hash: {hash_key(key)}" in out
