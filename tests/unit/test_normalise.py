"""Entity normalisation, rule by rule, then on the seed article's spans as NER gives them."""

from __future__ import annotations

import re

import pytest

from newsflow.contract.schema import Entity
from processors.gazetteer import load_gazetteer
from processors.normalise import (
    Mention,
    build_entities,
    clean_span,
    entity_type,
    find_dateline,
    not_person_types,
    resolve_surnames,
    salience,
    strip_titles,
    title_phrases,
)

EN_TITLES = title_phrases("en")
FR_TITLES = title_phrases("fr")


@pytest.fixture(scope="module", autouse=True)
def gazetteer() -> None:
    load_gazetteer()


def mention(document: str, text: str, label: str, nth: int = 0) -> Mention:
    """The `nth` occurrence of `text` in `document` as a span, as NER would give it."""
    starts = [m.start() for m in re.finditer(re.escape(text), document)]
    return Mention(text, label, starts[nth], starts[nth] + len(text))


def entities_of(text: str, spans: list[tuple[str, str]], *, title: str = "", language: str = "en", **kwargs) -> list[Entity]:
    """Entities of an article whose spans are every occurrence of each (text, label), in order."""
    document = f"{title}\n\n{text}" if title else text
    mentions = [mention(document, t, label, n) for t, label in dict.fromkeys(spans) for n in range(spans.count((t, label)))]
    return build_entities(mentions, document=document, title_end=len(title), language=language, **kwargs)


def by_name(entities: list[Entity]) -> dict[str, Entity]:
    return {e.name: e for e in entities}


# --- cleaning ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("span", "label", "language", "clean"),
    [
        ("Khamenei's", "PERSON", "en", "Khamenei"),
        ("Khamenei’s", "PERSON", "en", "Khamenei"),  # curly apostrophe
        ("Khamenei'", "PERSON", "en", "Khamenei"),  # the French model's cut
        ("Reuters'", "ORG", "en", "Reuters"),
        ("“Tehran”", "GPE", "en", "Tehran"),
        ("(Reuters", "ORG", "en", "Reuters"),
        ("Reuters (Paris)", "ORG", "en", "Reuters (Paris)"),  # balanced brackets are part of the name
        ("Ali\n  Khamenei,", "PERSON", "en", "Ali Khamenei"),
        ("the United States", "GPE", "en", "United States"),
        ("The Hague", "GPE", "en", "The Hague"),  # a capital "The" is part of the name
        ("l’Iran", "LOC", "fr", "Iran"),
        ("la Syrie", "LOC", "fr", "Syrie"),
        ("la Niña", "EVENT", "en", "la Niña"),  # French articles only in French
        ("d'Alembert", "PERSON", "fr", "d'Alembert"),  # a particle of a person's name stays
        ("U.S.", "GPE", "en", "U.S."),  # abbreviation dots stay
    ],
)
def test_clean_span_removes_possessives_quotes_and_stray_punctuation(span, label, language, clean):
    assert clean_span(span, label=label, language=language) == clean


