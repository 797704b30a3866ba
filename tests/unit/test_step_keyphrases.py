"""`news.keyphrases.v1`: a few statistical key phrases per article, English, French and beyond."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsflow.contract.schema import RawArticle
from newsflow.settings import ProcessorSettings
from processors.base import Draft
from processors.keyphrases import KeyphrasesStep, _stem, extract_keyphrases, stopwords_for

DATA = Path(__file__).resolve().parent.parent / "data"
NOW = datetime(2024, 1, 1, tzinfo=UTC)


def draft(text: str, title: str = "", language: str | None = "en") -> Draft:
    raw = RawArticle(id="a", version=1, url=None, feed_url="f", source="s", title=title, text=text, fetched_at=NOW)
    return Draft(raw, {"detected_language": language})


def stems(phrase: str) -> set[str]:
    return {_stem(w) for w in re.split(r"[\s']+", phrase.lower()) if w not in {"of", "de", "du", "des", "d"}}


def assert_no_near_duplicates(phrases: list[str]) -> None:
    for i, first in enumerate(phrases):
        for second in phrases[i + 1:]:
            a, b = stems(first), stems(second)
            assert not (a <= b or b <= a), (first, second)
            assert len(a & b) / len(a | b) < 0.5, (first, second)


@pytest.fixture(scope="module")
def articles() -> list[dict]:
    lines = (DATA / "iptc-eval-heldout.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_the_seed_article_gets_five_sensible_phrases(seed_article):
    phrases = extract_keyphrases("", seed_article, "en", 5)
    assert len(phrases) == 5
    lowered = [p.lower() for p in phrases]
    # What the article is about: Iran and Kazakhstan, their leaders, Al-Farabi as a cultural bridge.
    assert "kazakhstan" in lowered and "iran" in lowered
    assert any("khamenei" in p for p in lowered) and any("tokayev" in p for p in lowered)
    assert "al-farabi" in lowered  # named twice, a two-part name: it outranks lone common words
    for phrase in phrases:
        assert phrase.lower() in seed_article.lower().replace("\u2019", "'")  # quoted from the text as written
    assert_no_near_duplicates(phrases)


def test_weak_words_do_not_stand_alone(seed_article):
    phrases = {p.lower() for p in extract_keyphrases("", seed_article, "en", 10)}
    assert not phrases & {"ties", "president", "leader", "countries", "issues", "sunday", "met", "said"}


@pytest.mark.parametrize("limit", [0, 1, 3])
def test_the_number_of_phrases_is_the_setting(seed_article, limit):
    assert len(extract_keyphrases("", seed_article, "en", limit)) == limit
    step = KeyphrasesStep(settings=ProcessorSettings(keyphrases=limit))
    [fields] = step.run([draft(seed_article)])
    assert len(fields["keyphrases"]) == limit and isinstance(fields["keyphrases"], tuple)


def test_headline_verbs_do_not_become_phrases(articles):
    phrases_by_title = {a["title"]: extract_keyphrases(a["title"], a["text"], a["language"], 5) for a in articles}
    final = phrases_by_title["Alcaraz beats Djokovic to retain Wimbledon title"]
    assert {"Alcaraz", "Djokovic", "Wimbledon title"} <= set(final)
    assert not any("beats" in p or "retain" in p for p in final)
    for phrases in phrases_by_title.values():
        assert 3 <= len(phrases) <= 5
        assert_no_near_duplicates(phrases)


def test_french_phrases_keep_their_de(articles):
    unemployment = next(a for a in articles if a["title"].startswith("Le taux de chômage"))
    phrases = extract_keyphrases(unemployment["title"], unemployment["text"], "fr", 5)
    assert "taux de chômage" in phrases
    assert "demandeurs d'emploi" in phrases


def test_other_languages_use_spacys_stop_words_and_unknown_ones_get_a_note():
    assert "und" in stopwords_for("de")  # shipped inside spaCy: nothing is downloaded
    text = ("Die Bundesregierung hat ein neues Klimaschutzgesetz beschlossen. Das Klimaschutzgesetz sieht vor, "
            "dass Deutschland klimaneutral wird.")
    assert extract_keyphrases("", text, "de", 3)[0] == "Klimaschutzgesetz"
    step = KeyphrasesStep(settings=ProcessorSettings())
    [fields] = step.run([draft("Some text here.", language="xx")])
    assert fields == {"keyphrases": (), "notes": ("news.keyphrases.v1: no stop words for language 'xx'",)}


def test_no_language_is_read_as_english_and_empty_text_gives_nothing():
    step = KeyphrasesStep(settings=ProcessorSettings())
    [fields] = step.run([draft("The central bank raised interest rates; the central bank cited inflation.", language=None)])
    assert fields["keyphrases"][0] == "central bank"
    assert step.run([draft("")]) == [{"keyphrases": ()}]
