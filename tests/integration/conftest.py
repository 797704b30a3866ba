"""Integration tier: the real Kafka and Elasticsearch (started by `newsflow stack up`).

No mocks and no skips: when a server is missing the tests fail, saying how to start it.
"""

from __future__ import annotations

import pytest
from elasticsearch import NotFoundError

from newsflow import stack
from newsflow.app.wiring import run_setup
from newsflow.errors import ServiceUnavailable
from newsflow.index.indices import make_client
from newsflow.redaction import redact_url
from newsflow.runtime.kafka import make_admin
from newsflow.settings import Settings, load_settings
from tests.integration.secured_es import secured_elasticsearch  # noqa: F401 - a second node, security on
from tests.support import FeedServer, isolated


@pytest.fixture(scope="session")
def base_settings() -> Settings:
    settings = load_settings()
    try:
        make_admin(settings.kafka).close()
    except ServiceUnavailable as exc:
        pytest.fail(f"{exc}: run `newsflow stack up` (or `make test`, which does)")
    client = make_client(settings.elasticsearch)
    try:
        client.cluster.health()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"Elasticsearch is not reachable at {redact_url(settings.elasticsearch.url)} ({type(exc).__name__}): run `newsflow stack up`")
    finally:
        client.close()
    return settings


@pytest.fixture
def settings(base_settings: Settings, request: pytest.FixtureRequest):
    """Per-test topics, consumer groups, index and alias, created by `setup` and removed after."""
    mine = isolated(base_settings, request.node.name.removeprefix("test_"))
    run_setup(mine)
    yield mine
    _remove(mine)


def _remove(settings: Settings) -> None:
    admin = make_admin(settings.kafka)
    t = settings.kafka.topics
    try:
        admin.delete_topics([t.raw, t.enriched, t.dlq, t.feed_state, t.feed_health, t.stories])
    finally:
        admin.close()
    es = settings.elasticsearch
    client = make_client(es)
    try:
        client.indices.delete(index=es.index_name, ignore_unavailable=True)
        client.indices.delete(index=es.feed_health_index, ignore_unavailable=True)
        client.indices.delete(index=es.stories_index, ignore_unavailable=True)
        client.indices.delete(index=es.stories_state_index, ignore_unavailable=True)
        for template in (es.feed_health_index, es.stories_index, es.stories_state_index):
            try:
                client.indices.delete_index_template(name=template)
            except NotFoundError:
                pass
        try:
            client.indices.delete_index_template(name=es.template_name)
        except NotFoundError:
            pass
    finally:
        client.close()


@pytest.fixture
def es(settings: Settings):
    client = make_client(settings.elasticsearch)
    yield client
    client.close()


@pytest.fixture
def feed_server():
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def local_elasticsearch(base_settings):
    """The outage needs an Elasticsearch this test may stop: the one `newsflow stack up` started."""
    [es_status] = [s for s in stack.status(base_settings) if s.name == "elasticsearch"]
    if es_status.state != "running":
        pytest.fail(f"this test stops and restarts the local Elasticsearch; it is {es_status.state}, "
                    "not started by `newsflow stack up`")
    yield
    stack.up(base_settings, say=lambda line: None)  # whatever happened, leave it running
