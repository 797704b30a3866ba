"""Searching the articles index: running the requests of `newsflow.read.query` and shaping the answers.

`newsflow search` (newsflow.app.cmd_search) and the HTTP API (newsflow.read.api) share everything
here: the calls that search, fetch an article, find related articles, trending entities and check
health; the errors a failed call becomes; and the way a hit is turned into a result.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch
from pydantic import BaseModel, ConfigDict, Field

from newsflow.contract.text import markup_free, web_url
from newsflow.errors import NewsflowError, ServiceUnavailable
from newsflow.index.indices import TRANSIENT_ERRORS, refusal_reason, unavailable
from newsflow.read.query import (
    FACET_FIELDS,
    MARK_END,
    MARK_START,
    SNIPPET_CHARS,
    SearchQuery,
    build_duplicate_count_body,
    build_related_body,
    build_search_body,
    build_trending_body,
    scores_relevance,
    trending_periods,
)
from newsflow.redaction import redact_url
from newsflow.settings import ElasticsearchSettings

__all__ = [
    "BoundedSearches",
    "FacetBucket",
    "Hit",
    "IndexMissing",
    "SearchFailed",
    "SearchRejected",
    "SearchResult",
    "Trending",
    "TrendingEntity",
    "check_health",
    "count_duplicates",
    "get_article",
    "related_articles",
    "search_articles",
    "to_hit",
    "translated_errors",
    "trending_entities",
]

log = logging.getLogger(__name__)

# Numbers and dates are entities to spaCy but not what a reader scans a result for.
_SKIPPED_TYPES = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}

# "Al-Farabi" is two tokens to the standard analyzer, and a phrase is marked word by word by some
# highlighters: show one mark, not several. (The highlighter escapes "'" as &#x27;.)
_SPLIT_MARK = re.compile(re.escape(MARK_END) + r"([-’.]|&#x27;|\s+)" + re.escape(MARK_START))
_MARK = re.compile(re.escape(MARK_START) + r"(.*?)" + re.escape(MARK_END), re.DOTALL)
# A passage is a sentence, a line or, after a sentence, a parenthesised tail ("… rose. (A, B)").
_SEGMENTS = re.compile(r"\n+|(?<=[.!?…])\s+(?=\()")
# A tag list as feeds append it: "(Elektromobilität, Elektroauto)", "Tags: a, b, c".
_TAG_LABEL = re.compile(r"(?:tags?|keywords|schlagw(?:ö|oe)rter|stichw(?:ö|oe)rter|themen|mots[- ]cl(?:é|e)s|"
                        r"(?:é|e)tiquettes|etiquetas|temas|argomenti|t(?:ó|o)picos)\s*:", re.IGNORECASE)
_TAG_ITEM = re.compile(r"[^\s.!?:()]+(?: [^\s.!?:()]+){0,3}")  # one to four words, no sentence
# A matched passage with fewer other words than this says nothing about the match.
_CONTEXT_WORDS = 3
_WORDS = re.compile(r"\w+")

# -- errors ------------------------------------------------------------------------------------


class IndexMissing(NewsflowError):
    code = "E501"


class SearchRejected(NewsflowError):
    """Elasticsearch refused the request as malformed (400): the request's fault, not the cluster's."""

    code = "E502"


class SearchFailed(NewsflowError):
    code = "E503"


# -- results -----------------------------------------------------------------------------------


class Hit(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    score: float | None = Field(
        description="Relevance score (null when the order is not relevance: sort=date, or no words to search for)."
    )
    title: str
    source: str
    published: str | None
    date_source: str | None = Field(
        None, description='"feed" or "page": a publish date; "fetched": the fetch time, the item gave none; null: unknown.'
    )
    url: str | None
    top_entities: list[str] = Field(description='Most mentioned entities as "Name (TYPE)".')
    snippet: str = Field(
        description="Best matching passage of the text, else the summary, else the title: HTML, the article's text "
                    "escaped and matches wrapped in <mark>…</mark>."
    )
    duplicates: int | None = Field(
        None, description="Indexed near-duplicates of this article (counted when duplicates are collapsed, else null)."
    )

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump()


class FacetBucket(BaseModel):
    model_config = ConfigDict(frozen=True)

    value: str
    count: int = Field(description="Matching articles with this value.")


class SearchResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetBucket]] = Field(default_factory=dict)


class TrendingEntity(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    count: int = Field(description="Articles naming it in the window.")
    background_count: int = Field(description="Articles naming it in the background period.")
    score: float = Field(description="Significance: how far its share in the window exceeds its background share.")


class Trending(BaseModel):
    model_config = ConfigDict(frozen=True)

    field: str
    window: str
    background: str
    articles: int = Field(description="Dated articles published in the window: those the entities are counted in.")
    undated_left_out: int = Field(
        0, description="Articles of the window whose date is only their fetch time (the feed gave none, "
                       "date_source: fetched): left out of the window and the background, since they may be old news."
    )
    entities: list[TrendingEntity]


def to_hit(raw: dict[str, Any], *, relevance: bool = True) -> Hit:
    """A search hit as shown; `relevance` False when the hit's score is not relevance (it is then left out)."""
    src = raw["_source"]
    entities = sorted(
        (e for e in src.get("entities", []) if e["type"] not in _SKIPPED_TYPES),
        key=lambda e: (-e["count"], e["first_offset"]),
    )
    snippet = _snippet(raw.get("highlight", {}), src)
    return Hit(
        id=src["article_id"],
        score=raw.get("_score") if relevance else None,
        title=markup_free(src.get("title") or ""),  # stored markup-free; older documents may not be
        source=src.get("source", ""),
        published=src.get("published"),
        date_source=src.get("date_source"),
        url=web_url(src.get("url")),
        top_entities=[f"{e['name']} ({e['type']})" for e in entities[:6]],
        snippet=_SPLIT_MARK.sub(r"\1", " ".join(snippet.split())),
    )


