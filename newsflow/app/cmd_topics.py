"""`newsflow topics train`: fit a custom topic taxonomy on labelled JSONL and save it as JSON.

The labelled JSONL is one article per line::

    {"title": "Alcaraz retains Wimbledon title", "text": "Carlos Alcaraz beat ...", "label": "sport"}
    {"text": "The central bank kept rates on hold ...", "label": "economy"}

("title" and "language" are optional.) Errors are raised as `newsflow.errors.ConfigError` (one
line naming the file and line); `newsflow.app.cli.main` prints them as ``newsflow: error: ...``.
The work itself (parsing, training, metrics) is in processors/topics/step.py; `newsflow eval
topics` (newsflow/app/cmd_eval.py) measures a saved model.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from newsflow.errors import ConfigError

if TYPE_CHECKING:
    from newsflow.settings import Settings

__all__ = ["DATA_HELP", "add_topics_command", "run_topics_train"]

DATA_HELP = 'labelled JSONL: one {"text": ..., "label": ...} (or {"title", "text", "label"}) per line'

TRAIN_DESCRIPTION = """\
train: fit a custom topic classifier on labelled articles, for any set of labels (at least 2,
with at least 5 examples each), scikit-learn on CPU. Default (--method svm --features word+char):
TF-IDF of word 1-2 grams and character 3-5 grams, a linear SVM (LinearSVC), and scores in 0..1
from a sigmoid fitted to held-out decision values (Platt scaling). --method logreg is the
former method (multinomial logistic regression, softmax probabilities): many times slower to fit
for no better score; --features word leaves out the character n-grams (a smaller model file).
A stratified share of the examples (--test-split) is held out first to report accuracy, macro-F1
and a confusion matrix; the saved model is then fitted on all of them. Fit times are printed.

The model is written as JSON (vocabulary, weights; never pickle). To use it instead of the
built-in IPTC Media Topics classifier, set processor.topics.model_file
(NEWSFLOW_PROCESSOR__TOPICS__MODEL_FILE=model.json) and restart the processors."""


def _fraction(value: str) -> float:
    try:
        fraction = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 <= fraction <= 0.5:
        raise argparse.ArgumentTypeError("must be between 0 (no held-out test) and 0.5")
    return fraction


def add_topics_command(sub: argparse._SubParsersAction) -> None:
    """Register `topics` (action train) on the `newsflow` subparsers."""
    p = sub.add_parser("topics", help="train a custom topic classifier from labelled JSONL",
                       description=TRAIN_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("action", choices=["train"], help="train: fit a classifier and save it as JSON")
    p.add_argument("--data", required=True, type=Path, metavar="FILE", help=DATA_HELP)
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="where to write the model (a .json file)")
    p.add_argument("--test-split", type=_fraction, default=0.2, metavar="FRACTION",
                   help="share of the examples held out to report quality (default 0.2; 0: none)")
    p.add_argument("--method", choices=["svm", "logreg"], default="svm",
                   help="svm: linear SVM with calibrated scores (default); logreg: logistic regression (slower)")
    p.add_argument("--features", choices=["word+char", "word"], default="word+char",
                   help="TF-IDF of word and character n-grams (default) or of words only")
    p.set_defaults(func=run_topics_train)


def run_topics_train(settings: Settings, args: argparse.Namespace) -> int:
    from processors.topics.step import evaluate, format_report, load_examples, split_examples, train_classifier

    out = Path(args.out)
    if out.suffix.lower() != ".json":
        raise ConfigError(f"--out {out}: topic models are saved as JSON (no pickle/joblib); name it *.json")
    examples = load_examples(Path(args.data))
    labels = sorted({e.label for e in examples})
    print(f"read {len(examples)} examples with {len(labels)} labels from {args.data}")
    options = {"method": args.method, "features": args.features}
    if args.test_split > 0:
        train, test = split_examples(examples, args.test_split)
        held_out = train_classifier(train, name=out.stem, **options)
        print(f"held-out test: fitted on {len(train)} examples in {held_out.metadata['fit_seconds']:.2f} s, "
              f"tested on the other {len(test)}")
        print(format_report(evaluate(held_out, test)))
        print()
    model = train_classifier(examples, name=out.stem, **options)
    model.save(out)
    size_kb = out.stat().st_size / 1024
    print(f"saved {out} ({size_kb:,.0f} KB): {len(model.labels)} labels, {len(model.vocabulary):,} features, "
          f"fitted on all {len(examples)} examples in {model.metadata['fit_seconds']:.2f} s "
          f"({args.method}, {args.features})")
    print(f"use it with NEWSFLOW_PROCESSOR__TOPICS__MODEL_FILE={out} (setting processor.topics.model_file)")
    return 0
