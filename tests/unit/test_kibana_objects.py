"""The Kibana saved objects in deploy/kibana/: every field they use exists in the mapping of the
index behind their data view (articles, feed health or stories) with a type that supports the
use, and every reference resolves.

Kibana only finds a wrong field when someone opens the panel; these tests find it at commit time.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from dataclasses import dataclass
from typing import Any

import pytest

from newsflow.index.indices import article_mappings, feed_health_mappings, stories_mappings
from newsflow.read.kibana import (
    DATA_VIEW_ID,
    DEFAULT_ALIAS,
    DEFAULT_FEED_HEALTH_INDEX,
    FEED_HEALTH_VIEW_ID,
    OBJECTS_DIR,
    lens_layers,
    load_objects,
    map_layers,
    objects_for_alias,
    objects_for_settings,
)
from newsflow.settings import ElasticsearchSettings

# The data view on the stories index (deploy/kibana/newsflow.ndjson) and the index it is saved with.
STORIES_VIEW_ID = "newsflow-stories"
TOP_STORIES_ID = "newsflow-top-stories"

NUMERIC = {"long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long"}
DATES = {"date", "date_nanos"}
# Types with doc values that Kibana marks aggregatable (and sortable); text and nested are not.
AGGREGATABLE = {"keyword", "constant_keyword", "boolean", "ip"} | NUMERIC | DATES
GEO = {"geo_point", "geo_shape"}

# What each use of a field needs from its mapped type.
ALLOWED_TYPES = {
    "time field": DATES,
    "sort": AGGREGATABLE,
    "terms": AGGREGATABLE,
    "date_histogram": DATES,
    "unique_count": AGGREGATABLE,
    "numeric metric": NUMERIC,
    "geo": GEO,
    "format date": DATES,
    "format number": NUMERIC,
    "format url": {"keyword", "text"},
    "format truncate": {"keyword", "text"},
    "last_value": AGGREGATABLE,  # Lens offers "last value" of any aggregatable field
    "last_value sort": DATES,
    "query": None,  # a KQL filter may name any mapped field
    "display": None,  # any mapped field can be shown as a column
}
NUMERIC_OPERATIONS = {"sum", "average", "min", "max", "median", "percentile", "standard_deviation"}
# Lens' pseudo field for "count of records": not a mapped field.
RECORDS = "___records___"


@dataclass(frozen=True)
class FieldUse:
    object_id: str
    view: str  # the data view id whose index mapping must hold the field
    where: str
    field: str
    use: str


@dataclass(frozen=True)
class MappedField:
    type: str
    nested: bool  # inside a nested object: Kibana cannot aggregate it from the top level


def mapped_fields(mapping: dict[str, Any], prefix: str = "", nested: bool = False) -> dict[str, MappedField]:
    """Flatten a mapping to dotted names, with multi-fields (title.exact) as fields of their own."""
    fields: dict[str, MappedField] = {}
    for name, spec in mapping.get("properties", {}).items():
        path = f"{prefix}{name}"
        kind = spec.get("type", "object")
        if kind in ("object", "nested"):
            fields |= mapped_fields(spec, f"{path}.", nested or kind == "nested")
            continue
        fields[path] = MappedField(kind, nested)
        for sub, sub_spec in spec.get("fields", {}).items():
            fields[f"{path}.{sub}"] = MappedField(sub_spec["type"], nested)
    return fields


# -- collecting the fields each object uses ------------------------------------------------------


def data_view_of(obj: dict[str, Any]) -> str:
    """The one data view an object reads (its own id for a data view); several would be a mistake here."""
    if obj["type"] == "index-pattern":
        return obj["id"]
    views = {ref["id"] for ref in obj.get("references", []) if ref["type"] == "index-pattern"}
    assert len(views) == 1, f"{obj['id']} reads data views {sorted(views)}, expected exactly one"
    return views.pop()


# A KQL field name before its colon: `outcome : "error"`, `"reason": *`.
_KQL_FIELD = re.compile(r'"?([A-Za-z_@][\w.@]*)"?\s*:')


def kql_fields(query: dict[str, Any] | None) -> list[str]:
    if not query or not query.get("query"):
        return []
    assert query.get("language") == "kuery", query
    return _KQL_FIELD.findall(query["query"])


def field_uses(objects: list[dict[str, Any]]) -> list[FieldUse]:
    collectors = {"index-pattern": _data_view_uses, "search": _search_uses, "lens": _lens_uses, "map": _map_uses}
    return [FieldUse(obj["id"], data_view_of(obj), where, field, use)
            for obj in objects if obj["type"] in collectors for where, field, use in collectors[obj["type"]](obj)]


Use = tuple[str, str, str]  # where, field, use


def _data_view_uses(obj: dict[str, Any]) -> list[Use]:
    attrs = obj["attributes"]
    uses = [("timeFieldName", attrs["timeFieldName"], "time field")]
    for field, fmt in json.loads(attrs.get("fieldFormatMap", "{}")).items():
        uses.append((f"fieldFormatMap[{field}]", field, f"format {fmt['id']}"))
    for field in json.loads(attrs.get("fieldAttrs", "{}")):
        uses.append((f"fieldAttrs[{field}]", field, "display"))
    return uses


def _search_uses(obj: dict[str, Any]) -> list[Use]:
    attrs = obj["attributes"]
    uses = [("columns", column, "display") for column in attrs["columns"]]
    uses += [("sort", field, "sort") for field, _direction in attrs["sort"]]
    search_source = json.loads(attrs["kibanaSavedObjectMeta"]["searchSourceJSON"])
    uses += [("query", field, "query") for field in kql_fields(search_source.get("query"))]
    return uses


def _lens_uses(obj: dict[str, Any]) -> list[Use]:
    uses = [("query", field, "query") for field in kql_fields(obj["attributes"]["state"].get("query"))]
    for layer_id, layer in lens_layers(obj):
        for column_id, column in layer["columns"].items():
            where = f"layer {layer_id} column {column_id}"
            uses += [(f"{where} filter", field, "query") for field in kql_fields(column.get("filter"))]
            field, operation = column.get("sourceField"), column["operationType"]
            if operation == "last_value":
                uses.append((f"{where} sortField", column["params"]["sortField"], "last_value sort"))
            if field is None or field == RECORDS:
                continue
            use = "numeric metric" if operation in NUMERIC_OPERATIONS else operation
            uses.append((where, field, use))
    return uses


def _map_uses(obj: dict[str, Any]) -> list[Use]:
    uses = []
    for layer in map_layers(obj):
        source = layer["sourceDescriptor"]
        if "geoField" in source:
            uses.append((f"layer {layer['id']}", source["geoField"], "geo"))
        for metric in source.get("metrics", []):
            if "field" in metric:
                use = "unique_count" if metric["type"] == "cardinality" else "numeric metric"
                uses.append((f"layer {layer['id']} metric", metric["field"], use))
    return uses


def field_problems(objects: list[dict[str, Any]], fields_by_view: dict[str, dict[str, MappedField]]) -> list[str]:
    problems = []
    for use in field_uses(objects):
        where = f"{use.object_id} {use.where}: {use.field!r}"
        if use.view not in fields_by_view:
            problems.append(f"{where}: data view {use.view!r} has no known mapping")
            continue
        mapped = fields_by_view[use.view].get(use.field)
        if use.use not in ALLOWED_TYPES:
            problems.append(f"{where}: unknown use {use.use!r}")
        elif mapped is None:
            problems.append(f"{where}: not in the mapping")
        elif mapped.nested:
            problems.append(f"{where}: inside a nested object, which Kibana cannot use from the top level")
        elif ALLOWED_TYPES[use.use] is not None and mapped.type not in ALLOWED_TYPES[use.use]:
            problems.append(f"{where}: mapped as {mapped.type}, which does not support {use.use}")
    return problems


# -- references inside attributes ----------------------------------------------------------------


def reference_names_used(obj: dict[str, Any]) -> set[str]:
    """The reference names an object's attributes point at (Kibana resolves them via `references`)."""
    attrs = obj["attributes"]
    if obj["type"] == "search":
        return {json.loads(attrs["kibanaSavedObjectMeta"]["searchSourceJSON"])["indexRefName"]}
    if obj["type"] == "lens":
        return {f"indexpattern-datasource-layer-{layer_id}" for layer_id, _ in lens_layers(obj)}
    if obj["type"] == "map":
        return {layer["sourceDescriptor"]["indexPatternRefName"] for layer in map_layers(obj)
                if "indexPatternRefName" in layer["sourceDescriptor"]}
    if obj["type"] == "dashboard":
        return {f"{p['panelIndex']}:{p['panelRefName']}" for p in json.loads(attrs["panelsJSON"])}
    return set()


