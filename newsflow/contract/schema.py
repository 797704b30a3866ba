"""The wire contract: versioned article events, JSON (UTF-8) on every topic.

`RawArticle` is what producers emit to ``news.raw``; `EnrichedArticle` is what processors emit
to ``news.enriched``. Both are frozen: stages build new events, they never mutate one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from newsflow.errors import DeadLetter

__all__ = [
    "Entity",
    "EnrichedArticle",
    "FeedHealthEvent",
    "FeedStatus",
    "GeoPoint",
    "MentionSpan",
    "Provenance",
    "RawArticle",
    "StepRun",
    "StoryDocument",
    "StoryEntity",
    "TopicScore",
    "decode_enriched",
    "decode_raw",
    "decode_story",
    "encode",
]

# Kafka's default message.max.bytes is ~1 MB; refuse bigger events before the broker does.
MAX_EVENT_BYTES = 900_000


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RawArticle(_Event):
    schema_version: Literal["raw.v1"] = "raw.v1"
    # Bounds Elasticsearch enforces for a whole bulk request: an _id over 512 bytes or a version
    # beyond a signed long would make the sink's request fail as a whole.
    id: str = Field(min_length=1, max_length=512, description="Hash of the canonical URL (newsflow.contract.ids.article_id).")
    version: int = Field(ge=1, le=2**63 - 1, description="Grows when the item's content changes.")
    url: str | None = Field(description="Canonical URL of the article, if the item had a link.")
    guid: str | None = None
    feed_url: str
    source: str = Field(description="Human name of the source: the feed's title or its host.")
    title: str = ""
    summary: str = ""
    text: str = Field("", description="Plain text of the item's content (or its summary).")
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    language: str | None = Field(None, description="Language declared by the feed, a hint only.")
    published: datetime | None = Field(None, description="UTC; the fetch time when the feed gave none or a future one.")
    published_reported: datetime | None = Field(
        None, description="The publish date the feed gave, kept when it lay in the future and was clamped."
    )
    updated: datetime | None = None
    fetched_at: datetime
    date_source: Literal["feed", "page", "fetched"] | None = Field(
        None,
        description="Where `published` comes from: the feed's item (its publish or updated date), the article's"
        " page, or the fetch time standing in (no date in the item, or one in the future). None: not recorded.",
    )


class GeoPoint(_Event):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class MentionSpan(_Event):
    """Where an entity is named: character offsets in the document NER read (title, a blank line,
    the text: processors.entities.ner_document), end exclusive, and the words found there."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str = ""


class Entity(_Event):
    name: str = Field(description="Canonical name: titles stripped, surname resolved, aliases unified.")
    type: str = Field(description="PERSON, ORG, GPE, LOC, NORP, EVENT... (spaCy's labels).")
    count: int = Field(ge=1, description="Mentions in the article, under any of its surface forms.")
    first_offset: int = Field(ge=0, description="Character offset of the first mention in title + text.")
    in_title: bool = False
    salience: float = Field(0.0, ge=0, le=1, description="How central the entity is to the article, 0..1.")
    country_code: str | None = Field(None, description="ISO 3166-1 alpha-2 code of a place, when unambiguous.")
    location: GeoPoint | None = Field(None, description="Coordinates of a place, when known.")
    # Optional with a default: events enriched before mentions were recorded stay valid.
    mentions: tuple[MentionSpan, ...] = Field((), description="Every mention's span, in document order.")


class TopicScore(_Event):
    name: str
    score: float = Field(ge=0, le=1)


class StepRun(_Event):
    name: str
    version: str


class Provenance(_Event):
    steps: tuple[StepRun, ...]
    model: str = Field(description="The main NER model used (empty when none ran).")
    model_version: str
    models: tuple[StepRun, ...] = Field((), description="Every model or data set the steps used, with versions.")
    processed_at: datetime
    # p4 (reprocess) addition, optional with a default: old events stay valid. The sink folds it
    # into Elasticsearch's external version (sinks/elasticsearch.external_version).
    revision: int = Field(
        0, ge=0, lt=1_000_000,
        description="Enrichment revision: 0 from live processing, higher from `newsflow reprocess`, so a re-enrichment "
                    "replaces an earlier one of the same article version.",
    )


