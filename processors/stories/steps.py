"""The `news.duplicates.v1` and `news.stories.v1` steps (issue 8): near-duplicates across all
sources, and stories (articles about the same event), with their state in Elasticsearch.

Both steps are thin: the decisions are taken by the worker's `StoryStateService`
(processors/stories/state.py), which they share, which reads and writes the state in Elasticsearch
and publishes the stories to Kafka. They need both settings (`needs_kafka`, `needs_elasticsearch`,
see processors/base.build_chain). When either is down they raise `ServiceUnavailable`: nothing is
decided without the other workers' state.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version
from typing import Any, ClassVar

from newsflow.settings import ElasticsearchSettings, KafkaSettings, ProcessorSettings
from processors.base import Draft, register_step
from processors.stories import state as storystate
from processors.stories.features import ENTITY_WEIGHT, KEYPHRASE_WEIGHT, TEXT_WEIGHT
from processors.stories.neardup import minhash_parameters

__all__ = ["DuplicatesStep", "StoriesStep"]


@register_step("news.duplicates.v1")
class DuplicatesStep:
    """`duplicate_of` (the earliest original with nearly the same text) and its similarity."""

    reads = ("text",)
    writes = ("duplicate_of", "duplicate_similarity")
    needs_kafka: ClassVar[bool] = True
    needs_elasticsearch: ClassVar[bool] = True

    def __init__(self, *, settings: ProcessorSettings, kafka: KafkaSettings, elasticsearch: ElasticsearchSettings) -> None:
        s = settings.duplicates
        # Asked for every batch: made once.
        self._provenance = {
            "datasketch": version("datasketch"),
            # What decides a duplicate: another MinHash or threshold gives other answers.
            # clock=arrival: the window runs on fetch times (issue 22), which keep other articles in it.
            "minhash-lsh": f"{minhash_parameters()} jaccard={s.jaccard_threshold} "
                           f"containment={s.containment_threshold} window_days={s.window_days:g} clock=arrival",
            "story-state": "elasticsearch claims=seq_no",
        }
        self._service: storystate.StoryStateService | None = storystate.acquire(kafka, elasticsearch, settings)

    def run(self, drafts: Sequence[Draft]) -> list[dict[str, Any]]:
        return [{"duplicate_of": d.duplicate_of, "duplicate_similarity": d.similarity}
                for d in self._service.decide_duplicates(drafts)]

    def provenance(self) -> dict[str, str]:
        return dict(self._provenance)

    def close(self) -> None:
        if self._service is not None:
            storystate.release(self._service)
            self._service = None


@register_step("news.stories.v1")
class StoriesStep:
    """`story_id`: the story the article joins (or founds); the story goes to `news.stories`."""

    # Features are entities, key phrases, topics and terms (processors/stories/features.py); a duplicate
    # joins its original's story, so the duplicates step runs first.
    reads = ("text", "detected_language", "entities", "topics", "keyphrases", "duplicate_of")
    writes = ("story_id",)
    needs_kafka: ClassVar[bool] = True
    needs_elasticsearch: ClassVar[bool] = True

    def __init__(self, *, settings: ProcessorSettings, kafka: KafkaSettings, elasticsearch: ElasticsearchSettings) -> None:
        self._settings = settings.stories
        self._service: storystate.StoryStateService | None = storystate.acquire(kafka, elasticsearch, settings, stories=True)

    def run(self, drafts: Sequence[Draft]) -> list[dict[str, Any]]:
        return [{"story_id": d.story_id} for d in self._service.decide_stories(drafts)]

    def provenance(self) -> dict[str, str]:
        s = self._settings
        return {
            # clock=arrival: stories close on fetch times, undated articles neither date nor are refused by a story;
            # without entities on either side (no NER model for the language) the other weights are scaled to 1.
            "story-clustering": f"threshold={s.threshold} window_hours={s.window_hours:g} weights=entities:{ENTITY_WEIGHT}"
                                f",keyphrases:{KEYPHRASE_WEIGHT},text:{TEXT_WEIGHT} no-entities=rescaled clock=arrival",
            "story-state": "elasticsearch claims=seq_no",
        }

    def close(self) -> None:
        if self._service is not None:
            storystate.release(self._service, stories=True)
            self._service = None
