"""The bulk path every sink shares: one write per id, what each item's status means under each
conflict policy, the request it sends, and the one summary line per batch (a fake cluster)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from elastic_transport import ApiResponseMeta, ConnectionError, HttpHeaders, NodeConfig
from elasticsearch import ApiError
from kafka.consumer.fetcher import ConsumerRecord

from newsflow.errors import DeadLetter, ServiceUnavailable
from sinks import bulk
from sinks.articles import ArticleSink
from sinks.base import Sink, Write
from sinks.bulk import Action, BulkSink, Keep, OnConflict, one_write_per_id, request_slices, summary_line
from sinks.feed_health import FeedHealthSink
from sinks.stories import StorySink

TOO_LONG = "x" * 600  # an _id for which the fake cluster refuses the whole request, as Elasticsearch does


def record(value: bytes, offset: int = 0) -> ConsumerRecord:
    return ConsumerRecord("t", 0, -1, offset, 0, 0, b"k", value, [], None, 1, len(value), 0)


def write(doc_id: str, version: int = 1, tag: str = "", offset: int = 0) -> Write:
    return Write(record(b"v", offset), doc_id, version, {"id": doc_id, "tag": tag})


def api_error(status: int, reason: str = "refused") -> ApiError:
    meta = ApiResponseMeta(status=status, http_version="1.1", headers=HttpHeaders(), duration=0.0,
                           node=NodeConfig("http", "127.0.0.1", 9200))
    return ApiError(reason, meta, {"error": {"type": "illegal_argument_exception", "reason": reason}, "status": status})


class FakeCluster:
    """Answers each bulk request item by item: `statuses[doc_id]` (default 201), or the whole
    request with 400 when it holds the over-long id."""

    def __init__(self, statuses: dict[str, int] | None = None, fail: Exception | None = None) -> None:
        self.statuses, self.fail = statuses or {}, fail
        self.requests: list[list[dict[str, Any]]] = []  # the action lines of each request
        self.written: list[str] = []  # the ids of the items of each request answered item by item
        self.params: list[dict[str, Any]] = []

    def bulk(self, *, operations: bytes, **params: Any) -> dict[str, Any]:
        if self.fail is not None:
            raise self.fail
        lines = [json.loads(line) for line in operations.splitlines()]
        actions = lines[0::2]
        self.requests.append(actions)
        self.params.append(params)
        ids = [next(iter(a.values()))["_id"] for a in actions]
        if TOO_LONG in ids:
            raise api_error(400, f"id [{TOO_LONG}] is too long, must be no longer than 512 bytes but was: 600")
        self.written += ids
        return {"items": [{next(iter(a)): self._result(i)} for a, i in zip(actions, ids, strict=True)]}

    def _result(self, doc_id: str) -> dict[str, Any]:
        status = self.statuses.get(doc_id, 201)
        return {"status": status} if status < 300 else {"status": status, "error": {"type": f"e{status}", "reason": "r"}}


class Counted:
    """A stand-in for a labelled prometheus Counter."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def labels(self, outcome: str) -> Counted:
        self._label = outcome
        return self

    def inc(self, count: int) -> None:
        self.counts[self._label] = self.counts.get(self._label, 0) + count


def make_sink(client: Any = None, *, action: Action = Action.INDEX_EXTERNAL, on_conflict: OnConflict = OnConflict.SUPERSEDED,
              keep: Keep | None = None, metric: Counted | None = None) -> BulkSink:
    class TestSink(BulkSink):
        name = "test"

        def to_write(self, record: ConsumerRecord, now) -> Write:
            doc_id, _, version = record.value.decode().partition(":")
            if not version:
                raise DeadLetter(f"no version in {record.value!r}", reason="schema")
            return Write(record, doc_id, int(version), {"id": doc_id, "at": now.isoformat()})

    TestSink.action, TestSink.on_conflict, TestSink.keep, TestSink.items_metric = action, on_conflict, keep, metric
    return TestSink(client=client, target="idx", url="http://127.0.0.1:9200")


def summaries(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "sinks.bulk"]


# -- one write per id ----------------------------------------------------------------------------


def test_latest_version_keeps_the_highest_and_of_equal_ones_the_first():
    writes = [write("a", 1), write("b", 4), write("a", 3, "first"), write("a", 2), write("a", 3, "second")]
    kept = one_write_per_id(writes, Keep.LATEST_VERSION)
    assert [(w.doc_id, w.version, w.document["tag"]) for w in kept] == [("a", 3, "first"), ("b", 4, "")]


def test_biggest_story_keeps_the_biggest_and_of_equal_ones_the_later():
    writes = [write("s", 5, "first"), write("t", 1), write("s", 3), write("s", 5, "second"), write("s", 4)]
    kept = one_write_per_id(writes, Keep.BIGGEST_STORY)
    assert [(w.doc_id, w.version, w.document["tag"]) for w in kept] == [("s", 5, "second"), ("t", 1, "")]