def _snippet(fragments: dict[str, list[str]], src: dict[str, Any]) -> str:
    """The best of what there is, in this order: a body passage where the match has words around
    it (Elasticsearch's best first); the summary's match; the summary; a body passage that is only
    a tag list or a bare match; the body's beginning; the title (marked when it matched). All
    escaped HTML, like the highlights: a hit without a highlight (a story's articles) gets the
    summary or the title escaped."""
    text = fragments.get("text", [])
    matched = [f for f in text if MARK_START in f]
    telling = [f for f in matched if _has_context(f)]
    summary = src.get("summary") or ""
    title = src.get("title") or ""
    candidates = [
        *telling,
        *fragments.get("summary", []),
        html.escape(_cut(summary)) if summary.strip() else "",
        *matched,
        *text,  # no match in the body: its beginning (`no_match_size`)
        *fragments.get("title", []),
        html.escape(title),
    ]
    return next((c for c in candidates if c.strip()), "")


def _has_context(fragment: str) -> bool:
    """Whether a marked passage has words around its match: not a trailing tag list
    ("(Elektromobilität, <mark>Elektroauto</mark>)") nor the bare match."""
    return any(
        MARK_START in segment and not _is_tag_list(_plain(segment)) and _other_words(segment) >= _CONTEXT_WORDS
        for segment in _SEGMENTS.split(fragment)
    )


def _plain(fragment: str) -> str:
    return html.unescape(fragment.replace(MARK_START, "").replace(MARK_END, "")).strip()


def _other_words(fragment: str) -> int:
    return len(_WORDS.findall(html.unescape(_MARK.sub(" ", fragment))))


def _is_tag_list(segment: str) -> bool:
    """ "(a, b, c)" or "Tags: a, b": short items between commas, no sentence among them."""
    labelled = _TAG_LABEL.match(segment)
    if labelled:
        items = segment[labelled.end():]
    elif segment.startswith("(") and segment.endswith(")") and re.search(r"[,;]", segment):
        items = segment[1:-1]
    else:
        return False
    return all(_TAG_ITEM.fullmatch(item.strip()) for item in re.split(r"[,;]", items))