# -- tests ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def objects() -> list[dict[str, Any]]:
    return load_objects()


@pytest.fixture(scope="module")
def fields() -> dict[str, dict[str, MappedField]]:
    """Per data view, the fields of the mapping of the index it reads."""
    return {DATA_VIEW_ID: mapped_fields(article_mappings()), FEED_HEALTH_VIEW_ID: mapped_fields(feed_health_mappings()),
            STORIES_VIEW_ID: mapped_fields(stories_mappings())}


def by_type(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["type"] == kind]


def by_id(objects: list[dict[str, Any]], object_id: str) -> dict[str, Any]:
    (obj,) = [o for o in objects if o["id"] == object_id]
    return obj


def dashboard_titled(objects: list[dict[str, Any]], title: str) -> dict[str, Any]:
    (dashboard,) = [o for o in by_type(objects, "dashboard") if o["attributes"]["title"] == title]
    return dashboard


def visualisations_on(objects: list[dict[str, Any]], view: str) -> set[str]:
    return {o["id"] for o in objects if o["type"] in ("lens", "map", "search") and data_view_of(o) == view}


def test_objects_have_stable_unique_ids_and_migration_versions(objects):
    ids = [(o["type"], o["id"]) for o in objects]
    assert len(ids) == len(set(ids))
    for obj in objects:
        assert obj["id"].startswith("newsflow-"), obj["id"]
        # Kibana migrates an object from the version its format has; without one it guesses.
        assert obj.get("coreMigrationVersion") and obj.get("typeMigrationVersion"), obj["id"]