class EnrichedArticle(RawArticle):
    schema_version: Literal["enriched.v1"] = "enriched.v1"  # type: ignore[assignment]
    text_source: Literal["feed", "extracted"] = Field("feed", description="Where `text` came from.")
    detected_language: str | None = Field(
        None, description="ISO 639-1 code the article is read as: the detector's when it is sure, else the feed's.",
    )
    language_confidence: float | None = Field(
        None, ge=0, le=1, description="The detector's probability for `detected_language` (low when the feed's won).",
    )
    # Issue 17: the detector's own best guess, kept whatever was chosen, so that a reader can see
    # when the feed's declared language overruled it (older events: None).
    detector_language: str | None = Field(None, description="The language detector's best guess (ISO 639-1).")
    detector_confidence: float | None = Field(None, ge=0, le=1, description="Its probability.")
    entities: tuple[Entity, ...] = ()
    topics: tuple[str, ...] = Field((), description="Topic labels above the classifier's threshold.")
    topic_scores: tuple[TopicScore, ...] = Field((), description="Scores of the top topics, best first.")
    keyphrases: tuple[str, ...] = ()
    notes: tuple[str, ...] = Field((), description="Why a step did less than usual (no model for a language...).")
    # Issue 8 additions (news.duplicates.v1, news.stories.v1), optional: older events stay valid.
    duplicate_of: str | None = Field(
        None, min_length=1, max_length=512, description="Id of the earliest article with nearly the same text, if any."
    )
    duplicate_similarity: float | None = Field(None, ge=0, le=1, description="Estimated similarity to `duplicate_of`.")
    story_id: str | None = Field(
        None, min_length=1, max_length=128, description="The story (articles about the same event) this one belongs to."
    )
    enrichment: Provenance


class StoryEntity(_Event):
    name: str
    type: str
    weight: float = Field(ge=0, description="Summed salience over the story's articles.")


class StoryDocument(_Event):
    """What ``news.stories`` carries (keyed by story id, compacted): a story as it stands after
    its latest article, produced by the processor that placed that article."""

    schema_version: Literal["story.v1"] = "story.v1"
    id: str = Field(min_length=1, max_length=128)
    title: str = Field(description="The title of the story's most central article.")
    entities: tuple[StoryEntity, ...] = ()
    topics: tuple[str, ...] = ()
    keyphrases: tuple[str, ...] = ()
    first_seen: datetime
    last_updated: datetime
    size: int = Field(ge=1, description="Articles in the story, duplicates included.")
    sources: int = Field(ge=0, description="Distinct sources that carried it.")
    article_ids: tuple[str, ...] = Field((), description="Its most central articles first (bounded).")


#: What `newsflow feeds status` and the feed-health events call a feed's condition.
FeedStatus = Literal["new", "ok", "stale", "failing", "disabled", "not-a-feed"]


class FeedHealthEvent(BaseModel):
    """One fetch outcome of one feed, on ``news.feeds.health`` (key: the feed id)."""

    model_config = ConfigDict(frozen=True)

    schema_version: Literal["feed-health.v1"] = "feed-health.v1"
    feed_id: str
    url: str
    name: str | None
    at: datetime
    outcome: str  # ok, not-modified, unchanged, error
    status: FeedStatus
    reason: str | None = None
    error: str | None = None
    items: int = 0
    emitted: int = 0
    duration_ms: int = 0
    next_due: datetime | None = None
    pushed: bool = False


def encode(event: _Event) -> bytes:
    return event.model_dump_json().encode("utf-8")


def _decode(model: type[_Event], payload: bytes | None):
    if payload is None:
        raise DeadLetter("empty message (tombstone) where an article was expected", reason="empty")
    if len(payload) > MAX_EVENT_BYTES:
        raise DeadLetter(f"message of {len(payload)} bytes exceeds {MAX_EVENT_BYTES}", reason="oversize")
    try:
        return model.model_validate_json(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "message"
        reason = "bad-json" if first["type"] == "json_invalid" else "schema"
        raise DeadLetter(f"{where}: {first['msg']}", reason=reason) from None


def decode_raw(payload: bytes | None) -> RawArticle:
    """Parse a ``news.raw`` message; raises `DeadLetter` when it can never be processed."""
    return _decode(RawArticle, payload)


def decode_enriched(payload: bytes | None) -> EnrichedArticle:
    """Parse a ``news.enriched`` message; raises `DeadLetter` when it can never be indexed."""
    return _decode(EnrichedArticle, payload)


def decode_story(payload: bytes | None) -> StoryDocument:
    """Parse a ``news.stories`` message; raises `DeadLetter` when it can never be indexed."""
    return _decode(StoryDocument, payload)