@pytest.mark.parametrize("keep", list(Keep))
def test_distinct_ids_are_all_kept_in_order(keep):
    writes = [write(doc_id, version) for doc_id, version in [("c", 9), ("a", 1), ("b", 5)]]
    assert one_write_per_id(writes, keep) == writes


def test_the_sinks_keep_what_their_action_would_keep():
    """The dedupe must agree with the versioning the sink sends: external rejects an equal
    version (the first stays), external_gte lets it in (the later one stays)."""
    assert (ArticleSink.action, ArticleSink.keep) == (Action.INDEX_EXTERNAL, Keep.LATEST_VERSION)
    assert (StorySink.action, StorySink.keep) == (Action.INDEX_EXTERNAL_GTE, Keep.BIGGEST_STORY)
    assert (FeedHealthSink.action, FeedHealthSink.on_conflict) == (Action.CREATE, OnConflict.ALREADY_WRITTEN)


# -- what one item's status means -------------------------------------------------------------


@pytest.mark.parametrize(("action", "on_conflict", "status", "expected"), [
    (Action.INDEX_EXTERNAL, OnConflict.SUPERSEDED, 201, "indexed"),
    (Action.INDEX, OnConflict.ERROR, 200, "indexed"),
    (Action.CREATE, OnConflict.ALREADY_WRITTEN, 201, "created"),
    (Action.INDEX_EXTERNAL, OnConflict.SUPERSEDED, 409, "superseded"),
    (Action.INDEX_EXTERNAL_GTE, OnConflict.SUPERSEDED, 409, "superseded"),
    (Action.CREATE, OnConflict.ALREADY_WRITTEN, 409, "duplicate"),
])
def test_written_and_conflicts_count_as_done(action, on_conflict, status, expected):
    assert make_sink(action=action, on_conflict=on_conflict).outcome({"status": status}) == expected


@pytest.mark.parametrize(("on_conflict", "status", "reason"), [
    (OnConflict.ERROR, 409, "conflict"),
    (OnConflict.SUPERSEDED, 400, "mapping-error"),
    (OnConflict.ALREADY_WRITTEN, 413, "http-413"),
])
def test_what_can_never_be_written_is_a_dead_letter(on_conflict, status, reason):
    result = {"status": status, "error": {"type": "some_exception", "reason": "why"}}
    refused = make_sink(on_conflict=on_conflict).outcome(result)
    assert isinstance(refused, DeadLetter)
    assert (refused.reason, str(refused)) == (reason, "some_exception: why")


@pytest.mark.parametrize("result", [
    {"status": 429, "error": {"type": "es_rejected_execution_exception"}},
    {"status": 503, "error": {"type": "unavailable_shards_exception"}},
    {"status": 404, "error": {"type": "index_not_found_exception", "reason": "no such index [idx]"}},
])
@pytest.mark.parametrize("on_conflict", list(OnConflict))
def test_what_the_cluster_cannot_take_now_retries_the_batch(result, on_conflict):
    with pytest.raises(ServiceUnavailable, match="newsflow setup"):
        make_sink(on_conflict=on_conflict).outcome(result)


# -- the summary line ----------------------------------------------------------------------------


def test_summary_line_has_every_outcome_of_the_sink_zeros_included():
    line = summary_line("stories", "news-stories", ("indexed", "superseded", "rejected"), {"indexed": 3, "rejected": 1})
    assert line == "bulk sink=stories target=news-stories indexed=3 superseded=0 rejected=1"


def test_summary_line_keeps_an_unexpected_outcome():
    line = summary_line("s", "t", ("created", "rejected"), {"zeta": 2, "created": 1, "alpha": 4})
    assert line == "bulk sink=s target=t created=1 rejected=0 alpha=4 zeta=2"


@pytest.mark.parametrize(("sink", "keys"), [
    (ArticleSink(client=None, alias="a", url="u"), ("indexed", "superseded", "rejected")),
    (FeedHealthSink(client=None, index="f", url="u"), ("created", "duplicate", "rejected")),
    (StorySink(client=None, index="s", url="u"), ("indexed", "superseded", "rejected")),
    (make_sink(action=Action.INDEX, on_conflict=OnConflict.ERROR), ("indexed", "rejected")),
])
def test_each_sink_reports_the_outcomes_it_can_have(sink, keys):
    assert sink.outcome_keys() == keys


# -- delivering a batch --------------------------------------------------------------------------


def test_a_batch_is_one_request_and_one_summary_line(caplog):
    cluster = FakeCluster({"b": 409, "c": 400})
    metric = Counted()
    sink = make_sink(cluster, metric=metric)
    with caplog.at_level(logging.INFO, logger="sinks.bulk"):
        rejected = sink.deliver([write("a", 1, offset=0), write("b", 2, offset=1), write("c", 3, offset=2)])
    assert [(r.record.offset, r.error.reason) for r in rejected] == [(2, "mapping-error")]
    assert summaries(caplog) == ["bulk sink=test target=idx indexed=1 superseded=1 rejected=1"]
    assert metric.counts == {"indexed": 1, "superseded": 1, "rejected": 1}
    assert len(cluster.requests) == 1
    assert cluster.params == [{"filter_path": bulk.BULK_RESPONSE_FIELDS, "require_alias": False}]


