"""Entity normalisation: the NER spans of one article become one canonical entity per person, place...

Pure logic (the offline gazetteer aside): the entities step runs spaCy and hands its spans here.
The rules, in order, each a small function below:

1. a dateline at the very start of the text ("TEHRAN —", "PARIS (Reuters) -") is a place
   mention in proper case ("Tehran"), merged with the NER span that covers it, if any;
2. a span is cleaned: stray quotes and punctuation, possessives ("Khamenei's"), a leading
   lower-case article ("the", "l'"), and for people titles and honorifics ("Ayatollah", "Mr.",
   "le président", also a title cut in half: "Minister" of "Prime Minister"); a span that is
   nothing but a title ("the Leader") is dropped;
3. places are looked up in the gazetteer: a country under any alias takes the country's name
   ("U.S." -> "United States"), an ALL-CAPS place takes the gazetteer's case, a LOC it resolves
   is a GPE; demonyms ("Iranian", NORP) are left alone; a spelling is never lower case ("ST" is
   no "st"), and a place of one or two letters is dropped unless it is US, UK, LA, NY, DC or NZ;
   In languages other than English, a one-word place the gazetteer does not know is dropped when
   it reads as a common noun: it also occurs in lower case in the article, or every mention of
   it opens a sentence, a line or a rubric ("Travail : ...", "Détenus : ..." were places to the
   French model);
4. a person named by the tail of a fuller name of the article ("Raisi") is that person ("Ebrahim
   Raisi"), when only one name ends so (two Smiths: "Smith" stays "Smith"), whatever NER called
   that mention ("Trump" as ORG beside "Donald Trump"), unless it is a place the gazetteer knows;
   a product or brand name is never a person ("Gmail", "Java": data/not_person.json);
5. one type per entity in an article: its mentions vote, the most frequent label wins (a tie
   goes to the first mention's), places (GPE, LOC) voting together;
6. mentions are counted per entity, which keeps their offsets (`MentionSpan`) and gets where it first appears, whether it is in the
   title, its salience, and, for a place, its country code and coordinates.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from newsflow.contract.schema import Entity, GeoPoint, MentionSpan
from newsflow.errors import ConfigError
from processors.gazetteer import Place, place_spelling, resolve_place

__all__ = [
    "ENGLISH_TITLES",
    "FRENCH_TITLES",
    "Mention",
    "build_entities",
    "clean_span",
    "entity_type",
    "find_dateline",
    "not_person_types",
    "resolve_surnames",
    "salience",
    "strip_titles",
    "title_phrases",
]

ENGLISH_TITLES = (
    "Mr", "Mrs", "Ms", "Miss", "Dr", "Prof", "Professor", "Sir", "Dame", "Lord", "Lady",
    "President", "Vice President", "President-elect", "Prime Minister", "Deputy Prime Minister", "Minister",
    "Foreign Minister", "Defence Minister", "Defense Minister", "Finance Minister", "Interior Minister",
    "Secretary", "Secretary of State", "Secretary-General", "Secretary General", "Chancellor",
    "Senator", "Sen", "Representative", "Rep", "Congressman", "Congresswoman", "Governor", "Gov", "Mayor",
    "General", "Gen", "Lt Gen", "Maj Gen", "Brig Gen", "Colonel", "Col", "Lieutenant", "Lt", "Captain", "Capt",
    "Sergeant", "Sgt", "Admiral", "Adm", "Commander", "Judge", "Justice", "Chief Justice", "Ambassador", "Speaker",
    "Ayatollah", "Grand Ayatollah", "Hojatoleslam", "Supreme Leader", "Leader", "Leader of the Islamic Revolution",
    "Imam", "Sheikh", "Sheik", "King", "Queen", "Prince", "Princess", "Crown Prince", "Pope", "Cardinal",
    "Archbishop", "Bishop", "Rabbi", "Reverend", "Rev", "Father", "Chairman", "Chairwoman", "Chief Executive",
)  # fmt: skip
FRENCH_TITLES = (
    "M", "MM", "Mme", "Mmes", "Mlle", "Monsieur", "Madame", "Mademoiselle", "Pr", "le président",
    "la présidente", "le Premier ministre", "la Première ministre", "le ministre", "la ministre",
    "le chancelier", "la chancelière", "le roi", "la reine", "le prince", "la princesse", "le pape",
    "l'ayatollah", "le guide suprême", "le général", "le cheikh", "le sénateur", "la sénatrice", "le député",
    "la députée", "le maire", "la maire", "l'imam",
)  # fmt: skip
# "M." is Monsieur in French and an initial in English ("M. Night Shyamalan").
_FRENCH_ONLY = frozenset({("m",), ("mm",)})

_PLACE_LABELS = frozenset({"GPE", "LOC"})
_LABELS = {"PER": "PERSON", "MISC": "MISC"}  # French pipelines: PER, LOC, ORG, MISC
_GENERATIONAL = frozenset({"jr", "sr", "ii", "iii", "iv"})  # "King Jr." is no title before a name

_EDGE_CHARS = "\"'“”‘’‚„«»‹›`´,;:!?*•·|/\\–—-_ \u00a0"
_POSSESSIVE = re.compile(r"(?<=\w)['’]s$|(?<=s)['’]$")
# Lower case only: "the United States" loses its article, "The Hague" keeps it.
_LEADING_ARTICLE = {"en": re.compile(r"^the\s+(?=\S)"), "fr": re.compile(r"^(?:le|la|les)\s+(?=\S)")}
_ELISION = re.compile(r"^[ld]['’](?=[A-ZÀ-ÖØ-Þ])")  # "l'Iran", "d'Iran"; not for people ("d'Alembert")
# Titles that are also parts of names ("Hassan Sheikh Mohamud"): stripped at the start of a name
# only, or after a possessive ("Jordan's King Abdullah"), never after a first name.
_NAME_LIKE_TITLES = frozenset(
    {"sheikh", "sheik", "king", "queen", "prince", "princess", "bishop", "father", "lord", "lady", "sir", "dame",
     "pope", "imam", "cardinal", "rabbi"}
)  # fmt: skip
_ARTICLE_TOKENS = frozenset({"the", "le", "la", "les", "l'"})

_UPPER = "A-ZÀ-ÖØ-Þ"
_DATELINE = re.compile(
    rf"""\s*
    (?:date\s+\d{{4}}-\d{{2}}-\d{{2}}\s+)?                             # a feed's "date 2022-06-19 " prefix
    (?P<place>[{_UPPER}][{_UPPER}'’]+\.?(?:(?:\s|-)[{_UPPER}][{_UPPER}'’]*\.?){{0,3}})
    (?:\s*,\s*[^\n—–()]{{1,40}}?)?                                    # ", June 3" / ", Ill."
    (?:\s*\([^()\n]{{1,40}}\))?                                       # "(Reuters)"
    \s*(?:—|–|--?)\s""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Mention:
    text: str  # the span's text as in the document
    label: str  # spaCy label: PERSON/PER, ORG, GPE, LOC, NORP, FAC, EVENT, PRODUCT, MISC...
    start: int  # char offsets in `document`
    end: int