def test_every_field_used_is_mapped_with_a_type_that_supports_the_use(objects, fields):
    uses = field_uses(objects)
    assert len(uses) >= 20, "the collectors found too few fields: are they still reading the objects?"
    assert len([u for u in uses if u.view == FEED_HEALTH_VIEW_ID]) >= 20, "too few fields found on the Feed health view"
    assert len([u for u in uses if u.view == STORIES_VIEW_ID]) >= 10, "too few fields found on the stories view"
    assert field_problems(objects, fields) == []


def test_field_check_catches_unknown_nested_and_unaggregatable_fields(objects, fields):
    broken = copy.deepcopy(objects)
    lens = next(o for o in broken if o["id"] == "newsflow-lens-top-persons")
    (_, layer), = lens_layers(lens)
    layer["columns"]["persons"]["sourceField"] = "entities.name"
    volume = next(o for o in broken if o["id"] == "newsflow-lens-volume-by-source")
    (_, layer), = lens_layers(volume)
    layer["columns"]["source"]["sourceField"] = "no_such_field"
    layer["columns"]["published"]["sourceField"] = "title"
    problems = field_problems(broken, fields)
    assert any("'entities.name'" in p and "nested" in p for p in problems), problems
    assert any("'no_such_field'" in p and "not in the mapping" in p for p in problems), problems
    assert any("'title'" in p and "mapped as text" in p for p in problems), problems


