"""`newsflow eval topics`, `eval stories` and `eval extract`: the enrichment measured on labelled data.

`eval topics` classifies labelled articles (the format `newsflow topics train` reads, see
newsflow/app/cmd_topics.py) with the built-in IPTC classifier or a trained model. `eval stories`
measures near-duplicate detection and story clustering, after the real enrichment steps, on the
tuning set tests/data/stories-eval.jsonl and the held-out tests/data/stories-eval-heldout.jsonl
side by side (or on the --data files). The work itself is in processors/topics/step.py and
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
from newsflow.errors import ConfigError
from newsflow.settings import REPO_ROOT

if TYPE_CHECKING:
    from newsflow.settings import Settings
    from processors.stories.evaluation import StoriesReport

    StoriesResults = list[tuple[str, Path, StoriesReport]]  # (set name, file, report)

__all__ = ["add_eval_commands", "run_eval_entities", "run_eval_extract", "run_eval_stories", "run_eval_topics"]

EVAL_DESCRIPTION = """\
topics: classify labelled articles (each line of --data: {"title", "text", "label"}, optional
"language") and compare each article's best topic with its label. By default the built-in IPTC
Media Topics classifier is evaluated (labels must then be IPTC top-level labels such as "economy,
business and finance", or their QCodes such as medtop:04000000; "language" picks the lexicon,
as the detected language does in the pipeline); --model evaluates a model from `newsflow topics
train` instead.

The figures:
  accuracy           share of articles whose best topic is their label.
  macro-F1           mean F1 over the GOLD labels (the classes present in --data), as
                     scikit-learn's f1_score(average="macro", labels=<gold labels>). A topic
                     outside the gold labels (another IPTC category, or none) counts as an
                     error against the article's class. Compare classifiers with this one.
  open-set macro-F1  mean F1 over the gold AND the predicted labels (a stray category scores
                     F1 = 0): falls with every distinct wrong category, so it shows how
                     scattered the errors are; not comparable across data sets.
  per label          precision, recall, F1 and support of each gold label, then the number of
                     predictions outside the gold labels, by label.
  by language        articles, accuracy, macro-F1 per language (when --data has several).
  confusion matrix   rows: gold label; columns: predicted gold label, and x for predictions
                     outside the gold labels.
tests/data/iptc-news-tune.jsonl and iptc-news-heldout.jsonl (tests/data/make_iptc_news.py) are
labelled sets in six languages: tune lexicon changes on the first, report the second."""

ENTITIES_DATA = REPO_ROOT / "tests" / "data" / "entities-eval.conll"
EVAL_ENTITIES_DESCRIPTION = """\
entities: read a CoNLL-2003 file (one token per line with its NER tag in the last column, IOB1
or IOB2; -DOCSTART- lines separate documents, blank lines sentences), rebuild each document's
text, run the real language and entities steps on it as the processor does, and score exact
spans (start, end, type) from each entity's mention offsets.

Label mapping (ours -> CoNLL): PERSON -> PER; ORG -> ORG; GPE, LOC, FAC -> LOC; NORP, EVENT,
PRODUCT, WORK_OF_ART, LAW, LANGUAGE -> MISC; other types are not scored.

Prints precision, recall and F1 per type (PER, ORG, LOC, MISC) with counts, the time per
document, and ends with the line `entities micro-F1 (PER, ORG, LOC): 0.xxx` (micro-averaged over
the three). --baseline first scores the bare spaCy model (its doc.ents, same mapping) on the same
text. tests/data/entities-eval.conll (tuning) and entities-eval-heldout.conll (held out) are
labelled sets we wrote (tests/data/make_entities_eval.py); run it on your own data."""

EVAL_COMMAND_DESCRIPTION = """\
Measure the enrichment against labelled data (--data): `eval topics` a topic classifier
(built-in IPTC Media Topics or one from `topics train`), `eval stories` near-duplicate detection
and story clustering, `eval extract` full-text extraction on saved pages. `newsflow eval ACTION
--help` tells more."""

STORIES_DATA = REPO_ROOT / "tests" / "data" / "stories-eval.jsonl"
STORIES_HELDOUT = REPO_ROOT / "tests" / "data" / "stories-eval-heldout.jsonl"
# The sets evaluated without --data, and the name each is reported under (also when given with --data).
STORIES_SETS = {STORIES_DATA: "tuning", STORIES_HELDOUT: "held-out"}

EVAL_STORIES_DESCRIPTION = """\
stories: enrich labelled articles with the real steps (clean, language, entities, key phrases,
topics; with the processor settings in effect), then run near-duplicate detection and story
clustering over them in arrival order (fetched_at, then published).

