from datetime import UTC, datetime

import pytest

from newsflow.contract.schema import MAX_EVENT_BYTES, RawArticle, decode_enriched, decode_raw, encode
from newsflow.errors import DeadLetter

NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def raw(**overrides) -> RawArticle:
    fields = dict(id="a" * 32, version=1, url="https://e.org/a", feed_url="https://e.org/rss", source="E", fetched_at=NOW)
    return RawArticle(**(fields | overrides))


def test_raw_article_round_trips_through_json():
    article = raw(title="T", authors=("A",), published=NOW)
    assert decode_raw(encode(article)) == article
    assert b'"schema_version":"raw.v1"' in encode(article)


def test_events_are_frozen():
    with pytest.raises(Exception, match="frozen"):
        raw().title = "changed"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{not json", "bad-json"),
        (b'{"schema_version": "raw.v1"}', "schema"),
        (b'{"schema_version": "raw.v9", "id": "x"}', "schema"),
        (None, "empty"),
        (b"x" * (MAX_EVENT_BYTES + 1), "oversize"),
    ],
)
def test_undecodable_messages_become_dead_letters_with_a_reason(payload, reason):
    with pytest.raises(DeadLetter) as caught:
        decode_raw(payload)
    assert caught.value.reason == reason


def test_unknown_fields_are_refused_not_ignored():
    payload = encode(raw())[:-1] + b',"surprise":1}'
    with pytest.raises(DeadLetter, match="surprise"):
        decode_raw(payload)


def test_a_raw_article_is_not_an_enriched_one():
    with pytest.raises(DeadLetter) as caught:
        decode_enriched(encode(raw()))
    assert caught.value.reason == "schema"


@pytest.mark.parametrize("overrides", [{"id": "x" * 513}, {"version": 2**63}])
def test_values_elasticsearch_would_refuse_for_a_whole_bulk_are_schema_violations(overrides):
    payload = encode(raw()).replace(b'"id":"' + b"a" * 32 + b'"', f'"id":"{overrides.get("id", "a" * 32)}"'.encode())
    payload = payload.replace(b'"version":1,', f'"version":{overrides.get("version", 1)},'.encode())
    with pytest.raises(DeadLetter) as caught:
        decode_raw(payload)
    assert caught.value.reason == "schema"
