"""IPTC Media Topics, top level: a zero-shot lexicon classifier of the 17 categories.

Why a lexicon. The classifier must work out of the box, offline, on CPU-only workers, with no
training data and without PyTorch (image size). Zero-shot methods that compare an article with
label descriptions need sentence embeddings (torch) or word vectors (the small spaCy pipelines
ship none). A curated lexicon is the method news agencies used before embeddings and it stays
the cheapest honest one: every category has words and multi-word expressions in English, French,
German, Spanish, Italian and Portuguese (English and French most; the other four cover the main
news categories best: politics, economy, sport, technology, culture), each weighted by how
specific it is to the category (3: nearly proof, e.g. "ceasefire"; 2: typical, "troops"; 1: a
hint that also occurs elsewhere, "attack"). Weights are editorial judgements written from the
IPTC scope notes and from how agency copy is worded, not fitted to a data set; some were adjusted
on the tuning sets (tests/data/iptc-eval-tune.jsonl, tests/data/iptc-news-tune.jsonl), never on
their held-out twins.

The lexicon is data, kept in iptc_lexicon.json beside this module so that it can be reviewed and
edited without touching code (its format: processors/topics/lexicon.py). This module reads it once
per process, checks it and compiles it (`load_lexicon`, `lexicon_classifier`). The file carries
the lexicon's version, which articles record as the classifier's: change it with any edit of the
file or of the scoring below, so that re-enriched articles show it.

How a text is scored (`LexiconClassifier.judge`):
- Text is lower-cased and accent-folded; words are alphanumeric runs. A term matches its
  inflections too (plurals, feminines, German case endings are generated from the written form).
- Longest match wins: "air strike" is counted once, for conflict, and never as a labour "strike";
  "Premier League" is sport and not a prime minister. Some expressions are neutral on purpose
  ("press conference") so that they hide their words.
- A term counts more in the title (x3) and in the lead (x1.5) than deep in the body: news is
  written as an inverted pyramid. Its frequency saturates (BM25, k=1.2), so ten "goal"s do not
  outweigh a handful of different football words.
- Calibration (the file's "calibration"): some categories' words are everyday words of other
  news. Crime, law and justice needs several distinct terms: a business story that mentions a
  lawsuit, a tech story about hackers or a political story about police powers stays what it is,
  while a court report (trial, jury, sentenced, prison) is crime. Its evidence is scaled by
  distinct terms (of weight 2 or 3; hints do not count) / `min_terms` until there are that many.
- Enough evidence for a topic (`Judgement.assignable`): a "nearly proof" term (weight 3) of the
  category (with its calibration's distinct terms), or, for the best category only, at least
  `BROAD_TERMS` distinct terms (human interest has few proof terms: its stories are told in
  common words). Typical words of a category are common words elsewhere: ad-tech posts on
  "players", "winning bids" and "match rates", and security posts on "red teams" and "scores",
  were sport on such words (issue 22).
- Scores in 0..1 (`scores`): the best category's score says how much evidence there is
  (1 - exp(-evidence / 6): one typical term gives 0.28, a typical sports report > 0.9), so it
  can be compared across articles; every other category scores that times the square of its
  evidence relative to the best, so only a strong second theme reaches the threshold.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from newsflow.errors import ConfigError
from processors.topics.lexicon import (
    Calibration,
    Compiled,
    LanguageLexicon,
    Lexicon,
    Term,
    compile_lexicon,
    fold,
    guess_language,
    lexicon_languages,
    parse_lexicon_data,
    tokens,
)
from processors.topics.taxonomy import LABELS_BY_CODE, MEDIA_TOPICS, MediaTopic, canonical_label

__all__ = [
    "LEXICON_FILE",
    "Judgement",
    "MEDIA_TOPICS",
    "LanguageLexicon",
    "Lexicon",
    "LexiconClassifier",
    "MediaTopic",
    "canonical_label",
    "category_term_counts",
    "compile_lexicon",
    "fold",
    "guess_language",
    "is_meaningful",
    "lexicon_classifier",
    "lexicon_languages",
    "lexicon_version",
    "load_lexicon",
    "parse_lexicon",
    "scores_from_evidence",
    "tokens",
]

LEXICON_FILE = "iptc_lexicon.json"


@cache
def load_lexicon() -> Lexicon:
    """The packaged lexicon, read and checked once per process; ConfigError if missing or malformed."""
    resource = files("processors.topics").joinpath(LEXICON_FILE)
    try:
        raw = resource.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{LEXICON_FILE} is missing from the installed processors.topics package "
                          "(built without its package data?)") from None
    except OSError as exc:
        raise ConfigError(f"{LEXICON_FILE} cannot be read: {exc.strerror or exc}") from None
    return parse_lexicon(raw)


def lexicon_version() -> str:
    return load_lexicon().version


def parse_lexicon(raw: bytes | str, source: str = LEXICON_FILE) -> Lexicon:
    """A lexicon from the JSON text of a lexicon file; ConfigError naming the first problem and where
    it is, so that a slip in a hand-edited file is found at start-up and not as odd topics later."""
    try:
        data = json.loads(raw)
    except ValueError as exc:  # JSONDecodeError, or bytes that are not UTF-8
        raise ConfigError(f"{source} is not valid JSON: {exc}") from None
    try:
        return parse_lexicon_data(data)
    except ValueError as exc:
        raise ConfigError(f"{source} is not a valid IPTC lexicon: {exc}") from None


# --- classifying ------------------------------------------------------------------------------------

TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 1.5
LEAD_WORDS = 60
SATURATION_K = 1.2
EVIDENCE_SCALE = 6.0  # evidence at which the best score is 1 - 1/e
RELATIVE_POWER = 2.0
MEANINGFUL_EVIDENCE = 2.0  # one typical term, or two hints
PROOF_WEIGHT = 3  # a term of this weight proves its category ("goalkeeper", "ceasefire")
# Distinct terms on which the best category may rest without a proof term: the held-out human
# interest stories have 4 to 6, the security post that was sport 3 ("team", "score", "run").
BROAD_TERMS = 4
_NOTHING: frozenset[str] = frozenset()
_UNCALIBRATED = Calibration()


@dataclass(frozen=True)
class Judgement:
    evidence: dict[str, float]  # category code -> evidence (calibrated)
    proven: frozenset[str]  # category codes with a proof term in the article
    breadth: dict[str, int]  # category code -> distinct terms matched

    def assignable(self) -> frozenset[str]:
        """The categories with enough evidence to be topics (see the module doc)."""
        best = max(self.evidence, key=self.evidence.__getitem__, default=None)
        broad = best is not None and self.breadth[best] >= BROAD_TERMS and is_meaningful(self.evidence)
        return self.proven | ({best} if broad else set())


class LexiconClassifier:
    """Scores a text against the IPTC top-level categories with one language's lexicon."""

    def __init__(self, compiled: Compiled, calibration: Mapping[str, Calibration] | None = None) -> None:
        self._lexicon = compiled
        self._lexicon_forms = {form: frozenset(bases) for form, bases in compiled.forms.items()}
        self._calibration = dict(calibration or {})
        self.language = compiled.language

    def _bases(self, word: str) -> frozenset[str]:
        return self._lexicon_forms.get(word, _NOTHING)

    def _matches(self, words: Sequence[str]) -> Iterable[tuple[int, frozenset[Term]]]:
        """(position, terms) for every match in `words`, longest first, without overlaps. Several
        terms of the same length can match at once ("soldiers" is "soldier" inflected and a term
        of its own): they form one match, whatever order sets iterate in."""
        bases = [self._bases(w) for w in words]
        i = 0
        while i < len(words):
            found: list[Term] = []
            for first in bases[i]:
                for term in self._lexicon.terms_by_first.get(first, ()):
                    if found and len(term) < len(found[0]):
                        break
                    if i + len(term) <= len(words) and all(term[j] in bases[i + j] for j in range(1, len(term))):
                        if found and len(term) > len(found[0]):
                            found.clear()
                        found.append(term)
                        break
            if not found:
                i += 1
                continue
            longest = max(len(t) for t in found)
            yield i, frozenset(t for t in found if len(t) == longest)
            i += longest

    def term_frequencies(self, title: str, text: str) -> dict[frozenset[Term], float]:
        """Position-weighted counts of every lexicon match in the title and the text."""
        frequencies: Counter[frozenset[Term]] = Counter()
        for _, terms in self._matches(tokens(title)):
            frequencies[terms] += TITLE_WEIGHT
        for position, terms in self._matches(tokens(text)):
            frequencies[terms] += LEAD_WEIGHT if position < LEAD_WORDS else 1.0
        return dict(frequencies)

    def _weights(self, terms: frozenset[Term]) -> dict[str, float]:
        merged: dict[str, float] = {}
        for term in terms:
            for category, weight in self._lexicon.weights[term].items():
                merged[category] = max(merged.get(category, 0.0), weight)
        return merged

    def evidence(self, title: str, text: str) -> dict[str, float]:
        """Category code -> evidence (sum over terms of weight x saturated frequency, calibrated)."""
        return self.judge(title, text).evidence

    def judge(self, title: str, text: str) -> Judgement:
        """`evidence`, with which categories are proven and on how many distinct terms each rests."""
        totals: dict[str, float] = defaultdict(float)
        proof_terms: set[str] = set()
        breadth: Counter[str] = Counter()
        typical: Counter[str] = Counter()  # distinct terms of weight 2 or 3: what calibration counts
        for terms, frequency in self.term_frequencies(title, text).items():
            saturated = frequency * (SATURATION_K + 1) / (frequency + SATURATION_K)
            for category, weight in self._weights(terms).items():
                totals[category] += weight * saturated
                breadth[category] += 1
                typical[category] += weight >= 2
                if weight >= PROOF_WEIGHT:
                    proof_terms.add(category)
        proven = set()
        for category in totals:
            calibration = self._calibration.get(category, _UNCALIBRATED)
            narrow = min(1.0, max(1, typical[category]) / calibration.min_terms)
            totals[category] *= calibration.scale * narrow
            if category in proof_terms and narrow >= 1.0:
                proven.add(category)
        return Judgement(dict(totals), frozenset(proven), dict(breadth))

    def scores(self, title: str, text: str) -> list[tuple[str, float]]:
        """(IPTC label, score in 0..1) for every category with evidence, best first."""
        return scores_from_evidence(self.evidence(title, text))