The sets: without --data, two labelled sets made the same way from different events, each
evaluated on its own (fresh duplicate index and stories):
  tuning    tests/data/stories-eval.jsonl (tests/data/make_stories_eval.py): the dedup and story
            thresholds were tuned on it, so its figures are optimistic.
  held-out  tests/data/stories-eval-heldout.jsonl (tests/data/make_stories_eval_heldout.py): other
            events, people and outlets; nothing was tuned on it. Its figures are the estimate
            for new data; tuning a threshold on it would make it one more tuning set.
--data FILE (repeatable) evaluates the given files instead.

The figures, per set (a section each, then, for several sets, a summary table: set, duplicates P,
duplicates R, story P, story R, story F1):
  duplicates (pairs)       pairs article -> original. Precision: share of the pairs found that
                           are labelled so; recall: share of the labelled pairs found; F1.
  stories (pairwise)       over all pairs of articles. Precision: share of the pairs put in one
                           story that are labelled one story; recall: share of the pairs labelled
                           one story that were put in one; F1 their harmonic mean.
  stories, originals only  the same without the duplicates (which join their original's story by
                           construction, and so flatter the figures above).
  stories                  stories found and labelled.
  ms per article           dedup and clustering next to NER.
  missed duplicates        labelled copies whose original was not found (recall under 1).
  wrong duplicates         articles matched to an original they do not copy (precision under 1).
Goals (issue 18): duplicates P and R >= 0.99 on both sets; story F1 >= 0.95 on the tuning set and
>= 0.90 on the held-out set.

