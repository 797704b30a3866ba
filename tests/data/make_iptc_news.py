"""Build tests/data/iptc-news-tune.jsonl and tests/data/iptc-news-heldout.jsonl: labelled news for
`newsflow eval topics` (IPTC Media Topics, top level), a TUNING set and a separate HELD-OUT set.

Run from anywhere: ``python tests/data/make_iptc_news.py`` (writes both files beside this script).
Deterministic: the same inputs give the same bytes.

Each set is made of
- hand-written items (tests/data/iptc-news-handwritten-tune.txt and -heldout.txt): free-form
  news in the style of agency and newspaper copy of 2004-2026, short wire items (a title and a
  one-sentence description), longer ones (two or three sentences) and long articles (five to
  seven sentences, with the vocabulary of other topics: a technology story about a lawsuit and
  shares, a political one about police powers), in English, German, Spanish, Italian and
  Portuguese. The two files tell different events in different words.
- generated items (iptc_news_templates.py): templates with many slots, also written separately for
  each set (a template belongs to one set only) and with the slot values split between the sets
  (even positions: tune, odd: held-out), so no held-out item shares a template or a filler name
  with a tuning item.

Some hand-written items retell well-known events of those years in our own words; the rest,
and every generated item, are made up (companies' results, quotes and figures are invented test
material, not reporting). Nothing is copied from a news site or a public data set.

Labels are IPTC top-level Media Topics labels (what `newsflow eval topics` reads), with extra
weight on the five classes most feeds are made of (economy, arts/entertainment, politics, sport,
science and technology). One JSON object per line: {"title", "text", "label", "language"}.
The lexicon (processors/topics/iptc_lexicon.json) was tuned on the tuning set only.

The hand-written file format: one item per line, ``key | title | text``; ``@lang xx`` switches the
language of the items that follow; ``#`` starts a comment line. Keys: see LABELS.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from iptc_news_templates import SLOTS, TEMPLATES  # noqa: E402

LABELS = {
    "arts": "arts, culture, entertainment and media",
    "crime": "crime, law and justice",
    "disaster": "disaster, accident and emergency incident",
    "econ": "economy, business and finance",
    "edu": "education",
    "env": "environment",
    "health": "health",
    "hi": "human interest",
    "labour": "labour",
    "life": "lifestyle and leisure",
    "pol": "politics",
    "rel": "religion",
    "sci": "science and technology",
    "soc": "society",
    "sport": "sport",
    "war": "conflict, war and peace",
    "weather": "weather",
}
SETS = ("tune", "heldout")
# Generated items per template (each template belongs to one set and one language).
PER_TEMPLATE = {"en": 3, "de": 2, "es": 2, "it": 2, "pt": 2}
SEED = 20260511

_SLOT = re.compile(r"\{([a-z_0-9]+)(?::(\d+)-(\d+))?\}")
_CHOICE = re.compile(r"\[([^\[\]]*\|[^\[\]]*)\]")
_OPTIONAL = re.compile(r"\(\(([^()]*)\)\)")


def read_handwritten(path: Path) -> list[dict[str, str]]:
    items, language = [], "en"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@lang "):
            language = line.split()[1]
            continue
        parts = [p.strip() for p in line.split(" | ")]
        if len(parts) != 3 or parts[0] not in LABELS:
            raise SystemExit(f"{path.name}:{number}: expected 'key | title | text' with a known key: {line[:60]}")
        key, title, text = parts
        items.append({"title": title, "text": text, "label": LABELS[key], "language": language})
    return items


def slot_values(name: str, which: str) -> list[str]:
    values = SLOTS[name]
    half = values[SETS.index(which)::2]
    return half or values


def fill(template: str, which: str, rng: random.Random, memo: dict[str, str]) -> str:
    """A template with its slots filled: {slot} from SLOTS (the same value within one item),
    {n:3-90} a number, [a|b|c] one alternative, ((...)) an optional sentence or phrase."""
    text = _OPTIONAL.sub(lambda m: m.group(1) if rng.random() < 0.5 else "", template)
    while _CHOICE.search(text):
        text = _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), text)

    def one(match: re.Match[str]) -> str:
        name, low, high = match.groups()
        if low is not None:
            return str(rng.randint(int(low), int(high)))
        key = match.group(0)
        if key not in memo:
            if name == "pct":
                memo[key] = f"{rng.randint(1, 14)}.{rng.randint(0, 9)}"
            elif name == "year":
                memo[key] = str(rng.randint(2004, 2026))
            else:
                memo[key] = rng.choice(slot_values(name, which))
        return memo[key]

    text = _SLOT.sub(one, text)
    text = re.sub(r"\s+([,.;:])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()
    return text[:1].upper() + text[1:]


def generated(which: str, rng: random.Random, scale: int = 1) -> list[dict[str, str]]:
    items = []
    for language, key, title, text, owner in TEMPLATES:
        if owner != which:
            continue
        titles: set[str] = set()
        wanted = PER_TEMPLATE[language] * scale
        for _ in range(wanted * 5):  # a few tries for distinct titles
            memo: dict[str, str] = {}
            item = {"title": fill(title, which, rng, memo), "text": fill(text, which, rng, memo),
                    "label": LABELS[key], "language": language}
            if item["title"] not in titles:
                titles.add(item["title"])
                items.append(item)
            if len(titles) == wanted:
                break
    return items


def build(which: str, scale: int = 1) -> list[dict[str, str]]:
    rng = random.Random(f"{SEED}-{which}")
    items = read_handwritten(HERE / f"iptc-news-handwritten-{which}.txt") + generated(which, rng, scale)
    rng.shuffle(items)
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=HERE)
    parser.add_argument("--scale", type=int, default=1, metavar="N",
                        help="N times as many generated items (for timing `topics train` on more data; default 1)")
    args = parser.parse_args(argv)
    for which in SETS:
        items = build(which, args.scale)
        path = args.out_dir / f"iptc-news-{which}.jsonl"
        path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
        by_language: dict[str, int] = {}
        for item in items:
            by_language[item["language"]] = by_language.get(item["language"], 0) + 1
        print(f"{path.name}: {len(items)} items {by_language}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
