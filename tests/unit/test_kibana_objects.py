"""The Kibana saved objects in deploy/kibana/: every field they use exists in the index mapping
with a type that supports the use, and every reference resolves.

Kibana only finds a wrong field when someone opens the panel; these tests find it at commit time.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

import pytest

from newsflow.elastic import article_mappings
from newsflow.kibana import DATA_VIEW_ID, DEFAULT_ALIAS, lens_layers, load_objects, map_layers, objects_for_alias
from newsflow.settings import ElasticsearchSettings

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
    "display": None,  # any mapped field can be shown as a column
}
NUMERIC_OPERATIONS = {"sum", "average", "min", "max", "median", "percentile", "standard_deviation", "last_value"}
# Lens' pseudo field for "count of records": not a mapped field.
RECORDS = "___records___"


@dataclass(frozen=True)
class FieldUse:
    object_id: str
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


def field_uses(objects: list[dict[str, Any]]) -> list[FieldUse]:
    collectors = {"index-pattern": _data_view_uses, "search": _search_uses, "lens": _lens_uses, "map": _map_uses}
    return [use for obj in objects if obj["type"] in collectors for use in collectors[obj["type"]](obj)]


def _data_view_uses(obj: dict[str, Any]) -> list[FieldUse]:
    attrs, oid = obj["attributes"], obj["id"]
    uses = [FieldUse(oid, "timeFieldName", attrs["timeFieldName"], "time field")]
    for field, fmt in json.loads(attrs.get("fieldFormatMap", "{}")).items():
        uses.append(FieldUse(oid, f"fieldFormatMap[{field}]", field, f"format {fmt['id']}"))
    for field in json.loads(attrs.get("fieldAttrs", "{}")):
        uses.append(FieldUse(oid, f"fieldAttrs[{field}]", field, "display"))
    return uses


def _search_uses(obj: dict[str, Any]) -> list[FieldUse]:
    attrs, oid = obj["attributes"], obj["id"]
    uses = [FieldUse(oid, "columns", column, "display") for column in attrs["columns"]]
    uses += [FieldUse(oid, "sort", field, "sort") for field, _direction in attrs["sort"]]
    return uses


def _lens_uses(obj: dict[str, Any]) -> list[FieldUse]:
    uses = []
    for layer_id, layer in lens_layers(obj):
        for column_id, column in layer["columns"].items():
            field, operation = column.get("sourceField"), column["operationType"]
            if field is None or field == RECORDS:
                continue
            use = "numeric metric" if operation in NUMERIC_OPERATIONS else operation
            uses.append(FieldUse(obj["id"], f"layer {layer_id} column {column_id}", field, use))
    return uses


def _map_uses(obj: dict[str, Any]) -> list[FieldUse]:
    uses = []
    for layer in map_layers(obj):
        source = layer["sourceDescriptor"]
        if "geoField" in source:
            uses.append(FieldUse(obj["id"], f"layer {layer['id']}", source["geoField"], "geo"))
        for metric in source.get("metrics", []):
            if "field" in metric:
                use = "unique_count" if metric["type"] == "cardinality" else "numeric metric"
                uses.append(FieldUse(obj["id"], f"layer {layer['id']} metric", metric["field"], use))
    return uses


def field_problems(objects: list[dict[str, Any]], fields: dict[str, MappedField]) -> list[str]:
    problems = []
    for use in field_uses(objects):
        where = f"{use.object_id} {use.where}: {use.field!r}"
        mapped = fields.get(use.field)
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
def fields() -> dict[str, MappedField]:
    return mapped_fields(article_mappings())


def by_type(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["type"] == kind]


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


def test_every_reference_resolves_to_an_object_in_the_files(objects):
    present = {(o["type"], o["id"]) for o in objects}
    for obj in objects:
        for ref in obj.get("references", []):
            assert (ref["type"], ref["id"]) in present, f"{obj['id']} -> {ref['type']}/{ref['id']}"


def test_reference_names_used_in_attributes_match_the_references(objects):
    for obj in objects:
        declared = {ref["name"] for ref in obj.get("references", [])}
        assert reference_names_used(obj) == declared, obj["id"]


def test_data_view_is_on_the_read_alias_with_published_as_time_field(objects):
    (view,) = by_type(objects, "index-pattern")
    assert view["id"] == DATA_VIEW_ID
    assert view["attributes"]["title"] == DEFAULT_ALIAS == ElasticsearchSettings().alias
    assert view["attributes"]["timeFieldName"] == "published"
    assert json.loads(view["attributes"]["fieldFormatMap"]), "the data view carries field formats"


def test_alias_rewrite_changes_only_the_data_view_title(objects):
    rewritten = objects_for_alias(objects, "news-articles-eu")
    assert [o["id"] for o in rewritten] == [o["id"] for o in objects]
    changed = [(a, b) for a, b in zip(objects, rewritten, strict=True) if a != b]
    assert [(b["id"], b["attributes"]["title"]) for _, b in changed] == [(DATA_VIEW_ID, "news-articles-eu")]
    assert objects_for_alias(objects, DEFAULT_ALIAS) == objects


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
        for vis_layer in lens["attributes"]["state"]["visualization"]["layers"]:
            columns = layers[vis_layer["layerId"]]["columns"]
            accessors = [vis_layer.get(k) for k in ("xAccessor", "splitAccessor") if vis_layer.get(k)]
            accessors += vis_layer.get("accessors", []) + vis_layer.get("primaryGroups", []) + vis_layer.get("metrics", [])
            assert accessors and set(accessors) <= set(columns), lens["id"]


def test_news_overview_shows_what_the_spec_asks(objects):
    (dashboard,) = [o for o in by_type(objects, "dashboard") if o["attributes"]["title"] == "News overview"]
    on_dashboard = {ref["id"] for ref in dashboard["references"]}
    panels = [o for o in objects if o["id"] in on_dashboard]
    # Every visualisation and the saved search is on the dashboard.
    assert {o["id"] for o in objects if o["type"] in ("lens", "map", "search")} == on_dashboard
    used = {(u.field, u.use) for u in field_uses(panels)}
    for needed in [("published", "date_histogram"), ("source", "terms"), ("persons", "terms"),
                   ("organisations", "terms"), ("places", "terms"), ("topics", "terms"),
                   ("language", "terms"), ("place_locations", "geo"), ("published", "sort")]:
        assert needed in used, needed
    assert dashboard["attributes"]["timeRestore"] is True


def test_dashboard_panels_fit_the_grid_without_overlapping(objects):
    for dashboard in by_type(objects, "dashboard"):
        cells: set[tuple[int, int]] = set()
        for panel in json.loads(dashboard["attributes"]["panelsJSON"]):
            grid = panel["gridData"]
            assert grid["i"] == panel["panelIndex"] and grid["x"] + grid["w"] <= 48, panel
            area = {(x, y) for x in range(grid["x"], grid["x"] + grid["w"]) for y in range(grid["y"], grid["y"] + grid["h"])}
            assert not cells & area, f"{dashboard['id']}: panel {panel['panelIndex']} overlaps another"
            cells |= area