def _cut(text: str) -> str:
    """At most `SNIPPET_CHARS` characters of `text`, cut between words."""
    text = " ".join(text.split())
    if len(text) <= SNIPPET_CHARS:
        return text
    return text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"


def _to_facets(aggregations: dict[str, Any]) -> dict[str, list[FacetBucket]]:
    return {
        name: [FacetBucket(value=str(b["key"]), count=b["doc_count"]) for b in aggregations[name]["buckets"]]
        for name in FACET_FIELDS
        if name in aggregations
    }


# -- calls -------------------------------------------------------------------------------------


class BoundedSearches:
    """A client whose every search carries a time budget: Elasticsearch stops looking after
    `timeout_s` (and answers what it found, `timed_out: true`), and the client waits half as long
    again, never the settings' general request timeout. The read side's calls go
    through it, so no query can hold the cluster longer than the budget, whoever sends it."""

    def __init__(self, client: Elasticsearch, timeout_s: float) -> None:
        self._client = client.options(request_timeout=timeout_s * 1.5 + 0.5)
        self._timeout = f"{max(1, round(timeout_s * 1000))}ms"

    def search(self, **kwargs: Any) -> Any:
        return self._client.search(timeout=self._timeout, **kwargs)

    def options(self, **kwargs: Any) -> BoundedSearches:
        bounded = object.__new__(BoundedSearches)
        bounded._client = self._client.options(**kwargs)
        bounded._timeout = self._timeout
        return bounded

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


# Statuses that mean "the cluster cannot answer now", not "the request is wrong".
_BUSY_STATUS = {429, 502, 503, 504}


@contextmanager
def translated_errors(settings: ElasticsearchSettings, what: str, *, index: str | None = None) -> Iterator[None]:
    """Turn client exceptions into newsflow errors with one clear sentence each; `index` names
    what a 404 means is missing when it is not the articles' read alias."""
    try:
        yield
    except TRANSIENT_ERRORS as exc:
        raise unavailable(settings, exc) from None
    except ApiError as exc:
        if exc.meta.status == 404:
            missing = f"index {index!r}" if index else f"index alias {settings.alias!r}"
            raise IndexMissing(f"{missing} does not exist: run `newsflow setup` first") from None
        if exc.meta.status in _BUSY_STATUS:
            raise ServiceUnavailable(f"Elasticsearch at {redact_url(settings.url)} is busy ({exc.meta.status})",
                                     service="elasticsearch") from None
        if exc.meta.status in (401, 403):
            # The server's own credentials are wrong or too weak: not the caller's fault, and a
            # client gets no more than that (the reason goes to the log).
            log.warning("%s refused status=%s error=%s", what, exc.meta.status, refusal_reason(exc))
            raise ServiceUnavailable(f"Elasticsearch refused newsflow's credentials for the {what} ({exc.meta.status}): "
                                     "check the elasticsearch.username/password or api_key settings",
                                     service="elasticsearch") from None
        if exc.meta.status == 400:
            raise SearchRejected(f"Elasticsearch refused the {what}: {refusal_reason(exc)}") from None
        log.warning("%s failed status=%s error=%s", what, exc.meta.status, refusal_reason(exc))
        raise SearchFailed(f"{what} failed: {refusal_reason(exc)}") from None


def search_articles(client: Elasticsearch, settings: ElasticsearchSettings, query: SearchQuery, *,
                    facets: bool = False, facet_size: int = 10) -> SearchResult:
    body = build_search_body(query, facets=facets, facet_size=facet_size)
    with translated_errors(settings, "search"):
        response = client.search(index=settings.alias, **body)
    relevance = scores_relevance(query)
    hits = [to_hit(h, relevance=relevance) for h in response["hits"]["hits"]]
    if query.collapse_duplicates and hits:
        counts = count_duplicates(client, settings, [h.id for h in hits])
        hits = [h.model_copy(update={"duplicates": counts.get(h.id, 0)}) for h in hits]
    return SearchResult(
        total=response["hits"]["total"]["value"],
        hits=hits,
        facets=_to_facets(response.get("aggregations", {})),
    )


