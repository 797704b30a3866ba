"""Each Kibana visualisation's query, run on the real Elasticsearch over indexed test articles,
feed-health events and stories.

A small translator turns a saved object into the search Kibana would send for it (Lens terms,
date histogram, count, metric, percentile and last-value columns nested in column order, with
the panel's and the columns' KQL filters; map grid layers as geotile_grid; the saved search as a
sorted hit list), restricted to its dashboard's time range on its data view's time field. Every
panel must come back with data: a panel that is empty on varied test data would be empty for
users too. The Feed health panels and the Top stories must also show exactly what their data makes.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from elasticsearch import Elasticsearch, NotFoundError
from kafka.consumer.fetcher import ConsumerRecord

from newsflow.contract.schema import FeedHealthEvent
from newsflow.index.indices import ensure_feed_health_index, feed_health_template_name
from newsflow.read.kibana import lens_layers, load_objects, map_layers, objects_for_settings
from producers.base import feed_id
from sinks.feed_health import FeedHealthSink
from tests.integration.test_story_sink import index_stories, index_story_sample
from tests.support import index_articles, sample_articles

OBJECTS = load_objects()
VISUALISATIONS = [o["id"] for o in OBJECTS if o["type"] in ("lens", "map", "search")]

# Lens' "auto" interval depends on the screen; any fixed interval exercises the same query.
AUTO_INTERVAL = "1d"
# Map grid resolution -> geotile precision at the saved map's world-wide zoom.
GRID_PRECISION = {"COARSE": 3, "FINE": 5, "MOST_FINE": 7, "SUPER_FINE": 9}
METRIC_AGGS = {"unique_count": "cardinality", "sum": "sum", "average": "avg", "min": "min", "max": "max"}


# -- from saved object to Elasticsearch request --------------------------------------------------


def data_view(objects: list[dict[str, Any]], obj: dict[str, Any]) -> dict[str, Any]:
    """The data view an object reads: Kibana queries its title, on its time field."""
    (view_id,) = {ref["id"] for ref in obj["references"] if ref["type"] == "index-pattern"}
    return next(o for o in objects if o["type"] == "index-pattern" and o["id"] == view_id)


def time_filter(objects: list[dict[str, Any]], obj: dict[str, Any], time_field: str) -> dict[str, Any]:
    """The range filter Kibana adds for the saved time range of the dashboard showing `obj`."""
    dashboard = next(o for o in objects if o["type"] == "dashboard" and obj["id"] in {r["id"] for r in o["references"]})
    attrs = dashboard["attributes"]
    return {"range": {time_field: {"gte": attrs["timeFrom"], "lte": attrs["timeTo"]}}}


# The KQL our objects use: `field : "value"` and `"field": *` (exists).
_KQL_PHRASE = re.compile(r'^\s*"?([\w.]+)"?\s*:\s*"([^"]*)"\s*$')
_KQL_EXISTS = re.compile(r'^\s*"?([\w.]+)"?\s*:\s*\*\s*$')


def kql(query: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The Elasticsearch filters for a KQL query (none for an empty one)."""
    text = (query or {}).get("query", "")
    if not text.strip():
        return []
    if phrase := _KQL_PHRASE.match(text):
        return [{"match_phrase": {phrase[1]: phrase[2]}}]
    if exists := _KQL_EXISTS.match(text):
        return [{"exists": {"field": exists[1]}}]
    raise NotImplementedError(f"translate the KQL {text!r} to test it")


def lens_request(layer: dict[str, Any], time_range: dict[str, Any], query: dict[str, Any] | None = None) -> dict[str, Any]:
    """Bucket columns nest in column order (the first is the outermost); metric columns go
    inside the innermost bucket, and count is every bucket's doc_count."""
    columns = layer["columns"]
    buckets = [c for c in layer["columnOrder"] if columns[c]["isBucketed"]]
    aggs = {c: metric_agg(columns[c]) for c in layer["columnOrder"]
            if not columns[c]["isBucketed"] and columns[c]["operationType"] != "count"}
    for column_id in reversed(buckets):
        agg = bucket_agg(columns[column_id], columns)
        if aggs:
            agg["aggs"] = aggs
        aggs = {column_id: agg}
    return {"size": 0, "query": {"bool": {"filter": [time_range, *kql(query)]}}, "aggs": aggs}


