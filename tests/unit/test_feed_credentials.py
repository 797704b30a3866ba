"""Credentials in a registry URL are for the fetch only: what the producer shows of a feed (its
state's URL, an article's feed_url, a health event, an error) carries them redacted."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsflow.errors import ConfigError
from newsflow.redaction import redact_url
from producers.base import FeedSpec, ParsedFeed
from producers.health import health_event, status_rows
from producers.items import to_article
from producers.outcome import FetchOutcome, without_credentials
from producers.registry import add_feed
from producers.state import FeedState

AT = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
URL = "https://reader:s3cret-pw@members.example/feed.xml"
MOVED = "https://reader:s3cret-pw@members.example/new/feed.xml"
SHOWN = "https://***@members.example/feed.xml"


def test_the_state_shows_the_registry_url_without_credentials_even_one_stored_before():
    feed = FeedSpec(url=URL)
    assert FeedState(feed_id=feed.id, url=feed.url).url == SHOWN
    old = f'{{"feed_id": "{feed.id}", "url": "{URL}"}}'  # as an earlier producer wrote it to the topic
    assert FeedState.model_validate_json(old).url == SHOWN
    assert feed.id != FeedSpec(url=SHOWN).id  # the identity is still the registry URL's


def test_an_article_names_its_feed_without_credentials():
    entry = {"title": "Story", "link": "/story/1", "id": "urn:1"}
    article = to_article(entry, feed=FeedSpec(url=URL), parsed=ParsedFeed(), fetched_url=URL, fetched_at=AT)
    assert article.feed_url == SHOWN
    assert "s3cret-pw" not in article.model_dump_json()


def test_an_error_naming_the_feed_url_is_shown_without_credentials():
    feed = FeedSpec(url=URL)
    # As a push's body that is no feed is reported: it names the URL the push stands for.
    failed = FetchOutcome(feed=feed, kind="error", at=AT, reason="bad-push",
                          error=f"not a feed: {MOVED} is empty (was {URL})")
    shown = without_credentials(failed, MOVED)
    assert shown.error == f"not a feed: {redact_url(MOVED)} is empty (was {SHOWN})"
    event = health_event(shown, FeedState(feed_id=feed.id, url=feed.url), emitted=0)
    assert event.url == SHOWN and "s3cret-pw" not in event.model_dump_json()
    clean = FetchOutcome(feed=feed, kind="error", at=AT, error="HTTP 500")
    assert without_credentials(clean) is clean


def test_the_status_table_shows_no_credentials():
    feed = FeedSpec(url=URL)
    state = FeedState(feed_id=feed.id, url=feed.url, fetch_url=MOVED, last_fetch_at=AT, consecutive_failures=1,
                      last_error="HTTP 500")
    [row] = status_rows([feed], {feed.id: state}, now=AT)
    assert (row.name, row.url) == (SHOWN, redact_url(MOVED))


def test_registry_errors_do_not_show_the_password(tmp_path) -> None:
    registry = tmp_path / "feeds.yaml"
    secret_feed = FeedSpec(url="https://reader:registry-pa55@example.org/feed.xml")
    add_feed(registry, secret_feed)
    with pytest.raises(ConfigError) as caught:
        add_feed(registry, secret_feed)
    assert "registry-pa55" not in str(caught.value) and "***@example.org" in str(caught.value)
    assert "registry-pa55" not in str(caught.value.fields)
