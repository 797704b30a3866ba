"""The benchmark figures: goal evaluation, ratios, the JSON a stage hands to `bench.run`, and
the one table (plain text and Markdown). Pure logic, no services."""

from __future__ import annotations

import math

import pytest

from bench.common import Figure, figure, figures_from_json, figures_to_json, meets
from bench.run import parse_figures, selected
from bench.table import format_number, render_markdown, render_text, row


@pytest.mark.parametrize(
    ("goal", "x", "expected"),
    [(">= 0.8", 0.8, True), (">= 0.8", 0.79, False), ("< 2", 1.99, True), ("< 2", 2.0, False),
     ("<= 5", 5.0, True), ("> 1.7", 1.7, False), (">= 0.9", math.nan, False)],
)
def test_meets_compares_with_the_bound(goal: str, x: float, expected: bool) -> None:
    assert meets(goal, x) is expected


def test_a_goal_without_a_known_operator_is_refused() -> None:
    with pytest.raises(ValueError, match="goal '~ 3'"):
        meets("~ 3", 1.0)


def test_with_a_baseline_the_goal_is_on_the_ratio() -> None:
    f = figure("sink vs bulk", 5012.0, "docs/s", baseline=12192.0, goal=">= 0.8")
    assert f.ratio == pytest.approx(0.411, abs=1e-3)
    assert f.met is False  # 5,012 docs/s would pass a goal on the value; the ratio does not


def test_without_a_baseline_the_goal_is_on_the_value() -> None:
    assert figure("p50", 1.47, "s", goal="< 2") == Figure("p50", 1.47, "s", None, None, "< 2", True)
    assert figure("rss", 612.0, "MB", goal="< 600").met is False


def test_without_a_goal_a_figure_is_only_reported() -> None:
    f = figure("304 cycle wall", 1.48, "s")
    assert (f.ratio, f.goal, f.met) == (None, None, None)


def test_figures_survive_the_json_line_including_nan() -> None:
    figures = [figure("a", 14.3, "articles/s", baseline=15.6, goal=">= 0.9"), figure("b", math.nan, "%")]
    line = figures_to_json(figures)
    assert "\n" not in line and "NaN" not in line  # one line of valid JSON
    back = figures_from_json(line)
    assert back[0] == figures[0]
    assert back[1].name == "b" and math.isnan(back[1].value)


def test_a_stage_output_gives_the_figures_of_its_last_json_line() -> None:
    first, last = [figure("old", 1.0, "s")], [figure("p99", 2.39, "s", goal="< 5")]
    stdout = f"machine: x\n{figures_to_json(first)}\nlatency: p50 ...\n{figures_to_json(last)}\n"
    assert parse_figures(stdout) == last
    with pytest.raises(ValueError, match="no JSON line"):
        parse_figures("machine: x\nratio: 0.41\n")


def test_only_selects_stages_in_their_order_and_refuses_unknown_ones() -> None:
    assert selected(None) == ["producer", "processor", "sink", "latency", "stories", "extract", "stories-scale"]
    assert selected("latency, producer") == ["producer", "latency"]
    with pytest.raises(ValueError, match="unknown stage"):
        selected("producer,ingest")


@pytest.mark.parametrize(("x", "text"), [(12192.4, "12,192"), (14.34, "14.3"), (1.476, "1.48"), (0.0312, "0.0312"),
                                         (0.0, "0.00"), (None, "-"), (math.nan, "-")])
def test_numbers_keep_about_three_figures(x: float | None, text: str) -> None:
    assert format_number(x) == text


def test_a_row_shows_where_the_goal_applies() -> None:
    on_ratio = row(figure("sink vs bulk", 5012.0, "docs/s", baseline=12192.0, goal=">= 0.8"))
    assert on_ratio == ("sink vs bulk", "5,012 docs/s", "12,192 docs/s", "0.41", ">= 0.8", "NO")
    on_value = row(figure("p50", 1.47, "s", goal="< 2"))
    assert on_value == ("p50", "1.47 s", "-", "-", "< 2 s", "yes")
    assert row(figure("wall", 1.48, "s"))[4:] == ("-", "-")
    assert row(figure("cv of one interval", math.nan, "%"))[1] == "-"  # not "- %"


def test_the_text_table_is_aligned() -> None:
    text = render_text([figure("sink vs bulk", 5012.0, "docs/s", baseline=12192.0, goal=">= 0.8"),
                        figure("latency p50", 1.47, "s", goal="< 2")])
    lines = text.splitlines()
    assert lines[0].split() == ["figure", "value", "baseline", "ratio", "goal", "met"]
    assert set(lines[1]) == {"-", " "}
    # Right-aligned numbers: every value ends in the same column.
    ends = {line.index(value) + len(value) for line, value in zip(lines[2:], ("5,012 docs/s", "1.47 s"), strict=True)}
    assert len(ends) == 1
    assert lines[2].endswith("NO") and lines[3].endswith("yes")


def test_the_markdown_table_bolds_the_judged_cell_and_says_when_a_goal_is_missed() -> None:
    md = render_markdown([figure("sink vs bulk", 5012.0, "docs/s", baseline=12192.0, goal=">= 0.8"),
                          figure("latency p50", 1.47, "s", goal="< 2"), figure("wall", 1.48, "s")])
    header, align, sink, p50, wall = md.splitlines()
    assert header == "| figure | value | baseline | ratio | goal | met |"
    assert align.count("|") == 7
    assert sink == "| sink vs bulk | 5,012 docs/s | 12,192 docs/s | **0.41** | ≥ 0.8 | **not met** |"
    assert p50 == "| latency p50 | **1.47 s** | - | - | < 2 s | yes |"
    assert wall == "| wall | 1.48 s | - | - | - | - |"