def bucket_agg(column: dict[str, Any], columns: dict[str, Any]) -> dict[str, Any]:
    params, field = column.get("params", {}), column["sourceField"]
    if column["operationType"] == "terms":
        return {"terms": {"field": field, "size": params["size"], "order": terms_order(params, columns)}}
    if column["operationType"] == "date_histogram":
        interval = AUTO_INTERVAL if params.get("interval", "auto") == "auto" else params["interval"]
        return {"date_histogram": {"field": field, "fixed_interval": interval, "min_doc_count": 1}}
    raise NotImplementedError(f"translate Lens bucket operation {column['operationType']!r} to test it")


def terms_order(params: dict[str, Any], columns: dict[str, Any]) -> dict[str, str]:
    order_by, direction = params.get("orderBy", {}), params.get("orderDirection", "desc")
    if order_by.get("type") == "alphabetical":
        return {"_key": direction}
    target = columns[order_by["columnId"]]
    if target["operationType"] == "count":
        return {"_count": direction}
    if target["operationType"] == "percentile":  # a multi-value metric: name the value
        return {f"{order_by['columnId']}[{float(target['params']['percentile'])}]": direction}
    return {order_by["columnId"]: direction}


def metric_agg(column: dict[str, Any]) -> dict[str, Any]:
    """The aggregation of a metric column; a column's own KQL filter wraps it in a filter aggregation."""
    agg = _metric(column)
    if filters := kql(column.get("filter")):
        return {"filter": {"bool": {"filter": filters}}, "aggs": {"value": agg}}
    return agg


def _metric(column: dict[str, Any]) -> dict[str, Any]:
    operation, field = column["operationType"], column["sourceField"]
    if operation in ("median", "percentile"):
        percent = 50 if operation == "median" else column["params"]["percentile"]
        return {"percentiles": {"field": field, "percents": [percent]}}
    if operation == "last_value":  # the newest document's value, as Lens' "last value"
        sort = [{column["params"]["sortField"]: {"order": "desc"}}]
        return {"top_hits": {"size": 1, "sort": sort, "_source": False, "fields": [field]}}
    if operation not in METRIC_AGGS:
        raise NotImplementedError(f"translate Lens metric operation {operation!r} to test it")
    return {METRIC_AGGS[operation]: {"field": field}}


def metric_value(row: dict[str, Any], column_id: str, column: dict[str, Any]) -> Any:
    """What Lens shows for a metric column in one row (None for no value)."""
    result = row[column_id]
    if column.get("filter", {}).get("query"):
        result = result["value"]
    if column["operationType"] in ("median", "percentile"):
        return next(iter(result["values"].values()))
    if column["operationType"] == "last_value":
        hits = result["hits"]["hits"]
        return hits[0].get("fields", {}).get(column["sourceField"], [None])[0] if hits else None
    return result["value"]


def map_request(layer: dict[str, Any], time_range: dict[str, Any]) -> dict[str, Any]:
    source = layer["sourceDescriptor"]
    if source["type"] == "ES_GEO_GRID":
        grid = {"geotile_grid": {"field": source["geoField"], "precision": GRID_PRECISION[source["resolution"]]}}
        aggs = {"grid": grid}
    elif source["type"] == "ES_SEARCH":
        aggs = {"bounds": {"geo_bounds": {"field": source["geoField"]}}}
    else:
        raise NotImplementedError(f"translate map source {source['type']!r} to test it")
    query = {"bool": {"filter": [time_range] if source.get("applyGlobalTime", True) else []}}
    return {"size": 0, "query": query, "aggs": aggs}


def search_request(search: dict[str, Any], time_range: dict[str, Any]) -> dict[str, Any]:
    sort = [{field: {"order": direction}} for field, direction in search["attributes"]["sort"]]
    query = json.loads(search["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"]).get("query")
    return {"size": 50, "sort": sort, "query": {"bool": {"filter": [time_range, *kql(query)]}}}


# -- reading the answers -------------------------------------------------------------------------


