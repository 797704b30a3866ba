"""`news.topics.v1`: the IPTC taxonomy, the zero-shot lexicon on realistic news, the step, custom models.

The evaluation paragraphs (tests/data/iptc-eval-*.jsonl) were written for this project in the style
of agency copy, several per category, English and French. The lexicon was tuned on the "tune" half
only; the "heldout" half was scored once the lexicon was finished and is what the bounds below
protect. The larger six-language sets (tests/data/iptc-news-*.jsonl) are tested in
test_topics_zero_shot.py; training in test_topics_training.py; the metrics in test_topics_eval_metrics.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsflow.contract.schema import RawArticle, TopicScore
from newsflow.errors import ConfigError
from newsflow.settings import ProcessorSettings, TopicClassifierSettings
from processors.base import Draft, build_chain
from processors.topics import iptc
from processors.topics.step import (
    BuiltinClassifier,
    CustomClassifier,
    LabelledExample,
    Prediction,
    TopicsStep,
    assign_topics,
    evaluate,
    load_examples,
)

DATA = Path(__file__).resolve().parent.parent / "data"
NOW = datetime(2024, 1, 1, tzinfo=UTC)

IPTC_TOP_LEVEL = {
    "medtop:01000000": "arts, culture, entertainment and media",
    "medtop:02000000": "crime, law and justice",
    "medtop:03000000": "disaster, accident and emergency incident",
    "medtop:04000000": "economy, business and finance",
    "medtop:05000000": "education",
    "medtop:06000000": "environment",
    "medtop:07000000": "health",
    "medtop:08000000": "human interest",
    "medtop:09000000": "labour",
    "medtop:10000000": "lifestyle and leisure",
    "medtop:11000000": "politics",
    "medtop:12000000": "religion",
    "medtop:13000000": "science and technology",
    "medtop:14000000": "society",
    "medtop:15000000": "sport",
    "medtop:16000000": "conflict, war and peace",
    "medtop:17000000": "weather",
}


def draft(text: str, title: str = "", language: str | None = "en") -> Draft:
    raw = RawArticle(id="a", version=1, url=None, feed_url="f", source="s", title=title, text=text, fetched_at=NOW)
    return Draft(raw, {"detected_language": language})


@pytest.fixture(scope="module")
def heldout() -> list[LabelledExample]:
    return load_examples(DATA / "iptc-eval-heldout.jsonl")


@pytest.fixture(scope="module")
def tune() -> list[LabelledExample]:
    return load_examples(DATA / "iptc-eval-tune.jsonl")


# --- the taxonomy -------------------------------------------------------------------------------------


def test_the_taxonomy_is_the_17_iptc_top_level_media_topics_with_their_codes():
    assert {t.code: t.label for t in iptc.MEDIA_TOPICS} == IPTC_TOP_LEVEL
    assert BuiltinClassifier.labels == tuple(t.label for t in iptc.MEDIA_TOPICS)


@pytest.mark.parametrize(("given", "expected"), [
    ("economy, business and finance", "economy, business and finance"),
    ("  Economy,  Business and Finance ", "economy, business and finance"),
    ("medtop:15000000", "sport"),
    ("15000000", "sport"),
    ("politics and government", "politics"),  # IPTC's newer label for 11000000
    ("religion and belief", "religion"),  # its label before 2023
    ("sports", None),
])
def test_labels_codes_and_aliases_resolve_to_the_iptc_label(given, expected):
    assert iptc.canonical_label(given) == expected


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_category_has_a_large_lexicon_in_each_language(language):
    per_category = iptc.category_term_counts(language)
    assert set(per_category) == set(IPTC_TOP_LEVEL)
    minimum = 180 if language == "en" else 130
    assert min(per_category.values()) >= minimum, per_category


# --- matching -------------------------------------------------------------------------------------------


def evidence(text: str, language: str = "en") -> dict[str, float]:
    return iptc.lexicon_classifier(language).evidence("", text)


def test_longest_match_wins_so_an_air_strike_is_war_not_a_walkout():
    found = evidence("An air strike hit the depot.")
    assert found.get("medtop:16000000", 0) > 0
    assert "medtop:09000000" not in found
    assert evidence("Nurses began a strike over pay.").get("medtop:09000000", 0) > 0


def test_multiword_names_hide_their_words():
    found = evidence("Arsenal top the Premier League.")
    assert found.get("medtop:15000000", 0) > 0 and "medtop:11000000" not in found  # no prime minister here
    assert evidence("He spoke at a press conference.") == {}  # neither media nor anything else


def test_inflections_accents_and_ligatures_are_matched():
    assert evidence("Two vaccines were approved.") == evidence("A vaccine was approved.")
    assert evidence("Les élections législatives", "fr") == evidence("LES ELECTIONS LEGISLATIVES", "fr")
    assert iptc.fold("Main-d\u2019\u0153uvre") == "main-d'oeuvre"


def test_the_title_weighs_more_than_the_body():
    classifier = iptc.lexicon_classifier("en")
    assert classifier.evidence("Vaccine", "")["medtop:07000000"] > classifier.evidence("", "vaccine")["medtop:07000000"]


def test_scores_are_between_0_and_1_best_first_and_grow_with_evidence():
    classifier = iptc.lexicon_classifier("en")
    weak = classifier.scores("", "The vaccine arrived.")
    strong = classifier.scores("", "The vaccine arrived at the hospital, where doctors and nurses treat patients for measles.")
    for scores in (weak, strong):
        values = [s for _, s in scores]
        assert values == sorted(values, reverse=True) and all(0 <= s <= 1 for s in values)
    assert weak[0][0] == strong[0][0] == "health"
    assert strong[0][1] > weak[0][1]


def test_results_do_not_depend_on_the_process_hash_seed(tune):
    # Equal-length matches once depended on set order, which Python randomises per process.
    # Both sets, so that all six languages (and the Romance exact-word rule) are covered.
    script = ("import json,sys;from processors.topics.iptc import lexicon_classifier as c;"
              "rows=[json.loads(l) for p in sys.argv[1:] for l in open(p)];"
              "print(json.dumps([c(r['language']).scores(r['title'],r['text'])[:3] for r in rows]))")
    outputs = []
    for seed in ("1", "2"):
        result = subprocess.run([sys.executable, "-c", script, str(DATA / "iptc-eval-tune.jsonl"),
                                 str(DATA / "iptc-news-tune.jsonl")],
                                capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[2],
                                env=os.environ | {"PYTHONHASHSEED": seed}, timeout=120)
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]


# --- accuracy on realistic news --------------------------------------------------------------------


def test_heldout_paragraphs_are_classified_right(heldout):
    # Measured 0.967 accuracy (58/60) and 0.963 macro-F1 when the lexicon was finished. The bounds
    # leave room for four more mistakes (each costs 1.7 points), so honest lexicon edits pass while
    # a scorer that no longer ranks by evidence cannot (random order scores 0.18). Subtler breakage
    # (no inflections: 0.95) is for the matching tests above to catch.
    # Lexicon 2.0 (six languages, calibrated crime): 0.950 (57/60) and 0.939.
    report = evaluate(BuiltinClassifier(), heldout)
    assert report.examples == 60
    assert report.accuracy >= 0.88, report
    assert report.macro_f1 >= 0.85, report
    recalls = {label: recall for label, _, recall, _, support in report.per_label if support}
    assert set(recalls) == set(IPTC_TOP_LEVEL.values())
    # No category is left unrecognised. Lifestyle has three stories: the pickleball one was sport
    # already, and since lexicon 2.0 video games and consoles are science and technology (as in
    # news feeds' technology sections), so the game-sales story labelled lifestyle here is a miss.
    assert min(r for label, r in recalls.items() if label != "lifestyle and leisure") >= 0.5, recalls
    assert recalls["lifestyle and leisure"] >= 1 / 3


def test_the_tuning_half_stays_right(tune):
    assert evaluate(BuiltinClassifier(), tune).accuracy >= 0.95


def test_french_paragraphs_are_read_with_the_french_lexicon(heldout, tune):
    french = [e for e in heldout + tune if e.language == "fr"]
    assert len(french) >= 17
    assert evaluate(BuiltinClassifier(), french).accuracy >= 0.9


def test_an_unknown_language_is_guessed_among_the_lexicon_languages():
    classifier = BuiltinClassifier()
    assert classifier.lexicon_language("", "Le gouvernement a présenté le budget de la Sécurité sociale", None) == "fr"
    assert classifier.lexicon_language("", "The government presented the budget", None) == "en"
    assert classifier.lexicon_language("", "Die Regierung hat den Haushalt für das nächste Jahr vorgestellt", None) == "de"
    assert classifier.lexicon_language("", "El Gobierno presentó los presupuestos para el año que viene", None) == "es"
    assert classifier.lexicon_language("", "Il governo ha presentato la legge di bilancio per il prossimo anno", None) == "it"
    assert classifier.lexicon_language("", "O governo apresentou o orçamento do Estado, disse o ministro das Finanças", None) == "pt"
    assert classifier.lexicon_language("", "anything", "de") == "de"
    assert classifier.lexicon_language("", "anything", "pt") == "pt"
    assert classifier.lexicon_language("", "anything", "nl") is None
    assert classifier.lexicon_language("", "anything", "en-GB") == "en"


def test_only_categories_with_enough_evidence_become_topics():
    prediction = Prediction((("sport", 0.9), ("economy, business and finance", 0.3)), True,
                            frozenset({"economy, business and finance"}))
    assert assign_topics(prediction, threshold=0.25, max_topics=3)["topics"] == ("economy, business and finance",)
    unproven = Prediction((("sport", 0.6),), True, frozenset())
    fields = assign_topics(unproven, threshold=0.25, max_topics=3)
    assert fields["topics"] == () and [s.name for s in fields["topic_scores"]] == ["sport"]


def test_a_proof_term_or_broad_evidence_makes_a_category_assignable():
    classifier = iptc.lexicon_classifier("en")
    narrow = classifier.judge("", "Our team ran the numbers again and the score went up.")
    assert "medtop:15000000" in narrow.evidence and narrow.assignable() == frozenset()
    proven = classifier.judge("", "The goalkeeper saved a penalty.")
    assert "medtop:15000000" in proven.assignable()


# --- the step ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def step() -> TopicsStep:
    return TopicsStep(settings=ProcessorSettings())


def test_the_seed_article_is_politics_with_scored_topics(step, seed_article):
    [fields] = step.run([draft(seed_article)])
    assert fields["topics"][0] == "politics"
    assert 1 <= len(fields["topics"]) <= 3
    scores = fields["topic_scores"]
    assert all(isinstance(s, TopicScore) for s in scores) and 1 <= len(scores) <= 5
    assert [s.score for s in scores] == sorted((s.score for s in scores), reverse=True)
    assert scores[0].name == "politics" and scores[0].score >= 0.9
    assert "notes" not in fields


def test_threshold_and_max_topics_come_from_the_settings(seed_article):
    text = ("Troops shelled the capital as the government fell; parliament was dissolved, the prime minister fled "
            "and the army declared a ceasefire while election officials postponed the vote.")
    loose = TopicsStep(settings=ProcessorSettings(topics=TopicClassifierSettings(threshold=0.01, max_topics=2)))
    [fields] = loose.run([draft(text)])
    assert len(fields["topics"]) == 2
    strict = TopicsStep(settings=ProcessorSettings(topics=TopicClassifierSettings(threshold=1.0)))
    [fields] = strict.run([draft(seed_article)])
    assert fields["topics"] == ("politics",)  # under the threshold, but the best topic is meaningful


def test_no_evidence_means_no_topics(step):
    assert step.run([draft("Lorem ipsum dolor sit amet.")]) == [{"topics": (), "topic_scores": ()}]
    assert step.run([draft("")]) == [{"topics": (), "topic_scores": ()}]


def test_a_language_without_lexicon_gets_a_note_instead_of_guesses(step):
    [fields] = step.run([draft("De regering heeft de begroting gepresenteerd.", language="nl")])
    assert fields["topics"] == () and fields["topic_scores"] == ()
    assert fields["notes"] == ("news.topics.v1: no built-in topic lexicon for language 'nl'",)


def test_the_step_runs_in_a_chain_after_language_detection():
    import processors.language  # noqa: F401 - registers news.language.v1

    chain = build_chain(["news.language.v1", "news.topics.v1"])
    english = draft("Carlos Alcaraz beat Novak Djokovic in the Wimbledon final on Sunday.", title="Alcaraz wins").raw
    french = draft("Le Premier ministre a été renversé par une motion de censure votée par les députés à "
                   "l'Assemblée nationale.", title="Le gouvernement renversé").raw
    sport, politics = chain.enrich([english, french], NOW)
    assert (sport.detected_language, sport.topics[0]) == ("en", "sport")
    assert (politics.detected_language, politics.topics[0]) == ("fr", "politics")
    models = {m.name: m.version for m in sport.enrichment.models}
    assert models["iptc-mediatopics-lexicon"] == iptc.lexicon_version()


# --- custom models ---------------------------------------------------------------------------------------


def tiny_examples() -> list[LabelledExample]:
    pools = {
        "markets": "shares bonds yields investors traders stocks rally index dividend earnings",
        "gardens": "roses compost seedlings pruning lawn mulch tulips greenhouse soil weeds",
        "kitchens": "recipe oven simmer flour butter saucepan whisk dough roast garlic",
    }
    examples = []
    for label, pool in pools.items():
        words = pool.split()
        for i in range(8):
            text = " ".join(words[(i * 3 + k) % len(words)] for k in range(7))
            examples.append(LabelledExample(text=f"the {text} and more", label=label, title=words[i]))
    return examples


@pytest.fixture(scope="module")
def custom_model(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("model") / "tiny.json"
    CustomClassifier.fit(tiny_examples(), name="tiny").save(path)
    return path


def test_a_custom_model_replaces_the_builtin_classifier(custom_model):
    settings = ProcessorSettings(topics=TopicClassifierSettings(model_file=custom_model))
    custom = TopicsStep(settings=settings)
    [fields] = custom.run([draft("Investors cheered as shares and bonds rallied.", title="Stocks")])
    assert fields["topics"][0] == "markets"
    scores = {s.name: s.score for s in fields["topic_scores"]}
    assert set(scores) == {"markets", "gardens", "kitchens"} and all(0 <= s <= 1 for s in scores.values())
    assert scores["markets"] == max(scores.values())
    [(name, version)] = custom.provenance().items()
    assert name == "tiny" and len(version) == 12


def test_a_saved_model_predicts_what_scikit_learn_predicts(custom_model):
    # The default: TF-IDF of words and of characters, a linear SVM, Platt-scaled decision values.
    import numpy as np
    import scipy.sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    examples = tiny_examples()
    documents = [f"{e.title}\n{e.title}\n{e.text}" for e in examples]
    vectorizers = [TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode", max_features=50_000),
                   TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, strip_accents="unicode",
                                   max_features=60_000)]
    features = scipy.sparse.hstack([v.fit_transform(documents) for v in vectorizers]).tocsr()
    reference = LinearSVC(C=0.5, class_weight="balanced", random_state=0).fit(features, [e.label for e in examples])
    probe = ["compost for the roses", "whisk the butter into the flour", "the index fell as traders sold"]
    decisions = reference.decision_function(scipy.sparse.hstack([v.transform(probe) for v in vectorizers]).tocsr())
    loaded = CustomClassifier.load(custom_model)
    assert list(loaded.labels) == list(reference.classes_)
    assert loaded.decision_values(probe) == pytest.approx(decisions, abs=1e-5)
    a, b = loaded.sigmoid
    assert a > 0  # a higher decision value is a higher score
    assert loaded.probabilities(probe) == pytest.approx(1 / (1 + np.exp(-(a * decisions + b))), abs=1e-5)
    assert [row.argmax() for row in loaded.probabilities(probe)] == [0, 1, 2]  # gardens, kitchens, markets


def test_a_two_label_model_works_too():
    examples = [e for e in tiny_examples() if e.label != "kitchens"]
    model = CustomClassifier.fit(examples)
    assert model.predict("", "pruning the tulips in the greenhouse").scores[0][0] == "gardens"
    assert len(model.coef) == 1


@pytest.mark.parametrize(("content", "message"), [
    (None, "does not exist"),
    ("{not json", "not a newsflow topics model"),
    ('{"format": "other/1"}', "format 'other/1'"),
    ('{"format": "newsflow.topics/1", "labels": ["a", "b"], "vocabulary": ["x"], "idf": [1.0], "coef": [[1.0, 2.0]],'
     ' "intercept": [0.0]}', "do not match"),
])
def test_a_bad_model_file_is_refused_at_start(tmp_path, content, message):
    path = tmp_path / "model.json"
    if content is not None:
        path.write_text(content)
    settings = ProcessorSettings(topics=TopicClassifierSettings(model_file=path))
    with pytest.raises(ConfigError, match=message):
        TopicsStep(settings=settings)


def test_eval_data_may_carry_a_language_field():
    rows = [json.loads(line) for line in (DATA / "iptc-eval-heldout.jsonl").read_text().splitlines()]
    assert {r["language"] for r in rows} == {"en", "fr"}
    assert all(set(r) == {"title", "text", "label", "language"} for r in rows)