@pytest.mark.parametrize(
    ("name", "titles", "stripped"),
    [
        ("Mr. Raisi", EN_TITLES, "Raisi"),
        ("Ayatollah Ali Khamenei", EN_TITLES, "Ali Khamenei"),
        ("Supreme Leader Ali Khamenei", EN_TITLES, "Ali Khamenei"),
        ("Prime Minister Boris Johnson", EN_TITLES, "Boris Johnson"),
        ("Minister Boris Johnson", EN_TITLES, "Boris Johnson"),  # NER cut "Prime Minister" in half
        ("Rep. Nancy Pelosi", EN_TITLES, "Nancy Pelosi"),
        ("Kazakhstan’s President Kassym-Jomart Tokayev", EN_TITLES, "Kassym-Jomart Tokayev"),
        ("Iranian President Ebrahim Raisi", EN_TITLES, "Ebrahim Raisi"),
        ("House Speaker Nancy Pelosi", EN_TITLES, "Nancy Pelosi"),
        ("Jordan's King Abdullah", EN_TITLES, "Abdullah"),
        ("Hassan Sheikh Mohamud", EN_TITLES, "Hassan Sheikh Mohamud"),  # a title word that is part of a name
        ("président Emmanuel Macron", FR_TITLES, "Emmanuel Macron"),
        ("le président Emmanuel Macron", FR_TITLES, "Emmanuel Macron"),
        ("Mme Borne", FR_TITLES, "Borne"),
        ("M. Macron", FR_TITLES, "Macron"),
        ("M. Night Shyamalan", EN_TITLES, "M. Night Shyamalan"),  # "M." is Monsieur only in French
        ("Martin Luther King Jr.", EN_TITLES, "Martin Luther King Jr."),  # a title word inside a name stays
        ("Billie Jean King", EN_TITLES, "Billie Jean King"),
        ("Stephen King", EN_TITLES, "Stephen King"),
        ("Ayatollah", EN_TITLES, ""),
        ("Prime Minister", EN_TITLES, ""),
    ],
)
def test_strip_titles(name, titles, stripped):
    assert strip_titles(name, titles) == stripped


def test_configured_honorifics_are_stripped_too():
    assert strip_titles("Comrade Kim Jong Un", EN_TITLES) == "Comrade Kim Jong Un"
    assert strip_titles("Comrade Kim Jong Un", title_phrases("en", ["Comrade"])) == "Kim Jong Un"
    spans = [("Comrade Kim Jong Un", "PERSON"), ("Comrade Kim", "PERSON")]
    names = by_name(entities_of("Comrade Kim Jong Un spoke. Later Comrade Kim left.", spans, honorifics=["Comrade"]))
    assert names["Kim Jong Un"].count == 1 and names["Kim"].count == 1  # "Kim" is no tail of "Kim Jong Un"


def test_a_title_only_span_is_dropped():
    text = "The Leader spoke. Then the Leader left. The Pope agreed."
    found = entities_of(text, [("The Leader", "ORG"), ("the Leader", "PERSON"), ("The Pope", "PERSON")])
    assert found == []


# --- surnames -----------------------------------------------------------------------------


def test_a_surname_resolves_to_the_one_full_name_that_ends_with_it():
    assert resolve_surnames({"Ebrahim Raisi", "Raisi", "Tokayev", "Kassym-Jomart Tokayev"}) == {
        "Ebrahim Raisi": "Ebrahim Raisi",
        "Raisi": "Ebrahim Raisi",
        "Tokayev": "Kassym-Jomart Tokayev",
        "Kassym-Jomart Tokayev": "Kassym-Jomart Tokayev",
    }


def test_an_ambiguous_surname_is_left_alone():
    resolved = resolve_surnames({"John Smith", "Jane Smith", "Smith"})
    assert resolved["Smith"] == "Smith"


def test_a_surname_follows_the_fullest_name_through_shorter_ones():
    resolved = resolve_surnames({"Sayyid Ali Khamenei", "Ali Khamenei", "Khamenei"})
    assert set(resolved.values()) == {"Sayyid Ali Khamenei"}


def test_an_organisation_named_after_a_person_is_not_merged():
    found = by_name(entities_of("John Smith met Smith Corp.", [("John Smith", "PERSON"), ("Smith Corp.", "ORG")]))
    assert found["Smith Corp."].type == "ORG" and found["John Smith"].count == 1


def test_a_surname_ner_gave_another_type_is_the_person_of_the_article():
    # Issue 22: "Trump" ORG in the same articles where "Donald Trump" is PERSON.
    text = "Donald Trump spoke. Trump said tariffs come. Markets fell after Trump spoke."
    [entity] = entities_of(text, [("Donald Trump", "PERSON"), ("Trump", "ORG"), ("Trump", "ORG")])
    assert (entity.name, entity.type, entity.count) == ("Donald Trump", "PERSON", 3)


def test_a_known_place_that_ends_a_persons_name_stays_a_place():
    found = by_name(entities_of("George Washington's legacy divides Washington.",
                                [("George Washington", "PERSON"), ("Washington", "GPE")]))
    assert found["Washington"].type == "GPE" and found["George Washington"].count == 1