def lens_rows(aggs: dict[str, Any], bucket_ids: list[str]) -> list[dict[str, Any]]:
    """The table Lens would draw: one row per innermost bucket, with its doc_count and metrics."""
    if not bucket_ids:
        return [aggs]
    rows = []
    for bucket in aggs[bucket_ids[0]]["buckets"]:
        rows += lens_rows(bucket, bucket_ids[1:])
    return rows


def source_value(source: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        source = source.get(part) if isinstance(source, dict) else None
    return source


# -- the test data -------------------------------------------------------------------------------

FEED_A, FEED_B, FEED_C, FEED_OLD = (f"https://{host}.example.org/rss" for host in ("a", "b", "c", "old"))


def health_events(now: datetime) -> list[FeedHealthEvent]:
    """Fetches of four feeds: A healthy, B failing more and more slowly, C failed once and then
    recovered, and an old failure outside the dashboard's seven days that no panel may count."""

    def fetch(url: str, hours_ago: float, outcome: str, status: str, **fields: Any) -> FeedHealthEvent:
        return FeedHealthEvent(feed_id=feed_id(url), url=url, name=None, at=now - timedelta(hours=hours_ago),
                               outcome=outcome, status=status, **fields)

    return [
        fetch(FEED_A, 50, "ok", "ok", items=10, emitted=3, duration_ms=120),
        fetch(FEED_A, 26, "not-modified", "ok", duration_ms=40),
        fetch(FEED_A, 2, "ok", "ok", items=10, emitted=1, duration_ms=150),
        fetch(FEED_B, 49, "ok", "ok", items=20, emitted=5, duration_ms=300),
        fetch(FEED_B, 25, "error", "failing", reason="http-status", error="HTTP 503 Service Unavailable", duration_ms=2000),
        fetch(FEED_B, 1, "error", "failing", reason="timeout", error="timed out after 10 s", duration_ms=10_000),
        fetch(FEED_C, 30, "error", "failing", reason="dns", error="no address for c.example.org", duration_ms=50),
        fetch(FEED_C, 3, "ok", "ok", items=4, emitted=2, duration_ms=400),
        fetch(FEED_OLD, 24 * 10, "error", "failing", reason="dns", error="no address", duration_ms=99_000, emitted=50),
    ]


@pytest.fixture
def articles(settings) -> None:
    index_articles(settings, sample_articles())


@pytest.fixture
def feed_health(settings, es):
    """The feed-health index of this test holding `health_events`, written by the feed-health sink."""
    es_settings = settings.elasticsearch
    ensure_feed_health_index(es, es_settings)
    try:
        sink = FeedHealthSink(client=es, index=es_settings.feed_health_index, url=es_settings.url)
        writes, rejected = sink.prepare([_record(e) for e in health_events(datetime.now(UTC))])
        assert rejected == []
        assert sink.deliver(writes) == []
        es.indices.refresh(index=es_settings.feed_health_index)
        yield
    finally:
        es.indices.delete(index=es_settings.feed_health_index, ignore_unavailable=True)
        try:
            es.indices.delete_index_template(name=feed_health_template_name(es_settings))
        except NotFoundError:
            pass


def _record(event: FeedHealthEvent) -> ConsumerRecord:
    value = event.model_dump_json().encode()
    return ConsumerRecord("health", 0, -1, 0, 0, 0, event.feed_id.encode(), value, [], None, 24, len(value), 0)


@pytest.fixture
def stories(settings):
    """The stories index of this test holding the sample stories (and the articles index their articles)."""
    return index_story_sample(settings, datetime.now(UTC))


STORIES_VIEW_ID = "newsflow-stories"


@pytest.fixture
def objects(settings) -> list[dict[str, Any]]:
    # Rewritten for this test's own index names, as `newsflow kibana setup` rewrites them. (The
    # stories view's title is set here as long as newsflow.read.kibana does not rewrite it itself.)
    rewritten = objects_for_settings(OBJECTS, settings.elasticsearch)
    return [{**o, "attributes": {**o["attributes"], "title": settings.elasticsearch.stories_index}}
            if o["type"] == "index-pattern" and o["id"] == STORIES_VIEW_ID else o for o in rewritten]


# -- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("object_id", VISUALISATIONS)
def test_visualisation_query_returns_data(objects, es: Elasticsearch, settings, object_id, request):
    obj = next(o for o in objects if o["id"] == object_id)
    view = data_view(objects, obj)
    # The rewritten data view title is what Kibana queries: this test's own index.
    index, time_field = view["attributes"]["title"], view["attributes"]["timeFieldName"]
    es_settings = settings.elasticsearch
    expected = {"newsflow-articles": es_settings.alias, "newsflow-feed-health": es_settings.feed_health_index,
                STORIES_VIEW_ID: es_settings.stories_index}
    assert index == expected[view["id"]]
    request.getfixturevalue({"newsflow-feed-health": "feed_health", STORIES_VIEW_ID: "stories"}.get(view["id"], "articles"))
    time_range = time_filter(objects, obj, time_field)
    check = {"lens": check_lens, "map": check_map, "search": check_search}[obj["type"]]
    check(es, index, obj, time_range)


def lens_table(es: Elasticsearch, index: str, lens: dict[str, Any], time_range: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a one-layer Lens panel: column id -> the bucket key, count or metric value Lens shows."""
    (_, layer), = lens_layers(lens)
    columns = layer["columns"]
    body = lens_request(layer, time_range, lens["attributes"]["state"].get("query"))
    aggs = es.search(index=index, **body)["aggregations"]
    buckets = [c for c in layer["columnOrder"] if columns[c]["isBucketed"]]
    return [_row(leaf, keys, buckets, columns, layer["columnOrder"]) for keys, leaf in _leaves(aggs, buckets)]


def _leaves(aggs: dict[str, Any], bucket_ids: list[str], keys: tuple = ()) -> list[tuple[tuple, dict[str, Any]]]:
    if not bucket_ids:
        return [(keys, aggs)]
    leaves = []
    for bucket in aggs[bucket_ids[0]]["buckets"]:
        leaves += _leaves(bucket, bucket_ids[1:], (*keys, bucket.get("key_as_string", bucket["key"])))
    return leaves


def _row(leaf: dict[str, Any], keys: tuple, buckets: list[str], columns: dict[str, Any], order: list[str]) -> dict[str, Any]:
    row = dict(zip(buckets, keys, strict=True))
    for column_id in (c for c in order if c not in row):
        column = columns[column_id]
        row[column_id] = leaf["doc_count"] if column["operationType"] == "count" else metric_value(leaf, column_id, column)
    return row


def test_feed_health_panels_show_the_expected_buckets(objects, es: Elasticsearch, settings, feed_health):
    index = settings.elasticsearch.feed_health_index
    lens = {o["id"]: o for o in objects if o["type"] == "lens"}

    def table(object_id: str) -> list[dict[str, Any]]:
        obj = lens[object_id]
        return lens_table(es, index, obj, time_filter(objects, obj, "at"))

    # Outcomes over time: per outcome, the fetches of the seven days (the old failure is out of range).
    per_outcome: dict[str, int] = {}
    for row in table("newsflow-lens-feed-outcomes"):
        per_outcome[row["outcome"]] = per_outcome.get(row["outcome"], 0) + row["fetches"]
    assert per_outcome == {"ok": 4, "not-modified": 1, "error": 3}

    # Current status: each feed's latest fetch, a recovered feed without its old error.
    status = {row["url"]: (row["status"], row["reason"], row["error"]) for row in table("newsflow-lens-feed-status")}
    assert status == {FEED_A: ("ok", None, None), FEED_B: ("failing", "timeout", "timed out after 10 s"), FEED_C: ("ok", None, None)}

    # Top failing feeds: most failed fetches first, with the reason of the last failure.
    failing = [(row["url"], row["errors"], row["reason"], row["error"]) for row in table("newsflow-lens-feed-failing")]
    assert failing == [(FEED_B, 2, "timeout", "timed out after 10 s"), (FEED_C, 1, "dns", "no address for c.example.org")]

    # Slowest feeds: ordered by their p95 fetch duration.
    slowest = table("newsflow-lens-feed-duration")
    assert [row["url"] for row in slowest] == [FEED_B, FEED_C, FEED_A]
    assert 2000 < slowest[0]["p95"] <= 10_000 and 120 < slowest[2]["p95"] <= 150

    # Items emitted over time: every new item of the seven days, none of the old fetch.
    assert sum(row["emitted"] for row in table("newsflow-lens-feed-items")) == 11

    # Latest errors: the failed fetches only, newest first.
    search = next(o for o in objects if o["id"] == "newsflow-feed-health-latest-errors")
    hits = es.search(index=index, **search_request(search, time_filter(objects, search, "at")))["hits"]["hits"]
    assert [(h["_source"]["url"], h["_source"]["reason"]) for h in hits] == [(FEED_B, "timeout"), (FEED_B, "http-status"), (FEED_C, "dns")]


def test_top_stories_are_the_biggest_stories_of_the_week(objects, es: Elasticsearch, settings, stories):
    index = settings.elasticsearch.stories_index
    old = stories.stories["Ebrahim Raisi"].model_copy(update={
        "id": "story-last-month", "size": 40, "last_updated": datetime.now(UTC) - timedelta(days=10)})
    index_stories(settings, [old])  # the biggest, but quiet for ten days: outside the dashboard's week
    search = next(o for o in objects if o["id"] == "newsflow-top-stories")
    hits = es.search(index=index, **search_request(search, time_filter(objects, search, "last_updated")))["hits"]["hits"]
    shown = [tuple(source_value(h["_source"], c) for c in ("id", "size", "sources")) for h in hits]
    # By size; of equal sizes the more recently updated (Ebrahim Raisi's has an article from now).
    expected = sorted(stories.stories.values(), key=lambda s: (-s.size, -s.last_updated.timestamp()))
    assert shown == [(s.id, s.size, s.sources) for s in expected]
    assert [s.size for s in expected] == [9, 7, 6, 6]


def check_lens(es: Elasticsearch, index: str, lens: dict[str, Any], time_range: dict[str, Any]) -> None:
    for layer_id, layer in lens_layers(lens):
        body = lens_request(layer, time_range, lens["attributes"]["state"].get("query"))
        response = es.search(index=index, **body)
        buckets = [c for c in layer["columnOrder"] if layer["columns"][c]["isBucketed"]]
        rows = [r for r in lens_rows(response["aggregations"], buckets) if r["doc_count"] > 0]
        assert rows, f"{lens['id']} layer {layer_id}: no data for {json.dumps(body)}"
        metrics = [c for c in layer["columnOrder"]
                   if not layer["columns"][c]["isBucketed"] and layer["columns"][c]["operationType"] != "count"]
        for column_id in metrics:
            column = layer["columns"][column_id]
            assert any(metric_value(row, column_id, column) is not None for row in rows), f"{lens['id']} {column_id}"


def check_map(es: Elasticsearch, index: str, map_object: dict[str, Any], time_range: dict[str, Any]) -> None:
    data_layers = [layer for layer in map_layers(map_object) if layer["sourceDescriptor"]["type"].startswith("ES_")]
    assert data_layers, f"{map_object['id']} has no Elasticsearch layer"
    for layer in data_layers:
        body = map_request(layer, time_range)
        aggs = es.search(index=index, **body)["aggregations"]
        if "grid" in aggs:
            assert [b for b in aggs["grid"]["buckets"] if b["doc_count"] > 0], f"{layer['id']}: no grid cells"
        else:
            assert "bounds" in aggs["bounds"], f"{layer['id']}: no bounds"


def check_search(es: Elasticsearch, index: str, search: dict[str, Any], time_range: dict[str, Any]) -> None:
    hits = es.search(index=index, **search_request(search, time_range))["hits"]["hits"]
    assert hits, f"{search['id']}: no documents"
    (sort_field, direction), *_ = search["attributes"]["sort"]
    values = [source_value(h["_source"], sort_field) for h in hits]
    assert values == sorted(values, reverse=direction == "desc")
    for column in search["attributes"]["columns"]:
        assert any(source_value(h["_source"], column) for h in hits), f"column {column!r} is empty in every document"
