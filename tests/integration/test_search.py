"""Search against the real Elasticsearch: every filter narrows to exactly the right articles."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from newsflow.app.cli import build_parser
from newsflow.app.cmd_search import run_search_command
from newsflow.errors import ServiceUnavailable
from newsflow.read.query import parse_search_query
from newsflow.read.search import IndexMissing, search_articles
from tests.support import index_articles, sample_articles

NOW = datetime.now(UTC).replace(microsecond=0)
ARTICLES = sample_articles(now=NOW)


@pytest.fixture
def indexed(settings):
    index_articles(settings, ARTICLES)
    return settings


def ids(articles) -> set[str]:
    return {a.id for a in articles}


def find(settings, es, **fields):
    query = parse_search_query({"size": 100} | fields, max_page_size=100)
    return search_articles(es, settings.elasticsearch, query, facets=True)


def found_ids(settings, es, **fields) -> set[str]:
    result = find(settings, es, **fields)
    assert result.total == len(result.hits)
    return {h.id for h in result.hits}


def naming(name: str) -> set[str]:
    return ids(a for a in ARTICLES if any(e.name == name for e in a.entities))


def test_words_match_and_are_highlighted(indexed, es):
    result = find(indexed, es, text="Castelein")
    assert {h.id for h in result.hits} == naming("Allard Castelein")
    assert all("<mark>Castelein</mark>" in h.snippet for h in result.hits)
    assert all("Allard Castelein (PERSON)" in h.top_entities for h in result.hits)
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_entity_filter_returns_exactly_the_articles_naming_it(indexed, es):
    expected = naming("Ebrahim Raisi")
    assert len(expected) == 6
    assert found_ids(indexed, es, entity="Ebrahim Raisi") == expected
    assert found_ids(indexed, es, entity="ebrahim raisi") == expected  # any case
    assert found_ids(indexed, es, entity="Maersk") == naming("Maersk")  # organisations too
    assert found_ids(indexed, es, entity="Kerala") == naming("Kerala")  # and places
    assert found_ids(indexed, es, entity="Raisi") == set()  # a name, not a word in it


def test_entity_type_and_name_must_hold_for_one_entity(indexed, es):
    assert found_ids(indexed, es, entity="NATO", entity_type="ORG") == naming("NATO")
    assert found_ids(indexed, es, entity="NATO", entity_type="PERSON") == set()
    assert found_ids(indexed, es, entity_type="GPE") == ids(ARTICLES)
    assert found_ids(indexed, es, entity_type="EVENT") == set()


@pytest.mark.parametrize(("field", "value", "attribute"), [
    ("topic", "science", lambda a: "science" in a.topics),
    ("source", "Daily Planet", lambda a: a.source == "Daily Planet"),
    ("source", "daily planet", lambda a: a.source == "Daily Planet"),
    ("language", "fr", lambda a: a.language == "fr"),
])
def test_keyword_filters_narrow_exactly(indexed, es, field, value, attribute):
    expected = ids(a for a in ARTICLES if attribute(a))
    assert expected and expected != ids(ARTICLES)
    assert found_ids(indexed, es, **{field: value}) == expected


def test_filters_combine_with_words(indexed, es):
    expected = ids(a for a in ARTICLES if a.language == "en" and any(e.name == "Tehran" for e in a.entities))
    assert found_ids(indexed, es, text="trade", entity="Tehran", language="en") == expected


def test_absolute_date_range(indexed, es):
    since, until = NOW - timedelta(days=10, minutes=30), NOW - timedelta(days=3, minutes=30)
    expected = ids(a for a in ARTICLES if since <= a.published <= until)
    assert 3 < len(expected) < len(ARTICLES)
    assert found_ids(indexed, es, since=since.isoformat(), until=until.isoformat()) == expected


def test_a_date_alone_means_that_whole_day(indexed, es):
    day = ARTICLES[7].published.date()
    expected = ids(a for a in ARTICLES if a.published.date() == day)
    assert found_ids(indexed, es, since=day.isoformat(), until=day.isoformat()) == expected


def test_date_math_range(indexed, es):
    # Within the last 24 h: every third article, two hours apart (report 12 is exactly 24 h old
    # at indexing time, so just outside by the time we ask).
    assert found_ids(indexed, es, since="now-24h") == {"sample0000", "sample0003", "sample0006", "sample0009"}
    older = ids(a for a in ARTICLES if a.published <= NOW - timedelta(days=20))
    assert len(older) == 4
    assert found_ids(indexed, es, until="now-20d") == older


def test_sort_by_date_is_newest_first_and_pages(indexed, es):
    result = find(indexed, es, sort="date", size=24)
    published = [h.published for h in result.hits]
    assert len(published) == 24 and published == sorted(published, reverse=True)
    page = find(indexed, es, sort="date", size=5, offset=5)
    assert [h.id for h in page.hits] == [h.id for h in result.hits[5:10]]
    assert page.total == 24


def test_facets_count_every_match(indexed, es):
    facets = find(indexed, es).facets
    for name, values in [("source", [a.source for a in ARTICLES]), ("language", [a.language for a in ARTICLES]),
                         ("topics", [t for a in ARTICLES for t in a.topics])]:
        assert {b.value: b.count for b in facets[name]} == Counter(values), name
    for name, kind in [("persons", "PERSON"), ("organisations", "ORG"), ("places", "GPE")]:
        expected = Counter(e.name for a in ARTICLES for e in a.entities if e.type == kind)
        assert {b.value: b.count for b in facets[name]} == expected, name
    narrowed = find(indexed, es, entity="Sophie Adenot").facets
    assert {b.value: b.count for b in narrowed["persons"]} == {"Sophie Adenot": 6}
    assert {b.value: b.count for b in narrowed["topics"]} == {"science": 6}  # persons and topics cycle together in the sample


def test_missing_alias_and_unreachable_cluster_are_clear_errors(settings, es):
    gone = settings.elasticsearch.model_copy(update={"alias": settings.elasticsearch.alias + "-missing"})
    with pytest.raises(IndexMissing, match="does not exist: run `newsflow setup` first"):
        search_articles(es, gone, parse_search_query({"text": "x"}))
    from newsflow.index.indices import make_client

    down = settings.elasticsearch.model_copy(update={"url": "http://127.0.0.1:1"})
    client = make_client(down)
    try:
        with pytest.raises(ServiceUnavailable, match="not reachable at http://127.0.0.1:1"):
            search_articles(client, down, parse_search_query({"text": "x"}))
    finally:
        client.close()


def run_cli(settings, capsys, *argv: str) -> str:
    args = build_parser().parse_args(["search", *argv])
    assert run_search_command(settings, args) == 0
    return capsys.readouterr().out


def test_command_prints_hits_with_filters(indexed, capsys):
    out = run_cli(indexed, capsys, "trade", "--entity", "Sophie Adenot", "--source", "Le Monde Exemple", "--sort", "date")
    expected = [a for a in ARTICLES if a.source == "Le Monde Exemple" and "Sophie Adenot" in a.title]
    assert out.startswith(f"{len(expected)} article(s) match\n")
    newest = max(expected, key=lambda a: a.published)
    assert out.split("\n\n")[1].splitlines()[0] == newest.title
    assert "  entities: Rotterdam (GPE), Sophie Adenot (PERSON), Maersk (ORG)" in out
    assert "**trade**" in out


def test_command_json_has_the_documented_shape(indexed, capsys):
    out = json.loads(run_cli(indexed, capsys, "Tokayev", "--json", "-n", "2", "--since", "now-30d"))
    assert out["total"] == 6 and len(out["hits"]) == 2
    assert set(out["hits"][0]) == {"id", "score", "title", "source", "published", "date_source", "url", "top_entities",
                                   "snippet"}
    assert "<mark>Tokayev</mark>" in out["hits"][0]["snippet"]


# -- near-duplicates collapsed -------------------------------------------------------------------


@pytest.fixture
def with_duplicates(settings):
    from tests.integration.test_story_sink import index_story_sample

    return index_story_sample(settings, NOW)


def test_collapse_leaves_duplicates_out_and_counts_them_on_their_original(with_duplicates, settings, es):
    sample = with_duplicates
    adenot = {a.id for a in sample.articles if any(e.name == "Sophie Adenot" for e in a.entities)}
    assert len(adenot) == 9 and set(sample.duplicates) <= adenot
    plain = find(settings, es, entity="Sophie Adenot")
    assert {h.id for h in plain.hits} == adenot and {h.duplicates for h in plain.hits} == {None}

    collapsed = find(settings, es, entity="Sophie Adenot", collapse_duplicates=True)
    assert collapsed.total == 7 and {h.id for h in collapsed.hits} == adenot - set(sample.duplicates)
    counts = {h.id: h.duplicates for h in collapsed.hits}
    assert counts.pop(sample.original) == 2 and set(counts.values()) == {0}
    # The facets count what is shown: the copies are left out there too.
    assert {b.value: b.count for b in collapsed.facets["persons"]} == {"Sophie Adenot": 7}


def test_command_collapses_duplicates(with_duplicates, settings, capsys):
    sample = with_duplicates
    out = json.loads(run_cli(settings, capsys, "Adenot", "--collapse-duplicates", "--json", "-n", "20"))
    assert out["total"] == 7
    assert {h["id"]: h["duplicates"] for h in out["hits"]}[sample.original] == 2
    text = run_cli(settings, capsys, "Adenot", "--collapse-duplicates", "-n", "20")
    assert text.startswith("7 article(s) match") and text.count("· 2 duplicate(s)") == 1
