"""Searching the articles index: the query behind `newsflow search`."""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from typing import Any

from elasticsearch import ApiError, Elasticsearch

from newsflow.elastic import TRANSIENT_ERRORS, unavailable
from newsflow.errors import NewsflowError
from newsflow.settings import ElasticsearchSettings, Settings

__all__ = ["Hit", "add_search_arguments", "format_hit", "run_search_command", "search_articles"]

# Numbers and dates are entities to spaCy but not what a reader scans a result for.
_SKIPPED_TYPES = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}


MARK_START, MARK_END = "<mark>", "</mark>"
# "Al-Farabi" is two tokens to the standard analyzer: show one highlight, not two.
_SPLIT_MARK = re.compile(re.escape(MARK_END) + r"([-'’.])" + re.escape(MARK_START))


@dataclass(frozen=True)
class Hit:
    id: str
    score: float | None
    title: str
    source: str
    published: str | None
    url: str | None
    top_entities: list[str]
    snippet: str

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def search_articles(client: Elasticsearch, settings: ElasticsearchSettings, query: str, *, size: int = 10) -> tuple[int, list[Hit]]:
    body = {
        "query": {
            "simple_query_string": {
                "query": query,
                "fields": ["title^3", "summary^2", "text", "persons^2", "organisations^2", "places^2"],
                "default_operator": "and",
            }
        },
        "highlight": {
            "pre_tags": [MARK_START],
            "post_tags": [MARK_END],
            "fields": {"text": {"fragment_size": 160, "number_of_fragments": 1}, "summary": {"fragment_size": 160, "number_of_fragments": 1}},
        },
        "_source": ["article_id", "title", "source", "published", "url", "entities", "summary"],
        "size": size,
    }
    try:
        response = client.search(index=settings.alias, **body)
    except TRANSIENT_ERRORS as exc:
        raise unavailable(settings, exc) from None
    except ApiError as exc:
        if exc.meta.status == 404:
            raise NewsflowError(f"index alias {settings.alias!r} does not exist: run `newsflow setup` first") from None
        raise NewsflowError(f"search failed: {exc.message}") from None
    total = response["hits"]["total"]["value"]
    return total, [_to_hit(h) for h in response["hits"]["hits"]]


def _to_hit(raw: dict[str, Any]) -> Hit:
    src = raw["_source"]
    entities = sorted(
        (e for e in src.get("entities", []) if e["type"] not in _SKIPPED_TYPES),
        key=lambda e: (-e["count"], e["first_offset"]),
    )
    fragments = raw.get("highlight", {})
    snippet = (fragments.get("text") or fragments.get("summary") or [src.get("summary", "")[:160]])[0]
    return Hit(
        id=src["article_id"],
        score=raw.get("_score"),
        title=src.get("title", ""),
        source=src.get("source", ""),
        published=src.get("published"),
        url=src.get("url"),
        top_entities=[f"{e['name']} ({e['type']})" for e in entities[:6]],
        snippet=_SPLIT_MARK.sub(r"\1", " ".join(snippet.split())),
    )


def format_hit(hit: Hit, *, color: bool) -> str:
    start, end = ("\x1b[1m", "\x1b[0m") if color else ("**", "**")
    snippet = hit.snippet.replace(MARK_START, start).replace(MARK_END, end)
    lines = [
        f"{hit.title}",
        f"  {hit.source} · {hit.published or 'undated'} · {hit.url or hit.id}",
        f"  entities: {', '.join(hit.top_entities) or '-'}",
        f"  {snippet}",
    ]
    return "\n".join(lines)


def add_search_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="+", help="words to search for")
    parser.add_argument("-n", "--size", type=int, default=10, help="number of hits to show (default 10)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run_search_command(settings: Settings, args: argparse.Namespace) -> int:
    from newsflow.elastic import make_client

    client = make_client(settings.elasticsearch)
    try:
        total, hits = search_articles(client, settings.elasticsearch, " ".join(args.query), size=args.size)
    finally:
        client.close()
    if args.json:
        print(json.dumps({"total": total, "hits": [h.as_dict() for h in hits]}, ensure_ascii=False, indent=2))
        return 0
    print(f"{total} article(s) match")
    color = sys.stdout.isatty()
    for hit in hits:
        print()
        print(format_hit(hit, color=color))
    return 0