Each line of --data is {"id", "source", "published", "title", "text", "labels": {"duplicate_of":
id or null, "story": label}}, optionally with "fetched_at" (default: published) and "date_source"
("feed", "page", or "fetched" for an undated item whose published is its fetch time), as the
producer records them. tests/data/make_stories_realmix.py builds a real-feed mix (a backlog,
undated items, languages). --json prints one JSON object per set, a line each: the report with
"set" (its name) and "data" (the file)."""

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
    """Register `eval` (actions topics, entities, stories, extract) on the `newsflow` subparsers."""
    p = sub.add_parser("eval", help="measure topics, entities, story clustering or extraction on labelled data",
                       description=EVAL_COMMAND_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("topics", help="evaluate the topic classifier (IPTC or custom)",
                           description=EVAL_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, type=Path, metavar="FILE", help=DATA_HELP)
    p.add_argument("--model", type=Path, default=None, metavar="FILE",
                   help="a model from `newsflow topics train` (default: the built-in IPTC classifier)")
    p.add_argument("--language", default=None, metavar="CODE",
                   help='only the articles whose "language" is CODE (e.g. en)')
    p.set_defaults(func=run_eval_topics)

    p = actions.add_parser("stories", help="evaluate near-duplicate detection and story clustering",
                           description=EVAL_STORIES_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, action="append", default=None, metavar="FILE",
                   help="labelled articles as JSONL; repeat for several sets (default: the tuning set "
                        "tests/data/stories-eval.jsonl and the held-out tests/data/stories-eval-heldout.jsonl)")
    p.add_argument("--json", action="store_true", help="print one JSON object per set, one per line")
    p.set_defaults(func=run_eval_stories)

    p = actions.add_parser("entities", help="evaluate named entities on a CoNLL-2003 file (PER, ORG, LOC, MISC)",
                           description=EVAL_ENTITIES_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=ENTITIES_DATA, metavar="FILE",
                   help="CoNLL-2003 file: a token per line, its NER tag (IOB1 or IOB2) in the last column, "
                        "-DOCSTART- between documents (default: tests/data/entities-eval.conll)")
    p.add_argument("--declared-language", default="en", metavar="CODE",
                   help="the language a feed would declare for these documents (default: en; 'none' for no hint): "
                        "the language step decides as in the pipeline")
    p.add_argument("--baseline", action="store_true", help="also score the bare spaCy model on the same text")
    p.set_defaults(func=run_eval_entities)

    p = actions.add_parser("extract", help="evaluate full-text extraction on saved pages",
                           description=EVAL_EXTRACT_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=EXTRACT_DATA, metavar="DIR",
                   help="HTML pages and references.jsonl (default: tests/data/extract-eval)")
    p.add_argument("--baseline", action="store_true", help="also score bare trafilatura.extract (defaults) on the same pages")
    p.add_argument("--json", action="store_true", help="print the report(s) as one JSON object")
    p.set_defaults(func=run_eval_extract)


def run_eval_entities(settings: Settings, args: argparse.Namespace) -> int:
    from processors.entities_eval import entities_report

    if not Path(args.data).exists():
        raise ConfigError(f"{args.data}: no such file")
    if not Path(args.data).is_file():
        raise ConfigError(f"{args.data}: not a file (expected a CoNLL file)")
    declared = None if str(args.declared_language).lower() in ("none", "") else args.declared_language
    print(entities_report(Path(args.data), settings=settings.processor, baseline=args.baseline,
                          declared_language=declared))
    return 0


def run_eval_topics(settings: Settings, args: argparse.Namespace) -> int:
    from processors.topics.step import evaluate, format_report, load_classifier, load_examples

    classifier = load_classifier(Path(args.model) if args.model else None)
    examples = load_examples(Path(args.data))
    if args.language:
        examples = [e for e in examples if (e.language or "").lower() == args.language.lower()]
        if not examples:
            raise ConfigError(f"{args.data}: no articles with \"language\": {args.language!r}")
    print(format_report(evaluate(classifier, examples)))
    return 0


def run_eval_stories(settings: Settings, args: argparse.Namespace) -> int:
    from processors.base import build_chain
    from processors.catalog import load_steps
    from processors.stories.evaluation import evaluate_stories, load_eval_articles

    paths = [Path(p) for p in args.data] if args.data else list(STORIES_SETS)
    sets = [(path, load_eval_articles(path)) for path in paths]  # every file checked before the slow part
    load_steps()
    chain = build_chain(EVAL_STEPS, settings=settings.processor)
    results = []
    try:
        for path, articles in sets:
            # A store per set (fresh stories and IDF counts), with the processor's own settings
            # (thresholds, windows, batch size), so that the figures are the service's.
            results.append((_set_name(path), path, evaluate_stories(articles, chain, settings.processor)))
    finally:
        chain.close()
    print(_stories_json(results) if args.json else _stories_text(results))
    return 0


def _set_name(path: Path) -> str:
    """The name a set is reported under: tuning or held-out for the bundled sets (however the path
    is written), else the file name."""
    resolved = path.resolve()
    return next((name for known, name in STORIES_SETS.items() if known.resolve() == resolved), path.name)


def _shown(path: Path) -> str:
    # Relative to the working directory when inside it: shorter, and the same on every machine.
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _stories_text(results: StoriesResults) -> str:
    from processors.stories.evaluation import format_stories_report, format_stories_summary

    sections = [f"== {_section_title(name, path)} ==\n{format_stories_report(report)}" for name, path, report in results]
    if len(results) > 1:
        sections.append("== summary ==\n" + format_stories_summary([(name, report) for name, _, report in results]))
    return "\n\n".join(sections)


def _section_title(name: str, path: Path) -> str:
    # Said in every report, so that nobody reads the tuning set's figures as an estimate for new data.
    notes = {"tuning": "thresholds tuned on it", "held-out": "held out: nothing tuned on it"}
    if name in notes:
        return f"{name} set: {_shown(path)} ({notes[name]})"
    return f"{name}: {_shown(path)}"


def _stories_json(results: StoriesResults) -> str:
    return "\n".join(json.dumps({"set": name, "data": str(path), **report.to_json()}) for name, path, report in results)


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
