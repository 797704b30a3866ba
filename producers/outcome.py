"""One fetch's outcome, and the pure rule that turns (state, outcome) into the next state.

The fetch itself (network, parsing) happens in worker threads (producers/reader.py); this
module has no I/O, so every scheduling and failure rule is unit-testable with a fixed clock.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from newsflow.contract.schema import RawArticle
from newsflow.redaction import redact_url
from producers.base import FeedSpec
from producers.schedule import (
    Bounds,
    Decision,
    cache_lifetime,
    next_after_failure,
    next_after_success,
    posting_interval,
    retry_after,
    should_disable,
)
from producers.state import ITEM_TIMES_KEPT, FeedState

__all__ = ["FetchOutcome", "Policy", "next_state", "without_credentials"]

OutcomeKind = Literal["ok", "not-modified", "unchanged", "error"]


@dataclass(frozen=True)
class Policy:
    """The scheduling settings that apply to every feed (a feed may narrow the bounds)."""

    min_interval_s: float
    max_interval_s: float
    jitter: float
    disable_after_s: float

    def bounds_for(self, feed: FeedSpec) -> Bounds:
        defaults = Bounds(min_s=self.min_interval_s, max_s=max(self.min_interval_s, self.max_interval_s))
        return defaults.with_overrides(min_s=feed.min_interval_s, max_s=feed.max_interval_s)


@dataclass(frozen=True)
class FetchOutcome:
    """What fetching one feed produced. `articles` are all items of the feed, before dedup."""

    feed: FeedSpec
    kind: OutcomeKind
    at: datetime
    fetch_url: str | None = None  # where the feed now lives, if it moved (permanent redirect, discovery)
    headers: Mapping[str, str] = field(default_factory=dict)
    body_hash: str | None = None
    articles: tuple[RawArticle, ...] = ()
    publisher_interval_s: float | None = None
    hub: str | None = None
    topic: str | None = None  # the WebSub topic: the feed's rel="self" URL, else the fetched URL
    error: str | None = None
    reason: str | None = None
    discovery_tried: bool = False
    duration_s: float = 0.0
    pushed: bool = False  # arrived by WebSub, not fetched


def without_credentials(outcome: FetchOutcome, *urls: str | None) -> FetchOutcome:
    """`outcome` with its error naming the feed's URLs (registry, `fetch_url` and `urls`) as
    `redact_url` shows them: a registry URL may carry credentials, which the fetch needs but no
    error may show. The fetch's own errors never name them (`newsflow.net` redacts); one made of
    a pushed body names the URL the push stands for, as the registry has it."""
    error = outcome.error
    if error:
        for url in (outcome.feed.url, outcome.fetch_url, *urls):
            if url and (shown := redact_url(url)) != url:
                error = error.replace(url, shown)
    return outcome if error == outcome.error else replace(outcome, error=error)


def next_state(
    state: FeedState, outcome: FetchOutcome, *, emitted: int, unstable_guids: bool, policy: Policy,
    rng: random.Random, push_lease_active: bool = False,
) -> FeedState:
    """The state after `outcome`, with the next due time the schedule rules give."""
    if outcome.kind == "error":
        return _after_failure(state, outcome, policy=policy, rng=rng)
    now = outcome.at
    item_times = _recent_item_times(state, outcome)
    decision = _success_decision(outcome, item_times, policy=policy, rng=rng, push_lease_active=push_lease_active)
    validators = {}
    # A 304 repeats nothing, and a hub's push carries no validators of the feed's own server.
    if outcome.kind != "not-modified" and not outcome.pushed:
        validators = {"etag": outcome.headers.get("etag"), "last_modified": outcome.headers.get("last-modified")}
    return state.model_copy(
        update=validators
        | {
            "fetch_url": outcome.fetch_url or state.fetch_url,
            "body_hash": outcome.body_hash or state.body_hash,
            "next_due": decision.due if not outcome.pushed else state.next_due,
            "due_reason": decision.reason if not outcome.pushed else state.due_reason,
            "last_fetch_at": now,
            "last_success_at": now,
            "last_new_item_at": now if emitted else state.last_new_item_at,
            "consecutive_failures": 0,
            "failing_since": None,
            "disabled_reason": None,
            "discovery_tried": state.discovery_tried or outcome.discovery_tried,
            "unstable_guids": state.unstable_guids or unstable_guids,
            "websub_hub": outcome.hub or state.websub_hub,
            "websub_topic": outcome.topic if outcome.hub else state.websub_topic,
            "item_times": item_times,
            "emissions": _recent_emissions(state, now, emitted),
        }
    )


def _success_decision(
    outcome: FetchOutcome, item_times: tuple[datetime, ...], *, policy: Policy, rng: random.Random, push_lease_active: bool
) -> Decision:
    bounds = policy.bounds_for(outcome.feed)
    if push_lease_active:
        # Pushes bring new items; polling stays on as a safety net at the slowest rate.
        return Decision(due=outcome.at + timedelta(seconds=bounds.max_s), reason="websub")
    return next_after_success(
        now=outcome.at,
        bounds=bounds,
        posting_interval_s=posting_interval(item_times, now=outcome.at),
        publisher_interval_s=outcome.publisher_interval_s,
        cache_lifetime_s=cache_lifetime(outcome.headers, now=outcome.at),
        rng=rng,
        jitter=policy.jitter,
    )


def _after_failure(state: FeedState, outcome: FetchOutcome, *, policy: Policy, rng: random.Random) -> FeedState:
    now = outcome.at
    failures = state.consecutive_failures + 1
    failing_since = state.failing_since or now
    decision = next_after_failure(
        now=now,
        bounds=policy.bounds_for(outcome.feed),
        consecutive_failures=failures,
        retry_after_s=retry_after(outcome.headers.get("retry-after"), now=now),
        rng=rng,
        jitter=policy.jitter,
    )
    disabled = state.disabled_reason
    if should_disable(failing_since=failing_since, now=now, disable_after_s=policy.disable_after_s):
        disabled = f"failing since {failing_since.isoformat(timespec='seconds')}: {outcome.error}"
    return state.model_copy(
        update={
            "next_due": decision.due,
            "due_reason": decision.reason,
            "last_fetch_at": now,
            "last_error": outcome.error,
            "last_error_reason": outcome.reason,
            "last_error_at": now,
            "consecutive_failures": failures,
            "failing_since": failing_since,
            "disabled_reason": disabled,
            "discovery_tried": state.discovery_tried or outcome.discovery_tried,
        }
    )


def _recent_item_times(state: FeedState, outcome: FetchOutcome) -> tuple[datetime, ...]:
    # Only dates the feed gave count: a date we filled in with the fetch time says nothing
    # about how often the feed publishes.
    given = {a.published for a in outcome.articles if a.published and a.published != a.fetched_at}
    merged = sorted(set(state.item_times) | given)
    return tuple(merged[-ITEM_TIMES_KEPT:])


def _recent_emissions(state: FeedState, now: datetime, emitted: int) -> tuple[tuple[datetime, int], ...]:
    kept = tuple((at, n) for at, n in state.emissions if now - at <= timedelta(hours=24))
    return kept + ((now, emitted),) if emitted else kept
