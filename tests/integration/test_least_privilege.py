"""Least privilege on a real Elasticsearch with security on (issue 16): with newsflow's roles, the
sink's user writes the newsflow indices and reads nothing, the API's user reads and writes
nothing, and the search API serves with the read-only user while a write with it is refused; the
processors' user decides duplicates and stories in its state index and touches nothing else."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from elasticsearch import AuthenticationException, AuthorizationException, Elasticsearch
from fastapi.testclient import TestClient
from pydantic import SecretStr

from newsflow.index.indices import (
    ensure_feed_health_index,
    ensure_index,
    ensure_stories_index,
    ensure_stories_state_index,
    make_client,
)
from newsflow.index.security import PROCESSOR_ROLE, READER_ROLE, VIEWER_ROLE, WRITER_ROLE
from newsflow.read.api.app import create_app
from newsflow.settings import Settings
from processors.stories.decider import StoryDecider
from processors.stories.es_store import ElasticsearchStore
from processors.stories.features import story_features
from processors.stories.neardup import fingerprint
from sinks.articles import ArticleSink, external_version, to_document
from sinks.base import Write
from tests.integration.secured_es import SecuredElasticsearch
from tests.support import isolated, sample_articles, wait_for

PASSWORDS = {role: secrets.token_urlsafe(12) for role in ("sink", "api", "viewer", "processor")}


def _as(base: Settings, node: SecuredElasticsearch, user: str, password: str) -> Settings:
    es = base.elasticsearch.model_copy(update={"url": node.url, "username": user, "password": SecretStr(password)})
    return base.model_copy(update={"elasticsearch": es})


@pytest.fixture
def secured(base_settings: Settings, secured_elasticsearch: SecuredElasticsearch) -> Iterator[dict[str, Settings]]:
    """The indices made by the administrator, then `newsflow security setup` run as a command;
    yields the settings of each user."""
    node = secured_elasticsearch
    names = isolated(base_settings, "least-privilege-" + secrets.token_hex(3))
    admin = _as(names, node, node.admin_user, node.admin_password)
    client = make_client(admin.elasticsearch)
    ensure_index(client, admin.elasticsearch)
    ensure_feed_health_index(client, admin.elasticsearch)
    ensure_stories_index(client, admin.elasticsearch)
    ensure_stories_state_index(client, admin.elasticsearch)  # as `newsflow setup` does
    env = {"NEWSFLOW_ELASTICSEARCH__INDEX_PREFIX": names.elasticsearch.index_prefix,
           "NEWSFLOW_ELASTICSEARCH__ALIAS": names.elasticsearch.alias,
           "NEWSFLOW_ELASTICSEARCH__WRITE_ALIAS": names.elasticsearch.write_alias,
           "NEWSFLOW_ELASTICSEARCH__FEED_HEALTH_INDEX": names.elasticsearch.feed_health_index,
           "NEWSFLOW_ELASTICSEARCH__STORIES_INDEX": names.elasticsearch.stories_index,
           "NEWSFLOW_ELASTICSEARCH__STORIES_STATE_INDEX": names.elasticsearch.stories_state_index}
    # The roles as `newsflow security roles` prints them; the users with Elasticsearch's own tool.
    # (`newsflow security setup` makes both through the security API, which keeps them in the
    # .security index: this minimal distribution cannot create that index, see secured_es.py.)
    roles = subprocess.run([sys.executable, "-m", "newsflow", "security", "roles"], capture_output=True, text=True,
                           env={**os.environ, **env}, timeout=120)
    assert roles.returncode == 0, roles.stderr
    node.node.add_file_realm(roles.stdout, {
        "newsflow_sink": (PASSWORDS["sink"], [WRITER_ROLE]), "newsflow_api": (PASSWORDS["api"], [READER_ROLE]),
        "newsflow_viewer": (PASSWORDS["viewer"], [VIEWER_ROLE]),
        "newsflow_processor": (PASSWORDS["processor"], [PROCESSOR_ROLE]),
    })
    for user, password in (("newsflow_sink", PASSWORDS["sink"]), ("newsflow_api", PASSWORDS["api"]),
                           ("newsflow_viewer", PASSWORDS["viewer"]), ("newsflow_processor", PASSWORDS["processor"])):
        probe = make_client(_as(names, node, user, password).elasticsearch)
        wait_for(lambda probe=probe: _authenticated(probe), timeout=30, what=f"{user} known to the node")
        probe.close()
    yield {"admin": admin, "sink": _as(names, node, "newsflow_sink", PASSWORDS["sink"]),
           "api": _as(names, node, "newsflow_api", PASSWORDS["api"]),
           "viewer": _as(names, node, "newsflow_viewer", PASSWORDS["viewer"]),
           "processor": _as(names, node, "newsflow_processor", PASSWORDS["processor"]),
           "anyone": _as(names, node, "newsflow_api", "not-the-password")}
    made = list(client.indices.get(index=f"{names.elasticsearch.index_prefix}*", expand_wildcards="all"))
    client.indices.delete(index=[*made, names.elasticsearch.feed_health_index, names.elasticsearch.stories_index,
                                 names.elasticsearch.stories_state_index], ignore_unavailable=True)
    client.close()


def _authenticated(client: Elasticsearch) -> bool:
    try:
        client.security.authenticate()
        return True
    except AuthenticationException:
        return False


def _client(settings: Settings) -> Elasticsearch:
    return make_client(settings.elasticsearch)


def _write_as(settings: Settings, articles: list) -> list:
    """What the sink does with these articles, as the user of `settings`: the rejected writes."""
    client = _client(settings)
    try:
        sink = ArticleSink(client=client, alias=settings.elasticsearch.write_alias, url=settings.elasticsearch.url)
        now = datetime.now(UTC)
        return sink.deliver([Write(None, a.id, external_version(a), to_document(a, indexed_at=now)) for a in articles])
    finally:
        client.close()


def test_each_user_can_do_its_job_and_nothing_more(secured: dict[str, Settings]) -> None:
    articles = sample_articles(6)
    assert _write_as(secured["sink"], articles) == []
    admin = _client(secured["admin"])
    admin.indices.refresh(index=secured["admin"].elasticsearch.alias)

    es = secured["api"].elasticsearch
    api = TestClient(create_app(secured["api"]))
    assert api.get("/health").json()["articles"] == 6
    found = api.get("/search", params={"q": articles[0].title.split()[0]})
    assert found.status_code == 200 and found.json()["total"] >= 1
    assert api.get(f"/articles/{articles[0].id}").status_code == 200

    reader = _client(secured["api"])
    with pytest.raises(AuthorizationException):  # the read-only user writes nothing
        reader.index(index=es.write_alias, id="injected", document={"title": "injected"})
    with pytest.raises(AuthorizationException):
        reader.indices.delete(index=es.index_name)
    with pytest.raises(AuthorizationException):
        reader.security.put_user(username="intruder", password="intruder-password", roles=["superuser"])
    viewer = _client(secured["viewer"])
    assert viewer.count(index=es.alias)["count"] == 6
    with pytest.raises(AuthorizationException):
        viewer.delete(index=es.index_name, id=articles[0].id)

    writer = _client(secured["sink"])
    with pytest.raises(AuthorizationException):  # the sink's user reads nothing back
        writer.search(index=es.alias)
    with pytest.raises(AuthorizationException):  # nor writes outside the newsflow indices
        writer.index(index="not-newsflow", document={"x": 1})
    assert admin.count(index=es.alias)["count"] == 6  # the refused writes changed nothing
    for client in (admin, reader, viewer, writer):
        client.close()


def test_the_processors_user_decides_in_its_state_index_and_touches_nothing_else(secured: dict[str, Settings]) -> None:
    settings = secured["processor"]
    es = settings.elasticsearch
    client = _client(settings)
    store = ElasticsearchStore(client, es.stories_state_index)
    decider = StoryDecider(store, settings.processor)
    assert decider.warm_up() == 0
    at = datetime.now(UTC)
    text = " ".join(f"word{n} of a long enough article about a harbour strike in Rotterdam" for n in range(12))
    fps = [fingerprint(a, text, at, arrived=at) for a in ("first", "copy")]
    copies = decider.decide_duplicates(fps, save=False)
    batch = [(story_features(fp.article_id, at, text=text, language="en", arrived=at), c.duplicate_of)
             for fp, c in zip(fps, copies, strict=True)]
    decisions, stories = decider.decide_stories(batch)
    assert [d.duplicate_of for d in decisions] == [None, "first"] and len({d.story_id for d in decisions}) == 1
    assert [s.size for s in stories] == [2]
    assert store.expire(at - timedelta(days=30)) == 0  # its clean-up: a search and deletes, allowed
    with pytest.raises(AuthorizationException):  # no article read...
        client.search(index=es.alias)
    with pytest.raises(AuthorizationException):  # ...nor written
        client.index(index=es.write_alias, id="injected", document={"title": "injected"})
    with pytest.raises(AuthorizationException):  # nor its own index deleted, nor its template changed
        client.indices.delete(index=es.stories_state_index)
    with pytest.raises(AuthorizationException):
        client.indices.put_index_template(name=es.stories_state_index, index_patterns=[es.stories_state_index])
    client.close()


def test_the_api_with_a_wrong_password_answers_503_and_never_the_reason(secured: dict[str, Settings]) -> None:
    api = TestClient(create_app(secured["anyone"]))
    answer = api.get("/search", params={"q": "x"})
    assert answer.status_code == 503
    assert "credentials" in answer.json()["detail"]
    assert "not-the-password" not in answer.text
    assert api.get("/health").status_code == 503


def test_security_setup_on_a_cluster_without_security_says_so(base_settings: Settings) -> None:
    """The local stack runs with security off: one clear line, not a traceback or a 400 body."""
    done = subprocess.run([sys.executable, "-m", "newsflow", "security", "setup"], capture_output=True, text=True,
                          env={**os.environ, "NEWSFLOW_ELASTICSEARCH__URL": base_settings.elasticsearch.url}, timeout=120)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "security is off on this cluster" in done.stderr
