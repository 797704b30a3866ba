"""`EnrichHandler(overlap=True)`: the chain's stateful steps run in `deliver` (the pipelined
worker's background thread), after the models ran in `prepare`; a poison article in them is
still isolated and dead-lettered, and the output is the same as without overlap. Pure: a fake
producer, fake steps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from kafka.consumer.fetcher import ConsumerRecord

from newsflow.contract.schema import RawArticle, decode_enriched, encode
from newsflow.errors import ServiceUnavailable
from processors.base import Chain
from processors.service import EnrichHandler

NOW = datetime(2024, 1, 1, tzinfo=UTC)


class Language:
    name = "test.language.v1"
    reads = ("text",)
    writes = ("detected_language",)

    def run(self, drafts):
        return [{"detected_language": "en"} for _ in drafts]

    def provenance(self):
        return {}


class Duplicates:
    """Stateful (its state outside the process): fails on one article, or for a whole batch."""

    name = "test.duplicates.v1"
    reads = ("text", "detected_language")
    writes = ("duplicate_of",)
    needs_elasticsearch: ClassVar[bool] = True

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.down = False

    def run(self, drafts):
        self.calls.append([d.get("id") for d in drafts])
        if self.down:
            raise ServiceUnavailable("state store down", service="elasticsearch")
        if any(d.get("text") == "poison" for d in drafts):
            raise ValueError("cannot fingerprint")
        return [{"duplicate_of": None} for _ in drafts]

    def provenance(self):
        return {}


class Producer:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def send(self, topic, key=None, value=None):
        self.sent.append(value)
        return self

    def get(self, timeout=None):
        return None

    def flush(self, timeout=None):
        return None


def record(offset: int, text: str) -> ConsumerRecord:
    raw = RawArticle(id=f"a{offset}", version=1, url=None, feed_url="f", source="s", text=text, fetched_at=NOW)
    value = encode(raw)
    return ConsumerRecord("news.raw", 0, -1, offset, 0, 0, raw.id.encode(), value, [], None, len(raw.id), len(value), 0)


def handler(overlap: bool) -> tuple[EnrichHandler, Duplicates, Producer]:
    duplicates, producer = Duplicates(), Producer()
    return EnrichHandler(chain=Chain([Language(), duplicates]), producer=producer, topic="news.enriched", clock=lambda: NOW,
                         overlap=overlap), duplicates, producer


def test_the_stateful_steps_wait_for_deliver_and_give_the_same_articles():
    records = [record(0, "one"), record(1, "two")]
    plain, _, plain_out = handler(overlap=False)
    prepared, rejected = plain.prepare(records)
    assert plain.deliver(prepared) == [] and rejected == []

    overlapped, duplicates, out = handler(overlap=True)
    prepared, rejected = overlapped.prepare(records)
    assert duplicates.calls == [] and rejected == []  # the models ran; the stateful step did not
    assert overlapped.deliver(prepared) == []
    assert duplicates.calls == [["a0", "a1"]]
    assert [decode_enriched(v) for v in out.sent] == [decode_enriched(v) for v in plain_out.sent]


def test_a_poison_article_in_the_stateful_steps_is_dead_lettered_alone():
    overlapped, duplicates, out = handler(overlap=True)
    prepared, _ = overlapped.prepare([record(0, "one"), record(1, "poison"), record(2, "three")])
    refused = overlapped.deliver(prepared)
    assert [r.record.offset for r in refused] == [1] and "cannot fingerprint" in str(refused[0].error)
    assert [decode_enriched(v).id for v in out.sent] == ["a0", "a2"]


def test_a_store_outage_in_deliver_is_raised_for_the_worker_to_retry_the_same_batch():
    overlapped, duplicates, out = handler(overlap=True)
    prepared, _ = overlapped.prepare([record(0, "one")])
    duplicates.down = True
    try:
        overlapped.deliver(prepared)
        raise AssertionError("the outage was swallowed")
    except ServiceUnavailable:
        pass
    assert out.sent == []
    duplicates.down = False
    assert overlapped.deliver(prepared) == [] and [decode_enriched(v).id for v in out.sent] == ["a0"]
