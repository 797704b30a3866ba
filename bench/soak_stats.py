"""The arithmetic of the soak run (bench/soak.py): samples into one row per interval, RSS growth
after warm-up, and the mean and coefficient of variation of throughput. Pure, no I/O."""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Row", "Sample", "mean_cv", "rows", "rss_growth_pct", "render_rows"]


@dataclass(frozen=True)
class Sample:
    """One look at the pipeline, `t` seconds after the start: each process's RSS (MB) and the
    records indexed so far (the sink group's committed offsets)."""

    t: float
    rss: Mapping[str, float]
    indexed: int


@dataclass(frozen=True)
class Row:
    """One interval, from `start` to `end` seconds: RSS at its end, records indexed per second
    during it; `warmup` when it began before the warm-up was over."""

    start: float
    end: float
    rss: Mapping[str, float]
    rate: float
    warmup: bool


def rows(samples: Sequence[Sample], interval: float, warmup: float) -> list[Row]:
    """One row per `interval` seconds: each row closes at the first sample at or past its
    boundary; the rate is over the time actually elapsed between the two samples. A last,
    partial row is kept when it spans at least half an interval."""
    out: list[Row] = []
    if not samples:
        return out
    previous, boundary = samples[0], samples[0].t + interval
    for here in samples[1:]:
        if here.t < boundary and not (here is samples[-1] and here.t - previous.t >= interval / 2):
            continue
        rate = (here.indexed - previous.indexed) / (here.t - previous.t)
        out.append(Row(previous.t, here.t, dict(here.rss), rate, warmup=previous.t < warmup))
        previous = here
        while boundary <= here.t:
            boundary += interval
    return out


def rss_growth_pct(samples: Sequence[Sample], name: str, warmup: float, window: float) -> float:
    """Growth of one process's RSS after warm-up, in %: the median over the last `window` seconds
    against the median over the first `window` seconds after warm-up (medians, so that one
    sample caught mid-batch does not decide). The windows shrink to half the span if it is short."""
    after = [s for s in samples if s.t >= warmup and not math.isnan(s.rss.get(name, math.nan))]
    if len(after) < 2:
        return math.nan
    start, end = after[0].t, after[-1].t
    window = min(window, (end - start) / 2)
    first = [s.rss[name] for s in after if s.t <= start + window]
    last = [s.rss[name] for s in after if s.t >= end - window]
    base = statistics.median(first)
    return (statistics.median(last) / base - 1) * 100 if base else math.nan


def mean_cv(values: Sequence[float]) -> tuple[float, float]:
    """Mean and coefficient of variation (sample standard deviation / mean) of `values`."""
    values = [v for v in values if not math.isnan(v)]
    if not values:
        return math.nan, math.nan
    mean = statistics.fmean(values)
    if len(values) < 2 or mean == 0:
        return mean, math.nan
    return mean, statistics.stdev(values) / mean


def render_rows(table: Sequence[Row], names: Sequence[str]) -> str:
    """The compact table: time, RSS of each process, indexed/s; warm-up rows marked."""
    header = ["until", *(f"{n} RSS MB" for n in names), "indexed/s", ""]
    body = [
        [f"{int(r.end // 60)}:{int(r.end % 60):02d}", *(f"{r.rss.get(n, math.nan):.0f}" for n in names), f"{r.rate:.2f}",
         "warm-up" if r.warmup else ""]
        for r in table
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in [header, *body])
