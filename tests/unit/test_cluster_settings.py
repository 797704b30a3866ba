"""Settings for a cluster: replication from the broker count, index replicas from the data nodes,
every node URL for the Elasticsearch client, the test-only acks=1 switch, and the local
cluster's configuration files (`newsflow stack up --cluster`)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from newsflow.errors import ConfigError
from newsflow.index.indices import index_template, make_client, stories_template, with_replicas
from newsflow.runtime import kafka as runtime_kafka
from newsflow.runtime.kafka import UNSAFE_PRODUCER_ACKS_ENV, make_producer, replication, topic_specs
from newsflow.settings import ElasticsearchSettings, KafkaSettings, Settings, StackSettings, TopicSettings, render_settings
from newsflow.stack import cluster
from newsflow.stack.elasticsearch import CONFIG_TEMPLATE
from newsflow.stack.kafka import SERVER_TEMPLATE


def _kafka(**topics) -> KafkaSettings:
    return KafkaSettings(topics=TopicSettings(**topics))


@pytest.mark.parametrize(("brokers", "expected"), [(None, (1, 1)), (1, (1, 1)), (2, (2, 1)), (3, (3, 2)), (5, (3, 2))])
def test_replication_defaults_follow_the_broker_count(brokers, expected):
    repl = replication(_kafka(), brokers)
    assert (repl.factor, repl.min_insync) == expected


def test_explicit_replication_wins_over_the_broker_count():
    repl = replication(_kafka(replication_factor=2, min_insync_replicas=2), 3)
    assert (repl.factor, repl.min_insync) == (2, 2)
    assert str(repl) == "replication factor 2, min.insync.replicas 2 (3 brokers)"


def test_min_insync_above_the_replication_factor_is_refused():
    with pytest.raises(ConfigError, match="min_insync_replicas"):
        replication(_kafka(replication_factor=1, min_insync_replicas=2), 3)


def test_every_topic_carries_the_replication_and_min_insync():
    specs = topic_specs(_kafka(), replication(_kafka(), 3))
    assert specs and all(s["replication_factor"] == 3 and s["configs"]["min.insync.replicas"] == "2" for s in specs.values())
    single = topic_specs(_kafka())
    assert all(s["replication_factor"] == 1 and s["configs"]["min.insync.replicas"] == "1" for s in single.values())


def test_replication_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("NEWSFLOW_KAFKA__TOPICS__REPLICATION_FACTOR", "3")
    monkeypatch.setenv("NEWSFLOW_KAFKA__TOPICS__MIN_INSYNC_REPLICAS", "2")
    monkeypatch.setenv("NEWSFLOW_ELASTICSEARCH__REPLICAS", "1")
    settings = Settings()
    assert (settings.kafka.topics.replication_factor, settings.kafka.topics.min_insync_replicas) == (3, 2)
    assert settings.elasticsearch.replicas == 1


class _Nodes:
    def __init__(self, roles: list[list[str]]) -> None:
        self.roles = roles

    def info(self, **_kwargs):
        return {"nodes": {f"n{i}": {"roles": r} for i, r in enumerate(self.roles)}}


class _Client:
    def __init__(self, roles: list[list[str]]) -> None:
        self.nodes = _Nodes(roles)


@pytest.mark.parametrize(("roles", "replicas"), [
    ([["master", "data"]], 0),
    ([["master", "data"], ["data"]], 1),
    ([["master"], ["data_hot"], ["data_content"], ["data"]], 1),
    ([["master"], ["data"]], 0),  # one node holds data: a replica could never be assigned
])
def test_index_replicas_default_to_one_on_two_data_nodes(roles, replicas):
    resolved = with_replicas(_Client(roles), ElasticsearchSettings())  # type: ignore[arg-type]
    assert resolved.replicas == replicas
    assert index_template(resolved)["template"]["settings"]["number_of_replicas"] == replicas
    assert stories_template(resolved)["template"]["settings"]["number_of_replicas"] == replicas


def test_explicit_index_replicas_are_not_counted():
    settings = ElasticsearchSettings(replicas=2)
    assert with_replicas(_Client([]), settings) is settings  # type: ignore[arg-type]


def test_the_client_gets_every_node_and_retries_connection_errors_without_sniffing():
    settings = ElasticsearchSettings(url="http://127.0.0.1:19200, http://127.0.0.1:19201")
    assert settings.node_urls == ["http://127.0.0.1:19200", "http://127.0.0.1:19201"]
    client = make_client(settings)
    try:
        transport = client.transport
        assert sorted(n.config.port for n in transport.node_pool.all()) == [19200, 19201]
        # The client's per-request options (what every API call passes to the transport).
        assert client._max_retries == 1 and client._retry_on_timeout is False
        assert client._retry_on_status == ()  # 429 and 503 stay the stages' to back off from
        assert not transport._sniff_on_start and not transport._sniff_on_node_failure
    finally:
        client.close()


def test_a_fast_json_client_writes_bulk_bodies_with_orjson_as_the_standard_library_would():
    """The stories state's bulk writes carry story states of 10-30 KB: encoded by orjson, not by
    the client's NDJSON default (the standard library), to the same bytes."""
    from elasticsearch.serializer import NdjsonSerializer

    from newsflow.index.indices import OrjsonNdjsonSerializer

    operations = [{"index": {"_index": "s", "_id": "story-1", "if_seq_no": 3, "if_primary_term": 1}},
                  {"kind": "story", "keys": ["entities:kazakhstan", "terms:17"], "arrived": "2026-12-08T01:00:00+00:00",
                   "record": {"id": "story-1", "title": "Café talks", "centroid": {"terms": [[17, 0.25], [3, 1.5]]},
                              "counts": {7: 2}}}]
    client = make_client(ElasticsearchSettings(), fast_json=True)
    try:
        for mimetype in ("application/x-ndjson", "application/vnd.elasticsearch+x-ndjson"):
            serializer = client.transport.serializers.get_serializer(mimetype)
            assert isinstance(serializer, OrjsonNdjsonSerializer)
            assert serializer.dumps(operations) == NdjsonSerializer().dumps(operations)
    finally:
        client.close()