def test_an_entity_has_one_type_in_an_article_the_majority_of_its_mentions():
    text = "Pantheon Labs grew. Pantheon Labs hired. Pantheon Labs sold. Pantheon Labs met."
    [entity] = entities_of(text, [("Pantheon Labs", "ORG")] * 3 + [("Pantheon Labs", "PERSON")])
    assert (entity.type, entity.count) == ("ORG", 4)


def test_a_tie_between_types_goes_to_the_first_mention():
    assert entity_type(["PERSON", "ORG"]) == "PERSON"
    assert entity_type(["ORG", "PERSON", "LOC", "GPE"]) == "GPE"  # places vote together, GPE if any said so
    assert entity_type(["LOC"]) == "LOC"


@pytest.mark.parametrize(("name", "kind"), [("Gmail", "PRODUCT"), ("AdWords", "PRODUCT"), ("Java", "PRODUCT"),
                                            ("HTML5", "PRODUCT"), ("Dall-E 2", "PRODUCT"), ("OpenAI", "ORG")])
def test_product_and_brand_names_are_never_people(name, kind):
    [entity] = entities_of(f"{name} was updated on Tuesday, {name} said.", [(name, "PERSON")] * 2)
    assert (entity.name, entity.type) == (name, kind)


def test_a_listed_name_keeps_other_labels_and_a_persons_surname_stays_a_person():
    found = by_name(entities_of("Java erupted. Carol Python spoke; Python smiled.",
                                [("Java", "GPE"), ("Carol Python", "PERSON"), ("Python", "PERSON")]))
    assert found["Java"].type == "GPE" and (found["Carol Python"].type, found["Carol Python"].count) == ("PERSON", 2)


def test_the_never_person_list_is_data_of_a_reasonable_size():
    types = not_person_types()
    assert 150 <= len(types) <= 500 and set(types.values()) == {"PRODUCT", "ORG"}
    assert types["gmail"] == "PRODUCT" and "ruby" not in types  # a given name too: left out


# --- places -------------------------------------------------------------------------------


@pytest.mark.parametrize("alias", ["U.S.", "US", "USA", "America", "United States of America"])
def test_country_aliases_unify_into_one_entity(alias):
    text = f"The United States said {alias} would act."
    [entity] = entities_of(text, [("United States", "GPE"), (alias, "GPE")])
    assert (entity.name, entity.type, entity.count, entity.country_code) == ("United States", "GPE", 2, "US")


@pytest.mark.parametrize("alias", ["UK", "U.K.", "Britain", "Great Britain"])
def test_british_aliases_become_united_kingdom(alias):
    [entity] = entities_of(f"Talks in {alias} went on.", [(alias, "GPE")])
    assert (entity.name, entity.country_code) == ("United Kingdom", "GB")


def test_russian_federation_is_russia_and_demonyms_stay_norp():
    found = by_name(
        entities_of(
            "The Russian Federation, Iranian and Kazakh envoys and Americans met.",
            [("Russian Federation", "GPE"), ("Iranian", "NORP"), ("Kazakh", "NORP"), ("Americans", "NORP")],
        )
    )
    assert found["Russia"].country_code == "RU"
    assert {found[n].type for n in ("Iranian", "Kazakh", "Americans")} == {"NORP"}
    assert all(found[n].country_code is None for n in ("Iranian", "Kazakh", "Americans"))


def test_an_all_caps_place_takes_the_gazetteer_case_but_acronyms_do_not():
    text = "Talks moved to TEHRAN, NUR-SULTAN and SPRINGFIELD, says NATO, and the UN agreed."
    spans = [("TEHRAN", "GPE"), ("NUR-SULTAN", "GPE"), ("SPRINGFIELD", "GPE"), ("NATO", "ORG"), ("UN", "ORG")]
    found = by_name(entities_of(text, spans))
    assert set(found) == {"Tehran", "Nur-Sultan", "Springfield", "NATO", "UN"}
    assert found["Nur-Sultan"].country_code == "KZ" and found["UN"].country_code is None


