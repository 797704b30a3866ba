"""Each Kibana visualisation's query, run on the real Elasticsearch over indexed test articles.

A small translator turns a saved object into the search Kibana would send for it (Lens terms,
date histogram, count and metric columns nested in column order; map grid layers as
geotile_grid; the saved search as a sorted hit list), restricted to the dashboard's time range
on the data view's time field. Every panel must come back with data: a panel that is empty on
varied test articles would be empty for users too.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from newsflow.kibana import lens_layers, load_objects, map_layers, objects_for_alias
from tests.support import index_articles, sample_articles

OBJECTS = load_objects()
VISUALISATIONS = [o["id"] for o in OBJECTS if o["type"] in ("lens", "map", "search")]

# Lens' "auto" interval depends on the screen; any fixed interval exercises the same query.
AUTO_INTERVAL = "1d"
# Map grid resolution -> geotile precision at the saved map's world-wide zoom.
GRID_PRECISION = {"COARSE": 3, "FINE": 5, "MOST_FINE": 7, "SUPER_FINE": 9}
METRIC_AGGS = {"unique_count": "cardinality", "sum": "sum", "average": "avg", "min": "min", "max": "max"}


# -- from saved object to Elasticsearch request --------------------------------------------------


def time_filter(objects: list[dict[str, Any]], time_field: str) -> dict[str, Any]:
    """The range filter Kibana adds for the News overview dashboard's saved time range."""
    dashboard = next(o for o in objects if o["type"] == "dashboard" and o["attributes"]["title"] == "News overview")
    attrs = dashboard["attributes"]
    return {"range": {time_field: {"gte": attrs["timeFrom"], "lte": attrs["timeTo"]}}}


def lens_request(layer: dict[str, Any], time_range: dict[str, Any]) -> dict[str, Any]:
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
    return {"size": 0, "query": {"bool": {"filter": [time_range]}}, "aggs": aggs}


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
    return {"_count": direction} if target["operationType"] == "count" else {order_by["columnId"]: direction}


def metric_agg(column: dict[str, Any]) -> dict[str, Any]:
    operation = column["operationType"]
    if operation == "median":
        return {"percentiles": {"field": column["sourceField"], "percents": [50]}}
    if operation not in METRIC_AGGS:
        raise NotImplementedError(f"translate Lens metric operation {operation!r} to test it")
    return {METRIC_AGGS[operation]: {"field": column["sourceField"]}}


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
    return {"size": 50, "sort": sort, "query": {"bool": {"filter": [time_range]}}}


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


# -- the test ------------------------------------------------------------------------------------


@pytest.fixture
def indexed(settings):
    index_articles(settings, sample_articles())
    return objects_for_alias(OBJECTS, settings.elasticsearch.alias)


@pytest.mark.parametrize("object_id", VISUALISATIONS)
def test_visualisation_query_returns_data(indexed, es: Elasticsearch, settings, object_id):
    objects = indexed
    view = next(o for o in objects if o["type"] == "index-pattern")
    # The rewritten data view title is what Kibana queries: this test's own alias.
    index, time_field = view["attributes"]["title"], view["attributes"]["timeFieldName"]
    assert index == settings.elasticsearch.alias
    time_range = time_filter(objects, time_field)
    obj = next(o for o in objects if o["id"] == object_id)
    check = {"lens": check_lens, "map": check_map, "search": check_search}[obj["type"]]
    check(es, index, obj, time_range)


def check_lens(es: Elasticsearch, index: str, lens: dict[str, Any], time_range: dict[str, Any]) -> None:
    for layer_id, layer in lens_layers(lens):
        body = lens_request(layer, time_range)
        response = es.search(index=index, **body)
        buckets = [c for c in layer["columnOrder"] if layer["columns"][c]["isBucketed"]]
        rows = [r for r in lens_rows(response["aggregations"], buckets) if r["doc_count"] > 0]
        assert rows, f"{lens['id']} layer {layer_id}: no data for {json.dumps(body)}"
        metrics = [c for c in layer["columnOrder"]
                   if not layer["columns"][c]["isBucketed"] and layer["columns"][c]["operationType"] != "count"]
        for column_id in metrics:
            assert any(row[column_id].get("value") is not None for row in rows), f"{lens['id']} {column_id}"


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
    assert hits, f"{search['id']}: no articles"
    (sort_field, direction), *_ = search["attributes"]["sort"]
    values = [source_value(h["_source"], sort_field) for h in hits]
    assert values == sorted(values, reverse=direction == "desc")
    for column in search["attributes"]["columns"]:
        assert any(source_value(h["_source"], column) for h in hits), f"column {column!r} is empty in every article"
