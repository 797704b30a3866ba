"""news.clean.v1 on real-looking feed text: invisible characters, white space, boilerplate lines."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest

from newsflow.contract.schema import RawArticle
from newsflow.settings import ProcessorSettings
from processors.base import Draft
from processors.clean import CleanStep, clean_text, clean_title, is_boilerplate, is_cross_reference, is_tag_list

NOW = datetime(2024, 5, 1, tzinfo=UTC)


def draft(text: str, *, title: str = "A title", summary: str = "") -> Draft:
    raw = RawArticle(id="a1", version=1, url=None, feed_url="http://127.0.0.1/feed", source="test",
                     title=title, summary=summary, text=text, fetched_at=NOW)
    return Draft(raw, {})


@pytest.fixture(scope="module")
def step() -> CleanStep:
    return CleanStep(settings=ProcessorSettings())


def test_seed_article_keeps_every_paragraph_and_word(seed_article):
    cleaned = clean_text(seed_article)
    assert cleaned.startswith("date 2022-06-19 TEHRAN — Kazakhstan’s President Kassym-Jomart Tokayev")
    assert cleaned.split() == seed_article.split()
    assert cleaned.count("\n\n") == seed_article.strip().count("\n\n")


def test_invisible_characters_go_and_accents_are_composed():
    text = "\ufeffTe\u200bhran and Nur\u00ad-Sultan: the Pre\u0301sident\u2060 met Kassym\u200d-Jomart Tokayev."
    cleaned = clean_text(text)
    assert cleaned == "Tehran and Nur-Sultan: the Président met Kassym-Jomart Tokayev."
    assert unicodedata.is_normalized("NFC", cleaned)


def test_joiners_that_carry_meaning_stay():
    persian = "می\u200cخواهم"  # the zero width non-joiner is part of Persian spelling
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, joined by zero width joiners
    assert clean_text(f"{persian} {family}") == f"{persian} {family}"


def test_white_space_is_tidied_and_paragraph_breaks_kept():
    text = "  First\u00a0 paragraph,\tstill first.  \r\n\r\n\r\n\n  Second   paragraph.\n   \nThird. "
    assert clean_text(text) == "First paragraph, still first.\n\nSecond paragraph.\n\nThird."


@pytest.mark.parametrize("line", [
    "Read more", "Read more »", "READ MORE...", "Continue reading →", "Continue reading “Raisi visits Astana” …",
    "The post Tokayev meets Khamenei in Tehran appeared first on Tehran Times.", "Click here to subscribe",
    "Subscribe to our newsletter", "Share this:", "Advertisement", "[…]", "Read the full story here",
    "See also", "Related", "Mehr zum Thema", "Lesen Sie auch:", "Leia também", "Leggi anche", "Lire aussi",
    "Voir aussi", "Ver también", "À lire aussi :", "Related: Markets fall as oil rises",
])
def test_boilerplate_lines_are_recognised(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", [
    "Read more about the talks in our report from Astana.",
    "Continue reading the statement, the minister told reporters.",
    "The post of foreign minister appeared vacant for months.",
    "Click here to see why the Leader praised the ties.",
    "Advertisement revenue fell by 8% last year.",
    "He said: “Read more books.”",
    "See also the minister's statement on the talks.",
    "Related talks were held in Astana last year, the ministry said.",
    "Lesen Sie auch die Erklärung des Ministers, sagte er.",
    "Voir aussi la réaction de Téhéran, a-t-il ajouté.",
    "Mehr zum Thema Elektromobilität lesen Sie in unserem Dossier über die Förderung in Deutschland.",
])
def test_real_sentences_are_not_boilerplate(line):
    assert not is_boilerplate(line)


def test_boilerplate_is_dropped_only_at_the_start_and_the_end():
    text = (
        "Advertisement\n\n"
        "Tokayev met Khamenei in Tehran on Sunday.\n\n"
        "Read more\n\n"  # in the middle: kept, it may be part of the story's layout
        "Raisi said the two sides signed nine documents.\n\n"
        "Continue reading →\n"
        "The post Tokayev meets Khamenei appeared first on Tehran Times.\n\n"
        "Share this:"
    )
    assert clean_text(text) == (
        "Tokayev met Khamenei in Tehran on Sunday.\n\nRead more\n\nRaisi said the two sides signed nine documents."
    )


def test_step_cleans_title_and_text_and_returns_only_what_it_writes(step):
    [fields] = step.run([draft("Raisi\u200b met Tokayev.\n\nRead more »", title="  Raisi\nmeets To\u00adkayev ")])
    assert fields == {"title": "Raisi meets Tokayev", "text": "Raisi met Tokayev.", "summary": ""}
    assert set(fields) == set(CleanStep.writes)


def test_text_equal_to_the_summary_is_kept(step):
    summary = "Iran and Kazakhstan agreed to expand trade, the presidents said in Tehran."
    [fields] = step.run([draft(summary, summary=summary)])
    assert fields["text"] == summary


def test_text_that_was_only_boilerplate_falls_back_to_the_summary(step):
    [fields] = step.run([draft("Read more »\n\nClick here to subscribe", summary=" Tehran  hosts Tokayev.\u200b ")])
    assert fields["text"] == "Tehran hosts Tokayev."


def test_empty_article_stays_empty(step):
    assert step.run([draft("", title="")]) == [{"title": "", "text": "", "summary": ""}]
    assert clean_title("\u200b \n") == ""


# -- cross-references and tag lists (issue 22) ---------------------------------------------------

STORY = "Tokayev met Khamenei in Tehran on Sunday.\n\nRaisi said the two sides signed nine documents."


@pytest.mark.parametrize("line", [
    "Related: Markets fall as oil rises", "Read more: Iran and Kazakhstan sign deals", "See also: The Astana talks",
    "Mehr zum Thema: Wie die Ampel zerbrach", "Lesen Sie auch: Was Merz jetzt plant", "Leia também: Lula viaja à China",
    "Leggi anche: Il governo e la manovra", "Lire aussi : La réforme des retraites", "À lire aussi: Macron à Berlin",
    "Voir aussi: Le budget 2025", "Ver también: El Gobierno aprueba los presupuestos", "Lea también: Sánchez en Bruselas",
])
def test_a_cross_reference_is_dropped_wherever_it_is(line):
    assert is_cross_reference(line)
    text = f"Tokayev met Khamenei in Tehran on Sunday.\n\n{line}\n\nRaisi said the two sides signed nine documents."
    assert clean_text(text) == STORY


@pytest.mark.parametrize("line", [
    "Related: the two presidents are old friends, and they spoke at length about the trade routes that link "
    "their countries, the pipelines, the railway to the Gulf and the visa rules that both sides want to relax soon.",
    "Related talks: none were planned.",
    "He read more: three reports and a letter.",
])
def test_a_long_or_different_line_is_not_a_cross_reference(line):
    assert not is_cross_reference(line)
    assert clean_text(f"{STORY}\n\n{line}\n\nThe end of the story.").count(line) == 1


@pytest.mark.parametrize("tail", [
    "(Elektromobilität, Elektroauto)", "Tags: Iran, Kazakhstan, trade", "Schlagwörter: Verkehr, Energie",
    "Mots-clés : Iran, Kazakhstan", "Etiquetas: Irán, comercio", "Tópicos: Irã, comércio", "Tags: Elektroauto",
])
def test_a_trailing_tag_list_is_dropped(tail):
    assert is_tag_list(tail)
    assert clean_text(f"{STORY}\n\n{tail}") == STORY


def test_a_tag_list_trailing_the_last_sentence_is_dropped():
    assert clean_text(f"{STORY} (Elektromobilität, Elektroauto)") == STORY
    assert clean_text(f"{STORY}\n(Iran, Kazakhstan)\n\nRead more »") == STORY


@pytest.mark.parametrize("text", [
    # Prose in parentheses, a single credit, a list inside a sentence, a list in the middle: kept.
    f"{STORY}\n\n(The talks resumed on Monday, officials said.)",
    f"{STORY} (dpa)",
    f"{STORY}\n\n(Reporting by Parisa Hafezi; Editing by Alex Richardson)",
    "The talks included three countries (Iran, Kazakhstan, Russia).",
    "(Iran, Kazakhstan)\n\nTokayev met Khamenei in Tehran on Sunday.",
])
def test_text_that_only_looks_like_a_tag_list_stays(text):
    assert clean_text(text) == text


def test_a_related_heading_with_its_headlines_is_dropped_at_the_end():
    tail = "Mehr zum Thema\n\nWie die Ampel zerbrach\nWas Merz jetzt plant\n\nTags: Politik, Ampel"
    assert clean_text(f"{STORY}\n\n{tail}") == STORY
    assert clean_text(f"{STORY}\n\nSee also\nThe Astana talks\nTrade with China") == STORY


def test_a_heading_followed_by_prose_stays():
    text = f"Tokayev met Khamenei.\n\nRead more\n\nRaisi said the two sides signed nine documents.\n\n{STORY}"
    assert clean_text(text) == text


def test_the_step_drops_boilerplate_and_falls_back_to_the_summary_when_nothing_is_left(step):
    text = f"{STORY}\n\nRelated: Markets fall\n\n(Elektromobilität, Elektroauto)"
    [fields] = step.run([draft(text)])
    assert fields["text"] == STORY
    [fields] = step.run([draft("Lesen Sie auch: Wie die Ampel zerbrach\n\nTags: Politik", summary="Die Ampel ist am Ende.")])
    assert fields["text"] == "Die Ampel ist am Ende."
