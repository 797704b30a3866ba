"""IPTC Media Topics, top level: the 17 categories, their codes, and a zero-shot lexicon classifier.

Why a lexicon. The classifier must work out of the box, offline, on CPU-only workers, with no
training data and without PyTorch (image size). Zero-shot methods that compare an article with
label descriptions need sentence embeddings (torch) or word vectors (the small spaCy pipelines
ship none). A curated lexicon is the method news agencies used before embeddings and it stays
the cheapest honest one: every category has 190 to 480 English and 140 to 340 French words and
multi-word expressions (German, added for the German feeds of issue 22, has 20 to 150: sport,
politics, economy and technology most), each weighted by how specific it is to the category (3: nearly proof,
e.g. "ceasefire"; 2: typical, "troops"; 1: a hint that also occurs elsewhere, "attack"). Weights
are editorial judgements written from the IPTC scope notes and from how agency copy (Reuters, AP,
AFP, BBC, Le Monde) is worded, not fitted to a data set; a handful were adjusted on the tuning
half of tests/data/iptc-eval-*.jsonl, never on its held-out half.

The lexicon is data, kept in iptc_lexicon.json beside this module so that it can be reviewed and
edited without touching code; this module reads it once per process, checks its shape and
compiles it (`load_lexicon`, `lexicon_classifier`). The file carries the lexicon's version, which
articles record as the classifier's.

How a text is scored (`LexiconClassifier.evidence`):
- Text is lower-cased and accent-folded; words are alphanumeric runs. A term matches its
  inflections too (plurals and, in French, feminines are generated from the written form).
- Longest match wins: "air strike" is counted once, for conflict, and never as a labour "strike";
  "Premier League" is sport and not a prime minister. Some expressions are neutral on purpose
  ("press conference") so that they hide their words.
- A term counts more in the title (x3) and in the lead (x1.5) than deep in the body: news is
  written as an inverted pyramid. Its frequency saturates (BM25, k=1.2), so ten "goal"s do not
  outweigh a handful of different football words.
- Enough evidence for a topic (`Judgement.assignable`): a "nearly proof" term (weight 3) of the
  category, or, for the best category only, at least `BROAD_TERMS` distinct terms (human
  interest has few proof terms: its stories are told in common words). Typical words of a
  category are common words elsewhere: ad-tech posts on "players", "winning bids" and "match
  rates", and security posts on "red teams" and "scores", were sport on such words (issue 22).
- Scores in 0..1 (`scores`): the best category's score says how much evidence there is
  (1 - exp(-evidence / 6): one typical term gives 0.28, a typical sports report > 0.9), so it
  can be compared across articles; every other category scores that times the square of its
  evidence relative to the best, so only a strong second theme reaches the threshold.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from newsflow.errors import ConfigError

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


@dataclass(frozen=True)
class MediaTopic:
    code: str  # IPTC QCode
    label: str  # IPTC prefLabel (en-GB)


ARTS = MediaTopic("medtop:01000000", "arts, culture, entertainment and media")
CRIME = MediaTopic("medtop:02000000", "crime, law and justice")
DISASTER = MediaTopic("medtop:03000000", "disaster, accident and emergency incident")
ECONOMY = MediaTopic("medtop:04000000", "economy, business and finance")
EDUCATION = MediaTopic("medtop:05000000", "education")
ENVIRONMENT = MediaTopic("medtop:06000000", "environment")
HEALTH = MediaTopic("medtop:07000000", "health")
HUMAN_INTEREST = MediaTopic("medtop:08000000", "human interest")
LABOUR = MediaTopic("medtop:09000000", "labour")
LIFESTYLE = MediaTopic("medtop:10000000", "lifestyle and leisure")
POLITICS = MediaTopic("medtop:11000000", "politics")
RELIGION = MediaTopic("medtop:12000000", "religion")
SCIENCE = MediaTopic("medtop:13000000", "science and technology")
SOCIETY = MediaTopic("medtop:14000000", "society")
SPORT = MediaTopic("medtop:15000000", "sport")
CONFLICT = MediaTopic("medtop:16000000", "conflict, war and peace")
WEATHER = MediaTopic("medtop:17000000", "weather")

MEDIA_TOPICS: tuple[MediaTopic, ...] = (
    ARTS, CRIME, DISASTER, ECONOMY, EDUCATION, ENVIRONMENT, HEALTH, HUMAN_INTEREST, LABOUR,
    LIFESTYLE, POLITICS, RELIGION, SCIENCE, SOCIETY, SPORT, CONFLICT, WEATHER,
)

# Labels other IPTC releases (or people) use for the same top-level concepts.
_ALIASES = {
    # IPTC's release of 2026-07 labels 11000000 "politics and government"; before 2023, 12000000
    # was "religion and belief". Data sets labelled with either still evaluate.
    "politics and government": POLITICS.label,
    "religion and belief": RELIGION.label,
}


def canonical_label(label: str) -> str | None:
    """The IPTC label for a label, a QCode (medtop:04000000) or a known alias; None if unknown."""
    wanted = " ".join(label.strip().lower().split())
    for topic in MEDIA_TOPICS:
        if wanted in (topic.label, topic.code, topic.code.removeprefix("medtop:")):
            return topic.label
    return _ALIASES.get(wanted)


# --- the lexicon file ------------------------------------------------------------------------------
# iptc_lexicon.json: {"about", "version", "languages": {language: {"neutral": [term, ...],
#   "categories": {IPTC label: {"3": [term, ...], "2": [...], "1": [...]}}}}}
# Terms are written in the singular: plurals (and French feminines) are generated. Neutral terms
# count for no category; they only hide their words ("press conference").
#
# The reading order is part of the lexicon's meaning, so it is fixed here and not left to how the
# file happens to be laid out: when terms of equal length match the same words ("war crimes" and
# "war crime"; "rescue dogs" for disaster and "rescue dog" for human interest), the first one read
# counts. That order is: neutral terms, then categories by label, weights from 3 down, terms as
# listed. Sorting a list can therefore change results; check with the evaluation before doing it.

LEXICON_FILE = "iptc_lexicon.json"
_WEIGHTS = ("3", "2", "1")  # as written in the file, in reading order
_CODES_BY_LABEL = {topic.label: topic.code for topic in MEDIA_TOPICS}

# Function words that tell English from French when an article's language is unknown. These are
# also the languages the code knows how to inflect (`_forms`): the file must have exactly these.
_LANGUAGE_MARKERS = {
    "en": frozenset("the of and to in is was for that with on as by it at from are be this have has said".split()),
    "fr": frozenset("le la les des du de et est une un dans pour que qui sur au aux pas par ont été sont cette".split()),
    "de": frozenset("der die das und ist nicht mit den dem des ein eine einem auf für sich auch bei wird wurde hat".split()),
}


@dataclass(frozen=True)
class LanguageLexicon:
    neutral: tuple[str, ...]
    weighted: tuple[tuple[str, int, tuple[str, ...]], ...]  # (category code, weight, terms), in reading order


@dataclass(frozen=True)
class Lexicon:
    version: str
    languages: Mapping[str, LanguageLexicon]


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
        top = _object(data, "the top level", ("about", "version", "languages"))
        version = top["version"]
        if not isinstance(version, str) or not version.strip():
            raise ValueError(f"version: expected a non-empty string, found {version!r}")
        languages = _object(top["languages"], "languages", lexicon_languages())
        by_language = {language: _language(language, languages[language]) for language in lexicon_languages()}
    except ValueError as exc:
        raise ConfigError(f"{source} is not a valid IPTC lexicon: {exc}") from None
    return Lexicon(version, by_language)


def _language(language: str, value: object) -> LanguageLexicon:
    where = f"languages.{language}"
    lexicon = _object(value, where, ("neutral", "categories"))
    categories = _object(lexicon["categories"], f"{where}.categories", _CODES_BY_LABEL)
    weighted = []
    for label in sorted(categories):  # the reading order (see above), whatever the file's key order
        category = f"{where}.categories[{json.dumps(label)}]"
        by_weight = _object(categories[label], category, _WEIGHTS, all_required=False)
        for weight in _WEIGHTS:
            if weight in by_weight:
                terms = _terms(by_weight[weight], f'{category}["{weight}"]')
                weighted.append((_CODES_BY_LABEL[label], int(weight), terms))
    return LanguageLexicon(_terms(lexicon["neutral"], f"{where}.neutral"), tuple(weighted))


def _object(value: object, where: str, keys: Iterable[str], *, all_required: bool = True) -> dict[str, Any]:
    """`value` as a JSON object with these keys. An unknown key is an error, not ignored: it is
    most likely a misspelt category or weight whose terms would silently never count."""
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected an object, found {type(value).__name__}")
    expected = list(keys)
    unknown = sorted(set(value) - set(expected))
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {_quoted(unknown)}; expected {_quoted(expected)}")
    missing = [key for key in expected if key not in value] if all_required else []
    if missing:
        raise ValueError(f"{where}: missing {_quoted(missing)}")
    return value


def _terms(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError(f"{where}: expected a list of terms, found {type(value).__name__}")
    for index, term in enumerate(value):
        # A term with no word in it ("", "-") would never match: a slip, not an intention.
        if not isinstance(term, str) or not tokens(term):
            raise ValueError(f"{where}[{index}]: expected a term of at least one word, found {term!r}")
    return tuple(value)


def _quoted(keys: Iterable[str]) -> str:
    return ", ".join(json.dumps(key, ensure_ascii=False) for key in keys)


# --- text ------------------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+(?:[&+][a-z0-9]+)*")


def fold(text: str) -> str:
    """Lower-case without accents, typographic apostrophes made plain: how terms and texts compare."""
    plain = text.lower().replace("\u2019", "'").replace("\u0153", "oe").replace("\u00e6", "ae").replace("\u00df", "ss")
    decomposed = unicodedata.normalize("NFKD", plain)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """The words of a text as the lexicon sees them (folded, alphanumeric runs; "s&p" stays one)."""
    return _WORD.findall(fold(text))


def guess_language(words: Sequence[str]) -> str:
    """English, French or German, from function words; English when it cannot tell (the common case)."""
    counts = {lang: sum(1 for w in words if w in markers) for lang, markers in _LANGUAGE_MARKERS.items()}
    best = max(counts, key=counts.__getitem__)  # the first of equals: English
    return best if counts[best] > counts["en"] else "en"


# --- compiling the lexicon ------------------------------------------------------------------------


def _forms(word: str, language: str) -> set[str]:
    """A word and its regular inflections (plural; in French also feminine), so terms are written once."""
    forms = {word, word + "s"}
    if language == "en":
        forms.add(word + "es")
        if word.endswith("y") and len(word) > 3:
            forms.add(word[:-1] + "ies")
    elif language == "de":
        # Plurals and case endings; umlaut plurals fold to them ("Bälle" is "balle").
        forms |= {word + ending for ending in ("e", "en", "n", "er", "es", "em", "ern")}
    else:
        forms |= {word + "x", word + "e", word + "es"}
        if word.endswith("al"):
            forms.add(word[:-2] + "aux")
    return forms


# A term is a tuple of base words; a word of a text matches a base word when it is one of its forms.
_Term = tuple[str, ...]


@dataclass
class _Compiled:
    language: str
    forms: dict[str, set[str]]  # word as written (folded) -> the base words it is a form of
    terms_by_first: dict[str, list[_Term]]  # first base word -> terms starting with it, longest first
    weights: dict[_Term, dict[str, float]]  # term -> category code -> weight (empty: neutral)


def compile_lexicon(language: str, lexicon: LanguageLexicon) -> _Compiled:
    weights = _term_weights(lexicon)
    forms: dict[str, set[str]] = defaultdict(set)
    terms_by_first: dict[str, list[_Term]] = defaultdict(list)
    for term in weights:
        for word in term:
            for form in _forms(word, language):
                forms[form].add(word)
        terms_by_first[term[0]].append(term)
    for terms in terms_by_first.values():
        # A stable sort: terms of equal length stay in reading order, which decides between them.
        terms.sort(key=len, reverse=True)
    return _Compiled(language, dict(forms), dict(terms_by_first), weights)


def _term_weights(lexicon: LanguageLexicon) -> dict[_Term, dict[str, float]]:
    """Term -> category code -> weight, in reading order; a neutral term has no category."""
    weights: dict[_Term, dict[str, float]] = {}
    for text in lexicon.neutral:
        weights.setdefault(tuple(tokens(text)), {})
    for code, weight, texts in lexicon.weighted:
        for text in texts:
            per_category = weights.setdefault(tuple(tokens(text)), {})
            # The same term listed twice in a category keeps its highest weight.
            per_category[code] = max(per_category.get(code, 0.0), float(weight))
    return weights


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


@dataclass(frozen=True)
class Judgement:
    evidence: dict[str, float]  # category code -> evidence
    proven: frozenset[str]  # category codes with a proof term in the article
    breadth: dict[str, int]  # category code -> distinct terms matched

    def assignable(self) -> frozenset[str]:
        """The categories with enough evidence to be topics (see the module doc)."""
        best = max(self.evidence, key=self.evidence.__getitem__, default=None)
        broad = best is not None and self.breadth[best] >= BROAD_TERMS and is_meaningful(self.evidence)
        return self.proven | ({best} if broad else set())


class LexiconClassifier:
    """Scores a text against the IPTC top-level categories with one language's lexicon."""

    def __init__(self, compiled: _Compiled) -> None:
        self._lexicon = compiled
        self._lexicon_forms = {form: frozenset(bases) for form, bases in compiled.forms.items()}
        self.language = compiled.language

    def _bases(self, word: str) -> frozenset[str]:
        return self._lexicon_forms.get(word, _NOTHING)

    def _matches(self, words: Sequence[str]) -> Iterable[tuple[int, frozenset[_Term]]]:
        """(position, terms) for every match in `words`, longest first, without overlaps. Several
        terms of the same length can match at once ("soldiers" is "soldier" inflected and a term
        of its own): they form one match, whatever order sets iterate in."""
        bases = [self._bases(w) for w in words]
        i = 0
        while i < len(words):
            found: list[_Term] = []
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

    def term_frequencies(self, title: str, text: str) -> dict[frozenset[_Term], float]:
        """Position-weighted counts of every lexicon match in the title and the text."""
        frequencies: Counter[frozenset[_Term]] = Counter()
        for _, terms in self._matches(tokens(title)):
            frequencies[terms] += TITLE_WEIGHT
        for position, terms in self._matches(tokens(text)):
            frequencies[terms] += LEAD_WEIGHT if position < LEAD_WORDS else 1.0
        return dict(frequencies)

    def _weights(self, terms: frozenset[_Term]) -> dict[str, float]:
        merged: dict[str, float] = {}
        for term in terms:
            for category, weight in self._lexicon.weights[term].items():
                merged[category] = max(merged.get(category, 0.0), weight)
        return merged

    def evidence(self, title: str, text: str) -> dict[str, float]:
        """Category code -> evidence (sum over terms of weight x saturated frequency)."""
        totals: dict[str, float] = defaultdict(float)
        for terms, frequency in self.term_frequencies(title, text).items():
            saturated = frequency * (SATURATION_K + 1) / (frequency + SATURATION_K)
            for category, weight in self._weights(terms).items():
                totals[category] += weight * saturated
        return dict(totals)

    def judge(self, title: str, text: str) -> Judgement:
        """`evidence`, with which categories are proven and on how many distinct terms each rests."""
        totals: dict[str, float] = defaultdict(float)
        proven: set[str] = set()
        breadth: Counter[str] = Counter()
        for terms, frequency in self.term_frequencies(title, text).items():
            saturated = frequency * (SATURATION_K + 1) / (frequency + SATURATION_K)
            for category, weight in self._weights(terms).items():
                totals[category] += weight * saturated
                breadth[category] += 1
                if weight >= PROOF_WEIGHT:
                    proven.add(category)
        return Judgement(dict(totals), frozenset(proven), dict(breadth))

    def scores(self, title: str, text: str) -> list[tuple[str, float]]:
        """(IPTC label, score in 0..1) for every category with evidence, best first."""
        return scores_from_evidence(self.evidence(title, text))


