"""The IPTC lexicon file (iptc_lexicon.json): its format, how texts are cut into words, how terms
are inflected, and the compiled form the classifier in processors/topics/iptc.py reads.

The file: {"about", "version", "calibration" (optional), "languages": {language: {"neutral":
[term, ...], "categories": {IPTC label: {"3": [term, ...], "2": [...], "1": [...]}}}}}.
Terms are written in the singular: plurals (and feminines where a language has them) are
generated. Neutral terms count for no category; they only hide their words ("press conference").
"calibration" is {IPTC label: {"scale": factor, "min_terms": n}}, for every language: a
category's evidence is multiplied by `scale`, and by (distinct terms / n) while fewer than `n`
different terms of it are in the article, so that one "police" or "court" does not make a story
about crime (see iptc.py).

The reading order is part of the lexicon's meaning, so it is fixed here and not left to how the
file happens to be laid out: when terms of equal length match the same words ("war crimes" and
"war crime"; "rescue dogs" for disaster and "rescue dog" for human interest), the first one read
counts. That order is: neutral terms, then categories by label, weights from 3 down, terms as
listed. Sorting a list can therefore change results; check with the evaluation before doing it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from processors.topics.taxonomy import CODES_BY_LABEL

__all__ = [
    "Calibration",
    "Compiled",
    "LanguageLexicon",
    "Lexicon",
    "compile_lexicon",
    "fold",
    "guess_language",
    "lexicon_languages",
    "parse_lexicon_data",
    "tokens",
]

_WEIGHTS = ("3", "2", "1")  # as written in the file, in reading order

# Function words that tell the languages apart when an article's language is unknown (folded, as
# `tokens` gives them; words shared by several languages are left out). These are also the
# languages the code knows how to inflect (`_forms`): the file must have exactly these.
_LANGUAGE_MARKERS = {
    "en": frozenset("the of and to in is was for that with on as by it at from are be this have has said".split()),
    "fr": frozenset("le la les des du de et est une un dans pour que qui sur au aux pas par ont ete sont cette".split()),
    "de": frozenset("der die das und ist nicht mit den dem des ein eine einem auf fur sich auch bei wird wurde hat".split()),
    "es": frozenset("el los las del y por con es se lo su sus como pero fue este esta han muy sobre entre dijo ya hay".split()),
    "it": frozenset("il gli della delle degli nel nella che per con non sono alla dei anche ha stato questo piu".split()),
    "pt": frozenset("os do da dos das em na nos nas uma nao ao pelo pela foi sao tambem seu sua disse ja ate ele ela".split()),
}


def lexicon_languages() -> tuple[str, ...]:
    return tuple(_LANGUAGE_MARKERS)


@dataclass(frozen=True)
class LanguageLexicon:
    neutral: tuple[str, ...]
    weighted: tuple[tuple[str, int, tuple[str, ...]], ...]  # (category code, weight, terms), in reading order


@dataclass(frozen=True)
class Calibration:
    scale: float = 1.0  # evidence x this
    min_terms: int = 1  # fewer distinct terms than this: evidence x (terms / min_terms)


@dataclass(frozen=True)
class Lexicon:
    version: str
    languages: Mapping[str, LanguageLexicon]
    calibration: Mapping[str, Calibration] = field(default_factory=dict)  # category code -> calibration


def parse_lexicon_data(data: object) -> Lexicon:
    """A lexicon from the parsed JSON of a lexicon file; ValueError naming the first problem."""
    top = _object(data, "the top level", ("about", "version", "calibration", "languages"), optional=("calibration",))
    version = top["version"]
    if not isinstance(version, str) or not version.strip():
        raise ValueError(f"version: expected a non-empty string, found {version!r}")
    calibration = _calibration(top.get("calibration", {}))
    languages = _object(top["languages"], "languages", lexicon_languages())
    by_language = {language: _language(language, languages[language]) for language in lexicon_languages()}
    return Lexicon(version, by_language, calibration)


def _calibration(value: object) -> dict[str, Calibration]:
    categories = _object(value, "calibration", CODES_BY_LABEL, optional=CODES_BY_LABEL)
    calibration = {}
    for label, settings in categories.items():
        where = f"calibration[{json.dumps(label)}]"
        given = _object(settings, where, ("scale", "min_terms"), optional=("scale", "min_terms"))
        scale, min_terms = given.get("scale", 1.0), given.get("min_terms", 1)
        if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 < scale <= 2:
            raise ValueError(f"{where}.scale: expected a number above 0 and at most 2, found {scale!r}")
        if isinstance(min_terms, bool) or not isinstance(min_terms, int) or not 1 <= min_terms <= 10:
            raise ValueError(f"{where}.min_terms: expected a whole number from 1 to 10, found {min_terms!r}")
        calibration[CODES_BY_LABEL[label]] = Calibration(float(scale), min_terms)
    return calibration


def _language(language: str, value: object) -> LanguageLexicon:
    where = f"languages.{language}"
    lexicon = _object(value, where, ("neutral", "categories"))
    categories = _object(lexicon["categories"], f"{where}.categories", CODES_BY_LABEL)
    weighted = []
    for label in sorted(categories):  # the reading order (see above), whatever the file's key order
        category = f"{where}.categories[{json.dumps(label)}]"
        by_weight = _object(categories[label], category, _WEIGHTS, optional=_WEIGHTS)
        for weight in _WEIGHTS:
            if weight in by_weight:
                terms = _terms(by_weight[weight], f'{category}["{weight}"]')
                weighted.append((CODES_BY_LABEL[label], int(weight), terms))
    return LanguageLexicon(_terms(lexicon["neutral"], f"{where}.neutral"), tuple(weighted))


def _object(value: object, where: str, keys: Iterable[str], *, optional: Iterable[str] = ()) -> dict[str, Any]:
    """`value` as a JSON object with these keys. An unknown key is an error, not ignored: it is
    most likely a misspelt category or weight whose terms would silently never count."""
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected an object, found {type(value).__name__}")
    expected, may_miss = list(keys), set(optional)
    unknown = sorted(set(value) - set(expected))
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {_quoted(unknown)}; expected {_quoted(expected)}")
    missing = [key for key in expected if key not in value and key not in may_miss]
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
    if decomposed.isascii():  # most English news: no accent to strip (looking at each character was a seventh of the step)
        return decomposed
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """The words of a text as the lexicon sees them (folded, alphanumeric runs; "s&p" stays one)."""
    return _WORD.findall(fold(text))


def guess_language(words: Sequence[str]) -> str:
    """The language of the lexicon to read with, from function words; English when it cannot
    tell (the common case)."""
    counts = {lang: sum(1 for w in words if w in markers) for lang, markers in _LANGUAGE_MARKERS.items()}
    best = max(counts, key=counts.__getitem__)  # the first of equals: English
    return best if counts[best] > counts["en"] else "en"


# --- inflection ------------------------------------------------------------------------------------


def _forms(word: str, language: str) -> set[str]:
    """A word and its regular inflections (plurals; feminines in the Romance languages; case
    endings in German), so that terms are written once, in the singular."""
    forms = {word, word + "s"}
    if language == "en":
        forms.add(word + "es")
        if word.endswith("y") and len(word) > 3:
            forms.add(word[:-1] + "ies")
    elif language == "de":
        # Plurals and case endings; umlaut plurals fold to them ("Bälle" is "balle").
        forms |= {word + ending for ending in ("e", "en", "n", "er", "es", "em", "ern")}
    elif language == "fr":
        forms |= {word + "x", word + "e", word + "es"}
        if word.endswith("al"):
            forms.add(word[:-2] + "aux")
    elif language in ("es", "pt"):
        forms |= _iberian_forms(word, language)
    elif language == "it":
        forms |= _italian_forms(word)
    return forms


def _english_verb_forms(word: str) -> set[str]:
    """-ed and -ing ("murdered", "murdering"; "charged", "charging"), for words of 5 letters or
    more that do not end in a vowel other than e (not "radio") and are not names or nouns whose
    -ed/-ing form means something else ("warned" is not Shane Warne, "housing" not a house).
    Doubled final consonants ("shopping") are left to the lexicon."""
    if len(word) < 5 or word[-1] in "aiouy" or word in _NOT_VERBS:
        return set()
    if word.endswith("e"):
        return {word + "d", word[:-1] + "ing"}
    return {word + "ed", word + "ing"}


_NOT_VERBS = frozenset("""
    warne clare hague lance george farage clarke mugabe markle arsene ariane billie fannie nestle hubble
    house place leave drive range large people prime nature engine middle future figure double orange grace
    remote mobile online office palace plane image course cause chance change minute degree apple google phone
    iphone chrome crude fibre globe centre estate income bridge above elite female native marine maple bottle
    couple bronze pride grade guide press spring board ground field stock court train round point power bowl
    sound light state union party cover ring book mind hand land head space order""".split())


def _iberian_forms(word: str, language: str) -> set[str]:
    """Spanish and Portuguese: plural -s/-es, o/a feminines ("ministro", "ministra", "ministras")."""
    forms = {word + "es"}
    if word.endswith("o"):
        forms |= {word[:-1] + "a", word[:-1] + "as"}
    elif word.endswith(("r", "n", "s")) and len(word) > 3:  # "director", "directora"
        forms |= {word + "a", word + "as"}
    if language == "es" and word.endswith("z"):
        forms.add(word[:-1] + "ces")  # "actriz", "actrices"
    if language == "pt":
        if word.endswith("ao"):  # "eleição" folds to "eleicao": "eleicoes"; "alemaes"; "cidadaos"
            forms |= {word[:-2] + "oes", word[:-2] + "aes", word[:-2] + "aos"}
        elif word.endswith("m"):  # "homem", "homens"
            forms.add(word[:-1] + "ns")
        elif word.endswith(("al", "el", "ol", "ul")):  # "jornal", "jornais"; "hotel", "hoteis"
            forms.add(word[:-1] + "is")
        elif word.endswith("il"):  # "fuzil", "fuzis"
            forms.add(word[:-1] + "s")
    return forms


def _italian_forms(word: str) -> set[str]:
    """Italian: the final vowel changes ("partito", "partiti"; "squadra", "squadre"; "elezione",
    "elezioni"), with -co/-go -> -chi/-ghi and -ca/-ga -> -che/-ghe, and o/a feminines."""
    if not word or word[-1] not in "aeio":
        return set()
    stem = word[:-1]
    forms = {stem + "i"}
    if word.endswith("o"):
        forms |= {stem + "a", stem + "e"}
        if word.endswith(("co", "go")):
            forms.add(stem + "hi")
        if word.endswith("io"):  # "studio", "studi"
            forms.add(stem)
    elif word.endswith("a"):
        forms.add(stem + "e")
        if word.endswith(("ca", "ga")):
            forms.add(stem + "he")
    return forms


# --- compiling ---------------------------------------------------------------------------------

# A term is a tuple of base words; a word of a text matches a base word when it is one of its forms.
Term = tuple[str, ...]


@dataclass
class Compiled:
    language: str
    forms: dict[str, set[str]]  # word as written (folded) -> the base words it is a form of
    terms_by_first: dict[str, list[Term]]  # first base word -> terms starting with it, longest first
    weights: dict[Term, dict[str, float]]  # term -> category code -> weight (empty: neutral)


def compile_lexicon(language: str, lexicon: LanguageLexicon) -> Compiled:
    weights = _term_weights(lexicon)
    forms: dict[str, set[str]] = defaultdict(set)
    terms_by_first: dict[str, list[Term]] = defaultdict(list)
    written = {word for term in weights for word in term}
    for term in weights:
        for word in term:
            for form in _forms(word, language):
                forms[form].add(word)
            if language == "en":  # verb forms only where the lexicon has no word of its own
                for form in _english_verb_forms(word) - written:
                    forms[form].add(word)
        terms_by_first[term[0]].append(term)
    for terms in terms_by_first.values():
        # A stable sort: terms of equal length stay in reading order, which decides between them.
        terms.sort(key=len, reverse=True)
    if language in _EXACT_FIRST:
        # A word written in the lexicon is that word, not another's inflection: Italian "partita"
        # (a match) is not a form of "partito" (a party), Portuguese "partida" not of "partido".
        for form in written & forms.keys():
            forms[form] = {form}
    return Compiled(language, dict(forms), dict(terms_by_first), weights)


# Languages whose generated feminines and plurals collide with other words of the lexicon.
_EXACT_FIRST = frozenset({"es", "it", "pt"})


def _term_weights(lexicon: LanguageLexicon) -> dict[Term, dict[str, float]]:
    """Term -> category code -> weight, in reading order; a neutral term has no category."""
    weights: dict[Term, dict[str, float]] = {}
    for text in lexicon.neutral:
        weights.setdefault(tuple(tokens(text)), {})
    for code, weight, texts in lexicon.weighted:
        for text in texts:
            per_category = weights.setdefault(tuple(tokens(text)), {})
            # The same term listed twice in a category keeps its highest weight.
            per_category[code] = max(per_category.get(code, 0.0), float(weight))
    return weights
