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

import logging
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch
from kafka.consumer.fetcher import ConsumerRecord

from newsflow.contract.schema import StoryDocument, decode_story
from newsflow.errors import DeadLetter
from newsflow.runtime.deadletter import Rejected
from sinks.base import Write
from sinks.bulk import BulkSink

__all__ = ["StorySink", "biggest_only", "to_story_document"]

log = logging.getLogger(__name__)


def to_story_document(story: StoryDocument, *, indexed_at: datetime) -> dict[str, Any]:
    """The indexed story: its fields, the entity names as one aggregatable keyword list, and when."""
    doc = story.model_dump(mode="json", exclude={"schema_version"})
    doc["entity_names"] = list(dict.fromkeys(e.name for e in story.entities))
    doc["indexed_at"] = indexed_at.isoformat()
    return doc


def biggest_only(writes: list[Write]) -> list[Write]:
    """One write per story in a batch: the biggest, and of equal sizes the later record (one bulk
    holding a story twice would only have the smaller rejected, or make the order matter)."""
    kept: dict[str, Write] = {}
    for write in writes:
        if write.doc_id not in kept or kept[write.doc_id].version <= write.version:
            kept[write.doc_id] = write
    return list(kept.values())


class StorySink(BulkSink):
    """A `newsflow.runtime.worker.BatchHandler` writing StoryDocuments to `index`, versioned by size."""

    done_outcome = "indexed"
    conflict_outcome = "stale"  # the index holds a bigger state of this story already

    def __init__(self, *, client: Elasticsearch, index: str, url: str) -> None:
        self._client = client
        self._index = self.target = index
        self.url = url  # for messages: pass it redacted

    def prepare(self, records: list[ConsumerRecord]) -> tuple[list[Write], list[Rejected]]:
        now = datetime.now(UTC)
        writes, rejected = [], []
        for record in records:
            try:
                story = decode_story(record.value)
            except DeadLetter as err:
                rejected.append(Rejected(record, err))
                continue
            writes.append(Write(record, story.id, story.size, to_story_document(story, indexed_at=now)))
        return biggest_only(writes), rejected

    def send(self, writes: list[Write]) -> list[dict[str, Any]]:
        operations: list[dict[str, Any]] = []
        for write in writes:
            action = {"_index": self._index, "_id": write.doc_id, "version": write.version, "version_type": "external_gte"}
            operations += [{"index": action}, write.document]
        return [item["index"] for item in self._client.bulk(operations=operations)["items"]]

    def summarise(self, outcomes: Counter[str]) -> None:
        log.info("stories bulk %s", " ".join(f"{k}={v}" for k, v in sorted(outcomes.items())))
