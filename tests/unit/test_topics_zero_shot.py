"""The zero-shot IPTC classifier after issue "Enrichment you can trust" (lexicon 2.0).

Reviewers measured the top topic on public labelled news: technology stories landed in economy,
lifestyle, arts and crime, and "crime, law and justice" was over-assigned in every class. These
tests pin the fixes: technology and the other main news categories are covered, crime needs
several distinct legal terms, and German, Spanish, Italian and Portuguese articles get topics.
The labelled sets tests/data/iptc-news-tune.jsonl and -heldout.jsonl are built by
tests/data/make_iptc_news.py; the lexicon was tuned on the first only.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsflow.contract.schema import RawArticle
from newsflow.settings import ProcessorSettings
from processors.base import Draft
from processors.topics import iptc
from processors.topics.step import BuiltinClassifier, TopicsStep, evaluate, load_examples

DATA = Path(__file__).resolve().parent.parent / "data"
TECH = "science and technology"
ECONOMY = "economy, business and finance"
CRIME = "crime, law and justice"
FIVE = {TECH, ECONOMY, "arts, culture, entertainment and media", "politics", "sport"}


def top(title: str, text: str, language: str = "en") -> str | None:
    prediction = BuiltinClassifier().predict(title, text, language)
    return prediction.scores[0][0] if prediction and prediction.scores else None


def topics(title: str, text: str, language: str) -> tuple[str, ...]:
    raw = RawArticle(id="a", version=1, url=None, feed_url="f", source="s", title=title, text=text,
                     fetched_at=datetime(2025, 1, 1, tzinfo=UTC))
    [fields] = TopicsStep(settings=ProcessorSettings()).run([Draft(raw, {"detected_language": language})])
    return fields["topics"]


# --- technology stories that mention money or the law ------------------------------------------------


@pytest.mark.parametrize(("title", "text"), [
    ("Apple unveils new iPhone with faster chip",
     "Apple showed off its latest iPhone on Tuesday, with a faster processor, a better camera and longer battery life. "
     "The phone goes on sale next week. Apple shares rose 2% after the launch event."),
    ("Samsung's folding phone gets rave reviews",
     "Samsung's latest handset has a folding screen and a built-in AI assistant. Reviewers praised the camera and the "
     "software. Shares in the company, which reports quarterly earnings next week, rose 3% in Seoul."),
    ("Games console maker cuts price of its handheld",
     "Nintendo will cut the price of its handheld games machine by a fifth before Christmas to win back gamers from "
     "smartphones, a move that sent its shares 4% lower in Tokyo."),
])
def test_a_product_story_that_mentions_shares_is_technology(title, text):
    assert top(title, text) == TECH


@pytest.mark.parametrize(("title", "text"), [
    ("Mobile phones to double as wallets", "A mobile operator is fitting handsets with a chip that lets owners pay by "
     "waving the phone at a reader."),
    ("Spam now makes up 80% of all e-mail", "Junk e-mail accounts for four in five messages sent, an e-mail filtering "
     "firm says, most of it from hijacked home computers."),
    ("New worm spreads via e-mail attachments", "Anti-virus firms warn of a computer worm that opens a back door for "
     "hackers on infected PCs."),
    ("Xbox sequel tops games chart", "The shooting game went straight to number one in the UK games chart."),
    ("Broadband users double in a year", "The number of homes with a fast internet connection has doubled, the "
     "regulator says, as prices for broadband packages fall."),
    ("Online music store sells 100 millionth song", "Apple's iTunes store has sold 100 million songs since it opened, "
     "helped by the popularity of the iPod."),
    ("Search engine adds video", "Google is adding video clips to its search results to keep web users on its site."),
])
def test_technology_wire_items_are_technology(title, text):
    assert top(title, text) == TECH


# --- crime needs real evidence ---------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "text", "expected"), [
    ("Ministers unveil plan for more officers", "The government will recruit 20,000 police officers over three years, "
     "the home secretary told MPs, as opposition parties accused ministers of cutting budgets.", "politics"),
    ("Council approves new bus lanes", "The council approved new bus lanes on the high street despite objections from "
     "shopkeepers; police said they would enforce the rules.", "politics"),
    ("Derby passes off peacefully", "Both clubs praised their fans after the derby, which ended 1-1 with a late "
     "equaliser; police made no arrests at the stadium.", "sport"),
    ("Hackers steal data from games network", "Hackers broke into the online gaming network and stole the personal "
     "details of 77 million users, forcing the company to shut the service for weeks.", TECH),
])
def test_one_police_or_law_word_does_not_make_a_story_crime(title, text, expected):
    assert top(title, text) == expected
    assert CRIME not in BuiltinClassifier().predict(title, text, "en").assignable


def test_a_court_report_with_several_legal_terms_is_crime():
    title, text = "Man jailed for life for killing teenager", ("A man has been jailed for life at the Old Bailey for "
                                                               "murdering a teenager; the judge said he must serve 25 years.")
    assert top(title, text) == CRIME
    assert CRIME in BuiltinClassifier().predict(title, text, "en").assignable


def test_crime_evidence_is_scaled_by_its_distinct_terms_until_there_are_enough():
    classifier = iptc.lexicon_classifier("en")
    calibration = iptc.load_lexicon().calibration["medtop:02000000"]
    assert calibration.min_terms >= 3
    one = classifier.judge("", "The police were there.")
    raw = sum(w * f * 2.2 / (f + 1.2) for terms, f in classifier.term_frequencies("", "The police were there.").items()
              for code, w in classifier._weights(terms).items() if code == "medtop:02000000")
    assert one.breadth["medtop:02000000"] == 1  # one term ("police"), of weight 2
    assert one.evidence["medtop:02000000"] == pytest.approx(raw / calibration.min_terms)


# --- the party, not the workforce; inflections ---------------------------------------------------------


def test_labour_the_party_is_politics():
    assert top("Labour pledges to cut tuition fees", "Labour would cut university fees if it wins the general election, "
               "the party leader told activists.") == "politics"
    assert top("Labour MPs rebel over ID cards", "Dozens of Labour MPs voted against the government.") == "politics"


def test_verbs_are_matched_in_their_ed_and_ing_forms_but_names_are_not():
    classifier = iptc.lexicon_classifier("en")
    assert classifier.evidence("", "He murdered her.") == classifier.evidence("", "a murder")
    assert "medtop:15000000" not in classifier.evidence("", "Officials warned of delays.")  # not Shane Warne


@pytest.mark.parametrize(("language", "sport_word", "politics_word"), [
    ("it", "partita", "partito"),  # a match, a party
    ("pt", "partida", "partido"),
])
def test_a_word_of_the_lexicon_is_not_read_as_another_word_inflected(language, sport_word, politics_word):
    classifier = iptc.lexicon_classifier(language)
    assert max(classifier.evidence("", sport_word).items(), key=lambda kv: kv[1])[0] == "medtop:15000000"
    assert "medtop:15000000" not in classifier.evidence("", politics_word)


@pytest.mark.parametrize(("language", "singular", "inflected"), [
    ("es", "el ministro", "las ministras"),
    ("it", "l'elezione", "le elezioni"),
    ("it", "la squadra", "le squadre"),
    ("pt", "a eleição", "as eleições"),
    ("pt", "o jornal", "os jornais"),
])
def test_romance_plurals_and_feminines_are_matched(language, singular, inflected):
    classifier = iptc.lexicon_classifier(language)
    assert classifier.evidence("", inflected).keys() == classifier.evidence("", singular).keys() != set()


# --- other languages -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "title", "text", "expected"), [
    ("de", "Neues Smartphone vorgestellt", "Der Hersteller hat ein Handy mit größerem Akku und besserer Kamera "
     "vorgestellt; die Software soll künstliche Intelligenz nutzen.", TECH),
    ("es", "El Gobierno aprueba la reforma de las pensiones", "El Consejo de Ministros aprobó la reforma, que ahora "
     "debe votar el Congreso de los Diputados con el apoyo de la coalición.", "politics"),
    ("es", "El Real Madrid gana la Liga", "El equipo blanco se proclamó campeón tras golear 4-0 en la última jornada; "
     "el entrenador elogió a sus jugadores.", "sport"),
    ("it", "La Juventus vince il derby", "La Juventus ha battuto il Torino 2-0 con una doppietta del suo attaccante "
     "nel campionato di Serie A.", "sport"),
    ("it", "La Bce alza i tassi", "La Banca centrale europea ha alzato i tassi di interesse per frenare l'inflazione; "
     "la Borsa di Milano ha chiuso in calo.", ECONOMY),
    ("pt", "Banco Central mantém juros", "O Banco Central manteve a taxa Selic em 10,5% ao ano, e o dólar recuou "
     "frente ao real na bolsa de São Paulo.", ECONOMY),
    ("pt", "Filme brasileiro ganha prémio em Cannes", "O filme do realizador foi premiado no festival de cinema; a "
     "atriz principal recebeu aplausos da crítica.", "arts, culture, entertainment and media"),
])
def test_articles_in_german_spanish_italian_and_portuguese_get_their_topic(language, title, text, expected):
    assert topics(title, text, language)[:1] == (expected,)


# --- the labelled sets -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def news_sets() -> dict[str, list]:
    return {name: load_examples(DATA / f"iptc-news-{name}.jsonl") for name in ("tune", "heldout")}


def test_the_sets_are_large_enough_and_tell_different_stories(news_sets):
    for examples in news_sets.values():
        by_language = {lang: sum(1 for e in examples if e.language == lang) for lang in ("en", "de", "es", "it", "pt")}
        assert by_language["en"] >= 300 and min(by_language.values()) >= 40, by_language
        english = [e for e in examples if e.language == "en"]
        assert sum(1 for e in english if e.label in FIVE) >= 0.6 * len(english)  # weighted to the main classes
        assert {e.label for e in english} == {t.label for t in iptc.MEDIA_TOPICS}
    titles = [{e.title for e in examples} for examples in news_sets.values()]
    assert not titles[0] & titles[1]


def test_the_sets_are_what_the_generator_makes(tmp_path):
    subprocess.run([sys.executable, str(DATA / "make_iptc_news.py"), "--out-dir", str(tmp_path)], check=True,
                   capture_output=True, timeout=120)
    for name in ("tune", "heldout"):
        assert (tmp_path / f"iptc-news-{name}.jsonl").read_bytes() == (DATA / f"iptc-news-{name}.jsonl").read_bytes()


def test_the_held_out_set_is_classified_right(news_sets):
    # Lexicon 1.1 (before the issue): accuracy 0.679, macro-F1 0.778 over the gold labels (no
    # Spanish, Italian or Portuguese lexicon); English 5-class macro-F1 0.920, technology recall
    # 0.76. Lexicon 2.0, scored once it was finished: 0.962 and 0.940; by language 0.95 (de) to
    # 1.0; English 5-class macro-F1 0.968, technology recall 0.94, no story of the five classes
    # put in crime. The bounds leave room for a few more mistakes, not for a scorer gone wrong.
    examples = news_sets["heldout"]
    report = evaluate(BuiltinClassifier(), examples)
    assert report.accuracy >= 0.90 and report.macro_f1 >= 0.88, report
    by_language = {language: (accuracy, f1) for language, _, accuracy, f1 in report.by_language}
    assert min(accuracy for accuracy, _ in by_language.values()) >= 0.80, by_language
    main = [e for e in examples if e.language == "en" and e.label in FIVE]
    five = evaluate(BuiltinClassifier(), main)
    assert five.macro_f1 >= 0.90, five
    recalls = {label: recall for label, _, recall, _, _ in five.per_label}
    assert recalls[TECH] >= 0.85, recalls
    assert dict(five.outside).get(CRIME, 0) <= 2, five.outside


def test_the_tuning_set_stays_right(news_sets):
    assert evaluate(BuiltinClassifier(), news_sets["tune"]).accuracy >= 0.97


def test_each_article_of_the_sets_has_the_keys_eval_reads():
    for name in ("tune", "heldout"):
        rows = [json.loads(line) for line in (DATA / f"iptc-news-{name}.jsonl").read_text(encoding="utf-8").splitlines()]
        assert all(set(row) == {"title", "text", "label", "language"} for row in rows)


def test_the_language_step_picks_the_lexicon_for_the_new_languages():
    import processors.language  # noqa: F401 - registers news.language.v1
    from processors.base import build_chain

    now = datetime(2024, 1, 1, tzinfo=UTC)
    articles = [
        ("El Barcelona gana la Liga", "El equipo azulgrana se proclamó campeón de Liga tras vencer 3-1 al Sevilla en el "
         "Camp Nou, con dos goles de su delantero."),
        ("Il governo approva la manovra", "Il Consiglio dei ministri ha approvato la legge di bilancio; il testo passa ora "
         "al Parlamento, dove la maggioranza è divisa."),
        ("Petrobras tem lucro recorde", "A Petrobras registrou lucro recorde no trimestre, e as ações da empresa subiram "
         "na bolsa de São Paulo."),
    ]
    raws = [RawArticle(id=f"a{i}", version=1, url=None, feed_url="f", source="s", title=title, text=text, fetched_at=now)
            for i, (title, text) in enumerate(articles)]
    enriched = build_chain(["news.language.v1", "news.topics.v1"]).enrich(raws, now)
    assert [(a.detected_language, a.topics[:1]) for a in enriched] == [
        ("es", ("sport",)), ("it", ("politics",)), ("pt", (ECONOMY,))]
    assert not any("no built-in topic lexicon" in note for a in enriched for note in a.notes)
