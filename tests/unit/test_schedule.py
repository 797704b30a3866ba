"""When a feed is polled next: learned intervals, publisher and HTTP hints, backoff, disabling (pure logic)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from producers.schedule import (
    DEFAULT_BOUNDS,
    Bounds,
    Decision,
    cache_lifetime,
    next_after_failure,
    next_after_success,
    posting_interval,
    retry_after,
    should_disable,
)

NOW = datetime(2025, 3, 14, 12, 0, 0, tzinfo=UTC)
HOUR = 3600.0
DAY = 86_400.0
BOUNDS = Bounds(min_s=300.0, max_s=DAY)


def ago(seconds: float) -> datetime:
    return NOW - timedelta(seconds=seconds)


def success(**overrides) -> Decision:
    args = dict(
        now=NOW,
        bounds=BOUNDS,
        posting_interval_s=None,
        publisher_interval_s=None,
        cache_lifetime_s=None,
        rng=random.Random(7),
        jitter=0.0,
    )
    return next_after_success(**(args | overrides))


def failure(**overrides) -> Decision:
    args = dict(now=NOW, bounds=BOUNDS, consecutive_failures=1, retry_after_s=None, rng=random.Random(7), jitter=0.0)
    return next_after_failure(**(args | overrides))


def wait_s(decision: Decision) -> float:
    return (decision.due - NOW).total_seconds()


# --- Bounds -------------------------------------------------------------------------------------


def test_the_default_bounds_are_five_minutes_to_a_day():
    assert DEFAULT_BOUNDS == Bounds(300.0, 86_400.0)


@pytest.mark.parametrize(("low", "high"), [(600.0, 300.0), (0.0, 300.0), (-1.0, 300.0), (300.0, float("inf"))])
def test_bounds_refuse_an_empty_or_unbounded_range(low, high):
    with pytest.raises(ValueError):
        Bounds(low, high)


def test_bounds_may_be_a_single_interval():
    assert Bounds(600.0, 600.0).clamp(1.0) == 600.0


def test_a_feed_override_beats_the_default_it_contradicts():
    assert BOUNDS.with_overrides(min_s=2 * DAY) == Bounds(2 * DAY, 2 * DAY)
    assert BOUNDS.with_overrides(max_s=60.0) == Bounds(60.0, 60.0)
    assert BOUNDS.with_overrides(min_s=900.0) == Bounds(900.0, DAY)
    assert BOUNDS.with_overrides() == BOUNDS
    with pytest.raises(ValueError):
        BOUNDS.with_overrides(min_s=DAY, max_s=HOUR)


# --- posting_interval ---------------------------------------------------------------------------


def test_a_regular_feed_posts_at_its_period():
    times = [ago(i * HOUR + 120) for i in range(10)]
    assert posting_interval(times, now=NOW) == HOUR


def test_the_order_of_items_does_not_matter():
    times = [ago(i * HOUR) for i in (3, 0, 7, 1, 5, 2, 6, 4)]
    assert posting_interval(times, now=NOW) == HOUR


def test_a_burst_of_breaking_news_does_not_change_the_interval():
    hourly = [ago(i * HOUR) for i in range(1, 13)]
    burst = [ago(30 * 60 + i * 150) for i in range(5)]  # five items 2.5 minutes apart, between two hourly posts
    assert posting_interval(hourly + burst, now=NOW) == HOUR


def test_a_daily_batch_of_items_published_together_is_one_post_a_day():
    batches = [ago(d * DAY + s) for d in range(3) for s in range(0, 10)]  # ten items within ten seconds, daily
    assert posting_interval(batches, now=NOW) == DAY


def test_a_feed_posting_every_few_seconds_is_not_one_endless_burst():
    times = [ago(i * 30) for i in range(40)]
    interval = posting_interval(times, now=NOW)
    assert interval is not None and interval <= 90  # then polled at the minimum bound


def test_duplicate_times_are_one_item_and_a_single_time_is_too_little():
    same = [ago(HOUR)] * 15  # every item stamped with the feed's build time
    assert posting_interval(same, now=NOW) is None
    assert posting_interval([ago(HOUR), ago(HOUR), ago(3 * HOUR)], now=NOW) == 2 * HOUR


def test_fewer_than_two_items_give_no_interval():
    assert posting_interval([], now=NOW) is None
    assert posting_interval([ago(HOUR)], now=NOW) is None
    assert posting_interval([None, None], now=NOW) is None


def test_future_and_missing_times_are_ignored():
    times = [ago(0), ago(2 * HOUR), ago(4 * HOUR), NOW + timedelta(days=30), None, NOW + timedelta(seconds=1)]
    assert posting_interval(times, now=NOW) == 2 * HOUR


def test_only_the_recent_posts_count():
    old_daily = [ago(10 * DAY + d * DAY) for d in range(30)]
    recent_hourly = [ago(h * HOUR) for h in range(25)]
    assert posting_interval(old_daily + recent_hourly, now=NOW) == HOUR
    assert posting_interval(old_daily + recent_hourly[:3], now=NOW) == DAY
    assert posting_interval(old_daily + recent_hourly[:3], now=NOW, recent=4) == HOUR


def test_naive_times_are_taken_as_utc():
    naive = [t.replace(tzinfo=None) for t in (ago(0), ago(HOUR), ago(2 * HOUR))]
    assert posting_interval(naive, now=NOW) == HOUR
    assert posting_interval([ago(0), ago(HOUR)], now=NOW.replace(tzinfo=None)) == HOUR


# --- cache_lifetime -----------------------------------------------------------------------------


def test_max_age_is_the_lifetime():
    assert cache_lifetime({"cache-control": "public, max-age=600"}, now=NOW) == 600.0


def test_header_names_are_case_insensitive():
    assert cache_lifetime({"Cache-Control": "Max-Age=600"}, now=NOW) == 600.0
    assert cache_lifetime({"EXPIRES": "Fri, 14 Mar 2025 13:00:00 GMT"}, now=NOW) == HOUR


def test_the_age_already_spent_in_caches_is_taken_off():
    assert cache_lifetime({"cache-control": "max-age=600", "age": "250"}, now=NOW) == 350.0
    assert cache_lifetime({"cache-control": "max-age=600", "age": "9000"}, now=NOW) == 0.0


def test_max_age_wins_over_expires():
    headers = {"cache-control": "max-age=60", "expires": "Fri, 14 Mar 2025 18:00:00 GMT"}
    assert cache_lifetime(headers, now=NOW) == 60.0


def test_s_maxage_is_for_shared_caches_not_for_us():
    assert cache_lifetime({"cache-control": "public, s-maxage=86400"}, now=NOW) is None
    assert cache_lifetime({"cache-control": "s-maxage=86400, max-age=120"}, now=NOW) == 120.0


@pytest.mark.parametrize(
    "value", ["no-cache", "no-store", "max-age=600, no-cache", "no-store, max-age=600", 'no-cache="set-cookie"']
)
def test_no_cache_and_no_store_give_no_lifetime_not_zero(value):
    assert cache_lifetime({"cache-control": value, "expires": "Fri, 14 Mar 2025 18:00:00 GMT"}, now=NOW) is None


def test_a_quoted_value_with_a_comma_is_one_directive():
    assert cache_lifetime({"cache-control": 'private="set-cookie, x-id", max-age=90'}, now=NOW) == 90.0


def test_an_invalid_max_age_falls_back_to_expires():
    headers = {"cache-control": "max-age=soon", "expires": "Fri, 14 Mar 2025 12:30:00 GMT"}
    assert cache_lifetime(headers, now=NOW) == 1800.0
    assert cache_lifetime({"cache-control": "max-age=-5"}, now=NOW) is None


def test_expires_is_relative_to_the_server_date_when_there_is_one():
    # The server's clock is two hours behind ours: its one-hour lifetime is still one hour.
    headers = {"date": "Fri, 14 Mar 2025 10:00:00 GMT", "expires": "Fri, 14 Mar 2025 11:00:00 GMT"}
    assert cache_lifetime(headers, now=NOW) == HOUR
    assert cache_lifetime(headers | {"age": "600"}, now=NOW) == HOUR - 600


def test_expires_is_relative_to_now_without_a_valid_date():
    assert cache_lifetime({"expires": "Fri, 14 Mar 2025 12:10:00 GMT"}, now=NOW) == 600.0
    assert cache_lifetime({"expires": "Fri, 14 Mar 2025 12:10:00 GMT", "date": "yesterday"}, now=NOW) == 600.0


def test_expires_in_other_http_date_formats():
    assert cache_lifetime({"expires": "Friday, 14-Mar-25 12:10:00 GMT"}, now=NOW) == 600.0  # RFC 850
    assert cache_lifetime({"expires": "Fri Mar 14 12:10:00 2025"}, now=NOW) == 600.0  # asctime


def test_an_expires_in_the_past_is_zero():
    assert cache_lifetime({"expires": "Thu, 01 Jan 1970 00:00:00 GMT"}, now=NOW) == 0.0


@pytest.mark.parametrize("value", ["0", "-1", "never", ""])
def test_an_invalid_expires_gives_no_lifetime(value):
    assert cache_lifetime({"expires": value}, now=NOW) is None


def test_no_caching_headers_give_no_lifetime():
    assert cache_lifetime({}, now=NOW) is None
    assert cache_lifetime({"cache-control": "public, must-revalidate"}, now=NOW) is None


# --- retry_after --------------------------------------------------------------------------------


def test_retry_after_in_seconds():
    assert retry_after("120", now=NOW) == 120.0
    assert retry_after(" 0 ", now=NOW) == 0.0


def test_retry_after_as_an_http_date():
    assert retry_after("Fri, 14 Mar 2025 12:05:00 GMT", now=NOW) == 300.0


def test_a_retry_after_already_past_is_zero():
    assert retry_after("-30", now=NOW) == 0.0
    assert retry_after("Fri, 14 Mar 2025 11:00:00 GMT", now=NOW) == 0.0


@pytest.mark.parametrize("value", [None, "", "   ", "soon", "1e400x", "12 seconds", "NaN", "inf"])
def test_an_unreadable_retry_after_is_none(value):
    assert retry_after(value, now=NOW) is None


# --- next_after_success -------------------------------------------------------------------------


def test_a_feed_is_polled_twice_per_post():
    decision = success(posting_interval_s=4 * HOUR)
    assert (decision.reason, decision.interval_s, wait_s(decision)) == ("learned", 2 * HOUR, 2 * HOUR)


def test_with_no_signal_the_default_is_hourly_within_the_bounds():
    assert (success().reason, wait_s(success())) == ("default", HOUR)
    assert wait_s(success(bounds=Bounds(2 * HOUR, DAY))) == 2 * HOUR
    assert wait_s(success(bounds=Bounds(60.0, 1800.0))) == 1800.0


def test_the_publisher_ttl_is_a_floor_not_a_request():
    longer = success(posting_interval_s=HOUR, publisher_interval_s=3 * HOUR)
    assert (longer.reason, wait_s(longer)) == ("publisher-ttl", 3 * HOUR)
    shorter = success(posting_interval_s=4 * HOUR, publisher_interval_s=HOUR)
    assert (shorter.reason, wait_s(shorter)) == ("learned", 2 * HOUR)
    no_history = success(publisher_interval_s=600.0)
    assert (no_history.reason, wait_s(no_history)) == ("default", HOUR)


def test_the_cache_lifetime_is_a_floor_too():
    decision = success(posting_interval_s=HOUR, cache_lifetime_s=2 * HOUR)
    assert (decision.reason, wait_s(decision)) == ("cache", 2 * HOUR)
    both = success(posting_interval_s=HOUR, publisher_interval_s=3 * HOUR, cache_lifetime_s=2 * HOUR)
    assert (both.reason, wait_s(both)) == ("publisher-ttl", 3 * HOUR)
    assert success(posting_interval_s=4 * HOUR, cache_lifetime_s=0.0).reason == "learned"


def test_a_feed_posting_every_minute_is_polled_at_the_minimum():
    decision = success(posting_interval_s=60.0)
    assert (decision.reason, decision.interval_s, wait_s(decision)) == ("learned", 300.0, 300.0)


def test_a_week_long_ttl_is_capped_at_the_maximum():
    decision = success(publisher_interval_s=7 * DAY)
    assert (decision.reason, wait_s(decision)) == ("publisher-ttl", DAY)


@pytest.mark.parametrize("bad", [0.0, -HOUR, float("nan"), float("inf")])
def test_unusable_signals_are_ignored(bad):
    assert success(posting_interval_s=bad).reason == "default"
    assert success(posting_interval_s=HOUR, publisher_interval_s=bad, cache_lifetime_s=bad).reason == "learned"


def test_jitter_stays_within_the_fraction_and_spreads():
    rng = random.Random(1234)
    waits = [wait_s(success(posting_interval_s=4 * HOUR, jitter=0.1, rng=rng)) for _ in range(500)]
    assert all(0.9 * 2 * HOUR <= w <= 1.1 * 2 * HOUR for w in waits)
    assert min(waits) < 0.92 * 2 * HOUR and max(waits) > 1.08 * 2 * HOUR


def test_jitter_stays_within_the_bounds_and_still_spreads_at_them():
    rng = random.Random(99)
    at_max = [wait_s(success(publisher_interval_s=7 * DAY, jitter=0.2, rng=rng)) for _ in range(300)]
    assert all(0.8 * DAY <= w <= DAY for w in at_max)
    assert len(set(at_max)) > 250, "feeds held at the maximum must not all be due together"
    at_min = [wait_s(success(posting_interval_s=60.0, jitter=0.2, rng=rng)) for _ in range(300)]
    assert all(300.0 <= w <= 360.0 for w in at_min)


def test_the_same_seed_gives_the_same_schedule():
    first = [success(posting_interval_s=HOUR, jitter=0.1, rng=random.Random(5)).due for _ in range(3)]
    assert len(set(first)) == 1


@pytest.mark.parametrize("jitter", [-0.1, 1.0, 2.0])
def test_a_jitter_that_is_not_a_fraction_is_refused(jitter):
    with pytest.raises(ValueError):
        success(jitter=jitter)
    with pytest.raises(ValueError):
        failure(jitter=jitter)


def test_the_due_time_keeps_the_timezone_of_now():
    assert success(now=NOW.replace(tzinfo=None)).due == datetime(2025, 3, 14, 13, 0, 0)


# --- next_after_failure -------------------------------------------------------------------------


def test_backoff_doubles_from_the_minimum_and_stops_at_the_maximum():
    waits = [wait_s(failure(consecutive_failures=n)) for n in range(1, 11)]
    assert waits == [300.0, 600.0, 1200.0, 2400.0, 4800.0, 9600.0, 19200.0, 38400.0, 76800.0, DAY]
    assert {failure(consecutive_failures=n).reason for n in range(1, 11)} == {"backoff"}


def test_backoff_after_very_many_failures_stays_at_the_maximum():
    assert wait_s(failure(consecutive_failures=10_000)) == DAY


def test_a_failure_count_below_one_is_refused():
    with pytest.raises(ValueError):
        failure(consecutive_failures=0)


def test_a_longer_retry_after_wins_over_the_backoff():
    decision = failure(consecutive_failures=1, retry_after_s=HOUR)
    assert (decision.reason, wait_s(decision)) == ("retry-after", HOUR)


def test_a_shorter_retry_after_does_not_shorten_the_backoff():
    decision = failure(consecutive_failures=4, retry_after_s=60.0)
    assert (decision.reason, wait_s(decision)) == ("backoff", 2400.0)


def test_retry_after_is_capped_at_the_maximum():
    decision = failure(retry_after_s=30 * DAY, jitter=0.1)
    assert (decision.reason, wait_s(decision)) == ("retry-after", DAY)


def test_jitter_never_retries_before_retry_after():
    rng = random.Random(3)
    # Retry-After just under the backoff: the backoff is jittered, but never below what the server asked.
    waits = [wait_s(failure(consecutive_failures=4, retry_after_s=2300.0, jitter=0.2, rng=rng)) for _ in range(300)]
    assert all(2300.0 <= w <= 1.2 * 2400.0 for w in waits)
    asked = [wait_s(failure(retry_after_s=HOUR, jitter=0.2, rng=rng)) for _ in range(300)]
    assert all(HOUR <= w <= 1.2 * HOUR for w in asked)
    assert max(asked) > 1.1 * HOUR


def test_backoff_jitter_stays_within_the_fraction_and_the_bounds():
    rng = random.Random(11)
    first = [wait_s(failure(consecutive_failures=1, jitter=0.25, rng=rng)) for _ in range(300)]
    assert all(300.0 <= w <= 375.0 for w in first)
    third = [wait_s(failure(consecutive_failures=3, jitter=0.25, rng=rng)) for _ in range(300)]
    assert all(900.0 <= w <= 1500.0 for w in third)
    capped = [wait_s(failure(consecutive_failures=20, jitter=0.25, rng=rng)) for _ in range(300)]
    assert all(0.75 * DAY <= w <= DAY for w in capped)


# --- should_disable -----------------------------------------------------------------------------


def test_a_feed_that_is_not_failing_is_never_disabled():
    assert not should_disable(failing_since=None, now=NOW, disable_after_s=1.0)


def test_a_feed_is_disabled_once_it_has_failed_long_enough():
    week = 7 * DAY
    assert not should_disable(failing_since=ago(week - 1), now=NOW, disable_after_s=week)
    assert should_disable(failing_since=ago(week), now=NOW, disable_after_s=week)
    assert should_disable(failing_since=ago(30 * DAY), now=NOW, disable_after_s=week)


def test_disable_accepts_naive_times_as_utc():
    assert should_disable(failing_since=ago(DAY).replace(tzinfo=None), now=NOW, disable_after_s=DAY)


def test_a_negative_disable_threshold_is_refused():
    with pytest.raises(ValueError):
        should_disable(failing_since=None, now=NOW, disable_after_s=-1.0)
