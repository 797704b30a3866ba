"""The one table of `python -m bench.run`: figures, baselines, ratios and goals, as aligned text
or as Markdown for bench/README.md. Pure formatting, no I/O."""

from __future__ import annotations

import math
from collections.abc import Sequence

from bench.common import Figure

__all__ = ["COLUMNS", "format_number", "render_markdown", "render_text", "row"]

COLUMNS = ("figure", "value", "baseline", "ratio", "goal", "met")
NONE = "-"


def format_number(x: float | None) -> str:
    """Three significant figures or so, thousands separated: 12,192 / 14.3 / 1.48 / 0.0312."""
    if x is None or math.isnan(x):
        return NONE
    size = abs(x)
    if size >= 100:
        return f"{x:,.0f}"
    if size >= 10:
        return f"{x:.1f}"
    if size >= 0.1 or size == 0:
        return f"{x:.2f}"
    return f"{x:.3g}"


def _goal(f: Figure) -> str:
    # A goal on the value carries the value's unit; a goal on the ratio has none.
    if f.goal is None:
        return NONE
    return f.goal if f.ratio is not None else f"{f.goal} {f.unit}"


def _met(met: bool | None) -> str:
    return NONE if met is None else ("yes" if met else "NO")


def _with_unit(x: float | None, unit: str) -> str:
    text = format_number(x)
    return text if text == NONE else f"{text} {unit}"


def row(f: Figure) -> tuple[str, ...]:
    """One figure as the cells of COLUMNS."""
    return (
        f.name,
        _with_unit(f.value, f.unit),
        _with_unit(f.baseline, f.unit),
        NONE if f.ratio is None else f"{f.ratio:.2f}",
        _goal(f),
        _met(f.met),
    )


def render_text(figures: Sequence[Figure]) -> str:
    """An aligned plain-text table: text left, numbers right."""
    rows = [COLUMNS, *(row(f) for f in figures)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join((first, *rest)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(rows[0]), rule, *(line(r) for r in rows[1:])])


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace(">=", "≥").replace("<=", "≤")


def render_markdown(figures: Sequence[Figure]) -> str:
    """A Markdown table for bench/README.md; a goal met or missed is in bold, a missed one says so."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|---|" + "---:|" * 3 + "---|---|"]
    for f in figures:
        cells = list(row(f))
        if f.met is not None:
            judged = 3 if f.ratio is not None else 1  # the cell the goal is on
            cells[judged] = f"**{cells[judged]}**"
            cells[5] = "yes" if f.met else "**not met**"
        lines.append("| " + " | ".join(_markdown_cell(c) for c in cells) + " |")
    return "\n".join(lines)
