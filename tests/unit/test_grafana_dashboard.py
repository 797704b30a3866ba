"""deploy/grafana/newsflow-dashboard.json: valid JSON, a templated data source, and PromQL that
parses (a real parser, the PyPI package promql-parser) and asks only for newsflow's metrics,
with their labels, `rate` only on counters and quantiles only from histogram buckets."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import prometheus_client
import promql_parser
import pytest

import newsflow.runtime.metrics

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "newsflow-dashboard.json"

# The metrics contract (name without suffix: type, labels), as newsflow.runtime.metrics exports them.
METRICS: dict[str, tuple[str, frozenset[str]]] = {
    "newsflow_feeds": ("gauge", frozenset({"state"})),
    "newsflow_fetches": ("counter", frozenset({"outcome"})),
    "newsflow_feed_fetch_seconds": ("histogram", frozenset()),
    "newsflow_items_produced": ("counter", frozenset()),
    "newsflow_messages_consumed": ("counter", frozenset({"stage"})),
    "newsflow_consumer_lag": ("gauge", frozenset({"stage", "topic", "partition"})),
    "newsflow_step_seconds": ("histogram", frozenset({"step"})),
    "newsflow_bulk_items": ("counter", frozenset({"outcome"})),
    "newsflow_dead_letters": ("counter", frozenset({"stage", "reason"})),
    "newsflow_batch_seconds": ("histogram", frozenset({"stage"})),
    "newsflow_stories_state_reads": ("counter", frozenset({"kind", "source"})),
}
SUFFIXES = {"counter": ("_total",), "gauge": ("",), "histogram": ("_bucket", "_count", "_sum")}
# Labels Prometheus itself attaches to every scraped series.
TARGET_LABELS = frozenset({"job", "instance"})
# Grafana's own interval variables, replaced by a duration before parsing.
GRAFANA_INTERVALS = ("$__rate_interval", "$__interval", "$__range")


def _series() -> dict[str, tuple[str, str, frozenset[str]]]:
    """Every series name a query may select: name -> (metric, type, labels)."""
    series = {}
    for metric, (kind, labels) in METRICS.items():
        for suffix in SUFFIXES[kind]:
            series[metric + suffix] = (metric, kind, labels | ({"le"} if suffix == "_bucket" else set()))
    return series


SERIES = _series()


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def _panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    panels = []
    for panel in dashboard["panels"]:
        panels.append(panel)
        panels.extend(panel.get("panels", []))  # collapsed rows hold their panels
    return panels


def _queries(dashboard: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(p["title"], t) for p in _panels(dashboard) if p["type"] != "row" for t in p["targets"]]


def parse(expr: str) -> promql_parser.Expr:
    for variable in GRAFANA_INTERVALS:
        expr = expr.replace(variable, "5m")
    assert "$" not in expr, f"only Grafana's interval variables may appear in a query: {expr}"
    return promql_parser.parse(expr)


def analyse(expr: str) -> dict[str, Any]:
    """Series selected, labels used (matchers, by/without), rate()-like calls and what they wrap."""
    found: dict[str, Any] = {"series": [], "labels": set(), "rated": [], "quantiles": []}

    def selectors(node) -> list[str]:
        names: list[str] = []

        def visit(n):
            if isinstance(n, promql_parser.VectorSelector):
                names.append(_selector_name(n))

        promql_parser.walk(node, visit)
        return names

    def visit(node):
        if isinstance(node, promql_parser.VectorSelector):
            found["series"].append(_selector_name(node))
            found["labels"] |= {m.name for m in node.matchers.matchers if m.name != "__name__"}
        elif isinstance(node, promql_parser.AggregateExpr) and node.modifier is not None:
            found["labels"] |= set(node.modifier.labels)
        elif isinstance(node, promql_parser.BinaryExpr) and node.modifier is not None and node.modifier.matching is not None:
            found["labels"] |= set(node.modifier.matching.labels)
        elif isinstance(node, promql_parser.Call):
            name = node.func.name
            if name in {"rate", "irate", "increase"}:
                found["rated"].extend(selectors(node))
            elif name == "histogram_quantile":
                found["quantiles"].append((float(str(node.args[0])), selectors(node.args[1]), node.args[1]))

    promql_parser.walk(parse(expr), visit)
    return found


def _selector_name(selector: promql_parser.VectorSelector) -> str:
    if selector.name:
        return selector.name
    names = [m.value for m in selector.matchers.matchers if m.name == "__name__"]
    assert names, f"a selector without a metric name: {selector}"
    return names[0]


def test_metric_catalog_matches_newsflow_metrics():
    exported = {}
    for value in vars(newsflow.runtime.metrics).values():
        if isinstance(value, prometheus_client.metrics.MetricWrapperBase):
            (description,) = value.describe()
            exported[description.name] = (description.type, frozenset(value._labelnames))
    assert exported == METRICS


def test_valid_json_with_a_templated_prometheus_datasource(dashboard):
    assert dashboard["uid"] and dashboard["title"] and isinstance(dashboard["schemaVersion"], int)
    assert dashboard.get("id") is None, "an exported dashboard must not carry a database id"
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"
    templated = {"type": "prometheus", "uid": "${datasource}"}
    for panel in _panels(dashboard):
        if panel["type"] == "row":
            continue
        assert panel["datasource"] == templated, panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target.get("datasource", templated) == templated, panel["title"]
    for annotation in dashboard["annotations"]["list"]:
        assert annotation["datasource"] == {"type": "grafana", "uid": "-- Grafana --"}


def test_panels_have_unique_ids_and_fit_the_grid(dashboard):
    panels = _panels(dashboard)
    ids = [p["id"] for p in panels]
    assert len(ids) == len(set(ids))
    occupied = set()
    for panel in panels:
        grid = panel["gridPos"]
        assert grid["x"] >= 0 and grid["w"] > 0 and grid["x"] + grid["w"] <= 24, panel["title"]
        cells = {(x, y) for x in range(grid["x"], grid["x"] + grid["w"]) for y in range(grid["y"], grid["y"] + grid["h"])}
        assert not cells & occupied, f"{panel['title']} overlaps another panel"
        occupied |= cells
    for panel in panels:
        refs = [t["refId"] for t in panel.get("targets", [])]
        assert len(refs) == len(set(refs)), panel["title"]


def test_queries_use_only_newsflow_metrics_and_their_labels(dashboard):
    queries = _queries(dashboard)
    assert queries
    used = set()
    for title, target in queries:
        found = analyse(target["expr"])
        assert found["series"], f"{title}: {target['expr']} selects no metric"
        for name in found["series"]:
            assert name in SERIES, f"{title}: {name} is not one of newsflow's metrics ({sorted(SERIES)})"
            used.add(SERIES[name][0])
        allowed = TARGET_LABELS.union(*(SERIES[name][2] for name in found["series"]))
        assert found["labels"] <= allowed, f"{title}: unknown labels {sorted(found['labels'] - allowed)} in {target['expr']}"
        # The legend names only labels the result has (never `le`, gone after histogram_quantile).
        legend_labels = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", target.get("legendFormat", "")))
        assert legend_labels <= (allowed - {"le"}) & (found["labels"] | TARGET_LABELS), f"{title}: legend {target.get('legendFormat')}"
    assert used == set(METRICS), f"metrics without a panel: {sorted(set(METRICS) - used)}"


def test_rate_only_on_counters_and_quantiles_only_from_buckets(dashboard):
    for title, target in _queries(dashboard):
        found = analyse(target["expr"])
        for name in found["rated"]:
            assert name.endswith(("_total", "_bucket", "_count", "_sum")), f"{title}: rate() of the gauge {name}"
        for name in set(found["series"]) - set(found["rated"]):
            assert SERIES[name][1] == "gauge", f"{title}: the counter {name} is used without rate()/increase()"
        for quantile, names, _ in found["quantiles"]:
            assert 0 < quantile < 1
            assert names and all(n.endswith("_bucket") for n in names), f"{title}: histogram_quantile over {names}"
            assert "le" in found["labels"], f"{title}: histogram_quantile needs `by (le, ...)`"


def test_latency_panels_show_p50_and_p95(dashboard):
    quantiles: dict[str, set[float]] = {}
    for _, target in _queries(dashboard):
        for quantile, names, _ in analyse(target["expr"])["quantiles"]:
            for name in names:
                quantiles.setdefault(SERIES[name][0], set()).add(quantile)
    assert quantiles == {"newsflow_step_seconds": {0.5, 0.95}, "newsflow_batch_seconds": {0.5, 0.95},
                         "newsflow_feed_fetch_seconds": {0.5, 0.95}}


def test_the_checker_refuses_what_it_should():
    with pytest.raises(ValueError):
        parse("sum by (stage (newsflow_consumer_lag)")
    assert analyse("sum by (stage) (rate(newsflow_fetches_total[$__rate_interval]))")["rated"] == ["newsflow_fetches_total"]
    assert "newsflow_fetches" not in SERIES and "newsflow_step_seconds" not in SERIES
    found = analyse('histogram_quantile(0.9, sum by (le) (rate({__name__="newsflow_step_seconds_bucket", step="x"}[5m])))')
    assert found["series"] == ["newsflow_step_seconds_bucket"] and found["labels"] == {"le", "step"}
    assert found["quantiles"][0][:2] == (0.9, ["newsflow_step_seconds_bucket"])
