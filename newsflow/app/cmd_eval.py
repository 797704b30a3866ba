"""`newsflow eval topics`, `eval stories` and `eval extract`: the enrichment measured on labelled data.

`eval topics` classifies labelled articles (the format `newsflow topics train` reads, see
newsflow/app/cmd_topics.py) with the built-in IPTC classifier or a trained model. `eval stories`
measures near-duplicate detection and story clustering on tests/data/stories-eval.jsonl (or
--data), after the real enrichment steps. The work itself is in processors/topics/step.py and
processors/stories/evaluation.py. `eval extract` scores full-text extraction on saved pages and
their reference bodies (processors/extraction_eval.py). This module only wires them to files and
the terminal.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from newsflow.app.cmd_topics import DATA_HELP
from newsflow.settings import REPO_ROOT

if TYPE_CHECKING:
    from newsflow.settings import Settings

__all__ = ["add_eval_commands", "run_eval_extract", "run_eval_stories", "run_eval_topics"]

EVAL_DESCRIPTION = """\
topics: classify labelled articles and print accuracy, macro-F1, per-label precision/recall/F1
and the confusion matrix. By default the built-in IPTC Media Topics classifier is evaluated (labels
must then be IPTC top-level labels such as "economy, business and finance", or their QCodes such
as medtop:04000000); --model evaluates a model from `newsflow topics train` instead."""

EVAL_COMMAND_DESCRIPTION = """\
Measure the enrichment against labelled data (--data): `eval topics` a topic classifier
(built-in IPTC Media Topics or one from `topics train`), `eval stories` near-duplicate detection
and story clustering, `eval extract` full-text extraction on saved pages. `newsflow eval ACTION
--help` tells more."""

STORIES_DATA = REPO_ROOT / "tests" / "data" / "stories-eval.jsonl"

EVAL_STORIES_DESCRIPTION = """\
stories: enrich labelled articles with the real steps (clean, language, entities, key phrases,
topics; with the processor settings in effect), then run near-duplicate detection and story
clustering over them in arrival order (fetched_at, then published). Prints duplicate detection
precision/recall/F1 (pairs article -> original), pairwise precision/recall/F1 of the stories (with
and without the duplicates), the counts, and the milliseconds per article of dedup and clustering
next to those of NER. Each line of --data is {"id", "source", "published", "title", "text",
"labels": {"duplicate_of": id or null, "story": label}}, optionally with "fetched_at" (default:
published) and "date_source" ("feed", "page", or "fetched" for an undated item whose published is
its fetch time), as the producer records them. tests/data/make_stories_eval.py builds the default
set; tests/data/make_stories_realmix.py a real-feed mix (a backlog, undated items, languages)."""

EXTRACT_DATA = REPO_ROOT / "tests" / "data" / "extract-eval"

EVAL_EXTRACT_DESCRIPTION = """\
extract: run the extract step's extraction (processors/extraction.py: trafilatura precise, then
recall when the text is short, publisher notices removed) over saved pages, no network, and print
precision, recall and F1 against reference bodies, the empty and short pages, and the time per
page. --data DIR holds the HTML files and references.jsonl, one {"file", "url", "body"} per line
("title" optional: dropped from the top of the text, as the step drops the item's title).

Metric: lower-cased word tokens, multisets of 4-token shingles; per page precision = shared /
extracted, recall = shared / reference (an empty extraction scores 0 and 0); averaged over pages,
F1 of the averages. Empty: nothing extracted. Short: under half the reference's words.
tests/data/make_extract_eval.py builds the bundled set and larger ones (--pages N)."""

EVAL_STEPS = ("news.clean.v1", "news.language.v1", "news.entities.v2", "news.keyphrases.v1", "news.topics.v1")


def add_eval_commands(sub: argparse._SubParsersAction) -> None:
    """Register `eval` (actions topics and stories) on the `newsflow` subparsers."""
    p = sub.add_parser("eval", help="measure a topic classifier or story clustering on labelled JSONL",
                       description=EVAL_COMMAND_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("topics", help="evaluate the topic classifier (IPTC or custom)",
                           description=EVAL_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, type=Path, metavar="FILE", help=DATA_HELP)
    p.add_argument("--model", type=Path, default=None, metavar="FILE",
                   help="a model from `newsflow topics train` (default: the built-in IPTC classifier)")
    p.set_defaults(func=run_eval_topics)

    p = actions.add_parser("stories", help="evaluate near-duplicate detection and story clustering",
                           description=EVAL_STORIES_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=STORIES_DATA, metavar="FILE",
                   help="labelled articles as JSONL (default: tests/data/stories-eval.jsonl)")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.set_defaults(func=run_eval_stories)

    p = actions.add_parser("extract", help="evaluate full-text extraction on saved pages",
                           description=EVAL_EXTRACT_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=EXTRACT_DATA, metavar="DIR",
                   help="HTML pages and references.jsonl (default: tests/data/extract-eval)")
    p.add_argument("--baseline", action="store_true", help="also score bare trafilatura.extract (defaults) on the same pages")
    p.add_argument("--json", action="store_true", help="print the report(s) as one JSON object")
    p.set_defaults(func=run_eval_extract)


def run_eval_topics(settings: Settings, args: argparse.Namespace) -> int:
    from processors.topics.step import evaluate, format_report, load_classifier, load_examples

    classifier = load_classifier(Path(args.model) if args.model else None)
    examples = load_examples(Path(args.data))
    print(format_report(evaluate(classifier, examples)))
    return 0


def run_eval_stories(settings: Settings, args: argparse.Namespace) -> int:
    from processors.base import build_chain
    from processors.catalog import load_steps
    from processors.stories.evaluation import evaluate_stories, format_stories_report, load_eval_articles

    articles = load_eval_articles(Path(args.data))
    load_steps()
    chain = build_chain(EVAL_STEPS, settings=settings.processor)
    try:
        report = evaluate_stories(articles, chain)
    finally:
        chain.close()
    print(json.dumps(report.to_json()) if args.json else format_stories_report(report))
    return 0


def run_eval_extract(settings: Settings, args: argparse.Namespace) -> int:
    from processors.extraction_eval import bare_trafilatura, evaluate_extraction, load_pages

    pages = load_pages(Path(args.data))
    reports = [evaluate_extraction(pages)]
    if args.baseline:
        reports.append(evaluate_extraction(pages, bare_trafilatura, name="bare trafilatura"))
    if args.json:
        print(json.dumps({r.extractor: r.as_dict() for r in reports}))
    else:
        print("\n".join(line for r in reports for line in r.lines()))
    return 0