def scores_from_evidence(evidence: Mapping[str, float]) -> list[tuple[str, float]]:
    """Evidence per category code -> (label, score) best first: the best scores how much evidence
    there is, the others that times the square of their share of the best's evidence."""
    ranked = sorted(((e, c) for c, e in evidence.items() if e > 0), reverse=True)
    if not ranked:
        return []
    best = ranked[0][0]
    confidence = 1.0 - math.exp(-best / EVIDENCE_SCALE)
    return [(LABELS_BY_CODE[code], round(confidence * (e / best) ** RELATIVE_POWER, 4)) for e, code in ranked]


def is_meaningful(evidence: Mapping[str, float]) -> bool:
    return max(evidence.values(), default=0.0) >= MEANINGFUL_EVIDENCE


@cache
def lexicon_classifier(language: str) -> LexiconClassifier | None:
    """The built-in classifier for a language of `lexicon_languages()`, compiled once; None for others."""
    if language not in lexicon_languages():
        return None
    lexicon = load_lexicon()
    return LexiconClassifier(compile_lexicon(language, lexicon.languages[language]), lexicon.calibration)


def category_term_counts(language: str) -> dict[str, int]:
    """How many distinct terms (expressions, before inflection) each category has in a language."""
    counts: dict[str, int] = {}
    for weights in compile_lexicon(language, load_lexicon().languages[language]).weights.values():
        for code in weights:
            counts[code] = counts.get(code, 0) + 1
    return counts
