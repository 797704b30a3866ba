"""Stories for the API: the latest and the growing stories, and one story with its articles.

Stories live in their own index (one document per story, kept by sinks/stories.py); which
articles belong to a story, and when they came, is in the articles index (`story_id`). The
request builders are pure (unit-tested without a cluster); the calls run them and shape results.

"Growing" counts, per story, the articles published in the last `hours` with one terms
aggregation on `story_id` over the articles index, then reads those stories from the stories
index (applying the topic and entity filters there). Only the GROWING_CANDIDATES stories with the
most recent articles are considered: a filter matching none of them finds nothing, rather than
ranking every story of the window.

An article's `story_id` always leads somewhere: a story whose own document is not indexed (yet:
the story sink runs apart from the article sink and may lag behind it) but whose articles are is
served from its articles (`indexed` false: its dates, size, sources and title come from them,
entities, topics and key phrases are left empty). Only an id no article carries is a 404.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from elasticsearch import Elasticsearch
from pydantic import BaseModel, ConfigDict, Field

from newsflow.read.query import HIT_SOURCE
from newsflow.read.search import Hit, IndexMissing, to_hit, translated_errors
from newsflow.settings import ElasticsearchSettings

__all__ = [
    "GROWING_CANDIDATES",
    "MAX_HOURS",
    "Story",
    "StoryDetail",
    "StoryEntity",
    "StoryList",
    "StoryQuery",
    "StorySort",
    "build_growing_body",
    "build_stories_body",
    "build_story_articles_body",
    "build_story_summary_body",
    "get_story",
    "list_stories",
    "rank_growing",
]

GROWING_CANDIDATES = 1000
MAX_HOURS = 24 * 30
DEFAULT_GROWING_HOURS = 24


class StorySort(StrEnum):
    LATEST = "latest"
    GROWING = "growing"


class StoryQuery(BaseModel):
    """What `/stories` asks for; the API validates the bounds before building one."""

    model_config = ConfigDict(frozen=True)

    sort: StorySort = StorySort.LATEST
    hours: int | None = Field(None, ge=1, le=MAX_HOURS)
    size: int = Field(10, ge=1)
    topic: str | None = None
    entity: str | None = None

    @property
    def window_hours(self) -> int | None:
        """The time window: `hours`, or for growing stories the default day."""
        if self.hours is None and self.sort is StorySort.GROWING:
            return DEFAULT_GROWING_HOURS
        return self.hours


class StoryEntity(BaseModel):
    name: str
    type: str
    weight: float = Field(description="Summed salience over the story's articles.")


class Story(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: str = Field(description="The title of the story's most central article.")
    entities: list[StoryEntity] = []
    topics: list[str] = []
    keyphrases: list[str] = []
    first_seen: str
    last_updated: str = Field(description="When its newest article was published.")
    size: int = Field(description="Articles in the story, duplicates included.")
    sources: int = Field(description="Distinct sources that carried it.")
    article_ids: list[str] = Field([], description="Its most central articles first (bounded).")
    recent: int | None = Field(None, description="With sort=growing: its articles published in the window.")


class StoryList(BaseModel):
    model_config = ConfigDict(frozen=True)

    sort: StorySort
    hours: int | None = Field(description="The window: growing counts articles published in it, latest keeps stories updated in it.")
    stories: list[Story]


class StoryDetail(Story):
    articles_total: int = Field(description="Indexed articles of the story.")
    articles: list[Hit] = Field(description="Its articles, newest first (at most `size`).")
    indexed: bool = Field(True, description="False when the story's own document is not indexed yet: it is then "
                                            "described from its indexed articles (no entities, topics or key phrases).")


# -- request builders (pure) ---------------------------------------------------------------------


def _term(field: str, value: str) -> dict[str, Any]:
    return {"term": {field: {"value": value, "case_insensitive": True}}}


def _story_filters(query: StoryQuery) -> list[dict[str, Any]]:
    filters = []
    if query.topic:
        filters.append(_term("topics", query.topic))
    if query.entity:
        filters.append(_term("entity_names", query.entity))
    return filters


def build_stories_body(query: StoryQuery, *, ids: list[str] | None = None) -> dict[str, Any]:
    """Stories matching the filters, latest update first: the page for sort=latest, or with `ids`
    the growing candidates (all of them: the ranking is by their recent articles)."""
    filters = _story_filters(query)
    if ids is not None:
        filters.append({"ids": {"values": ids}})
    elif query.window_hours is not None:
        filters.append({"range": {"last_updated": {"gte": f"now-{query.window_hours}h"}}})
    return {
        "query": {"bool": {"filter": filters}},
        "sort": [{"last_updated": {"order": "desc"}}, {"size": {"order": "desc"}}],
        "size": len(ids) if ids is not None else query.size,
        "_source": {"excludes": ["entity_names", "indexed_at"]},
    }


def build_growing_body(hours: int) -> dict[str, Any]:
    """Per story, its articles published in the last `hours` (most first). Undated articles
    (`date_source: fetched`: their `published` is a fetch time) are not counted, as in trending: an
    old item first fetched today must not make its story look like it is growing."""
    return {
        "size": 0,
        "query": {"bool": {"filter": [{"range": {"published": {"gte": f"now-{hours}h"}}}, {"exists": {"field": "story_id"}}],
                           "must_not": [{"term": {"date_source": "fetched"}}]}},
        "aggs": {"stories": {"terms": {"field": "story_id", "size": GROWING_CANDIDATES}}},
    }


def build_story_articles_body(story_id: str, *, size: int) -> dict[str, Any]:
    return {
        "query": {"bool": {"filter": [{"term": {"story_id": story_id}}]}},
        "sort": [{"published": {"order": "desc", "missing": "_last"}}, {"article_id": {"order": "asc"}}],
        "size": size,
        "track_total_hits": True,
        "_source": HIT_SOURCE,
    }


def build_story_summary_body(story_id: str) -> dict[str, Any]:
    """What a story's articles say of it when its own document is missing: their dates, sources and
    the title of the earliest (the article that founded it)."""
    return {
        "query": {"bool": {"filter": [{"term": {"story_id": story_id}}]}},
        "size": 0,
        "track_total_hits": True,
        "aggs": {
            "first": {"min": {"field": "published"}},
            "last": {"max": {"field": "published"}},
            "sources": {"cardinality": {"field": "source"}},
            "founder": {"top_hits": {"size": 1, "sort": [{"published": {"order": "asc", "missing": "_last"}},
                                                         {"article_id": {"order": "asc"}}],
                                     "_source": ["article_id", "title"]}},
        },
    }


def rank_growing(recent: dict[str, int], stories: list[Story], *, size: int) -> list[Story]:
    """The `size` stories with most recent articles (then bigger, then more recently updated)."""
    counted = [s.model_copy(update={"recent": recent[s.id]}) for s in stories if s.id in recent]
    counted.sort(key=lambda s: datetime.fromisoformat(s.last_updated), reverse=True)  # stable sorts: the last key first
    counted.sort(key=lambda s: (s.recent, s.size), reverse=True)
    return counted[:size]


# -- calls ---------------------------------------------------------------------------------------


def _story(source: dict[str, Any]) -> Story:
    return Story.model_validate({k: v for k, v in source.items() if k in Story.model_fields})


def _search_stories(client: Elasticsearch, settings: ElasticsearchSettings, body: dict[str, Any]) -> list[Story]:
    with translated_errors(settings, "story search", index=settings.stories_index):
        response = client.search(index=settings.stories_index, **body)
    return [_story(h["_source"]) for h in response["hits"]["hits"]]


def list_stories(client: Elasticsearch, settings: ElasticsearchSettings, query: StoryQuery) -> StoryList:
    hours = query.window_hours
    if query.sort is StorySort.LATEST:
        stories = _search_stories(client, settings, build_stories_body(query))
        return StoryList(sort=query.sort, hours=hours, stories=stories)
    assert hours is not None  # growing always has a window
    with translated_errors(settings, "growing stories"):
        response = client.search(index=settings.alias, **build_growing_body(hours))
    recent = {str(b["key"]): b["doc_count"] for b in response["aggregations"]["stories"]["buckets"]}
    candidates = _search_stories(client, settings, build_stories_body(query, ids=list(recent))) if recent else []
    return StoryList(sort=query.sort, hours=hours, stories=rank_growing(recent, candidates, size=query.size))


def get_story(client: Elasticsearch, settings: ElasticsearchSettings, story_id: str, *, size: int) -> StoryDetail | None:
    """The story and its newest `size` articles; None when neither the story nor any article of it
    is indexed."""
    index = settings.stories_index
    with translated_errors(settings, "story lookup", index=index):
        found = client.options(ignore_status=404).get(index=index, id=story_id, source_excludes=["entity_names", "indexed_at"])
    if not found.get("found") and "error" in found:  # a 404 for the index itself, not for the document
        raise IndexMissing(f"index {index!r} does not exist: run `newsflow setup` first")
    with translated_errors(settings, "story articles"):
        response = client.search(index=settings.alias, **build_story_articles_body(story_id, size=size))
    total = response["hits"]["total"]["value"]
    articles = [to_hit(h) for h in response["hits"]["hits"]]
    if found.get("found"):
        return StoryDetail(**_story(found["_source"]).model_dump(), articles_total=total, articles=articles)
    if not total:
        return None
    story = _story_from_articles(client, settings, story_id)
    return StoryDetail(**story.model_dump(), articles_total=total, articles=articles, indexed=False)


def _story_from_articles(client: Elasticsearch, settings: ElasticsearchSettings, story_id: str) -> Story:
    with translated_errors(settings, "story articles"):
        response = client.search(index=settings.alias, **build_story_summary_body(story_id))
    aggs = response["aggregations"]
    [founder] = aggs["founder"]["hits"]["hits"] or [{"_source": {}}]
    return Story(
        id=story_id, title=founder["_source"].get("title", ""),
        first_seen=aggs["first"].get("value_as_string", ""), last_updated=aggs["last"].get("value_as_string", ""),
        size=response["hits"]["total"]["value"], sources=aggs["sources"]["value"],
        article_ids=[founder["_source"]["article_id"]] if founder["_source"].get("article_id") else [],
    )