def count_duplicates(client: Elasticsearch, settings: ElasticsearchSettings, article_ids: list[str]) -> dict[str, int]:
    """Article id -> how many indexed articles are its near-duplicates (ids without any are absent)."""
    with translated_errors(settings, "duplicate count"):
        response = client.search(index=settings.alias, **build_duplicate_count_body(article_ids))
    return {str(b["key"]): b["doc_count"] for b in response["aggregations"]["duplicates"]["buckets"]}


def _fetch(client: Elasticsearch, settings: ElasticsearchSettings, article_id: str) -> dict[str, Any] | None:
    with translated_errors(settings, "article lookup"):
        response = client.options(ignore_status=404).get(index=settings.alias, id=article_id)
    if response.get("found"):
        return dict(response)
    if "error" in response:  # a 404 for the alias itself, not for the document
        raise IndexMissing(f"index alias {settings.alias!r} does not exist: run `newsflow setup` first")
    return None


def get_article(client: Elasticsearch, settings: ElasticsearchSettings, article_id: str) -> dict[str, Any] | None:
    """The stored document (with `id`, and `duplicates`: how many indexed articles are its
    near-duplicates), or None when there is no such article."""
    found = _fetch(client, settings, article_id)
    if found is None:
        return None
    duplicates = count_duplicates(client, settings, [article_id]).get(article_id, 0)
    source = found["_source"]
    # Documents indexed before titles and links were cleaned at the producer: cleaned on the way out.
    shown = {"title": markup_free(source.get("title") or ""), "url": web_url(source.get("url"))}
    return {"id": found["_id"], **source, **shown, "duplicates": duplicates}


def related_articles(client: Elasticsearch, settings: ElasticsearchSettings, article_id: str, *, size: int) -> list[Hit] | None:
    """Articles like `article_id`, best first; None when there is no such article."""
    found = _fetch(client, settings, article_id)
    if found is None:
        return None
    # The concrete index, not the alias: more_like_this fetches the article's terms from it.
    body = build_related_body(found["_index"], article_id, size=size)
    with translated_errors(settings, "related search"):
        response = client.search(index=settings.alias, **body)
    return [to_hit(h) for h in response["hits"]["hits"]]


def trending_entities(client: Elasticsearch, settings: ElasticsearchSettings, field: str, *,
                      size: int = 10, min_articles: int = 3) -> Trending:
    """Entities trending among the dated articles of the last 24 h; those dated only by their
    fetch time are left out and counted (`build_trending_body`)."""
    window, background = trending_periods(datetime.now(UTC))
    body = build_trending_body(field, size=size, min_articles=min_articles, window=window, background=background)
    with translated_errors(settings, "trending entities"):
        response = client.search(index=settings.alias, **body)
    dated = response["aggregations"]["dated"]
    return Trending(
        field=field, window=window, background=background, articles=dated["doc_count"],
        undated_left_out=response["aggregations"]["undated"]["doc_count"],
        entities=[
            TrendingEntity(name=str(b["key"]), count=b["doc_count"], background_count=b["bg_count"], score=b["score"])
            for b in dated["trending"]["buckets"]
        ],
    )


def check_health(client: Elasticsearch, settings: ElasticsearchSettings) -> dict[str, Any]:
    """Cluster reachable and not red, read alias present; raises ServiceUnavailable or
    IndexMissing saying which is not."""
    with translated_errors(settings, "health check"):
        health = client.cluster.health()
        if health["status"] == "red":
            raise ServiceUnavailable(f"Elasticsearch cluster {health['cluster_name']!r} is red", service="elasticsearch")
        if not client.indices.exists_alias(name=settings.alias):
            raise IndexMissing(f"index alias {settings.alias!r} does not exist: run `newsflow setup` first")
        articles = client.count(index=settings.alias)["count"]
    return {"status": "ok", "cluster": health["cluster_name"], "cluster_status": health["status"],
            "alias": settings.alias, "articles": articles}