@dataclass(frozen=True)
class _Named:
    """A mention after cleaning: its canonical name so far."""

    name: str
    label: str
    start: int
    end: int  # the offsets of the name itself: without the titles, articles and quotes cleaned off
    dateline: bool = False


# --- rule 1: the dateline -------------------------------------------------------------------


def find_dateline(document: str, start: int = 0, *, confirmed: bool = False) -> Mention | None:
    """The place of a dateline opening the text at `start` ("TEHRAN — ...", "WASHINGTON, June 3 —"),
    as a GPE mention in proper case with its offsets in `document`, or None.

    Only ALL-CAPS words before a dash count, and only when the gazetteer knows them as a place
    name ("BREAKING —" and "EXCLUSIVE —" are no datelines) or NER said so (`confirmed`)."""
    match = _DATELINE.match(document, start)
    if match is None:
        return None
    raw = match.group("place")
    spelling = place_spelling(raw) or (_proper_case(raw) if confirmed else None)
    return Mention(spelling, "GPE", match.start("place"), match.end("place")) if spelling else None


def _with_dateline(mentions: Sequence[Mention], document: str, title_end: int) -> list[tuple[Mention, bool]]:
    """The mentions with the dateline's place added, or in place of the NER span covering it."""
    dateline = find_dateline(document, title_end)
    if dateline is None:
        candidate = find_dateline(document, title_end, confirmed=True)
        ner_says_place = candidate is not None and any(
            _overlaps(m, candidate) and _LABELS.get(m.label, m.label) in _PLACE_LABELS for m in mentions
        )
        dateline = candidate if ner_says_place else None
    if dateline is None:
        return [(m, False) for m in mentions]
    others = [(m, False) for m in mentions if not _overlaps(m, dateline)]
    return sorted([*others, (dateline, True)], key=lambda pair: pair[0].start)