def test_a_place_name_is_never_lower_cased():
    # The gazetteer lists lower-case alternate names ("st", "dobai"): an ALL-CAPS span keeps its case.
    text = "Flights to DOBAI resumed, the ST table showed."
    found = by_name(entities_of(text, [("DOBAI", "GPE"), ("ST", "GPE")]))
    assert "DOBAI" in found and not any(name.islower() for name in found)


def test_one_or_two_letter_places_are_dropped_unless_a_known_code():
    text = "The US and the UK met; ST 45 and W 3 in the table, and the UN agreed."
    found = by_name(entities_of(text, [("US", "GPE"), ("UK", "GPE"), ("ST", "GPE"), ("W", "GPE"), ("UN", "GPE")]))
    assert set(found) == {"United States", "United Kingdom"}


def test_each_entity_keeps_the_offsets_of_its_cleaned_mentions():
    text = "Prime Minister Boris Johnson met Mr. Johnson's aides in the United Kingdom's capital."
    found = by_name(entities_of(text, [("Prime Minister Boris Johnson", "PERSON"), ("Mr. Johnson's", "PERSON"),
                                       ("the United Kingdom's", "GPE")]))
    johnson = found["Boris Johnson"]
    assert [(m.text, text[m.start : m.end]) for m in johnson.mentions] == [("Boris Johnson",) * 2, ("Johnson",) * 2]
    assert [m.text for m in found["United Kingdom"].mentions] == ["United Kingdom"]
    assert johnson.first_offset == johnson.mentions[0].start == text.index("Boris")


def test_french_labels_map_and_a_resolved_loc_is_a_gpe():
    text = "Le président Emmanuel Macron a reçu M. Scholz à Paris, puis a parlé de l’Iran, des Alpes et du Tour."
    spans = [("Le président Emmanuel Macron", "PER"), ("M. Scholz", "PER"), ("Paris", "LOC"), ("l’Iran", "LOC"),
             ("Alpes", "LOC"), ("Tour", "MISC")]  # fmt: skip
    found = {(e.name, e.type): e for e in entities_of(text, spans, language="fr")}
    assert set(found) == {("Emmanuel Macron", "PERSON"), ("Scholz", "PERSON"), ("Paris", "GPE"), ("Iran", "GPE"),
                          ("Alpes", "LOC"), ("Tour", "MISC")}  # fmt: skip
    assert found[("Paris", "GPE")].country_code == "FR" and found[("Paris", "GPE")].location is not None


@pytest.mark.parametrize("word", ["Détenus", "Travail"])
def test_a_french_common_noun_is_no_place(word):
    # Issue 22: the French model's "Détenus", "Travail" as places, rubrics heading a title.
    title = f"{word} : la réforme divise les syndicats"
    text = f"Le {word.lower()} et la prison sont au cœur du texte présenté à Paris."
    found = by_name(entities_of(text, [(word, "LOC"), ("Paris", "LOC")], title=title, language="fr"))
    assert set(found) == {"Paris"}


def test_a_french_place_unknown_to_the_gazetteer_stays_when_it_reads_as_a_name():
    text = "Les pompiers luttent en Bretagne. Des renforts arrivent en Bretagne depuis mardi."
    [entity] = entities_of(text, [("Bretagne", "LOC"), ("Bretagne", "LOC")], language="fr")
    assert (entity.name, entity.type, entity.count) == ("Bretagne", "LOC", 2)


def test_an_english_place_unknown_to_the_gazetteer_opening_sentences_stays():
    [entity] = entities_of("Crimea was calm. Crimea voted.", [("Crimea", "LOC"), ("Crimea", "LOC")])
    assert entity.name == "Crimea"


def test_a_place_ner_calls_gpe_once_and_loc_once_is_one_entity():
    [entity] = entities_of("Tehran is big. Tehran is old.", [("Tehran", "GPE"), ("Tehran", "LOC")])
    assert (entity.type, entity.count, entity.country_code) == ("GPE", 2, "IR")