def test_an_item_that_invalidates_the_request_is_isolated_still_one_summary_line(caplog):
    cluster = FakeCluster({"d": 409})
    writes = [write(doc_id, offset=i) for i, doc_id in enumerate(["a", "b", TOO_LONG, "c", "d"])]
    with caplog.at_level(logging.INFO, logger="sinks.bulk"):
        rejected = make_sink(cluster).deliver(writes)
    assert [(r.record.offset, r.error.reason) for r in rejected] == [(2, "request-rejected")]
    assert "512" in str(rejected[0].error)
    assert summaries(caplog) == ["bulk sink=test target=idx indexed=3 superseded=1 rejected=1"]
    assert sorted(cluster.written) == ["a", "b", "c", "d"], "every other item delivered once"
    assert len(cluster.requests) == 5  # all, its halves [a b] [X c d], then [X] [c d]


def test_a_batch_over_the_request_size_goes_in_several_requests(caplog, monkeypatch):
    cluster = FakeCluster()
    sink = make_sink(cluster)
    writes = [write(f"id{i}") for i in range(5)]
    monkeypatch.setattr(bulk, "MAX_REQUEST_BYTES", 2 * len(sink.encode(writes[0])))
    with caplog.at_level(logging.INFO, logger="sinks.bulk"):
        assert sink.deliver(writes) == []
    assert [len(r) for r in cluster.requests] == [2, 2, 1]
    assert summaries(caplog) == ["bulk sink=test target=idx indexed=5 superseded=0 rejected=0"]


@pytest.mark.parametrize(("fail", "match"), [
    (ConnectionError("refused"), "not reachable at http://127.0.0.1:9200"),
    (api_error(503), "refused the bulk request: HTTP 503"),
    (api_error(401), "refused the bulk request: HTTP 401"),
])
def test_a_request_the_cluster_cannot_take_retries_the_batch_and_logs_nothing(fail, match, caplog):
    with caplog.at_level(logging.INFO, logger="sinks.bulk"), pytest.raises(ServiceUnavailable, match=match):
        make_sink(FakeCluster(fail=fail)).deliver([write("a")])
    assert summaries(caplog) == []


def test_an_empty_batch_sends_nothing():
    cluster = FakeCluster()
    assert make_sink(cluster).deliver([]) == []
    assert cluster.requests == []


@pytest.mark.parametrize(("action", "expected"), [
    (Action.INDEX_EXTERNAL, {"index": {"_index": "idx", "_id": "a", "version": 7, "version_type": "external"}}),
    (Action.INDEX_EXTERNAL_GTE, {"index": {"_index": "idx", "_id": "a", "version": 7, "version_type": "external_gte"}}),
    (Action.CREATE, {"create": {"_index": "idx", "_id": "a"}}),
    (Action.INDEX, {"index": {"_index": "idx", "_id": "a"}}),
])
def test_the_action_line_each_action_sends(action, expected):
    head, document, end = make_sink(action=action).encode(write("a", 7)).split(b"\n")
    assert (json.loads(head), json.loads(document), end) == (expected, {"id": "a", "tag": ""}, b"")


def test_an_encoded_document_goes_as_it_is():
    source = b'{"already":"encoded","n":1}'
    assert make_sink().encode(Write(None, "a", 1, source)).split(b"\n")[1] == source


@pytest.mark.parametrize(("sizes", "limit", "expected"), [
    ([], 10, []),
    ([3, 3, 3], 10, [slice(0, 3)]),
    ([3, 3, 3, 10, 1], 6, [slice(0, 2), slice(2, 3), slice(3, 4), slice(4, 5)]),
    ([12, 1], 10, [slice(0, 1), slice(1, 2)]),
])
def test_request_slices(sizes, limit, expected):
    assert request_slices(sizes, limit) == expected


# -- preparing a batch ---------------------------------------------------------------------------


def test_prepare_rejects_what_cannot_be_written_and_keeps_one_write_per_id():
    sink = make_sink(keep=Keep.LATEST_VERSION)
    writes, rejected = sink.prepare([record(b"a:2", 0), record(b"broken", 1), record(b"a:5", 2), record(b"b:1", 3)])
    assert [(w.doc_id, w.version, w.record.offset) for w in writes] == [("a", 5, 2), ("b", 1, 3)]
    assert [(r.record.offset, r.error.reason) for r in rejected] == [(1, "schema")]
    assert len({w.document["at"] for w in writes}) == 1, "one time for the whole batch"


def test_without_keep_every_write_is_sent():
    writes, _ = make_sink().prepare([record(b"a:2"), record(b"a:1")])
    assert [w.version for w in writes] == [2, 1]


def test_every_sink_is_a_sink():
    for sink in (ArticleSink, FeedHealthSink, StorySink):
        assert issubclass(sink, Sink)
    with pytest.raises(TypeError):
        BulkSink(client=None, target="t", url="u")  # no `to_write`: not a sink yet
