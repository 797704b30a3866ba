"""Where an enriched article becomes a search document, and how bulk results are classified."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsflow.contract.schema import EnrichedArticle, Entity, Provenance, StepRun
from newsflow.errors import DeadLetter, ServiceUnavailable
from newsflow.index.indices import article_mappings
from sinks.articles import ArticleSink, to_document

NOW = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


def enriched(**overrides) -> EnrichedArticle:
    fields = dict(
        id="abc", version=7, url="https://e.org/a", feed_url="https://e.org/rss", source="E", title="T",
        fetched_at=NOW, published=NOW,
        entities=(
            Entity(name="Iran", type="GPE", count=4, first_offset=10),
            Entity(name="Ebrahim Raisi", type="PERSON", count=1, first_offset=50),
            Entity(name="NATO", type="ORG", count=1, first_offset=70),
            Entity(name="two", type="CARDINAL", count=3, first_offset=5),
        ),
        enrichment=Provenance(steps=(StepRun(name="news.entities.v1", version="v1"),), model="m", model_version="1", processed_at=NOW),
    )
    return EnrichedArticle(**(fields | overrides))


def test_document_groups_entities_into_filterable_fields():
    doc = to_document(enriched(), indexed_at=NOW)
    assert doc["article_id"] == "abc" and "id" not in doc and "schema_version" not in doc
    assert doc["persons"] == ["Ebrahim Raisi"]
    assert doc["places"] == ["Iran"]
    assert doc["organisations"] == ["NATO"]
    assert doc["other_entities"] == []
    assert doc["enrichment"]["steps"] == ["news.entities.v1"]


def test_document_has_only_mapped_fields():
    """The index mapping is strict: a field the mapping lacks would dead-letter every article."""
    mapped = set(article_mappings()["properties"])
    assert set(to_document(enriched(), indexed_at=NOW)) <= mapped


def _sink() -> ArticleSink:
    return ArticleSink(client=None, alias="news-articles", url="http://127.0.0.1:9200")


def test_conflicts_are_done_and_mapping_errors_are_dead_letters():
    sink = _sink()
    assert sink.outcome({"status": 201}) == "indexed"
    assert sink.outcome({"status": 409, "error": {"type": "version_conflict_engine_exception"}}) == "superseded"
    refused = sink.outcome({"status": 400, "error": {"type": "mapper_parsing_exception", "reason": "bad date"}})
    assert isinstance(refused, DeadLetter)
    assert refused.reason == "mapping-error"
    assert "bad date" in str(refused)


@pytest.mark.parametrize("status", [429, 503])
def test_overload_retries_the_batch_instead_of_dead_lettering(status):
    with pytest.raises(ServiceUnavailable):
        _sink().outcome({"status": status, "error": {"type": "es_rejected_execution_exception"}})


def test_a_missing_alias_is_retried_with_a_hint_not_dead_lettered():
    with pytest.raises(ServiceUnavailable, match="newsflow setup"):
        _sink().outcome({"status": 404, "error": {"type": "index_not_found_exception", "reason": "no such index"}})


def test_language_subfields_only_where_the_cluster_can_analyse():
    plain = article_mappings(language_analysis=False)["properties"]
    rich = article_mappings(language_analysis=True)["properties"]
    assert "english" not in plain["text"].get("fields", {})
    assert rich["text"]["fields"]["english"] == {"type": "text", "analyzer": "english"}
    assert rich["title"]["fields"]["exact"]["type"] == "keyword"


def test_source_is_the_document_as_json():
    """The sink sends `to_source`; everything else (tests, rebuild checks, the benchmark's
    baseline) reads `to_document`: they must never drift apart."""
    import json

    from sinks.articles import to_source
    from tests.support import sample_articles

    for article in [enriched(), enriched(title="Téhéran \u2014 «quote» \U0001f600", entities=()), *sample_articles(6)]:
        source = to_source(article, indexed_at=NOW.isoformat())
        assert json.loads(source) == to_document(article, indexed_at=NOW)


@pytest.mark.parametrize(("declared", "detected", "language"), [
    ("en-US", "en", "en"), ("en_gb", None, "en"), ("IT-it", None, "it"), ("kn", "en", "en"),
    ("de-DE", "de", "de"), ("eng", None, "en"), (None, None, "und"), ("not a tag", None, "und"),
])
def test_the_document_keeps_one_normalised_language_and_the_declared_tag(declared, detected, language):
    # Before: `language` was the feed's raw tag ("en-US", "IT-it", empty on half the articles of a
    # real mix), so `--language en` missed most English articles.
    document = to_document(enriched(language=declared, detected_language=detected), indexed_at=datetime.now(UTC))
    assert (document["language"], document["declared_language"]) == (language, declared)
    assert set(article_mappings()["properties"]) >= {"language", "declared_language"}
