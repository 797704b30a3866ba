"""`newsflow setup` against the real servers: topics, template, index and alias, idempotently."""

from __future__ import annotations

from kafka.admin import ConfigResource, ConfigResourceType

from newsflow.app.wiring import run_setup
from newsflow.runtime.kafka import make_admin


def test_setup_creates_everything_once_and_is_idempotent(settings, es):
    # The fixture already ran setup once; a second run finds everything in place.
    again = run_setup(settings)
    assert again == [
        "topics: all present",
        f"index {settings.elasticsearch.index_name} behind aliases {settings.elasticsearch.alias} (read) "
        f"and {settings.elasticsearch.write_alias} (write): present",
        f"index {settings.elasticsearch.feed_health_index} (feed health): present",
        f"index {settings.elasticsearch.stories_index} (stories): present",
        f"index {settings.elasticsearch.stories_state_index} (the processors' duplicates and stories state): present",
    ]


def test_topics_have_explicit_partitions_and_policies(settings):
    t = settings.kafka.topics
    admin = make_admin(settings.kafka)
    try:
        described = {d["name"]: d for d in admin.describe_topics([t.raw, t.enriched, t.dlq])}
        resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in (t.raw, t.enriched, t.dlq)]
        configs = {
            topic: {name: entry["value"] for name, entry in entries.items()}
            for topic, entries in admin.describe_configs(resources)["topic"].items()
        }
    finally:
        admin.close()
    assert all(len(described[name]["partitions"]) == t.partitions for name in (t.raw, t.enriched, t.dlq))
    assert configs[t.enriched]["cleanup.policy"] == "compact"
    assert configs[t.raw]["cleanup.policy"] == "delete"
    assert configs[t.raw]["retention.ms"] == str(t.raw_retention_ms)
    assert configs[t.dlq]["retention.ms"] == str(t.dlq_retention_ms)


def test_read_and_write_aliases_point_at_the_versioned_index_with_strict_mappings(settings, es):
    s = settings.elasticsearch
    aliases = es.indices.get_alias(name=f"{s.alias},{s.write_alias}")
    assert list(aliases) == [s.index_name]
    assert aliases[s.index_name]["aliases"][s.write_alias]["is_write_index"] is True
    assert "is_write_index" not in aliases[s.index_name]["aliases"][s.alias]
    mapping = es.indices.get_mapping(index=s.index_name)[s.index_name]["mappings"]
    assert mapping["dynamic"] == "strict"
    assert mapping["properties"]["entities"]["type"] == "nested"
    assert mapping["properties"]["place_locations"]["type"] == "geo_point"


def test_language_analysis_follows_the_modules_the_cluster_has(settings, es):
    """The local minimal cluster lacks analysis-common: no english subfields, which it could not
    create; a full cluster gets them."""
    from newsflow.index.indices import LANGUAGE_ANALYSIS_MODULE, installed_modules

    s = settings.elasticsearch
    has_module = LANGUAGE_ANALYSIS_MODULE in installed_modules(es)
    title = es.indices.get_mapping(index=s.index_name)[s.index_name]["mappings"]["properties"]["title"]
    assert ("english" in title["fields"]) is has_module
    assert title["fields"]["exact"]["type"] == "keyword"
