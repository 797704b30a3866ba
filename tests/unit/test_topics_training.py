"""`newsflow topics train`'s classifier (processors/topics/custom.py): a linear SVM by default.

Issue "Enrichment you can trust": the trained model (TF-IDF + logistic regression) scored well but
took many times longer to fit than a plain TF-IDF + LinearSVC of the same score. The default is now
TF-IDF of words and characters + LinearSVC with Platt-scaled scores; logistic regression stays
available (--method logreg), and model files of the first format still load.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from processors.topics.custom import CustomClassifier, train_classifier
from processors.topics.step import LabelledExample

POOLS = {
    "markets": "shares bonds yields investors traders stocks rally index dividend earnings",
    "gardens": "roses compost seedlings pruning lawn mulch tulips greenhouse soil weeds",
    "kitchens": "recipe oven simmer flour butter saucepan whisk dough roast garlic",
}
PROBE = ["compost for the roses", "whisk the butter into the flour", "the index fell as traders sold"]


def examples() -> list[LabelledExample]:
    rows = []
    for label, pool in POOLS.items():
        words = pool.split()
        for i in range(8):
            text = " ".join(words[(i * 3 + k) % len(words)] for k in range(7))
            rows.append(LabelledExample(text=f"the {text} and more", label=label, title=words[i]))
    return rows


def test_the_default_is_a_linear_svm_on_word_and_character_ngrams():
    model = train_classifier(examples())
    assert [b.analyzer for b in model.blocks] == ["word", "char_wb"]
    assert model.scoring == "sigmoid" and model.metadata["method"] == "svm"
    assert model.metadata["features"] == "word+char" and model.metadata["fit_seconds"] >= 0
    scores = model.probabilities(PROBE)
    assert ((scores > 0) & (scores < 1)).all()
    assert [row.argmax() for row in scores] == [0, 1, 2]  # gardens, kitchens, markets
    assert min(row.max() for row in scores) >= 0.5  # clear-cut: more likely right than not


def test_logistic_regression_predicts_what_scikit_learn_predicts():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = examples()
    documents = [f"{e.title}\n{e.title}\n{e.text}" for e in rows]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode", max_features=50_000)
    reference = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced")
    reference.fit(vectorizer.fit_transform(documents), [e.label for e in rows])
    model = train_classifier(rows, method="logreg", features="word")
    assert model.scoring == "softmax" and [b.analyzer for b in model.blocks] == ["word"]
    assert model.probabilities(PROBE) == pytest.approx(reference.predict_proba(vectorizer.transform(PROBE)), abs=1e-5)


def test_a_model_file_of_the_first_format_still_loads(tmp_path: Path):
    fitted = train_classifier(examples(), method="logreg", features="word")
    [block] = fitted.blocks
    first_format = {"format": "newsflow.topics/1", "name": "old", "labels": list(fitted.labels),
                    "ngram_range": list(block.ngram_range), "vocabulary": list(block.vocabulary), "idf": list(block.idf),
                    "coef": [list(row) for row in fitted.coef], "intercept": list(fitted.intercept), "metadata": {}}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(first_format), encoding="utf-8")
    loaded = CustomClassifier.load(path)
    assert loaded.scoring == "softmax" and loaded.name == "old"
    assert loaded.probabilities(PROBE) == pytest.approx(fitted.probabilities(PROBE), abs=1e-9)


@pytest.mark.parametrize(("method", "features"), [("svm", "word+char"), ("svm", "word"), ("logreg", "word+char")])
def test_a_saved_model_predicts_as_the_fitted_one(tmp_path: Path, method, features):
    fitted = train_classifier(examples(), method=method, features=features)
    fitted.save(tmp_path / "m.json")
    saved = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert saved["format"] == "newsflow.topics/2" and saved["scoring"] == fitted.scoring
    assert CustomClassifier.load(tmp_path / "m.json").probabilities(PROBE) == pytest.approx(fitted.probabilities(PROBE),
                                                                                            abs=1e-5)


def test_an_unknown_method_is_refused():
    from newsflow.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown method"):
        train_classifier(examples(), method="forest")
