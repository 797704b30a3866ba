"""Places named in an article of any language, without a NER model: countries, world regions,
capitals and the largest cities, in the article's own language and its inflected forms
("Deutschlands", "den Vereinigten Staaten", "России", "в Москве"), each with the English name
the gazetteer resolves (processors/gazetteer.py: "Germany" -> DE and coordinates).

The names come from processors/data/world_places.json, built by tools/build_world_places.py from
CLDR (country, region and time-zone city names per language) and GeoNames (the cities' own and
alternate names); that script says which names are kept and why. Per language, a name table is
built on the first article of that language (or by `load_world_places`), then shared by the
process's threads.

Matching:
- whole words only: a name starts and ends at a word boundary (letters, digits, "_" and combining
  marks are word characters, so "Iran" is not found in "Iranian" nor "Oman" in "Romance"); a hyphen
  or an apostrophe is a boundary, so "Russland-Reise" and "dell'Ucraina" name their country;
- case-sensitive: names are capitalised, so common words written in lower case never match ("mosca",
  a fly, is no "Mosca"); the data leaves out names that are also common capitalised words;
- the longest name starting at a word wins ("Guinea-Bissau" over "Guinea", "Ciudad de México" over
  "México"); matches never overlap and come left to right;
- the spaces of a name match any run of whitespace with at most one line break
  ("Vereinigte\\nStaaten", not across a paragraph);
- "ё" reads as "е" and curly apostrophes as "'" (one character for one: offsets are kept).
Left to the caller: a capitalised common word opening a sentence ("Peru assado", turkey, in
Portuguese) and a place name inside another name ("AS Roma") are found as places.

`find_places` returns `PlaceMention`s: the `Mention` (text exactly `document[start:end]`, label
"GPE" for countries and cities, "LOC" for world regions), the canonical English name and the
country code. Languages written without spaces between words (zh, ja, ko, th) and those in Indic
scripts have no table: `find_places` returns [] for them, as for an unknown language.

Measured on the 2-core development machine: 0.15 to 0.3 ms per 2 KB article naming 40 to 50 places
(the upper figure with the machine busy); the first article of a language costs 5 to 50 ms more
(reading the JSON file once, then building that language's table).
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from newsflow.errors import ConfigError
from processors.normalise import Mention

__all__ = [
    "PlaceMention",
    "find_places",
    "load_world_places",
    "normalise_text",
    "supported_languages",
    "world_places_provenance",
]

_DATA_FILE = Path(__file__).with_name("data") / "world_places.json"

# One character for one, so that offsets in the normalised text are offsets in the document.
_SAME_LENGTH = (("ё", "е"), ("Ё", "Е"), ("’", "'"), ("‘", "'"), ("ʼ", "'"))
_TO_NORMALISE = re.compile("[ёЁ’‘ʼ]")
_FIRST_WORD = re.compile(r"\w+")
# Whitespace other than one plain space: where a name's space may be spelled otherwise.
_ODD_SPACE = re.compile(r"[^\S ]|  ")
_MAX_LINE_BREAKS = 1  # in the spaces between two words of a name: not across a paragraph


def normalise_text(text: str) -> str:
    """`text` as the name tables spell it: "ё" as "е", curly apostrophes as "'"; same length."""
    if _TO_NORMALISE.search(text) is None:
        return text
    for odd, usual in _SAME_LENGTH:  # str.replace is some 20 times as fast as str.translate here
        text = text.replace(odd, usual)
    return text


@dataclass(frozen=True, slots=True)
class PlaceMention:
    mention: Mention  # text == document[start:end]; label "GPE" (country, city) or "LOC" (region)
    canonical: str  # the gazetteer's English name: "Germany", "United States", "Moscow", "Europe"
    # The place's country, known here even where the gazetteer finds the English name ambiguous
    # ("Athens", "Wellington"); None for a region and for a name that several countries' cities bear.
    country_code: str | None


@dataclass(frozen=True, slots=True)
class _Table:
    by_first_word: Mapping[str, tuple[tuple[str, int], ...]]  # first word -> (name, place), longest first
    starts: re.Pattern[str]  # a word that may open a name
    places: tuple[tuple[str, str, str | None], ...]  # place -> (canonical, label, country code)


_lock = threading.Lock()
_tables: dict[str, _Table | None] = {}


@cache
def _data() -> dict[str, Any]:
    try:
        return json.loads(_DATA_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{_DATA_FILE.name} cannot be read (built without its package data?): {exc}") from None


def _base_language(language: str) -> str:
    return language.strip().lower().replace("_", "-").split("-")[0]


def supported_languages() -> frozenset[str]:
    """ISO 639-1 codes that have a name table."""
    return frozenset(_data()["languages"])


def world_places_provenance() -> dict[str, str]:
    """The data sets the names come from, for an article's provenance: name -> version."""
    return dict(_data()["sources"])


