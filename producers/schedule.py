"""When to poll a feed next: pure rules, with the time and the randomness passed in.

After a successful fetch (`next_after_success`) the interval is learned from how often the feed
posts (Miniflux's per-feed intervals), never sooner than the publisher asks (RSS `<ttl>`,
`sy:updatePeriod`/`sy:updateFrequency`, `Cache-Control: max-age`, `Expires`), within the
configured bounds, with jitter. After a failed one (`next_after_failure`) it backs off
exponentially, honouring `Retry-After`; a feed failing for long enough is disabled
(`should_disable`, after Media Cloud's failure-weighted backoff and auto-disable).

Both `next_*` functions return a `Decision`: when the feed is due and why (its `reason`), so the
feed status can show it. Nothing here reads a clock or a global random generator.
"""

from __future__ import annotations

import math
import random
import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Literal

__all__ = [
    "DEFAULT_BOUNDS",
    "DEFAULT_INTERVAL_S",
    "Bounds",
    "Decision",
    "Reason",
    "cache_lifetime",
    "next_after_failure",
    "next_after_success",
    "posting_interval",
    "retry_after",
    "should_disable",
]

# "websub" is the caller's: a feed with an active WebSub lease is polled at the maximum, as a safety net.
Reason = Literal["learned", "publisher-ttl", "cache", "default", "backoff", "retry-after", "websub"]

DEFAULT_INTERVAL_S = 3600.0  # a feed with no signal at all: hourly (within the bounds)
POLLS_PER_POST = 2  # a feed is polled about twice per new item it publishes
RECENT_EVENTS = 20  # the publishing events the posting interval is learned from
BURST_WINDOW_S = 60.0  # items published this close together are one publishing event
_MAX_DOUBLINGS = 60  # 2**60 times any sane min_s is past any sane max_s (and no float overflow)


@dataclass(frozen=True)
class Bounds:
    """The shortest and longest interval between two polls of a feed, in seconds."""

    min_s: float
    max_s: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.min_s) and math.isfinite(self.max_s)):
            raise ValueError(f"bounds must be finite, got min_s={self.min_s} max_s={self.max_s}")
        if self.min_s <= 0:
            raise ValueError(f"min_s must be positive, got {self.min_s}")
        if self.min_s > self.max_s:
            raise ValueError(f"min_s ({self.min_s}) must not exceed max_s ({self.max_s})")

    def clamp(self, seconds: float) -> float:
        return min(max(seconds, self.min_s), self.max_s)

    def with_overrides(self, *, min_s: float | None = None, max_s: float | None = None) -> Bounds:
        """These bounds with a feed's own `min_interval_s`/`max_interval_s` (None: keep the default).

        A feed's explicit value wins over a default it contradicts: a feed asking for at most one
        poll every two days keeps that even when the default maximum is one day (the maximum is
        raised to match), and likewise for a maximum below the default minimum. Two explicit
        values that contradict each other are an error.
        """
        new_min = self.min_s if min_s is None else min_s
        new_max = self.max_s if max_s is None else max_s
        if new_min > new_max:
            if min_s is not None and max_s is None:
                new_max = new_min
            elif max_s is not None and min_s is None:
                new_min = new_max
        return Bounds(new_min, new_max)


DEFAULT_BOUNDS = Bounds(min_s=300.0, max_s=86_400.0)  # 5 minutes to 24 hours


@dataclass(frozen=True)
class Decision:
    """When a feed is due next, and why.

    `reason` names the rule that set the interval: "learned" (the feed's posting frequency),
    "publisher-ttl" (its `<ttl>`/`sy:` hint), "cache" (its HTTP cache lifetime), "default" (no
    signal), "backoff" (consecutive failures) or "retry-after" (the server's `Retry-After`).
    `interval_s` is that interval after the bounds and before jitter (None when the caller made
    the decision without one); `due` includes the jitter.
    """

    due: datetime
    reason: Reason
    interval_s: float | None = None


