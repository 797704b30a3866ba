"""Feed health: one event per fetch outcome on the feed-health topic, metrics, and the status table.

The events are for history (a dashboard of fetch outcomes over time); the compacted state topic
is the present, and `newsflow feeds status` reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kafka import KafkaConsumer, TopicPartition

from newsflow.contract.schema import FeedHealthEvent, FeedStatus
from newsflow.redaction import redact_url
from newsflow.runtime.kafka import client_config
from newsflow.runtime.metrics import FEED_FETCH_SECONDS, FEEDS, FETCHES
from newsflow.settings import Settings
from producers.base import FeedSpec
from producers.outcome import FetchOutcome
from producers.ownership import ENABLE_SUFFIX, SEEN_SUFFIX
from producers.state import FeedState, status_of

__all__ = ["StatusRow", "health_event", "observe", "read_states", "status_rows"]


def health_event(outcome: FetchOutcome, state: FeedState, *, emitted: int) -> FeedHealthEvent:
    """The event of one outcome; its URL without credentials (the topic is indexed), as its error."""
    return FeedHealthEvent(
        feed_id=state.feed_id, url=redact_url(outcome.feed.url), name=outcome.feed.name, at=outcome.at, outcome=outcome.kind,
        status=status_of(state, enabled=outcome.feed.enabled, now=outcome.at), reason=outcome.reason,
        error=outcome.error, items=len(outcome.articles), emitted=emitted, duration_ms=int(outcome.duration_s * 1000),
        next_due=state.next_due, pushed=outcome.pushed,
    )


def observe(event: FeedHealthEvent) -> None:
    FETCHES.labels(event.reason or event.outcome).inc()
    FEED_FETCH_SECONDS.observe(event.duration_ms / 1000)


def count_statuses(statuses: Sequence[FeedStatus]) -> None:
    for state in ("new", "ok", "stale", "failing", "disabled", "not-a-feed"):
        FEEDS.labels(state).set(sum(1 for s in statuses if s == state))


@dataclass(frozen=True)
class StatusRow:
    name: str
    url: str
    status: FeedStatus
    last_success: datetime | None
    last_error: str | None
    items_24h: int
    next_fetch: datetime | None


def status_rows(feeds: Sequence[FeedSpec], states: dict[str, FeedState], *, now: datetime) -> list[StatusRow]:
    rows = []
    for feed in feeds:
        state = states.get(feed.id)
        error = None
        if state and (state.consecutive_failures or state.disabled_reason):
            error = state.disabled_reason or state.last_error
        url = state.fetch_url if state and state.fetch_url else feed.url
        rows.append(StatusRow(
            name=feed.name or redact_url(feed.url), url=redact_url(url),
            status=status_of(state, enabled=feed.enabled, now=now),
            last_success=state.last_success_at if state else None, last_error=error,
            items_24h=state.items_last_24h(now) if state else 0,
            next_fetch=state.next_due if state and feed.enabled and not state.disabled_reason else None,
        ))
    return rows


def read_states(settings: Settings, timeout_s: float = 30.0) -> dict[str, FeedState]:
    """The latest state of every feed, read from the compacted topic start to end."""
    topic = settings.kafka.topics.feed_state
    consumer = KafkaConsumer(**client_config(settings.kafka), enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        if not partitions:
            return {}
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        states: dict[str, FeedState] = {}
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            for records in consumer.poll(timeout_ms=int(timeout_s * 1000), max_records=5000).values():
                for record in records:
                    _apply(states, record.key, record.value)
        return states
    finally:
        consumer.close()


def _apply(states: dict[str, FeedState], key: bytes | None, value: bytes | None) -> None:
    if key is None or key.endswith((SEEN_SUFFIX.encode(), ENABLE_SUFFIX.encode())):
        return
    feed_id = key.decode("utf-8", "replace")
    if value is None:
        states.pop(feed_id, None)
    else:
        states[feed_id] = FeedState.model_validate_json(value)
