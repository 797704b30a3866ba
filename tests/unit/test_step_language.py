"""news.language.v1 with the real py3langid model: detection, the feed's hint, short texts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsflow.contract.schema import RawArticle
from newsflow.settings import ProcessorSettings
from processors.base import Chain, Draft
from processors.language import (
    LanguageStep,
    choose_language,
    fold_to_iso639_1,
    latin_share,
    normalise_language_tag,
    sample_text,
)

NOW = datetime(2024, 5, 1, tzinfo=UTC)

FRENCH = (
    "Le président de la République, Emmanuel Macron, a reçu mardi à l'Élysée le chancelier allemand Olaf Scholz. "
    "Les deux dirigeants ont évoqué la guerre en Ukraine et la situation au Proche-Orient, selon un communiqué."
)
GERMAN = (
    "Bundeskanzler Olaf Scholz hat am Dienstag in Berlin den französischen Präsidenten Emmanuel Macron empfangen. "
    "Die beiden Politiker sprachen über den Krieg in der Ukraine und über die Lage im Nahen Osten."
)
SPANISH = (
    "El presidente del Gobierno, Pedro Sánchez, se reunió el lunes en Madrid con el rey Felipe VI para analizar "
    "la situación política del país y la próxima cumbre de la Unión Europea en Bruselas."
)


def raw(text: str, *, title: str = "", language: str | None = None) -> RawArticle:
    return RawArticle(id="a1", version=1, url=None, feed_url="http://127.0.0.1/feed", source="test",
                      title=title, text=text, language=language, fetched_at=NOW)


@pytest.fixture(scope="module")
def step() -> LanguageStep:
    return LanguageStep(settings=ProcessorSettings())


def detect(step: LanguageStep, text: str, *, title: str = "", language: str | None = None) -> dict:
    [fields] = step.run([Draft(raw(text, title=title, language=language), {})])
    return fields


def test_seed_article_is_english_with_high_confidence(step, seed_article):
    fields = detect(step, seed_article, title="Leader receives Kazakh president", language=None)
    assert fields["detected_language"] == "en"
    assert fields["language_confidence"] > 0.95
    assert "notes" not in fields


@pytest.mark.parametrize(("text", "expected"), [(FRENCH, "fr"), (GERMAN, "de"), (SPANISH, "es")])
def test_european_languages_are_detected_and_beat_a_wrong_feed_hint(step, text, expected):
    # Over 20 words and a confident detector: the feed's "en" is overruled, silently.
    fields = detect(step, text, language="en")
    assert fields["detected_language"] == expected
    assert fields["language_confidence"] >= 0.7
    assert "notes" not in fields


def test_very_short_text_with_a_hint_uses_the_hint_and_says_so(step):
    fields = detect(step, "Raisi hosts Tokayev", title="Breaking", language="en-US")
    assert fields["detected_language"] == "en"
    assert 0 <= fields["language_confidence"] <= 1
    [note] = fields["notes"]
    assert note.startswith("news.language.v1: used the feed's language 'en' (4 words;")


def test_very_short_text_without_a_hint_keeps_the_detectors_guess(step):
    fields = detect(step, "Der Bundeskanzler traf den Präsidenten in Berlin.")
    assert fields["detected_language"] == "de"
    assert "notes" not in fields


def test_no_text_and_no_hint_gives_no_language(step):
    fields = detect(step, "", title="")
    assert (fields["detected_language"], fields["language_confidence"]) == (None, None)
    assert fields["notes"] == ("news.language.v1: no text and no declared language",)


def test_no_text_but_a_hint_gives_the_hint(step):
    fields = detect(step, "", title="", language="fr-FR")
    assert fields["detected_language"] == "fr"
    assert fields["language_confidence"] == 0.0


def test_unsure_detection_of_a_long_text_falls_back_to_the_hint():
    probabilities = {"nl": 0.45, "af": 0.4, "en": 0.15}
    guess = choose_language(probabilities, words=120, hint="en")
    assert (guess.language, guess.confidence) == ("en", 0.15)
    assert "confidence 0.45" in guess.note and "detector said 'nl'" in guess.note


def test_sure_detection_of_a_long_text_ignores_the_hint():
    guess = choose_language({"de": 0.93, "nl": 0.07}, words=120, hint="en")
    assert (guess.language, guess.confidence, guess.note) == ("de", 0.93, None)


@pytest.mark.parametrize(("tag", "code"), [
    ("en-US", "en"), ("fr_FR", "fr"), ("EN", "en"), (" de ", "de"), ("zh-Hans-CN", "zh"), ("eng", "en"),
    ("fre", "fr"), ("iw", "he"), ("tlh", None), ("english", None), ("", None), (None, None), ("en--", None),
])
def test_feed_language_tags_become_iso639_1(tag, code):
    assert normalise_language_tag(tag) == code


def test_language_variants_fold_into_their_macrolanguage_and_codeless_labels_go():
    folded = fold_to_iso639_1([("arz", 0.4), ("ar", 0.3), ("ary", 0.1), ("zxx", 0.15), ("fa", 0.05)])
    assert list(folded) == ["ar", "fa"]
    assert folded["ar"] == pytest.approx(0.8)


def test_detector_reads_the_title_and_about_2000_characters_at_a_word_boundary():
    text = "word " * 1000
    sample = sample_text("Title", text)
    assert sample.startswith("Title\nword word")
    assert len(sample) <= 2_006 and sample.endswith("word")


def test_every_code_the_step_can_return_is_two_letters(step):
    labels = fold_to_iso639_1([(label, 1.0) for label in step._identifier.labels])
    assert labels and all(len(code) == 2 and code.isalpha() and code.islower() for code in labels)


def test_short_text_on_which_the_detector_confidently_agrees_needs_no_note():
    guess = choose_language({"en": 0.97, "sco": 0.03}, words=8, hint="en")
    assert (guess.language, guess.confidence, guess.note) == ("en", 0.97, None)


def test_in_a_chain_the_fields_and_notes_reach_the_enriched_article(step):
    chain = Chain([step])
    short, german = chain.enrich([raw("Raisi hosts Tokayev", language="en-GB"), raw(GERMAN, language="de-DE")], NOW)
    assert short.detected_language == "en" and len(short.notes) == 1
    assert (german.detected_language, german.notes) == ("de", ())


# --- issue 22: the real mix ----------------------------------------------------------------------


def test_the_detector_reads_the_summary_unless_the_text_starts_with_it():
    assert sample_text("Dall-E 2", "Comments", "OpenAI opens its image generator.") == (
        "Dall-E 2\nOpenAI opens its image generator.\nComments")
    summary = "OpenAI opens its image generator to more users."
    assert sample_text("Dall-E 2", summary + " More text.", summary) == f"Dall-E 2\n{summary} More text."


def test_the_step_reads_the_items_summary(step):
    [fields] = step.run([Draft(raw("Comments", title="Dall-E 2").model_copy(update={"summary": (
        "OpenAI is opening its image generator to a million people on the waiting list, with a credit system.")}), {})])
    assert fields["detected_language"] == "en"


def test_another_language_than_the_declared_one_needs_a_sure_detector():
    assert choose_language({"fr": 0.89, "en": 0.1}, words=120, hint="en").language == "en"
    assert choose_language({"fr": 0.95, "en": 0.04}, words=120, hint="en").language == "fr"


def test_the_guess_keeps_what_the_detector_said_whatever_was_chosen():
    guess = choose_language({"fr": 0.28, "en": 0.2}, words=30, hint="en")
    assert (guess.language, guess.confidence, guess.detected, guess.detected_confidence) == ("en", 0.2, "fr", 0.28)


@pytest.mark.parametrize(("probabilities", "language"), [
    ({"la": 0.2, "en": 0.15, "fr": 0.05}, "en"),  # Latin is no news language: English first among them
    ({"gd": 0.3, "de": 0.5, "en": 0.05}, "de"),  # German sure among news languages (0.91)
    ({"fr": 0.12, "de": 0.06, "en": 0.05, "no": 0.05}, None),  # "Dall-E 2 Comments": French unsure, no model
    ({"tl": 0.4, "ceb": 0.3}, None),  # nothing left among news languages
])
def test_without_a_declared_language_an_unsure_guess_is_ranked_among_news_languages(probabilities, language):
    guess = choose_language(probabilities, words=3, hint=None)
    assert guess.language == language
    assert guess.note is not None and guess.detected == next(iter(probabilities))


# -- issue 17: sure means sure at any length; another script overrules the feed ---------------------


def test_a_sure_detection_overrules_the_feed_on_a_short_text_too() -> None:
    """Before: under 20 words the declared `en` won even at 0.99, and the English model read a
    Portuguese item ("Petrobras" PERSON). Now a detection at 0.9 and more decides."""
    probabilities = {"pt": 0.97, "es": 0.02, "en": 0.01}
    guess = choose_language(probabilities, words=8, hint="en")
    assert (guess.language, guess.detected, guess.detected_confidence) == ("pt", "pt", 0.97)


def test_an_unsure_detection_on_a_short_text_keeps_the_feeds_language() -> None:
    guess = choose_language({"nl": 0.25, "en": 0.2}, words=8, hint="en")
    assert guess.language == "en"


def test_a_text_in_another_script_overrules_the_feed_at_any_confidence(step) -> None:
    fields = detect(step, "Петербург принимает саммит лидеров", language="en")
    assert fields["detected_language"] == "ru"
    assert "another script" in fields["notes"][0]


def test_a_latin_text_with_one_foreign_name_keeps_the_feeds_language(step) -> None:
    fields = detect(step, "Raisi hosts Tokayev in Тегеран for talks on gas and trade routes", language="en")
    assert fields["detected_language"] == "en"


def test_latin_share() -> None:
    assert latin_share("Straße café") == 1.0
    assert latin_share("Москва") == 0.0
    assert latin_share("123 !") == 1.0


def test_the_detectors_own_guess_is_stored_whatever_was_chosen(step) -> None:
    """Issue 17: before, only the chosen language and its (often near-zero) probability were kept;
    the detector's guess that the feed's language overruled was lost."""
    fields = detect(step, "PSV Eindhoven beat Ajax 3-1 in Dutch league", language="en")
    assert fields["detected_language"] == "en"
    assert fields["detector_language"] == "nl" and 0 < fields["detector_confidence"] < 0.9
