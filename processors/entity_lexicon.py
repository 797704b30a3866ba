"""What the English entity rules know without context: names of places, nationalities and
organisations, the head words of events, sport rubrics, and which words are common English words.

- data/entity_lexicon.json: demonyms (NORP), international and well-known organisations with
  their acronyms (ORG), event head words ("Open", "Cup", "Grand Prix"), agency sport rubrics
  ("SOCCER", "CRICKET") and words that tell a sports story;
- the gazetteer (processors/gazetteer.py): countries with their aliases, US states, capitals and
  cities of at least a million inhabitants;
- common English words: WordNet's lemma index that the spaCy English pipelines ship for their
  lemmatizer (lemmatizer/lookups/lookups.bin, some 90,000 lemmas), with its suffix rules for
  inflected forms ("heifers" is "heifer"). A pipeline without those tables leaves the set empty:
  the rules then lean on the document's own evidence only.

Built once per process (`english_lexicon`), about a second, shared by the step's threads.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from newsflow.errors import ConfigError
from processors.gazetteer import PlaceKind, fold_place_name, well_known_places

__all__ = ["EntityLexicon", "english_lexicon", "fold_words", "plural_demonyms"]

_LEXICON_FILE = Path(__file__).with_name("data") / "entity_lexicon.json"
_LOOKUPS = Path("lemmatizer") / "lookups" / "lookups.bin"
# Place names that are also everyday words or phrases, never added by the rules on their own.
_NOT_PLACES_ALONE = frozenset({"the valley", "of", "man", "usa", "amerique", "same", "victoria", "independence"})
_NO_PLURAL = ("ish", "ese", "ch", "ss", "sh", "Swiss", "Scots", "Lao", "Inuit", "Maori")


def fold_words(text: str) -> str:
    """The look-up key of a name: the gazetteer's folding (case, accents, dots, hyphens)."""
    return fold_place_name(text)


def plural_demonyms(demonym: str) -> tuple[str, ...]:
    """"Iranian" -> ("Iranian", "Iranians"); "Dutch", "Chinese" and "Swiss" have no plural in -s."""
    if demonym.endswith(_NO_PLURAL) and " " not in demonym:
        return (demonym,)
    return (demonym, demonym + "s")


@dataclass(frozen=True)
class EntityLexicon:
    demonyms: frozenset[str]  # folded, singular and plural
    organisations: dict[str, str]  # folded name or acronym -> canonical name
    acronyms: frozenset[str]  # as written: only these cases count ("WHO", not "who")
    event_heads: tuple[tuple[str, ...], ...]  # folded token tuples, longest first
    sport_rubrics: frozenset[str]  # folded
    sport_words: frozenset[str]
    places: dict[str, PlaceKind]  # folded name -> country, state or city
    common: frozenset[str]  # common English lemmas (lower case)
    rules: tuple[tuple[str, str], ...]  # lemmatizer suffix rules: (suffix, replacement)
    longest: int  # the most words of any known name
    first_words: frozenset[str]  # the folded first word of every known name

    def is_common_word(self, word: str) -> bool:
        """Whether `word` (any case) is a common English word or an inflection of one."""
        lower = word.lower()
        if lower in self.common:
            return True
        return any(lower.endswith(old) and lower[: len(lower) - len(old)] + new in self.common
                   for old, new in self.rules if len(lower) > len(old) + 2)

    def known_name(self, folded: str) -> str | None:
        """The entity type the lexicon gives a folded name, if any: NORP, ORG or GPE."""
        if folded in self.demonyms:
            return "NORP"
        if folded in self.organisations:
            return "ORG"
        if folded in self.places:
            return "GPE"
        return None


def _load_json() -> dict:
    try:
        return json.loads(_LEXICON_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{_LEXICON_FILE.name} cannot be read (built without its package data?): {exc}") from None


def _wordnet(model_dir: Path | None) -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
    if model_dir is None or not (model_dir / _LOOKUPS).is_file():
        return frozenset(), ()
    from spacy.lookups import Lookups

    lookups = Lookups().from_disk(model_dir / _LOOKUPS.parent)
    if not lookups.has_table("lemma_index"):
        return frozenset(), ()
    index = lookups.get_table("lemma_index")
    words = frozenset(w for pos in index for w in index[pos] if w.isalpha())
    rules: set[tuple[str, str]] = set()
    if lookups.has_table("lemma_rules"):
        table = lookups.get_table("lemma_rules")
        rules = {(old, new) for pos in table for old, new in table[pos] if old}
    return words, tuple(sorted(rules, key=lambda r: -len(r[0])))


@functools.lru_cache(maxsize=4)
def english_lexicon(model_dir: Path | None = None) -> EntityLexicon:
    data = _load_json()
    demonyms = {fold_words(form) for d in data["demonyms"] for form in plural_demonyms(d)}
    organisations: dict[str, str] = {}
    acronyms: set[str] = set()
    for canonical, names in data["organisations"].items():
        for name in names:
            organisations[fold_words(name)] = canonical
            if name.replace(".", "").isupper():
                acronyms.add(name)
    places = {fold_words(name): kind for name, kind in well_known_places().items()}
    places = {key: kind for key, kind in places.items() if key and key not in _NOT_PLACES_ALONE and len(key) > 2}
    # The UK's nations are no countries to the gazetteer (they are not the UK), but national teams and
    # datelines name them as countries: never a town of that name, never a club.
    places |= {"us": "country", "uk": "country", "england": "country", "scotland": "country", "wales": "country",
               "northern ireland": "country"}
    acronyms |= {"US", "U.S.", "UK", "U.K.", "UAE", "U.A.E.", "DPRK", "DRC", "USSR", "U.S.S.R."}
    heads = sorted({tuple(fold_words(h).split()) for h in data["event_heads"]}, key=len, reverse=True)
    common, rules = _wordnet(model_dir)
    names = (*places, *organisations, *demonyms)
    longest = max(len(k.split()) for k in names)
    return EntityLexicon(
        demonyms=frozenset(demonyms), organisations=organisations, acronyms=frozenset(acronyms),
        event_heads=tuple(heads), sport_rubrics=frozenset(fold_words(r) for r in data["sport_rubrics"]),
        sport_words=frozenset(w.lower() for w in data["sport_words"]), places=places, common=common, rules=rules,
        longest=longest, first_words=frozenset(k.split()[0] for k in names if k),
    )