def test_field_check_uses_the_mapping_of_each_objects_own_data_view(objects, fields):
    broken = copy.deepcopy(objects)
    (_, status), = lens_layers(by_id(broken, "newsflow-lens-feed-status"))
    status["columns"]["error"]["sourceField"] = "error"  # text: no last value
    status["columns"]["url"]["sourceField"] = "source"  # an article field, not a feed-health one
    (_, duration), = lens_layers(by_id(broken, "newsflow-lens-feed-duration"))
    duration["columns"]["p95"]["sourceField"] = "status"  # a keyword has no percentile
    failing = by_id(broken, "newsflow-lens-feed-failing")
    failing["attributes"]["state"]["query"]["query"] = 'outcom : "error"'
    problems = field_problems(broken, fields)
    assert any("feed-status" in p and "'error'" in p and "mapped as text" in p for p in problems), problems
    assert any("feed-status" in p and "'source'" in p and "not in the mapping" in p for p in problems), problems
    assert any("feed-duration" in p and "'status'" in p and "mapped as keyword" in p for p in problems), problems
    assert any("feed-failing query" in p and "'outcom'" in p for p in problems), problems


def test_field_check_reads_the_stories_mapping_for_the_top_stories(objects, fields):
    broken = copy.deepcopy(objects)
    top = by_id(broken, TOP_STORIES_ID)["attributes"]
    top["sort"] = [["title", "desc"]]  # full text: not sortable (title.keyword is)
    top["columns"] = [*top["columns"], "source"]  # an article field, not a story one
    problems = field_problems(broken, fields)
    assert any("top-stories sort" in p and "'title'" in p and "mapped as text" in p for p in problems), problems
    assert any("top-stories columns" in p and "'source'" in p and "not in the mapping" in p for p in problems), problems


def test_every_reference_resolves_to_an_object_in_the_files(objects):
    present = {(o["type"], o["id"]) for o in objects}
    for obj in objects:
        for ref in obj.get("references", []):
            assert (ref["type"], ref["id"]) in present, f"{obj['id']} -> {ref['type']}/{ref['id']}"


@pytest.mark.parametrize("name", sorted(p.name for p in OBJECTS_DIR.glob("*.ndjson")))
def test_each_file_is_self_contained(tmp_path, name):
    """Each file imports on its own (files load sorted by name, so none may lean on another)."""
    shutil.copy(OBJECTS_DIR / name, tmp_path / name)
    alone = load_objects(tmp_path)
    present = {(o["type"], o["id"]) for o in alone}
    for obj in alone:
        for ref in obj.get("references", []):
            assert (ref["type"], ref["id"]) in present, f"{name}: {obj['id']} -> {ref['type']}/{ref['id']}"


def test_reference_names_used_in_attributes_match_the_references(objects):
    for obj in objects:
        declared = {ref["name"] for ref in obj.get("references", [])}
        assert reference_names_used(obj) == declared, obj["id"]


def test_data_view_is_on_the_read_alias_with_published_as_time_field(objects):
    view = by_id(objects, DATA_VIEW_ID)
    assert view["attributes"]["title"] == DEFAULT_ALIAS == ElasticsearchSettings().alias
    assert view["attributes"]["timeFieldName"] == "published"
    assert json.loads(view["attributes"]["fieldFormatMap"]), "the data view carries field formats"


def test_feed_health_data_view_is_on_the_feed_health_index_with_at_as_time_field(objects):
    assert {o["id"] for o in by_type(objects, "index-pattern")} == {DATA_VIEW_ID, FEED_HEALTH_VIEW_ID, STORIES_VIEW_ID}
    view = by_id(objects, FEED_HEALTH_VIEW_ID)
    assert view["attributes"]["title"] == DEFAULT_FEED_HEALTH_INDEX == ElasticsearchSettings().feed_health_index
    assert view["attributes"]["timeFieldName"] == "at"
    assert json.loads(view["attributes"]["fieldFormatMap"])["url"]["id"] == "url"