def load_world_places(languages: Iterable[str] | None = None) -> None:
    """Build the name tables of `languages` (all when None) now, not on the first article."""
    for language in supported_languages() if languages is None else languages:
        _table(language)


def _table(language: str) -> _Table | None:
    language = _base_language(language)
    if language in _tables:
        return _tables[language]
    with _lock:
        if language not in _tables:
            _tables[language] = _build_table(language)
    return _tables[language]


def _build_table(language: str) -> _Table | None:
    data = _data()
    entry = data["languages"].get(language)
    if entry is None:
        return None
    names: dict[str, int] = {}
    if entry["pool"]:
        drop = set(entry["drop"])
        names.update((name, place) for name, place in data["pools"][entry["pool"]].items() if name not in drop)
    names.update(entry["names"])  # the language's own names win over the shared pool
    grouped: dict[str, list[tuple[str, int]]] = {}
    for name, place in names.items():
        first = _FIRST_WORD.match(name)
        if first is not None and first.start() == 0:
            grouped.setdefault(first.group(), []).append((name, place))
    by_first_word = {word: tuple(sorted(group, key=lambda np: (-len(np[0]), np[0]))) for word, group in grouped.items()}
    initials = "".join(sorted({word[0] for word in by_first_word}))
    starts = re.compile(rf"(?<!\w)[{re.escape(initials)}]\w*")
    places = tuple((canonical, label, code) for canonical, label, code in data["places"])
    return _Table(by_first_word, starts, places)


def find_places(document: str, language: str) -> list[PlaceMention]:
    """The countries, regions and cities `document` names in `language` (an ISO 639-1 code; a
    region subtag is ignored: "pt-BR" reads as "pt"), in order, with exact offsets into `document`
    and the gazetteer's English name of each. [] for a language without a table."""
    table = _table(language) if document else None
    if table is None:
        return []
    text = normalise_text(document)
    odd_spaces = [m.start() for m in _ODD_SPACE.finditer(text)]
    found: list[PlaceMention] = []
    resume = 0
    for word in table.starts.finditer(text):
        start = word.start()
        if start < resume or (start and unicodedata.combining(text[start - 1])):
            continue
        for name, place in table.by_first_word.get(word.group(), ()):
            end = _match_at(text, start, name, odd_spaces)
            if end is not None:
                canonical, label, code = table.places[place]
                found.append(PlaceMention(Mention(document[start:end], label, start, end), canonical, code))
                resume = end
                break
    return found


def _match_at(text: str, start: int, name: str, odd_spaces: list[int]) -> int | None:
    """Where `name` ends when it is spelled at `start` and ends a word there, else None.
    `odd_spaces`: where `text` has whitespace other than one plain space, in order."""
    if text.startswith(name, start):
        end: int | None = start + len(name)
    elif " " in name and _has_odd_space(odd_spaces, start, start + len(name)):
        end = _spaced_match(text, start, name)
    else:
        return None
    if end is None or end == len(text) or not _is_word_char(name[-1]):
        return end
    return None if _is_word_char(text[end]) else end


def _has_odd_space(odd_spaces: list[int], start: int, end: int) -> bool:
    at = bisect_left(odd_spaces, start)
    return at < len(odd_spaces) and odd_spaces[at] < end


def _spaced_match(text: str, start: int, name: str) -> int | None:
    at = start
    for i, part in enumerate(name.split(" ")):
        if i:
            gap = at
            while gap < len(text) and text[gap].isspace():
                gap += 1
            if gap == at or text.count("\n", at, gap) > _MAX_LINE_BREAKS:
                return None
            at = gap
        if not text.startswith(part, at):
            return None
        at += len(part)
    return at


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.combining(char) != 0
