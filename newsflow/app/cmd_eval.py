"""`newsflow topics train`, `newsflow eval topics` and `newsflow eval stories`.

`topics train` and `eval topics` fit a custom topic taxonomy and measure a classifier. Both read
labelled JSONL, one article per line::

    {"title": "Alcaraz retains Wimbledon title", "text": "Carlos Alcaraz beat ...", "label": "sport"}
    {"text": "The central bank kept rates on hold ...", "label": "economy"}

("title" and "language" are optional.) `eval stories` measures near-duplicate detection and story
clustering on tests/data/stories-eval.jsonl (or --data), after the real enrichment steps.
Errors are raised as `newsflow.errors.ConfigError` (one line naming the file and line);
`newsflow.app.cli.main` prints them as ``newsflow: error: ...``. The work itself (parsing, training,
metrics) is in processors/topics/step.py and processors/stories/evaluation.py.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from newsflow.errors import ConfigError
from newsflow.settings import REPO_ROOT

if TYPE_CHECKING:
    from newsflow.settings import Settings

__all__ = ["add_topics_commands", "run_eval_stories", "run_eval_topics", "run_topics_train"]

DATA_HELP = 'labelled JSONL: one {"text": ..., "label": ...} (or {"title", "text", "label"}) per line'

TRAIN_DESCRIPTION = """\
train: fit a custom topic classifier on labelled articles, for any set of labels (at least 2,
with at least 5 examples each): TF-IDF of words and word pairs, then logistic regression
(scikit-learn, CPU only). A stratified share of the examples (--test-split) is held out first to
report accuracy, macro-F1 and a confusion matrix; the saved model is then fitted on all of them.

The model is written as JSON (vocabulary, weights; never pickle). To use it instead of the
built-in IPTC Media Topics classifier, set processor.topics.model_file
(NEWSFLOW_PROCESSOR__TOPICS__MODEL_FILE=model.json) and restart the processors."""

EVAL_DESCRIPTION = """\
topics: classify labelled articles and print accuracy, macro-F1, per-label precision/recall/F1
and the confusion matrix. By default the built-in IPTC Media Topics classifier is evaluated (labels
must then be IPTC top-level labels such as "economy, business and finance", or their QCodes such
as medtop:04000000); --model evaluates a model from `newsflow topics train` instead."""

EVAL_COMMAND_DESCRIPTION = """\
Measure the enrichment against labelled JSONL (--data FILE): `eval topics` a topic classifier
(built-in IPTC Media Topics or one from `topics train`), `eval stories` near-duplicate detection
and story clustering. `newsflow eval ACTION --help` tells more."""

STORIES_DATA = REPO_ROOT / "tests" / "data" / "stories-eval.jsonl"

EVAL_STORIES_DESCRIPTION = """\
stories: enrich labelled articles with the real steps (clean, language, entities, key phrases,
topics; with the processor settings in effect), then run near-duplicate detection and story
clustering over them in published order. Prints duplicate detection precision/recall/F1 (pairs
article -> original), pairwise precision/recall/F1 of the stories (with and without the
duplicates), the counts, and the milliseconds per article of dedup and clustering next to those
of NER. Each line of --data is {"id", "source", "published", "title", "text", "labels":
{"duplicate_of": id or null, "story": label}}; tests/data/make_stories_eval.py builds the default set."""

EVAL_STEPS = ("news.clean.v1", "news.language.v1", "news.entities.v2", "news.keyphrases.v1", "news.topics.v1")


def _fraction(value: str) -> float:
    try:
        fraction = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 <= fraction <= 0.5:
        raise argparse.ArgumentTypeError("must be between 0 (no held-out test) and 0.5")
    return fraction


def add_topics_commands(sub: argparse._SubParsersAction) -> None:
    """Register `topics` (action train) and `eval` (action topics) on the `newsflow` subparsers."""
    p = sub.add_parser("topics", help="train a custom topic classifier from labelled JSONL",
                       description=TRAIN_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("action", choices=["train"], help="train: fit a classifier and save it as JSON")
    p.add_argument("--data", required=True, type=Path, metavar="FILE", help=DATA_HELP)
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="where to write the model (a .json file)")
    p.add_argument("--test-split", type=_fraction, default=0.2, metavar="FRACTION",
                   help="share of the examples held out to report quality (default 0.2; 0: none)")
    p.set_defaults(func=run_topics_train)

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


def run_topics_train(settings: Settings, args: argparse.Namespace) -> int:
    from processors.topics.step import evaluate, format_report, load_examples, split_examples, train_classifier

    out = Path(args.out)
    if out.suffix.lower() != ".json":
        raise ConfigError(f"--out {out}: topic models are saved as JSON (no pickle/joblib); name it *.json")
    examples = load_examples(Path(args.data))
    labels = sorted({e.label for e in examples})
    print(f"read {len(examples)} examples with {len(labels)} labels from {args.data}")
    if args.test_split > 0:
        train, test = split_examples(examples, args.test_split)
        print(f"held-out test: fitted on {len(train)} examples, tested on the other {len(test)}")
        print(format_report(evaluate(train_classifier(train, name=out.stem), test)))
        print()
    model = train_classifier(examples, name=out.stem)
    model.save(out)
    size_kb = out.stat().st_size / 1024
    print(f"saved {out} ({size_kb:,.0f} KB): {len(model.labels)} labels, {len(model.vocabulary):,} features, "
          f"fitted on all {len(examples)} examples")
    print(f"use it with NEWSFLOW_PROCESSOR__TOPICS__MODEL_FILE={out} (setting processor.topics.model_file)")
    return 0


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