def test_alias_rewrite_changes_only_the_data_view_titles(objects):
    def changed(rewritten):
        assert [o["id"] for o in rewritten] == [o["id"] for o in objects]
        return [(b["id"], b["attributes"]["title"]) for a, b in zip(objects, rewritten, strict=True) if a != b]

    assert changed(objects_for_alias(objects, "news-articles-eu")) == [(DATA_VIEW_ID, "news-articles-eu")]
    settings = ElasticsearchSettings(alias="eu-articles", feed_health_index="eu-feed-health")
    assert sorted(changed(objects_for_settings(objects, settings))) == sorted(
        [(DATA_VIEW_ID, "eu-articles"), (FEED_HEALTH_VIEW_ID, "eu-feed-health")])
    assert objects_for_alias(objects, DEFAULT_ALIAS) == objects
    assert objects_for_settings(objects, ElasticsearchSettings()) == objects


def visualization_accessors(lens: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(layer id, column ids it draws) per layer of the visualisation: XY and pie keep `layers`, a table
    keeps one layer and its `columns`."""
    visualization = lens["attributes"]["state"]["visualization"]
    if lens["attributes"]["visualizationType"] == "lnsDatatable":
        return [(visualization["layerId"], [c["columnId"] for c in visualization["columns"]])]
    result = []
    for vis_layer in visualization["layers"]:
        accessors = [vis_layer.get(k) for k in ("xAccessor", "splitAccessor") if vis_layer.get(k)]
        accessors += vis_layer.get("accessors", []) + vis_layer.get("primaryGroups", []) + vis_layer.get("metrics", [])
        result.append((vis_layer["layerId"], accessors))
    return result


def test_lens_layers_are_consistent(objects):
    for lens in by_type(objects, "lens"):
        layers = dict(lens_layers(lens))
        assert layers, lens["id"]
        for layer in layers.values():
            assert sorted(layer["columnOrder"]) == sorted(layer["columns"]), lens["id"]
            for column in layer["columns"].values():
                order_by = column.get("params", {}).get("orderBy", {})
                if order_by.get("type") == "column":
                    assert order_by["columnId"] in layer["columns"], lens["id"]
        for layer_id, accessors in visualization_accessors(lens):
            columns = layers[layer_id]["columns"]
            assert accessors and set(accessors) <= set(columns), lens["id"]
        sorting = lens["attributes"]["state"]["visualization"].get("sorting")
        if sorting:
            assert sorting["columnId"] in layers[lens["attributes"]["state"]["visualization"]["layerId"]]["columns"]


def test_news_overview_shows_what_the_spec_asks(objects):
    dashboard = dashboard_titled(objects, "News overview")
    on_dashboard = {ref["id"] for ref in dashboard["references"]}
    panels = [o for o in objects if o["id"] in on_dashboard]
    # Every visualisation and the saved search on the articles is on the dashboard, and the top stories.
    assert visualisations_on(objects, DATA_VIEW_ID) | visualisations_on(objects, STORIES_VIEW_ID) == on_dashboard
    assert TOP_STORIES_ID in on_dashboard
    used = {(u.field, u.use) for u in field_uses(panels)}
    for needed in [("published", "date_histogram"), ("source", "terms"), ("persons", "terms"),
                   ("organisations", "terms"), ("places", "terms"), ("topics", "terms"),
                   ("language", "terms"), ("place_locations", "geo"), ("published", "sort")]:
        assert needed in used, needed
    assert dashboard["attributes"]["timeRestore"] is True


def test_top_stories_are_the_biggest_stories_on_the_stories_index(objects):
    view = by_id(objects, STORIES_VIEW_ID)
    assert view["attributes"]["title"] == ElasticsearchSettings().stories_index
    assert view["attributes"]["timeFieldName"] == "last_updated"
    assert data_view_of(by_id(objects, TOP_STORIES_ID)) == STORIES_VIEW_ID
    top = by_id(objects, TOP_STORIES_ID)["attributes"]
    assert top["title"] == "Top stories"
    assert top["columns"] == ["title", "size", "sources", "last_updated"]
    assert top["sort"][0] == ["size", "desc"]


def lens_columns(lens: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (_, layer), = lens_layers(lens)
    return layer["columns"]


def test_feed_health_shows_what_the_issue_asks(objects):
    dashboard = dashboard_titled(objects, "Feed health")
    on_dashboard = {ref["id"] for ref in dashboard["references"]}
    assert visualisations_on(objects, FEED_HEALTH_VIEW_ID) == on_dashboard
    assert dashboard["attributes"]["timeRestore"] is True

    # Fetch outcomes over time, stacked by outcome.
    outcomes = by_id(objects, "newsflow-lens-feed-outcomes")
    (vis_layer,) = outcomes["attributes"]["state"]["visualization"]["layers"]
    assert vis_layer["seriesType"] == "bar_stacked"
    split, x = lens_columns(outcomes)[vis_layer["splitAccessor"]], lens_columns(outcomes)[vis_layer["xAccessor"]]
    assert (split["operationType"], split["sourceField"]) == ("terms", "outcome")
    assert (x["operationType"], x["sourceField"]) == ("date_histogram", "at")

    # Each feed with its latest status, reason and error.
    status = lens_columns(by_id(objects, "newsflow-lens-feed-status"))
    assert (status["url"]["operationType"], status["url"]["sourceField"]) == ("terms", "url")
    assert status["url"]["params"]["size"] >= 100, "every feed, not a top few"
    latest = {c["sourceField"] for c in status.values() if c["operationType"] == "last_value" and c["params"]["sortField"] == "at"}
    assert {"status", "reason", "error.keyword"} <= latest

    # The feeds with most errors, with their last reason: only failed fetches are counted.
    failing = by_id(objects, "newsflow-lens-feed-failing")
    assert failing["attributes"]["state"]["query"]["query"] == 'outcome : "error"'
    columns = lens_columns(failing)
    assert columns["url"]["params"]["orderBy"] == {"type": "column", "columnId": "errors"}
    assert columns["errors"]["operationType"] == "count"
    assert (columns["reason"]["operationType"], columns["reason"]["sourceField"]) == ("last_value", "reason")

    # The ten slowest feeds by p95 fetch duration.
    duration = lens_columns(by_id(objects, "newsflow-lens-feed-duration"))
    assert duration["url"]["params"]["size"] == 10 and duration["url"]["params"]["orderBy"]["columnId"] == "p95"
    assert (duration["p95"]["operationType"], duration["p95"]["sourceField"]) == ("percentile", "duration_ms")
    assert duration["p95"]["params"]["percentile"] == 95

    # Items emitted over time.
    items = lens_columns(by_id(objects, "newsflow-lens-feed-items"))
    assert {(c["operationType"], c["sourceField"]) for c in items.values()} == {("date_histogram", "at"), ("sum", "emitted")}

    # The latest errors.
    errors = by_id(objects, "newsflow-feed-health-latest-errors")
    assert errors["attributes"]["columns"] == ["url", "reason", "error"]
    assert errors["attributes"]["sort"] == [["at", "desc"]]
    search_source = json.loads(errors["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
    assert search_source["query"] == {"query": 'outcome : "error"', "language": "kuery"}


def test_dashboard_panels_fit_the_grid_without_overlapping(objects):
    for dashboard in by_type(objects, "dashboard"):
        cells: set[tuple[int, int]] = set()
        for panel in json.loads(dashboard["attributes"]["panelsJSON"]):
            grid = panel["gridData"]
            assert grid["i"] == panel["panelIndex"] and grid["x"] + grid["w"] <= 48, panel
            area = {(x, y) for x in range(grid["x"], grid["x"] + grid["w"]) for y in range(grid["y"], grid["y"] + grid["h"])}
            assert not cells & area, f"{dashboard['id']}: panel {panel['panelIndex']} overlaps another"
            cells |= area