def _utc(moment: datetime) -> datetime:
    """An aware datetime; a naive one is taken as UTC (as feed and HTTP dates are)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _finite_non_negative(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value >= 0


def posting_interval(
    item_times: Iterable[datetime | None],
    *,
    now: datetime,
    recent: int = RECENT_EVENTS,
    burst_window_s: float = BURST_WINDOW_S,
) -> float | None:
    """The typical gap, in seconds, between the feed's recent posts; None with too little to go on.

    `item_times` are the items' publish (or update) times as the feed states them, in any order;
    None, duplicate and future times (later than `now`: a wrong clock or a scheduled post) are
    ignored. None when fewer than two distinct publishing events remain.
    """
    if recent < 2:
        raise ValueError(f"recent must be at least 2, got {recent}")
    now = _utc(now)
    times = sorted({t for t in (_utc(t) for t in item_times if t is not None) if t <= now}, reverse=True)
    # Why a median of the gaps between publishing events, over the most recent ones:
    # - Bursts. A news desk posts five items in ten minutes after a big story, then one an hour:
    #   the mean gap, or the span divided by the item count, is dragged down by the burst; the
    #   median ignores it as long as bursts are under half of the recent gaps.
    # - Batches. A publisher that puts out ten items at once every morning (or a feed whose
    #   items all carry its build time) posts once a day, not every second: items within
    #   `burst_window_s` of the newest item of an event join that event. The window is not
    #   chained (items every 30 s are not one endless event); it is below any sane minimum
    #   poll interval, so a feed that really posts that often is still polled at the minimum.
    # - Recency. Only the `recent` newest events count, so the interval follows a feed that
    #   changes pace; a feed that stopped posting keeps its old interval, which the maximum
    #   bound caps anyway (the default: 24 h).
    events: list[datetime] = []  # the newest item of each publishing event, newest first
    for moment in times:
        if events and (events[-1] - moment).total_seconds() <= burst_window_s:
            continue
        events.append(moment)
        if len(events) == recent:
            break
    if len(events) < 2:
        return None
    return statistics.median((newer - older).total_seconds() for newer, older in zip(events, events[1:], strict=False))


_DIRECTIVE = re.compile(r"""([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*))?""")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value


def _delta_seconds(value: str | None) -> int | None:
    """An HTTP delta-seconds (digits only, optionally quoted), else None."""
    if value is None:
        return None
    value = value.strip().strip('"')
    return int(value) if value.isascii() and value.isdigit() else None


def _http_date(value: str | None) -> datetime | None:
    if not value or not value.strip():
        return None
    try:
        return _utc(parsedate_to_datetime(value.strip()))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def cache_lifetime(headers: Mapping[str, str], *, now: datetime) -> float | None:
    """How long, in seconds, the response stays fresh by its HTTP caching headers; None: no lifetime.

    - `Cache-Control: max-age` wins over `Expires` (RFC 9111 5.3), less the response's `Age`
      (time it already spent in caches on the way).
    - `s-maxage` is ignored: it is for shared caches (CDNs, proxies) and we are one client;
      a CDN is often told to keep a feed for long because the publisher purges it on publish,
      which would keep us away for as long.
    - `Expires` is an HTTP date, taken relative to the response's `Date` when it has a valid
      one (the server's clock, so a clock skew between us cancels out; less the `Age`), else
      relative to `now`. An invalid `Expires` ("0", "-1") gives no lifetime.
    - `no-cache`/`no-store` give None, not 0: they say nothing about how often the feed
      changes, only that a copy must not be reused without asking, which a poll always does.
    A lifetime already past is 0. Header names are matched case-insensitively.
    """
    age = _delta_seconds(_header(headers, "age")) or 0
    directives = {m.group(1).lower(): m.group(2) for m in _DIRECTIVE.finditer(_header(headers, "cache-control") or "")}
    if "no-cache" in directives or "no-store" in directives:
        return None
    max_age = _delta_seconds(directives.get("max-age"))
    if max_age is not None:
        return float(max(0, max_age - age))
    expires = _http_date(_header(headers, "expires"))
    if expires is None:
        return None
    date = _http_date(_header(headers, "date"))
    if date is not None:
        lifetime = (expires - date).total_seconds() - age
    else:
        lifetime = (expires - _utc(now)).total_seconds()
    return max(0.0, lifetime)


_SECONDS = re.compile(r"[+-]?\d+(?:\.\d*)?")


def retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait by a `Retry-After` header: its delay-seconds or HTTP-date form.

    A delay already past (a negative number, a date before `now`) is 0; a missing or
    unreadable value is None.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    if _SECONDS.fullmatch(value):
        seconds = float(value)
        return max(0.0, seconds) if math.isfinite(seconds) else None
    when = _http_date(value)
    if when is None:
        return None
    return max(0.0, (when - _utc(now)).total_seconds())


def _check_jitter(jitter: float) -> None:
    if not (0 <= jitter < 1):
        raise ValueError(f"jitter must be a fraction in [0, 1), got {jitter}")


def _jittered(interval_s: float, *, low_s: float, high_s: float, rng: random.Random, jitter: float) -> float:
    """`interval_s` moved at random by up to ±jitter of itself, uniformly, staying within [low_s, high_s].

    The range is cut at the bounds rather than the result clamped to them: clamping would put
    every feed at the maximum on the very same interval again (a herd), this spreads them below it.
    """
    low = max(low_s, interval_s * (1 - jitter))
    high = min(high_s, interval_s * (1 + jitter))
    if high <= low:
        return low
    return rng.uniform(low, high)


def next_after_success(
    *,
    now: datetime,
    bounds: Bounds,
    posting_interval_s: float | None,
    publisher_interval_s: float | None,
    cache_lifetime_s: float | None,
    rng: random.Random,
    jitter: float,
) -> Decision:
    """When to poll a feed next after a successful fetch (a 304 is one).

    1. The base interval is half the feed's posting interval (`posting_interval`), so it is
       polled about twice per new item ("learned"); with no posting interval, `DEFAULT_INTERVAL_S`
       ("default").
    2. Never sooner than the publisher's `<ttl>`/`sy:` hint ("publisher-ttl") nor than the cache
       lifetime ("cache"): both are the publisher asking us to wait, so the longest of the three
       wins (and names the reason; on a tie the base keeps it). A hint shorter than the base does
       not make us poll more often: it is a floor, not a request.
    3. Clamped to `bounds`: the operator's minimum protects publishers from a feed that seems
       to post every second, the maximum keeps every feed looked at (over a week-long `<ttl>`).
    4. Jitter: uniformly within ±`jitter` of that interval, and still within `bounds`, so feeds
       found at the same moment do not stay in step.
    Missing, negative or non-finite signals are ignored.
    """
    _check_jitter(jitter)
    if posting_interval_s is not None and math.isfinite(posting_interval_s) and posting_interval_s > 0:
        base, reason = posting_interval_s / POLLS_PER_POST, "learned"
    else:
        base, reason = DEFAULT_INTERVAL_S, "default"
    for hint, why in ((publisher_interval_s, "publisher-ttl"), (cache_lifetime_s, "cache")):
        if _finite_non_negative(hint) and hint > base:
            base, reason = hint, why
    interval = bounds.clamp(base)
    seconds = _jittered(interval, low_s=bounds.min_s, high_s=bounds.max_s, rng=rng, jitter=jitter)
    return Decision(due=now + timedelta(seconds=seconds), reason=reason, interval_s=interval)


def next_after_failure(
    *,
    now: datetime,
    bounds: Bounds,
    consecutive_failures: int,
    retry_after_s: float | None,
    rng: random.Random,
    jitter: float,
) -> Decision:
    """When to try a failing feed again; `consecutive_failures` counts the one just seen (>= 1).

    1. Exponential backoff ("backoff"): `bounds.min_s` after the first failure, doubling with each
       further consecutive one, capped at `bounds.max_s`.
    2. A `Retry-After` (429/503) longer than that wins ("retry-after"), and the jitter never
       brings the retry before it. It is capped at `bounds.max_s` too: the maximum is the
       operator's promise that every feed is looked at that often, and a server asking for a
       month (by mistake, or to be dropped silently) would otherwise stop the feed with no
       visible reason; a server that keeps refusing makes the feed fail until `should_disable`,
       which records why.
    3. Jitter as after a success (±`jitter`, within the bounds), so feeds that failed together
       (one host down) do not all come back at the same second.
    """
    _check_jitter(jitter)
    if consecutive_failures < 1:
        raise ValueError(f"consecutive_failures counts the failure just seen: at least 1, got {consecutive_failures}")
    interval = min(bounds.min_s * 2.0 ** min(consecutive_failures - 1, _MAX_DOUBLINGS), bounds.max_s)
    reason: Reason = "backoff"
    not_before = bounds.min_s
    if _finite_non_negative(retry_after_s):
        not_before = max(not_before, min(retry_after_s, bounds.max_s))
        if retry_after_s > interval:
            interval, reason = not_before, "retry-after"
    seconds = _jittered(interval, low_s=not_before, high_s=bounds.max_s, rng=rng, jitter=jitter)
    return Decision(due=now + timedelta(seconds=seconds), reason=reason, interval_s=interval)


def should_disable(*, failing_since: datetime | None, now: datetime, disable_after_s: float) -> bool:
    """Whether a feed failing without a success since `failing_since` has failed long enough to be disabled.

    `failing_since` is the time of the first failure after the last success (None: not failing).
    """
    if not (disable_after_s >= 0):
        raise ValueError(f"disable_after_s must be non-negative, got {disable_after_s}")
    if failing_since is None:
        return False
    return (_utc(now) - _utc(failing_since)).total_seconds() >= disable_after_s