def test_an_ambiguous_city_keeps_its_name_without_coordinates():
    [entity] = entities_of("Springfield voted.", [("Springfield", "GPE")])
    assert (entity.name, entity.country_code, entity.location) == ("Springfield", None, None)


# --- datelines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("TEHRAN — The talks began.", "Tehran"),
        ("PARIS (Reuters) - The talks began.", "Paris"),
        ("WASHINGTON, June 3 — The talks began.", "Washington"),
        (" date 2022-06-19 TEHRAN — Kazakhstan’s President met.", "Tehran"),
        ("NUR-SULTAN, Kazakhstan (AP) -- The talks began.", "Nur-Sultan"),
    ],
)
def test_a_dateline_is_found_in_proper_case(text, place):
    found = find_dateline(text)
    assert found is not None and (found.text, found.label) == (place, "GPE")
    assert text[found.start : found.end].upper() == place.upper()


@pytest.mark.parametrize(
    "text", ["BREAKING — Talks began.", "EXCLUSIVE - Talks began.", "Talks in TEHRAN — began.", "Tehran — talks began."]
)
def test_no_dateline_without_a_known_all_caps_place_at_the_start(text):
    assert find_dateline(text) is None


def test_a_dateline_adds_a_place_mention_and_merges_with_the_ner_span():
    text = "TEHRAN — Officials in Tehran met."
    for spans in ([("Tehran", "GPE")], [("TEHRAN", "GPE"), ("Tehran", "GPE")], [("TEHRAN", "ORG"), ("Tehran", "GPE")]):
        [entity] = entities_of(text, spans, title="Talks")
        assert (entity.name, entity.type, entity.count, entity.country_code) == ("Tehran", "GPE", 2, "IR")
        assert entity.first_offset == len("Talks\n\n") and not entity.in_title


def test_a_dateline_resolves_to_the_city_for_every_mention_of_it():
    [entity] = entities_of("WASHINGTON, June 3 — Washington said no.", [("Washington", "GPE")])
    assert entity.count == 2 and entity.location is not None and entity.location.lat == pytest.approx(38.9, abs=0.1)
    [state] = entities_of("Voters in Washington said no.", [("Washington", "GPE")])
    assert state.location is None and state.country_code == "US"


def test_an_unknown_dateline_counts_only_when_ner_says_it_is_a_place():
    assert entities_of("SMALLVILLE — Crops failed.", []) == []
    [entity] = entities_of("SMALLVILLE — Crops failed.", [("SMALLVILLE", "GPE")])
    assert (entity.name, entity.count, entity.country_code) == ("Smallville", 1, None)


# --- salience and order -------------------------------------------------------------------


def test_salience_weighs_frequency_earliness_and_the_title():
    assert salience(4, 4, 0, 100, in_title=True) == 1.0
    assert salience(4, 4, 0, 100, in_title=False) == 0.8
    assert salience(1, 4, 99, 100, in_title=False) < salience(1, 4, 0, 100, in_title=False) < salience(4, 4, 0, 100, in_title=False)
    assert 0.0 <= salience(1, 100, 10_000, 100, in_title=False) <= 1.0


def test_entities_are_sorted_by_salience_and_the_title_boosts():
    text = "Iran and Iraq met. Iraq spoke."
    found = entities_of(text, [("Iran", "GPE"), ("Iraq", "GPE"), ("Iraq", "GPE")], title="Iran talks")
    assert [e.name for e in found] == ["Iran", "Iraq"]  # fewer mentions, but first and in the title
    assert [e.in_title for e in found] == [True, False]
    assert [e.salience for e in found] == sorted((e.salience for e in found), reverse=True)


# --- the seed article ---------------------------------------------------------------------

