"""`newsflow search`: full-text search of the indexed articles from the command line.

The arguments (`add_search_arguments`), the command (`run_search_command`: parse the query as
`newsflow.read.query` does for the HTTP API, run it with `newsflow.read.search`) and the way a
hit is printed (`format_hit`).
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from dataclasses import dataclass

from newsflow.read.query import DATE_HELP, MARK_END, MARK_START, SortOrder, parse_search_query
from newsflow.read.search import Hit, search_articles
from newsflow.settings import Settings

__all__ = ["add_search_arguments", "format_hit", "run_search_command"]


@dataclass(frozen=True)
class _Option:
    flags: tuple[str, ...]
    field: str
    metavar: str
    help: str


_FILTER_OPTIONS = (
    _Option(("--entity",), "entity", "NAME", "only articles naming this person, organisation, place or other entity (exact name, any case)"),
    _Option(("--type",), "entity_type", "TYPE", "only articles with an entity of this type (PERSON, ORG, GPE, ...); "
                                                "with --entity, that entity as this type"),
    _Option(("--topic",), "topic", "TOPIC", "only articles on this topic"),
    _Option(("--source",), "source", "SOURCE", "only articles from this source (exact name, any case)"),
    _Option(("--language",), "language", "CODE", "only articles in this language (code, e.g. en)"),
    _Option(("--since",), "since", "DATE", f"published at or after DATE: {DATE_HELP}"),
    _Option(("--until",), "until", "DATE", f"published at or before DATE: {DATE_HELP}"),
)
# How the query's fields are spelled on the command line, for error messages.
_CLI_NAMES = {"text": "QUERY", "size": "--size", "offset": "--from", "sort": "--sort"} | {o.field: o.flags[0] for o in _FILTER_OPTIONS}


def add_search_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="+", help="words to search for")
    for option in _FILTER_OPTIONS:
        parser.add_argument(*option.flags, dest=option.field, metavar=option.metavar, help=option.help)
    parser.add_argument("--sort", choices=[s.value for s in SortOrder], default=SortOrder.RELEVANCE.value,
                        help="relevance (default) or date (newest first; articles whose feed gave no date, "
                             "dated by their fetch time, after all dated ones)")
    parser.add_argument("-n", "--size", type=int, default=10, help="number of hits to show (default 10)")
    parser.add_argument("--from", dest="offset", type=int, default=0, metavar="N", help="skip the first N hits (paging)")
    parser.add_argument("--collapse-duplicates", action="store_true",
                        help="leave out near-duplicates of other articles and show how many each hit has")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run_search_command(settings: Settings, args: argparse.Namespace) -> int:
    from newsflow.index.indices import make_client
    from newsflow.read.search import BoundedSearches

    fields = {o.field: getattr(args, o.field) for o in _FILTER_OPTIONS}
    fields |= {"text": " ".join(args.query), "sort": args.sort, "size": args.size, "offset": args.offset,
               "collapse_duplicates": args.collapse_duplicates}
    query = parse_search_query(fields, max_page_size=settings.api.max_page_size, names=_CLI_NAMES,
                               max_terms=settings.api.max_query_terms, max_prefix_terms=settings.api.max_prefix_terms)
    client = BoundedSearches(make_client(settings.elasticsearch), settings.api.search_timeout_s)
    try:
        result = search_articles(client, settings.elasticsearch, query)
    finally:
        client.close()
    if args.json:
        hits = [h.as_dict() if query.collapse_duplicates else h.model_dump(exclude={"duplicates"}) for h in result.hits]
        print(json.dumps({"total": result.total, "hits": hits}, ensure_ascii=False, indent=2))
        return 0
    print(f"{result.total} article(s) match")
    color = sys.stdout.isatty()
    for hit in result.hits:
        print()
        print(format_hit(hit, color=color))
    return 0


def format_hit(hit: Hit, *, color: bool) -> str:
    start, end = ("\x1b[1m", "\x1b[0m") if color else ("**", "**")
    # The snippet is HTML (the article's text escaped, matches in <mark>): a terminal shows text.
    snippet = html.unescape(hit.snippet.replace(MARK_START, start).replace(MARK_END, end))
    copies = f" · {hit.duplicates} duplicate(s)" if hit.duplicates else ""
    lines = [
        f"{hit.title}",
        f"  {hit.source} · {_date(hit)} · {hit.url or hit.id}{copies}",
        f"  entities: {', '.join(hit.top_entities) or '-'}",
        f"  {snippet}",
    ]
    return "\n".join(lines)


def _date(hit) -> str:
    """The hit's date, marked when it is the fetch time standing in for a date the feed did not give."""
    if not hit.published:
        return "undated"
    return f"{hit.published} (fetch time: no date in the feed)" if hit.date_source == "fetched" else hit.published
