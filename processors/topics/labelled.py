"""Labelled articles for training and evaluating topic classifiers: the JSONL format, checks, splits.

One article per line: {"text", "label"} or {"title", "text", "label"}, optionally "language"
(an ISO 639-1 code such as "en": the built-in classifier then reads the article with that
language's lexicon, as the step does with the detected language).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsflow.errors import ConfigError
from newsflow.settings.user_files import read_text

__all__ = ["MIN_EXAMPLES_PER_LABEL", "LabelledExample", "check_trainable", "load_examples", "split_examples"]

MIN_EXAMPLES_PER_LABEL = 5


@dataclass(frozen=True)
class LabelledExample:
    text: str
    label: str
    title: str = ""
    language: str | None = None


def load_examples(path: Path) -> list[LabelledExample]:
    """Read JSONL lines {"text", "label"} or {"title", "text", "label"} (optional "language");
    raises ConfigError naming the file and line of the first bad one."""
    lines = read_text(path).splitlines()
    examples = [_example(path, number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    if not examples:
        raise ConfigError(f"{path}: no examples (expected JSON lines with \"text\" and \"label\")")
    return examples


def _example(path: Path, number: int, line: str) -> LabelledExample:
    where = f"{path}: line {number}"
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise ConfigError(f"{where}: expected a JSON object with \"text\" and \"label\"")
    label, text, title, language = row.get("label"), row.get("text"), row.get("title", ""), row.get("language")
    if not isinstance(label, str) or not label.strip():
        raise ConfigError(f"{where}: \"label\" must be a non-empty string")
    if not isinstance(title, str) or not (text is None or isinstance(text, str)):
        raise ConfigError(f"{where}: \"title\" and \"text\" must be strings")
    if not (text or "").strip() and not title.strip():
        raise ConfigError(f"{where}: no \"text\" (or \"title\") to learn from")
    if language is not None and not isinstance(language, str):
        raise ConfigError(f"{where}: \"language\" must be a string such as \"en\"")
    return LabelledExample(text=text or "", label=label.strip(), title=title, language=language or None)


def check_trainable(examples: Sequence[LabelledExample]) -> None:
    counts: dict[str, int] = {}
    for example in examples:
        counts[example.label] = counts.get(example.label, 0) + 1
    if len(counts) < 2:
        raise ConfigError(f"need at least 2 different labels to train, found {len(counts)}: {sorted(counts)}")
    few = {label: n for label, n in sorted(counts.items()) if n < MIN_EXAMPLES_PER_LABEL}
    if few:
        listed = ", ".join(f"{label!r} ({n})" for label, n in few.items())
        raise ConfigError(f"too few examples: each label needs at least {MIN_EXAMPLES_PER_LABEL}; {listed}")


def split_examples(examples: Sequence[LabelledExample], test_fraction: float,
                   seed: int = 0) -> tuple[list[LabelledExample], list[LabelledExample]]:
    """A stratified train/test split: every label keeps examples on both sides."""
    from sklearn.model_selection import train_test_split

    check_trainable(examples)
    labels = [e.label for e in examples]
    test_size = max(len(set(labels)), round(test_fraction * len(examples)))
    if len(examples) - test_size < 2 * len(set(labels)):
        raise ConfigError(f"{len(examples)} examples are too few to hold out {test_fraction:.0%} for testing; "
                          "use --test-split 0 or add examples")
    train, test = train_test_split(list(examples), test_size=test_size, stratify=labels, random_state=seed)
    left = {label: sum(1 for e in train if e.label == label) for label in sorted(set(labels))}
    short = {label: n for label, n in left.items() if n < MIN_EXAMPLES_PER_LABEL}
    if short:
        listed = ", ".join(f"{label!r} ({n})" for label, n in short.items())
        raise ConfigError(f"holding out {test_fraction:.0%} for testing leaves too few training examples "
                          f"(each label needs {MIN_EXAMPLES_PER_LABEL}): {listed}; lower --test-split or add examples")
    return list(train), list(test)
