"""Poison of every kind injected into news.raw and news.enriched while real articles flow: the
dead-letter topic holds exactly the poison, each with the right reason, and every article lands."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from newsflow.contract.schema import MAX_EVENT_BYTES, RawArticle, encode
from sinks.articles import MAX_ARTICLE_VERSION
from tests.chaos.feeds import ChaosFeeds
from tests.chaos.harness import ChaosRun, Publisher, TopicReader
from tests.support import sample_articles, wait_for

FEEDS = 6
ITEMS = 12


def _raw(article_id: str, text: str) -> RawArticle:
    now = datetime.now(UTC)
    return RawArticle(id=article_id, version=1, url=f"https://poison.example.org/{article_id}", feed_url="https://poison.example.org/rss",
                      source="Poison", title="poison", text=text, published=now, fetched_at=now)


def raw_poison() -> dict[bytes, tuple[bytes | None, str]]:
    valid = _raw("raw-bad-schema", "text").model_dump(mode="json")
    return {
        b"raw-bad-json": (b'{"schema_version": "raw.v1", "id": ', "bad-json"),
        b"raw-bad-schema": (json.dumps(valid | {"version": 0}).encode(), "schema"),
        b"raw-tombstone": (None, "empty"),
        b"raw-oversize": (encode(_raw("raw-oversize", "y" * MAX_EVENT_BYTES)), "oversize"),
    }


def enriched_poison() -> dict[bytes, tuple[bytes | None, str]]:
    [article] = sample_articles(1)
    valid = json.loads(encode(article))
    return {
        b"enriched-bad-json": (b"\xff\xfe not json", "bad-json"),
        b"enriched-bad-schema": (json.dumps(valid | {"entities": "not a list"}).encode(), "schema"),
        b"enriched-tombstone": (None, "empty"),
        b"enriched-version-range": (json.dumps(valid | {"id": "too-new", "version": MAX_ARTICLE_VERSION + 1}).encode(),
                                    "version-range"),
    }


def test_poison_of_every_kind_is_dead_lettered_and_nothing_else(settings, tmp_path):
    feeds = ChaosFeeds(FEEDS)
    feeds.publish(range(4))
    run = ChaosRun("poison", settings, feeds, tmp_path)
    topics = settings.kafka.topics
    raw, enriched = raw_poison(), enriched_poison()
    try:
        run.start()
        with Publisher(run, range(4, ITEMS), every_s=1.0):
            wait_for(lambda: "bulk " in run.stages["sink"].log_text(), timeout=90, what="the first bulk")
            run.send_poison(topics.raw, {k: v for k, (v, _) in raw.items()})
            run.send_poison(topics.enriched, {k: v for k, (v, _) in enriched.items()})
        run.wait_settled(timeout=180)
        report = run.audit()
        run.assert_clean_exits()
    finally:
        run.close()
        feeds.close()
    dlq = TopicReader(settings, topics.dlq)
    try:
        reasons = {r.key: dict(r.headers)["newsflow.reason"].decode() for r in dlq.read()}
    finally:
        dlq.close()
    assert report.ok, report.problems()
    assert report.expected == FEEDS * ITEMS and report.dlq_found == len(raw) + len(enriched) and report.dlq_repeated == 0
    assert reasons == {k: reason for k, (_, reason) in (raw | enriched).items()}
