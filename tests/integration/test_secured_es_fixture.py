"""The `secured_elasticsearch` fixture: a second node with security on, plain HTTP, a random elastic password.

Note on `GET /`: the integ-test-zip distribution lacks the rest-root module, so even an
authenticated `GET /` answers 405 (no handler); the authenticated checks ask
`/_security/_authenticate` instead, which says who we were taken for.
"""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture
def http(secured_elasticsearch):
    # trust_env=False: no proxy from the environment between us and a loopback node.
    with httpx.Client(base_url=secured_elasticsearch.url, trust_env=False, timeout=30.0) as client:
        yield client


def test_url_is_loopback_with_a_port_of_its_own(secured_elasticsearch):
    assert secured_elasticsearch.url.startswith("http://127.0.0.1:")
    assert secured_elasticsearch.admin_user == "elastic"
    assert len(secured_elasticsearch.admin_password) >= 20
    assert secured_elasticsearch.admin_password not in repr(secured_elasticsearch)


@pytest.mark.parametrize("path", ["/", "/_cluster/health", "/_security/_authenticate"])
def test_anonymous_request_is_refused(http, path):
    answer = http.get(path)
    assert answer.status_code == 401, answer.text
    assert answer.headers["WWW-Authenticate"].startswith('Basic realm="security"')
    assert answer.json()["error"]["type"] == "security_exception"


def test_elastic_user_is_authenticated(http, secured_elasticsearch):
    credentials = (secured_elasticsearch.admin_user, secured_elasticsearch.admin_password)
    who = http.get("/_security/_authenticate", auth=credentials)
    assert who.status_code == 200, who.text
    assert who.json()["username"] == "elastic"
    assert "superuser" in who.json()["roles"]
    health = http.get("/_cluster/health", auth=credentials)
    assert health.status_code == 200, health.text
    assert health.json()["cluster_name"] == "newsflow-secured"
    # Past authentication on `/` too: 405 from the missing rest-root handler, not 401.
    assert http.get("/", auth=credentials).status_code == 405


@pytest.mark.parametrize("path", ["/", "/_security/_authenticate"])
def test_wrong_password_is_refused(http, secured_elasticsearch, path):
    answer = http.get(path, auth=(secured_elasticsearch.admin_user, secured_elasticsearch.admin_password + "x"))
    assert answer.status_code == 401, answer.text
    assert "unable to authenticate user [elastic]" in answer.json()["error"]["reason"]
