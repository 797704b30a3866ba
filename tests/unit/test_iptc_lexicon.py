"""The IPTC lexicon as a data file: processors/topics/iptc_lexicon.json, read by processors/topics/iptc.py.

The file is edited by hand, so a slip in it must stop the classifier with an error that says what is
wrong and where, never quietly drop a category or a term.
"""

from __future__ import annotations

import copy
import json
from importlib.resources import files
from pathlib import Path

import pytest

from newsflow.errors import ConfigError
from processors.topics import iptc
from processors.topics.step import BuiltinClassifier

PACKAGED = Path(iptc.__file__).with_name(iptc.LEXICON_FILE)


@pytest.fixture
def lexicon_json() -> dict:
    return json.loads(PACKAGED.read_text(encoding="utf-8"))


@pytest.fixture
def fresh_load():
    """`load_lexicon` re-read from disk for this test and again afterwards, so a test that breaks
    it cannot leave a broken lexicon cached for the others."""
    iptc.load_lexicon.cache_clear()
    yield
    iptc.load_lexicon.cache_clear()


def problem(data: object) -> str:
    with pytest.raises(ConfigError) as caught:
        iptc.parse_lexicon(json.dumps(data))
    return str(caught.value)


# --- the packaged file ------------------------------------------------------------------------------


def test_the_packaged_lexicon_is_the_file_beside_the_module_and_loads():
    assert files("processors.topics").joinpath(iptc.LEXICON_FILE).read_bytes() == PACKAGED.read_bytes()
    lexicon = iptc.load_lexicon()
    assert lexicon is iptc.load_lexicon()  # read once per process
    assert set(lexicon.languages) == set(iptc.lexicon_languages()) == {"en", "fr", "de", "es", "it", "pt"}
    assert lexicon.version == iptc.lexicon_version() == BuiltinClassifier().version
    for language in lexicon.languages.values():
        assert {code for code, _, _ in language.weighted} == {t.code for t in iptc.MEDIA_TOPICS}
        assert language.neutral


def test_the_file_says_what_it_is_and_its_version(lexicon_json):
    assert "IPTC Media Topics" in lexicon_json["about"]
    assert isinstance(lexicon_json["version"], str) and lexicon_json["version"].strip()


def test_reading_order_does_not_depend_on_the_files_key_order(lexicon_json):
    shuffled = copy.deepcopy(lexicon_json)
    for language in shuffled["languages"].values():
        categories = language["categories"]
        language["categories"] = {label: dict(reversed(categories[label].items())) for label in reversed(categories)}
    assert iptc.parse_lexicon(json.dumps(shuffled)) == iptc.parse_lexicon(json.dumps(lexicon_json))


def test_between_equal_matches_the_term_read_first_counts():
    # "rescue dogs" (disaster) is listed before "rescue dog" (human interest), and the plural
    # "dogs" is a form of "dog": both match "rescue dogs", and the first read wins. Reordering
    # the file's lists changes such results; this pins the order the lexicon was tuned with.
    classifier = iptc.lexicon_classifier("en")
    assert classifier.evidence("", "rescue dogs").keys() == {"medtop:03000000"}
    assert classifier.evidence("", "rescue dog").keys() == {"medtop:08000000"}


# --- malformed files ----------------------------------------------------------------------------------


def test_text_that_is_not_json_is_refused():
    with pytest.raises(ConfigError, match=r"^iptc_lexicon\.json is not valid JSON: .*line 1 column"):
        iptc.parse_lexicon('{"version": "1.0",')


def test_a_missing_header_field_is_named(lexicon_json):
    del lexicon_json["version"]
    assert problem(lexicon_json) == 'iptc_lexicon.json is not a valid IPTC lexicon: the top level: missing "version"'


def test_an_empty_version_is_refused(lexicon_json):
    lexicon_json["version"] = " "
    assert problem(lexicon_json).endswith("version: expected a non-empty string, found ' '")


def test_a_language_the_code_cannot_inflect_is_refused(lexicon_json):
    lexicon_json["languages"]["nl"] = lexicon_json["languages"]["fr"]
    assert problem(lexicon_json).endswith('languages: unknown key(s) "nl"; expected "en", "fr", "de", "es", "it", "pt"')


def test_a_missing_language_is_named(lexicon_json):
    del lexicon_json["languages"]["fr"]
    assert problem(lexicon_json).endswith('languages: missing "fr"')


def test_a_misspelt_category_is_refused_not_ignored(lexicon_json):
    categories = lexicon_json["languages"]["en"]["categories"]
    categories["sports"] = categories.pop("sport")
    message = problem(lexicon_json)
    assert 'languages.en.categories: unknown key(s) "sports"; expected ' in message
    assert '"sport"' in message


def test_an_unknown_weight_is_refused(lexicon_json):
    lexicon_json["languages"]["fr"]["categories"]["weather"]["4"] = ["canicule"]
    assert problem(lexicon_json).endswith('languages.fr.categories["weather"]: unknown key(s) "4"; expected "3", "2", "1"')


@pytest.mark.parametrize(("term", "shown"), [(42, "42"), ("", "''"), (" - ", "' - '"), (None, "None")])
def test_a_term_without_a_word_is_refused_with_its_place(lexicon_json, term, shown):
    lexicon_json["languages"]["en"]["categories"]["sport"]["2"][5] = term
    assert problem(lexicon_json).endswith(
        f'languages.en.categories["sport"]["2"][5]: expected a term of at least one word, found {shown}')


@pytest.mark.parametrize(("path", "value", "expected"), [
    (("languages", "en", "neutral"), "press conference", "languages.en.neutral: expected a list of terms, found str"),
    (("languages", "en", "categories", "health"), ["vaccine"], 'languages.en.categories["health"]: expected an object, found list'),
    (("languages", "fr"), [], "languages.fr: expected an object, found list"),
])
def test_a_value_of_the_wrong_type_is_named(lexicon_json, path, value, expected):
    parent = lexicon_json
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    assert problem(lexicon_json).endswith(expected)


def test_a_missing_file_is_a_config_error_that_points_at_the_package_data(monkeypatch, fresh_load):
    monkeypatch.setattr(iptc, "LEXICON_FILE", "no-such-lexicon.json")
    with pytest.raises(ConfigError, match=r"no-such-lexicon\.json is missing .*package data"):
        BuiltinClassifier()


# --- calibration ------------------------------------------------------------------------------------


def test_calibration_is_optional_and_read_per_category(lexicon_json):
    assert iptc.parse_lexicon(json.dumps(lexicon_json)).calibration["medtop:02000000"].min_terms >= 2
    del lexicon_json["calibration"]
    assert iptc.parse_lexicon(json.dumps(lexicon_json)).calibration == {}


@pytest.mark.parametrize(("calibration", "expected"), [
    ({"crimes": {"min_terms": 3}}, 'calibration: unknown key(s) "crimes"'),
    ({"crime, law and justice": {"min_term": 3}}, 'calibration["crime, law and justice"]: unknown key(s) "min_term"'),
    ({"crime, law and justice": {"min_terms": 0}}, ".min_terms: expected a whole number from 1 to 10, found 0"),
    ({"sport": {"scale": 3}}, 'calibration["sport"].scale: expected a number above 0 and at most 2, found 3'),
    ({"sport": {"scale": "high"}}, "found 'high'"),
])
def test_a_bad_calibration_is_named(lexicon_json, calibration, expected):
    lexicon_json["calibration"] = calibration
    assert expected in problem(lexicon_json)
