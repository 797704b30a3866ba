"""The pure rules of the feed state: what one fetch outcome does to a feed's memory and health."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from newsflow.contract.schema import RawArticle
from producers.base import FeedSpec
from producers.outcome import FetchOutcome, Policy, next_state
from producers.state import FeedState, SeenItems, fingerprint, status_of

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
FEED = FeedSpec(url="https://news.example/rss")
POLICY = Policy(min_interval_s=300, max_interval_s=86_400, jitter=0.0, disable_after_s=3 * 86_400)


def article(n: int, *, title: str = "", published: datetime | None = None) -> RawArticle:
    return RawArticle(
        id=f"id-{n}", version=1, url=f"https://news.example/{n}", guid=f"g{n}", feed_url=FEED.url, source="s",
        title=title or f"Story {n}", published=published, fetched_at=NOW,
    )


def fresh_state() -> FeedState:
    return FeedState(feed_id=FEED.id, url=FEED.url)


def step(state: FeedState, outcome: FetchOutcome, emitted: int = 0) -> FeedState:
    return next_state(state, outcome, emitted=emitted, unstable_guids=False, policy=POLICY, rng=random.Random(1))


def failure(at: datetime, **headers: str) -> FetchOutcome:
    return FetchOutcome(feed=FEED, kind="error", at=at, error="feed answered HTTP 500", reason="http-error", headers=headers)


def test_a_success_keeps_the_validators_and_counts_what_was_emitted():
    outcome = FetchOutcome(feed=FEED, kind="ok", at=NOW, headers={"etag": '"x"', "last-modified": "Sat, 28 Nov 2026 11:00:00 GMT"},
                           body_hash="h1", articles=(article(1),))
    state = step(fresh_state(), outcome, emitted=1)
    assert (state.etag, state.last_modified, state.body_hash) == ('"x"', "Sat, 28 Nov 2026 11:00:00 GMT", "h1")
    assert state.last_success_at == state.last_new_item_at == NOW
    assert state.items_last_24h(NOW + timedelta(hours=23)) == 1
    assert state.items_last_24h(NOW + timedelta(hours=25)) == 0
    assert NOW + timedelta(seconds=300) <= state.next_due <= NOW + timedelta(seconds=86_400)


def test_a_304_keeps_the_stored_validators():
    state = fresh_state().model_copy(update={"etag": '"x"', "body_hash": "h1"})
    after = step(state, FetchOutcome(feed=FEED, kind="not-modified", at=NOW))
    assert (after.etag, after.body_hash, after.last_success_at) == ('"x"', "h1", NOW)


def test_failures_back_off_and_a_feed_failing_too_long_is_disabled_with_its_reason():
    state = fresh_state()
    gaps = []
    at = NOW
    for _ in range(4):
        state = step(state, failure(at))
        gaps.append((state.next_due - at).total_seconds())
        at = state.next_due
    assert gaps == sorted(gaps) and gaps[1] > gaps[0], "exponential backoff"
    assert state.consecutive_failures == 4 and state.failing_since == NOW
    assert status_of(state, enabled=True, now=at) == "failing"
    later = step(state, failure(NOW + timedelta(days=4)))
    assert later.disabled_reason.startswith(f"failing since {NOW.isoformat(timespec='seconds')}: feed answered HTTP 500")
    assert status_of(later, enabled=True, now=NOW) == "disabled"
    recovered = step(later, FetchOutcome(feed=FEED, kind="ok", at=NOW + timedelta(days=5)))
    assert recovered.consecutive_failures == 0 and recovered.failing_since is None


def test_retry_after_is_honoured():
    state = step(fresh_state(), failure(NOW, **{"retry-after": "7200"}))
    assert state.next_due >= NOW + timedelta(seconds=7200)


def test_not_a_feed_and_stale_are_told_apart_from_failing():
    not_feed = fresh_state().model_copy(update={"last_fetch_at": NOW, "consecutive_failures": 1, "last_error_reason": "not-a-feed"})
    assert status_of(not_feed, enabled=True, now=NOW) == "not-a-feed"
    quiet = fresh_state().model_copy(update={"last_fetch_at": NOW, "last_success_at": NOW, "last_new_item_at": NOW - timedelta(days=8)})
    assert status_of(quiet, enabled=True, now=NOW) == "stale"
    assert status_of(None, enabled=True, now=NOW) == "new"
    assert status_of(quiet, enabled=False, now=NOW) == "disabled"


def test_the_seen_set_is_bounded_and_keeps_the_most_recent_items():
    seen = SeenItems(feed_id=FEED.id)
    for n in range(5):
        item = article(n)
        seen = seen.merged([(item, fingerprint(item))], limit=3)
    assert list(seen.items) == ["id-2", "id-3", "id-4"]
    again = seen.merged([(article(2), "changed")], limit=3)
    assert list(again.items) == ["id-3", "id-4", "id-2"], "a re-emitted item becomes the most recent"


def test_the_fingerprint_ignores_bookkeeping_but_not_content():
    base = article(1)
    assert fingerprint(base) == fingerprint(base.model_copy(update={"version": 9, "fetched_at": NOW + timedelta(hours=1)}))
    assert fingerprint(base) != fingerprint(base.model_copy(update={"title": "Story 1, updated"}))


def test_only_dates_the_feed_gave_teach_the_posting_frequency():
    given = [article(n, published=NOW - timedelta(hours=n)) for n in range(1, 4)]
    filled = article(9, published=NOW)  # the fetch time, filled in for an undated item
    state = step(fresh_state(), FetchOutcome(feed=FEED, kind="ok", at=NOW, articles=(*given, filled)))
    assert state.item_times == tuple(sorted(a.published for a in given))
