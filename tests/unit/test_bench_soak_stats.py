"""The soak run's arithmetic: rows per interval, RSS growth after warm-up, throughput mean and
coefficient of variation. Pure logic, no services."""

from __future__ import annotations

import math

import pytest

from bench.soak_stats import Sample, mean_cv, render_rows, rows, rss_growth_pct


def steady(seconds: int, every: float = 5.0, rate: float = 4.0, rss=lambda t: 400.0) -> list[Sample]:
    """Samples every `every` s of a pipeline indexing `rate` records/s, RSS given by `rss(t)`."""
    return [Sample(t, {"process": rss(t), "sink": 100.0}, int(rate * t))
            for t in (n * every for n in range(int(seconds / every) + 1))]


def test_one_row_per_interval_with_the_rate_over_the_elapsed_time() -> None:
    table = rows(steady(180), interval=60, warmup=60)
    assert [r.end for r in table] == [60, 120, 180]
    assert [r.rate for r in table] == [4.0, 4.0, 4.0]
    assert [r.warmup for r in table] == [True, False, False]


def test_a_late_sample_closes_its_row_and_the_rate_uses_the_real_time() -> None:
    # Sampling stalled: nothing between 50 s and 70 s; 100 records in the 20 s gap.
    samples = [Sample(0, {}, 0), Sample(50, {}, 50), Sample(70, {}, 150), Sample(120, {}, 200)]
    table = rows(samples, interval=60, warmup=0)
    assert [(r.start, r.end) for r in table] == [(0, 70), (70, 120)]
    assert table[0].rate == pytest.approx(150 / 70)
    assert table[1].rate == pytest.approx(50 / 50)


def test_a_short_last_row_is_dropped_a_long_one_kept() -> None:
    assert [r.end for r in rows(steady(130), interval=60, warmup=0)] == [60, 120]  # 10 s left over: dropped
    assert [r.end for r in rows(steady(160), interval=60, warmup=0)] == [60, 120, 160]  # 40 s: kept


def test_no_samples_no_rows() -> None:
    assert rows([], interval=60, warmup=0) == []


def test_growth_compares_the_last_window_with_the_first_after_warmup() -> None:
    # Growing 0.1 MB/s from 400 MB, but only after warm-up counts: 5 minutes of samples.
    samples = steady(300, rss=lambda t: 400.0 + 0.1 * max(0.0, t - 60))
    growth = rss_growth_pct(samples, "process", warmup=60, window=60)
    # First window 60..120 s: median 403 MB; last window 240..300 s: median 421 MB.
    assert growth == pytest.approx((421 / 403 - 1) * 100)


def test_warmup_growth_does_not_count() -> None:
    # Loads its model in the first minute (100 -> 400 MB), flat after.
    samples = steady(300, rss=lambda t: 100.0 + 5 * t if t < 60 else 400.0)
    assert rss_growth_pct(samples, "process", warmup=60, window=60) == 0.0
    assert rss_growth_pct(samples, "process", warmup=0, window=60) == pytest.approx(60.0)  # median 250 -> 400 MB


def test_one_odd_sample_does_not_decide_growth() -> None:
    samples = steady(300, rss=lambda t: 900.0 if t == 300 else 400.0)  # a spike on the very last sample
    assert rss_growth_pct(samples, "process", warmup=60, window=60) == 0.0


def test_growth_windows_shrink_on_a_short_run_and_gone_processes_are_skipped() -> None:
    samples = steady(120, rss=lambda t: 400.0 if t < 90 else (440.0 if t < 120 else math.nan))
    # After warm-up: 60..115 s (the NaN at 120 s is a process gone); windows of 27.5 s each.
    assert rss_growth_pct(samples, "process", warmup=60, window=60) == pytest.approx(10.0)
    assert math.isnan(rss_growth_pct(samples[:13], "process", warmup=60, window=60))  # one sample after warm-up


def test_mean_and_coefficient_of_variation() -> None:
    mean, cv = mean_cv([4.0, 6.0, 5.0, 5.0])
    assert mean == 5.0
    assert cv == pytest.approx(math.sqrt(2 / 3) / 5)
    assert mean_cv([5.0, 5.0]) == (5.0, 0.0)
    assert mean_cv([5.0])[0] == 5.0 and math.isnan(mean_cv([5.0])[1])
    assert all(math.isnan(x) for x in mean_cv([]))


def test_the_rows_table_has_one_line_per_row_with_warmup_marked() -> None:
    text = render_rows(rows(steady(180), interval=60, warmup=60), ["process", "sink"])
    header, *body = text.splitlines()
    assert header.split() == ["until", "process", "RSS", "MB", "sink", "RSS", "MB", "indexed/s"]
    assert [line.split() for line in body] == [["1:00", "400", "100", "4.00", "warm-up"], ["2:00", "400", "100", "4.00"],
                                               ["3:00", "400", "100", "4.00"]]


def test_the_shortened_state_windows_reach_the_processor_settings(monkeypatch):
    from datetime import timedelta

    from bench.soak import state_window_env
    from newsflow.settings import load_settings

    assert state_window_env(0) == {}
    for name, value in state_window_env(3).items():
        monkeypatch.setenv(name, value)
    processor = load_settings().processor
    assert timedelta(days=processor.duplicates.window_days) == pytest.approx(timedelta(minutes=3), abs=timedelta(seconds=1))
    assert timedelta(hours=processor.stories.window_hours) == pytest.approx(timedelta(minutes=3), abs=timedelta(seconds=1))