_LABELS = {topic.code: topic.label for topic in MEDIA_TOPICS}


def scores_from_evidence(evidence: Mapping[str, float]) -> list[tuple[str, float]]:
    """Evidence per category code -> (label, score) best first: the best scores how much evidence
    there is, the others that times the square of their share of the best's evidence."""
    ranked = sorted(((e, c) for c, e in evidence.items() if e > 0), reverse=True)
    if not ranked:
        return []
    best = ranked[0][0]
    confidence = 1.0 - math.exp(-best / EVIDENCE_SCALE)
    return [(_LABELS[code], round(confidence * (e / best) ** RELATIVE_POWER, 4)) for e, code in ranked]


def is_meaningful(evidence: Mapping[str, float]) -> bool:
    return max(evidence.values(), default=0.0) >= MEANINGFUL_EVIDENCE


@cache
def lexicon_classifier(language: str) -> LexiconClassifier | None:
    """The built-in classifier for `language` (en, fr, de), compiled once; None for other languages."""
    if language not in lexicon_languages():
        return None
    return LexiconClassifier(compile_lexicon(language, load_lexicon().languages[language]))


def lexicon_languages() -> tuple[str, ...]:
    return tuple(_LANGUAGE_MARKERS)


def category_term_counts(language: str) -> dict[str, int]:
    """How many distinct terms (expressions, before inflection) each category has in a language."""
    counts: dict[str, int] = {}
    for weights in compile_lexicon(language, load_lexicon().languages[language]).weights.values():
        for code in weights:
            counts[code] = counts.get(code, 0) + 1
    return counts
