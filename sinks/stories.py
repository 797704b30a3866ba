"""The story sink: `news.stories` events (schema.StoryDocument) into the stories index.

One document per story, `_id` = story id, overwritten as the story grows. The version is the
story's size with `version_type=external_gte`, so an older state never overwrites a newer one:

- A story only grows: every article placed in it adds one to its size (duplicates included), and
  articles never leave it. Of two states of one story, the bigger holds every article the smaller
  did (processors replay the same single-partition decision log, in the same order).
- `last_updated` would not do: it is the newest *published* time of the story's articles, so an
  article published late (a follow-up dated earlier, a slow feed) grows the story without moving it,
  and the bigger state would tie with, or after a reordering lose to, the smaller one. A wall-clock
  time stamped by the emitting processor would depend on the clocks of the workers.
- Two workers emitting the same story at once (each placed a different article before reading the
  other's decision) both send size N; neither holds the other's article, and `gte` lets the later
  one in. Both soon read the other's decision and emit size N+1 with both articles, which wins.
  Equal versions being accepted also makes a replay of the compacted topic (a rebuilt index, a
  redelivered batch) write the same state again instead of failing, and a story reopened under
  the same id after it was closed and forgotten (size 1 again) cannot shrink the indexed story.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch
from kafka.consumer.fetcher import ConsumerRecord

from newsflow.contract.schema import StoryDocument, decode_story
from sinks.base import Write
from sinks.bulk import Action, BulkSink, Keep, OnConflict

__all__ = ["StorySink", "to_story_document"]


def to_story_document(story: StoryDocument, *, indexed_at: datetime) -> dict[str, Any]:
    """The indexed story: its fields, the entity names as one aggregatable keyword list, and when."""
    doc = story.model_dump(mode="json", exclude={"schema_version"})
    doc["entity_names"] = list(dict.fromkeys(e.name for e in story.entities))
    doc["indexed_at"] = indexed_at.isoformat()
    return doc


class StorySink(BulkSink):
    """StoryDocuments into `index`, versioned by size (`external_gte`): the biggest state wins."""

    name = "stories"
    action = Action.INDEX_EXTERNAL_GTE
    on_conflict = OnConflict.SUPERSEDED  # the index holds a bigger state of this story already
    keep = Keep.BIGGEST_STORY

    def __init__(self, *, client: Elasticsearch, index: str, url: str) -> None:
        super().__init__(client=client, target=index, url=url)

    def to_write(self, record: ConsumerRecord, now: datetime) -> Write:
        story = decode_story(record.value)
        return Write(record, story.id, story.size, to_story_document(story, indexed_at=now))
