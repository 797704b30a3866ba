"""The step registry and chain checks (pure logic, no spaCy model needed)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsflow.contract.schema import Entity, RawArticle
from newsflow.errors import ConfigError
from processors.base import Chain, build_chain, register_step

NOW = datetime(2024, 1, 1, tzinfo=UTC)


class FakeEntities:
    name = "test.fake-entities.v3"
    reads = ("text",)
    writes = ("entities",)

    def run(self, drafts):
        return [{"entities": (Entity(name=d.get("text").split()[0], type="PERSON", count=1, first_offset=0),)} for d in drafts]

    def provenance(self):
        return {"fake": "9"}


class NeedsSomethingMissing(FakeEntities):
    name = "test.needs-missing.v1"
    reads = ("sentiment",)


class WritesUnknownField(FakeEntities):
    name = "test.writes-unknown.v1"
    writes = ("sentiment",)


def raw(text: str) -> RawArticle:
    return RawArticle(id=text, version=1, url=None, feed_url="f", source="s", text=text, fetched_at=NOW)


def test_chain_builds_enriched_articles_with_provenance_and_leaves_input_untouched():
    article = raw("Ada wrote code")
    [enriched] = Chain([FakeEntities()]).enrich([article], NOW)
    assert enriched.entities[0].name == "Ada"
    assert enriched.schema_version == "enriched.v1"
    assert [s.name for s in enriched.enrichment.steps] == ["test.fake-entities.v3"]
    assert enriched.enrichment.steps[0].version == "v3"
    assert enriched.enrichment.model == "fake"
    assert enriched.text == article.text and not hasattr(article, "entities")


def test_a_step_reading_a_field_nobody_writes_is_refused_at_start():
    with pytest.raises(ConfigError, match="reads \\['sentiment'\\]"):
        Chain([NeedsSomethingMissing()])


def test_a_step_writing_a_field_the_schema_lacks_is_refused_at_start():
    with pytest.raises(ConfigError, match="sentiment"):
        Chain([WritesUnknownField()])


def test_unknown_step_names_are_refused_with_the_known_ones():
    with pytest.raises(ConfigError, match="unknown enrichment step 'nope.v1'"):
        build_chain(["nope.v1"])


def test_a_name_cannot_be_registered_twice():
    register_step("test.once.v1")(type("Once", (), {}))
    with pytest.raises(ValueError, match="registered twice"):
        register_step("test.once.v1")(type("Twice", (), {}))