def test_a_single_url_is_not_retried_by_the_client():
    client = make_client(ElasticsearchSettings())
    try:
        assert client._max_retries == 0
    finally:
        client.close()


def test_render_settings_masks_credentials_in_every_node_url():
    settings = Settings(elasticsearch=ElasticsearchSettings(url="https://u:secret1@a:9200,https://u:secret2@b:9200"))
    shown = render_settings(settings)
    assert "secret1" not in shown and "secret2" not in shown


def test_producers_wait_for_all_in_sync_replicas_unless_the_test_switch_is_on(monkeypatch):
    seen = {}

    class Recorder:
        def __init__(self, **config):
            seen.update(config)

    monkeypatch.setattr(runtime_kafka, "KafkaProducer", Recorder)
    make_producer(KafkaSettings(bootstrap_servers="a:9092,b:9092,c:9092"))
    assert (seen["acks"], seen["enable_idempotence"]) == ("all", True)
    assert seen["bootstrap_servers"] == ["a:9092", "b:9092", "c:9092"]
    monkeypatch.setenv(UNSAFE_PRODUCER_ACKS_ENV, "1")
    make_producer(KafkaSettings())
    assert (seen["acks"], seen["enable_idempotence"]) == (1, False)


# -- the local cluster's configuration ------------------------------------------------------------


def _properties(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def _settings(tmp_path: Path) -> Settings:
    return Settings(stack=StackSettings(home=tmp_path))


def test_three_brokers_each_a_voter_with_three_way_internal_topics(tmp_path: Path):
    brokers = [s for s in cluster.services(_settings(tmp_path)) if isinstance(s, cluster.KafkaBroker)]
    assert [b.name for b in brokers] == ["kafka-1", "kafka-2", "kafka-3"]
    configs = [_properties(b.properties(SERVER_TEMPLATE.read_text())) for b in brokers]
    assert [c["node.id"] for c in configs] == ["1", "2", "3"]
    assert {c["controller.quorum.voters"] for c in configs} == {"1@127.0.0.1:19192,2@127.0.0.1:19193,3@127.0.0.1:19194"}
    assert [c["listeners"] for c in configs] == [
        f"PLAINTEXT://127.0.0.1:{p},CONTROLLER://127.0.0.1:{p + 100}" for p in (19092, 19093, 19094)
    ]
    for c in configs:
        assert (c["offsets.topic.replication.factor"], c["transaction.state.log.min.isr"]) == ("3", "2")
        assert (c["default.replication.factor"], c["min.insync.replicas"]) == ("3", "2")
        assert c["unclean.leader.election.enable"] == "false"
    assert len({c["log.dirs"] for c in configs}) == 3 and all(str(tmp_path / "cluster") in c["log.dirs"] for c in configs)


def test_two_elasticsearch_nodes_discover_each_other_one_master(tmp_path: Path):
    nodes = [s for s in cluster.services(_settings(tmp_path)) if isinstance(s, cluster.ElasticsearchNode)]
    configs = [yaml.safe_load(n.config_yml(CONFIG_TEMPLATE.read_text())) for n in nodes]
    assert [c["http.port"] for c in configs] == [19200, 19201]
    assert [c["transport.port"] for c in configs] == [19300, 19301]
    assert {c["cluster.name"] for c in configs} == {"newsflow-cluster"}
    assert [c["node.roles"] for c in configs] == [["master", "data"], ["data"]]
    for c in configs:
        assert "discovery.type" not in c
        assert c["discovery.seed_hosts"] == ["127.0.0.1:19300", "127.0.0.1:19301"]
        assert c["cluster.initial_master_nodes"] == ["newsflow-cluster-1"]
        assert c["network.host"] == "127.0.0.1" and c["xpack.security.enabled"] is False
    assert len({c["path.data"] for c in configs}) == 2


def test_cluster_settings_point_clients_at_every_node(tmp_path: Path):
    settings = cluster.cluster_settings(_settings(tmp_path))
    assert settings.kafka.bootstrap_servers == "127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094"
    assert settings.elasticsearch.node_urls == ["http://127.0.0.1:19200", "http://127.0.0.1:19201"]


def test_cluster_nodes_use_their_own_heaps_and_never_the_configured_addresses(tmp_path: Path):
    settings = _settings(tmp_path).model_copy(update={"kafka": KafkaSettings(bootstrap_servers="elsewhere:9092")})
    services = cluster.services(settings)
    assert not any(s.configured for s in services)
    assert {s.settings.stack.kafka_heap for s in services if isinstance(s, cluster.KafkaBroker)} == {"320m"}
    assert {s.settings.stack.elasticsearch_heap for s in services if isinstance(s, cluster.ElasticsearchNode)} == {"512m"}


def test_override_helpers_replace_in_place_and_append():
    text = "# a=comment\na=1\nb=2\n"
    assert cluster.override_properties(text, {"b": "3", "c": "4"}).splitlines()[:3] == ["# a=comment", "a=1", "b=3"]
    assert "c=4" in cluster.override_properties(text, {"c": "4"})
    yml = cluster.override_yaml("x: 1\ndiscovery.type: single-node\n", {"discovery.type": None, "y": ["a"]})
    assert yaml.safe_load(yml) == {"x": 1, "y": ["a"]}