SEED_TITLE = "Khamenei receives Kazakhstan's President Tokayev"
# The spans of the seed article as NER gives them (every occurrence, longest first wins).
SEED_SPANS = [
    ("Kassym-Jomart Tokayev", "PERSON"), ("Tokayev", "PERSON"), ("Ali Khamenei", "PERSON"),
    ("Ayatollah Khamenei's", "PERSON"), ("Ayatollah Khamenei", "PERSON"), ("Khamenei", "PERSON"),
    ("Ebrahim Raisi", "PERSON"), ("Mr. Raisi", "PERSON"), ("Al-Farabi’s", "PERSON"), ("Al-Farabi", "PERSON"),
    ("the Leader", "PERSON"), ("The Leader", "ORG"), ("Iran", "GPE"), ("Kazakhstan", "GPE"), ("Tehran", "GPE"),
    ("Nur-Sultan", "GPE"), ("TEHRAN", "GPE"), ("Ukraine", "GPE"), ("NATO", "ORG"), ("Americans", "NORP"),
    ("Iranian", "NORP"), ("Kazakh", "NORP"), ("West Asia", "LOC"),
]  # fmt: skip


def seed_mentions(document: str) -> list[Mention]:
    claimed: list[Mention] = []
    for text, label in sorted(SEED_SPANS, key=lambda span: -len(span[0])):
        for match in re.finditer(rf"(?<!\w){re.escape(text)}(?!\w)", document):
            if not any(match.start() < m.end and m.start < match.end() for m in claimed):
                claimed.append(Mention(text, label, match.start(), match.end()))
    return sorted(claimed, key=lambda m: m.start)


@pytest.fixture(scope="module")
def seed_entities(seed_article: str) -> tuple[str, dict[str, Entity], list[Entity]]:
    document = f"{SEED_TITLE}\n\n{seed_article}"
    found = build_entities(seed_mentions(document), document=document, title_end=len(SEED_TITLE), language="en")
    return document, by_name(found), found


def test_seed_khamenei_is_one_person_with_every_mention(seed_entities):
    document, found, ranked = seed_entities
    khamenei = found["Ali Khamenei"]
    assert khamenei.type == "PERSON" and khamenei.in_title
    assert khamenei.count == document.count("Khamenei") == 6  # title, "Ali Khamenei", 4 x "Ayatollah Khamenei"
    assert ranked[0] == khamenei


def test_seed_raisi_and_tokayev_resolve_to_their_full_names(seed_entities):
    document, found, _ = seed_entities
    assert (found["Ebrahim Raisi"].count, found["Ebrahim Raisi"].in_title) == (2, False)
    tokayev = found["Kassym-Jomart Tokayev"]
    assert (tokayev.count, tokayev.in_title) == (document.count("Tokayev"), True)
    assert not {"Khamenei", "Raisi", "Tokayev", "Leader", "The Leader", "TEHRAN"} & set(found)


def test_seed_places_have_codes_and_coordinates(seed_entities):
    document, found, _ = seed_entities
    tehran = found["Tehran"]
    assert (tehran.type, tehran.country_code, tehran.in_title) == ("GPE", "IR", False)
    assert tehran.location is not None and (tehran.location.lat, tehran.location.lon) == pytest.approx((35.69, 51.42), abs=0.01)
    assert tehran.count == 2 and tehran.first_offset == document.index("TEHRAN")  # dateline and NER span merged
    iran = found["Iran"]
    assert (iran.country_code, iran.count, iran.in_title) == ("IR", len(re.findall(r"\bIran\b", document)), False)
    assert (found["Kazakhstan"].country_code, found["Kazakhstan"].in_title) == ("KZ", True)
    assert found["Nur-Sultan"].country_code == "KZ" and found["Nur-Sultan"].location is not None
    assert found["West Asia"].type == "LOC" and found["West Asia"].country_code is None


def test_seed_demonyms_and_organisations_stay_as_they_are(seed_entities):
    _, found, _ = seed_entities
    assert {n: found[n].type for n in ("Americans", "Iranian", "Kazakh", "NATO", "Al-Farabi")} == {
        "Americans": "NORP", "Iranian": "NORP", "Kazakh": "NORP", "NATO": "ORG", "Al-Farabi": "PERSON",
    }  # fmt: skip
    assert found["Al-Farabi"].count == 2  # "Al-Farabi," and "Al-Farabi’s"