def _overlaps(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


# --- rule 2: cleaning -----------------------------------------------------------------------


def _fold_token(token: str) -> str:
    return token.casefold().replace("’", "'").replace(".", "")


def title_phrases(language: str, extra: Iterable[str] = ()) -> frozenset[tuple[str, ...]]:
    """Titles as folded token tuples, with every tail of each ("Minister" of "Prime Minister"):
    a span cut by NER in the middle of a title still loses it."""
    return _title_phrases(language, tuple(extra))


@functools.lru_cache(maxsize=64)
def _title_phrases(language: str, extra: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    phrases: set[tuple[str, ...]] = set()
    for title in (*ENGLISH_TITLES, *FRENCH_TITLES, *extra):
        tokens = tuple(_fold_token(t) for t in title.split())
        phrases.update(tokens[i:] for i in range(len(tokens)))
    if language != "fr":
        phrases -= _FRENCH_ONLY
    return frozenset(p for p in phrases if p)


def _title_length(tokens: Sequence[str], at: int, titles: frozenset[tuple[str, ...]]) -> int:
    """How many tokens from `at` form a title (the longest one), 0 when none does."""
    for length in range(min(_longest(titles), len(tokens) - at), 0, -1):
        if tuple(tokens[at : at + length]) in titles:
            return length
    return 0


@functools.lru_cache(maxsize=64)
def _longest(titles: frozenset[tuple[str, ...]]) -> int:
    return max((len(t) for t in titles), default=0)


def strip_titles(name: str, titles: frozenset[tuple[str, ...]]) -> str:
    """`name` without its leading titles ("Prime Minister Boris Johnson" -> "Boris Johnson"),
    also after a short qualifier ("Kazakhstan's President Tokayev" -> "Tokayev"); "" when
    nothing but titles is left."""
    words = name.split()
    folded = [_fold_token(w) for w in words]
    start = _after_qualified_title(words, folded, titles)
    while start < len(words) and (length := _title_length(folded, start, titles)):
        start += length
    return " ".join(words[start:])


def _after_qualified_title(words: list[str], folded: list[str], titles: frozenset[tuple[str, ...]]) -> int:
    # One or two capitalised words, then a title, then a name: "Iranian President Ebrahim Raisi".
    # A title at the end or before "Jr." is part of the name ("Martin Luther King Jr.").
    for at in (1, 2):
        length = _title_length(folded, at, titles)
        qualifier, title, rest = words[:at], folded[at : at + length], folded[at + length :]
        name_like = set(title) <= _NAME_LIKE_TITLES and not _POSSESSIVE.search(qualifier[-1])
        if length and not name_like and all(w[:1].isupper() for w in qualifier) and set(rest) - _GENERATIONAL:
            return at + length
    return 0


def _is_title_only(name: str, titles: frozenset[tuple[str, ...]]) -> bool:
    tokens = [_fold_token(w) for w in name.split()]
    while tokens and tokens[0] in _ARTICLE_TOKENS:
        tokens = tokens[1:]
    return bool(tokens) and not strip_titles(" ".join(tokens), titles)


def _strip_edges(name: str) -> str:
    previous = None
    while name != previous:
        previous = name
        name = _POSSESSIVE.sub("", name.strip(_EDGE_CHARS))
        for opening, closing in ("()", "[]"):
            if name.startswith(opening) and closing not in name:
                name = name[1:]
            if name.endswith(closing) and opening not in name:
                name = name[:-1]
    return name


def clean_span(text: str, *, label: str, language: str = "en") -> str:
    """A span's text without stray punctuation, quotes, possessive or leading lower-case
    article; whitespace collapsed. Titles are another rule (`strip_titles`)."""
    name = _strip_edges(" ".join(text.split()))
    name = _LEADING_ARTICLE["en"].sub("", name)
    if language == "fr":
        name = _LEADING_ARTICLE["fr"].sub("", name)
        if label != "PERSON":
            name = _ELISION.sub("", name)
    return _strip_edges(name)


# --- rule 3: places -------------------------------------------------------------------------


def _proper_case(name: str) -> str:
    return re.sub(r"[^\s-]+", lambda m: m[0][:1].upper() + m[0][1:].lower(), name)


def _place_name(name: str, place: Place | None) -> str:
    if place is not None and place.kind == "country":
        return place.name  # one name per country, whatever alias the article used
    # ALL CAPS takes the gazetteer's case, also for an ambiguous town ("SPRINGFIELD"); but short
    # unresolved capitals are acronyms more often than towns ("UN" is no "Un" in India).
    if name.isupper() and (place is not None or len(name) > 3):
        spelling = place_spelling(name)
        # Never a lower-case spelling: some towns list "st" or "of" among their alternate names.
        return spelling if spelling and spelling[:1].isupper() else name
    return name


# Places of one or two letters are abbreviations, table columns or initials ("ST", "W", "Pt")
# unless they are these common ones.
_SHORT_PLACES = frozenset({"us", "uk", "la", "ny", "dc", "nz"})


def _too_short_for_a_place(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return len(letters) <= 2 and "".join(letters).casefold() not in _SHORT_PLACES


def _is_common_word_place(named: Sequence[_Named], document: str, language: str) -> bool:
    """A one-word place of a non-English article, unknown to the gazetteer, that reads as a common
    noun: it occurs in lower case too, or only where any word is capitalised (a sentence's or a
    line's first word, a rubric before a colon). English models were not seen doing this, and an
    English place at the start of sentences ("Crimea ...") must not go."""
    first = named[0]
    if language == "en" or first.label not in _PLACE_LABELS or " " in first.name or "-" in first.name:
        return False
    if resolve_place(first.name) is not None:
        return False
    lower = re.search(rf"(?<!\w){re.escape(first.name.lower())}(?!\w)", document)
    return lower is not None or all(_opens_sentence(document, n.start) for n in named)


def _opens_sentence(document: str, start: int) -> bool:
    before = document[:start].rstrip(" \t\u00a0\"'«“(")
    return not before or before[-1] in "\n.!?:;—–-|"


def _without_common_word_places(named: list[_Named], document: str, language: str) -> list[_Named]:
    by_name: dict[str, list[_Named]] = {}
    for n in named:
        if n.label in _PLACE_LABELS:
            by_name.setdefault(n.name, []).append(n)
    dropped = {name for name, group in by_name.items() if _is_common_word_place(group, document, language)}
    return [n for n in named if not (n.label in _PLACE_LABELS and n.name in dropped)]


# --- rule 4: surnames -----------------------------------------------------------------------


def resolve_surnames(names: Collection[str]) -> dict[str, str]:
    """Each person's name -> the fuller name of the same article it is the tail of ("Raisi" ->
    "Ebrahim Raisi"), itself when none or several are ("Smith" beside John and Jane Smith)."""
    tokens = {name: tuple(_fold_token(t) for t in name.split()) for name in names}
    canonical: dict[str, str] = {}
    for name in sorted(names, key=lambda n: len(tokens[n]), reverse=True):  # fuller names first
        own = tokens[name]
        fuller = {canonical[o] for o, t in tokens.items() if len(t) > len(own) and t[-len(own) :] == own}
        canonical[name] = fuller.pop() if len(fuller) == 1 else name
    return canonical


_NOT_PERSON_FILE = Path(__file__).with_name("data") / "not_person.json"


@functools.cache
def not_person_types() -> Mapping[str, str]:
    """Folded product, brand and technology name -> the type it takes when NER calls it a PERSON,
    from data/not_person.json (read once per process)."""
    try:
        data = json.loads(_NOT_PERSON_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{_NOT_PERSON_FILE.name} cannot be read (built without its package data?): {exc}") from None
    return {_fold_name(name): label for label in ("PRODUCT", "ORG") for name in data[label]}


def _fold_name(name: str) -> str:
    return " ".join(name.casefold().replace("’", "'").split())


def _surname_owner(name: str, persons: Collection[str]) -> str | None:
    """The one full name among `persons` that `name` is the tail of ("Trump" of "Donald Trump"), or None."""
    own = tuple(_fold_token(t) for t in name.split())
    owners = {p for p in persons if len(p.split()) > len(own) and tuple(_fold_token(t) for t in p.split())[-len(own) :] == own}
    return owners.pop() if len(owners) == 1 else None


def _as_person(named: _Named, canonical: Mapping[str, str]) -> _Named:
    """A mention under its person's full name when it names a person of the article (rule 4), a
    product or brand NER took for a person under its listed type."""
    if named.label == "PERSON":
        full = canonical[named.name]
        if full == named.name and (listed := not_person_types().get(_fold_name(full))):
            return replace(named, label=listed)
        return replace(named, name=full)
    owner = _surname_owner(named.name, set(canonical.values()))
    if owner is None or (named.label in _PLACE_LABELS and resolve_place(named.name) is not None):
        return named
    return replace(named, name=owner, label="PERSON")


# --- rule 5: one type per entity ------------------------------------------------------------


def entity_type(labels: Sequence[str]) -> str:
    """The type of an entity from its mentions' labels, in order of appearance: the most frequent,
    places (GPE, LOC) counted together and GPE when any is; a tie goes to the first mention's."""
    votes = Counter("place" if label in _PLACE_LABELS else label for label in labels)
    top = max(votes.values())
    winner = next(v for v in ("place" if label in _PLACE_LABELS else label for label in labels) if votes[v] == top)
    if winner != "place":
        return winner
    return "GPE" if "GPE" in labels else "LOC"


# --- rule 6: entities -----------------------------------------------------------------------


def salience(count: int, most_mentions: int, first_offset: int, length: int, *, in_title: bool) -> float:
    """How central an entity is, 0..1: mostly how often it is named compared with the most named
    entity, then how early it first appears (news puts who and where up front), and a boost when
    the title names it."""
    frequency = count / max(most_mentions, 1)
    earliness = 1.0 - min(first_offset / max(length, 1), 1.0)
    return round(0.5 * frequency + 0.3 * earliness + 0.2 * in_title, 3)


def _named(mention: Mention, dateline: bool, titles: frozenset[tuple[str, ...]], language: str) -> _Named | None:
    label = _LABELS.get(mention.label, mention.label)
    name = clean_span(mention.text, label=label, language=language)
    if label not in _PLACE_LABELS and _is_title_only(name, titles):
        return None
    if label == "PERSON":
        name = strip_titles(name, titles)
    if not any(ch.isalpha() for ch in name):
        return None
    start, end = _name_offsets(mention, name)
    if label in _PLACE_LABELS:
        if _too_short_for_a_place(name):
            return None
        place = resolve_place(name, prefer_city=dateline)
        name = _place_name(name, place)
        label = "GPE" if place is not None else label
    return _Named(name, label, start, end, dateline)


def _name_offsets(mention: Mention, name: str) -> tuple[int, int]:
    """Where `name` (the span cleaned: fewer words, edges and titles off) lies in the document;
    the span's own offsets when it cannot be found in it."""
    words = name.split()
    found = re.search(r"\s+".join(map(re.escape, words)), mention.text, re.IGNORECASE) if words else None
    if found is None:
        return mention.start, mention.end
    return mention.start + found.start(), mention.start + found.end()


def _entity(name: str, group: list[_Named], *, most: int, title_end: int, document: str) -> Entity:
    kind = entity_type([n.label for n in sorted(group, key=lambda n: n.start)])
    place = resolve_place(name, prefer_city=any(n.dateline for n in group)) if kind in _PLACE_LABELS else None
    location = GeoPoint(lat=place.lat, lon=place.lon) if place and place.lat is not None and place.lon is not None else None
    first = min(n.start for n in group)
    in_title = any(n.start < title_end for n in group)
    spans = sorted({(n.start, n.end) for n in group})
    return Entity(
        name=name,
        type=kind,
        count=len(group),
        first_offset=first,
        in_title=in_title,
        salience=salience(len(group), most, first, len(document), in_title=in_title),
        country_code=place.country_code if place else None,
        location=location,
        mentions=tuple(MentionSpan(start=s, end=e, text=document[s:e]) for s, e in spans),
    )


def build_entities(
    mentions: Sequence[Mention], *, document: str, title_end: int, language: str, honorifics: Sequence[str] = ()
) -> list[Entity]:
    """One canonical entity per person, place, organisation... of an article, most salient first.

    `document` is title + "\\n\\n" + text and the mentions' offsets are in it; offsets before
    `title_end` are in the title. `honorifics` are titles to strip besides the built-in ones."""
    titles = title_phrases(language, honorifics)
    named = [n for m, dateline in _with_dateline(mentions, document, title_end) if (n := _named(m, dateline, titles, language))]
    named = _without_common_word_places(named, document, language)
    surnames = resolve_surnames({n.name for n in named if n.label == "PERSON"})
    groups: dict[str, list[_Named]] = {}
    for n in (_as_person(n, surnames) for n in named):
        groups.setdefault(n.name, []).append(n)  # one entity per name: its mentions vote its type
    most = max((len(g) for g in groups.values()), default=1)
    entities = [
        _entity(name, group, most=most, title_end=title_end, document=document) for name, group in groups.items()
    ]
    return sorted(entities, key=lambda e: (-e.salience, e.first_offset, e.name))
