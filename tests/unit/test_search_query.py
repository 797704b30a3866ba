"""The search query model and the request bodies built from it: pure, no cluster."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from newsflow.app.cli import build_parser
from newsflow.app.cmd_search import format_hit
from newsflow.read.api.stories import (
    GROWING_CANDIDATES,
    Story,
    StoryQuery,
    StorySort,
    build_growing_body,
    build_stories_body,
    build_story_articles_body,
    rank_growing,
)
from newsflow.read.query import (
    ENTITY_FIELDS,
    FACET_FIELDS,
    HIT_SOURCE,
    InvalidSearch,
    SearchQuery,
    SortOrder,
    build_duplicate_count_body,
    build_related_body,
    build_search_body,
    build_trending_body,
    parse_search_query,
    scores_relevance,
    trending_periods,
)
from newsflow.read.search import BoundedSearches, to_hit


def body(**fields) -> dict:
    return build_search_body(parse_search_query(fields, max_page_size=100))


def filters(**fields) -> list[dict]:
    return body(**fields)["query"]["bool"]["filter"]


def problem(fields: dict, **kwargs) -> dict:
    with pytest.raises(InvalidSearch) as caught:
        parse_search_query(fields, max_page_size=100, **kwargs)
    assert len(caught.value.problems) == 1, caught.value.problems
    return caught.value.problems[0]


def test_words_are_scored_and_filters_are_not():
    query = body(text="Al-Farabi", topic="politics")["query"]["bool"]
    assert query["must"] == [{"simple_query_string": {
        "query": "Al-Farabi", "fields": ["title^3", "summary^2", "text", "persons^2", "organisations^2", "places^2"],
        "default_operator": "and", "flags": "AND|OR|NOT|PHRASE|PREFIX|PRECEDENCE|WHITESPACE|ESCAPE"}}]
    assert query["filter"] == [{"term": {"topics": {"value": "politics", "case_insensitive": True}}}]
    assert "should" not in query  # one word: no phrase to rank by


def test_the_words_in_order_rank_higher_as_a_phrase():
    query = body(text='the state of the union -trump "joint session"')["query"]["bool"]
    assert query["should"] == [{"multi_match": {"query": "the state of the union", "type": "phrase",
                                                "fields": ["title^3", "summary^2", "text"]}}]
    assert query["must"][0]["simple_query_string"]["query"] == 'the state of the union -trump "joint session"'


def test_without_words_every_article_matches_and_only_the_date_is_scored():
    query = body()["query"]["bool"]
    assert query == {"must": [{"constant_score": {"filter": {"match_all": {}}, "boost": 0}}], "filter": [],
                     "should": [DATED]}  # `must` makes `should` optional: undated articles match too


def test_stop_words_are_highlighted_only_inside_a_phrase():
    sent = body(text="the state of the union")["highlight"]
    terms, phrase = sent["highlight_query"]["bool"]["should"]
    # "the" and "of" alone would mark every "the" and "of" of the text.
    assert terms["simple_query_string"]["query"] == "state union"
    assert terms["simple_query_string"]["fields"] == ["text", "summary", "title"]
    assert phrase == {"multi_match": {"query": "the state of the union", "type": "phrase", "fields": ["text", "summary", "title"]}}


@pytest.mark.parametrize(("text", "marked"), [
    ('"state of the union" -Trump Biden', '"state of the union" Biden'),  # phrases kept whole, exclusions never marked
    ("die Lage der Nation", "Lage Nation"),  # German, French, Italian, Spanish, Portuguese function words too
    ("le discours de la présidente", "discours présidente"),
    ("o estado da união", "estado união"),
    ("Al-Farabi | Tokayev*", "Al-Farabi Tokayev*"),
    ("to be or not to be", "to be or not to be"),  # only function words: marked, or nothing would be
])
def test_what_the_highlight_marks(text, marked):
    terms = body(text=text)["highlight"]["highlight_query"]["bool"]["should"][0]
    assert terms["simple_query_string"]["query"] == marked


def test_snippets_are_escaped_html_from_several_passages():
    sent = body(text="Raisi")["highlight"]
    assert sent["encoder"] == "html"  # the article's own "<" and "&" never become markup
    assert sent["fields"]["text"] == {"fragment_size": 160, "number_of_fragments": 3, "order": "score",
                                      "no_match_size": 160}
    assert "highlight_query" not in body()["highlight"]


def test_blank_parameters_mean_absent():
    assert filters(text="  ", topic="", source=" ") == []


def test_entity_matches_any_entity_kind_ignoring_case():
    (clause,) = filters(entity="Ebrahim Raisi")
    assert clause == {"bool": {"minimum_should_match": 1, "should": [
        {"term": {field: {"value": "Ebrahim Raisi", "case_insensitive": True}}} for field in ENTITY_FIELDS]}}


def test_entity_type_alone_is_a_nested_query_on_the_type():
    (clause,) = filters(entity_type="person")
    assert clause == {"nested": {"path": "entities", "query": {"bool": {"filter": [{"term": {"entities.type": "PERSON"}}]}}}}


def test_entity_with_type_must_hold_for_the_same_entity():
    (clause,) = filters(entity="Paris", entity_type="GPE")
    assert clause["nested"]["path"] == "entities"
    assert clause["nested"]["query"]["bool"]["filter"] == [
        {"term": {"entities.type": "GPE"}},
        {"term": {"entities.name": {"value": "Paris", "case_insensitive": True}}},
    ]


def test_source_language_and_topic_are_term_filters():
    assert filters(source="Daily Planet", language="fr", topic="science") == [
        {"term": {"topics": {"value": "science", "case_insensitive": True}}},
        {"term": {"source": {"value": "Daily Planet", "case_insensitive": True}}},
        {"term": {"language": {"value": "fr", "case_insensitive": True}}},
    ]


@pytest.mark.parametrize(("given", "sent"), [
    ("now-7d", "now-7d"),
    ("now-1h/h", "now-1h/h"),
    ("2024-05-01", "2024-05-01||/d"),  # a whole day: rounds down for gte, up for lte
    ("2024-05-01T12:30:00Z", "2024-05-01T12:30:00+00:00"),
    ("2024-05-01 12:30", "2024-05-01T12:30:00"),  # Elasticsearch's strict parser needs the T
])
def test_dates_are_sent_in_a_form_elasticsearch_parses(given, sent):
    assert filters(since=given, until=given) == [{"range": {"published": {"gte": sent, "lte": sent}}}]


@pytest.mark.parametrize("bad", ["not-a-date", "2024-02-30", "yesterday", "now-7 days", "2024-05-01||-1d"])
def test_a_bad_date_names_the_parameter_and_the_accepted_forms(bad):
    found = problem({"since": bad})
    assert found["loc"] == ["since"]
    assert "ISO date" in found["msg"] and "now-7d" in found["msg"]


def test_until_before_since_is_refused():
    assert problem({"since": "2024-05-02", "until": "2024-05-01T23:00:00Z"})["loc"] == ["until"]
    parse_search_query({"since": "2024-05-01T10:00:00Z", "until": "2024-05-01"})  # the same day, later: fine
    parse_search_query({"since": "now-1d", "until": "2020-01-01"})  # relative bounds are Elasticsearch's to judge


DATED = {"constant_score": {"filter": {"bool": {"must_not": [{"term": {"date_source": "fetched"}}]}}, "boost": 1}}


def test_sort_by_date_puts_publish_dates_first_then_newest_first():
    newest_first = {"published": {"order": "desc", "missing": "_last"}}
    dated = body(text="Raisi", topic="politics", sort="date")
    # The score is only "dated or not": a fetch time never ranks an article as the newest.
    assert dated["sort"] == ["_score", newest_first]
    query = dated["query"]["bool"]
    assert query["should"] == [DATED]
    assert query["must"][0]["constant_score"]["filter"]["simple_query_string"]["query"] == "Raisi"
    assert query["must"][0]["constant_score"]["boost"] == 0
    assert query["filter"] == filters(topic="politics")
    assert not scores_relevance(SearchQuery(text="Raisi", sort="date")) and not scores_relevance(SearchQuery())
    assert scores_relevance(SearchQuery(text="Raisi"))
    assert body(text="Raisi")["sort"] == ["_score", newest_first]  # relevance, ties newest first
    assert problem({"sort": "popularity"})["loc"] == ["sort"]


@pytest.mark.parametrize(("fields", "where", "why"), [
    ({"size": 0}, "size", "greater than or equal to 1"),
    ({"size": 101}, "size", "at most 100"),
    ({"offset": -1}, "offset", "greater than or equal to 0"),
    ({"offset": 9_995, "size": 10}, "offset", "at most 10000"),
    ({"entity_type": "per son"}, "entity_type", "such as PERSON"),
    ({"colour": "red"}, "colour", "Extra inputs are not permitted"),
])
def test_bad_parameters_say_which_and_why(fields, where, why):
    found = problem(fields)
    assert found["loc"] == [where]
    assert why in found["msg"]


def test_problems_use_the_callers_names():
    with pytest.raises(InvalidSearch) as caught:
        parse_search_query({"text": "x" * 3, "size": 500}, max_page_size=100, names={"size": "--size"})
    assert str(caught.value) == "invalid search: --size: must be at most 100"


def test_paging_and_highlight():
    sent = body(text="Raisi", size=5, offset=20)
    assert (sent["from"], sent["size"], sent["track_total_hits"]) == (20, 5, True)
    assert set(sent["highlight"]["fields"]) == {"text", "summary", "title"}
    assert sent["highlight"]["pre_tags"] == ["<mark>"]
    assert "aggs" not in sent


def test_facets_are_terms_aggregations():
    sent = build_search_body(SearchQuery(), facets=True, facet_size=7)
    assert sent["aggs"] == {name: {"terms": {"field": name, "size": 7}} for name in FACET_FIELDS}


def test_the_query_is_frozen():
    query = SearchQuery(text="x")
    with pytest.raises(ValidationError):
        query.text = "y"
    assert query.sort is SortOrder.RELEVANCE and query.size == 10


def test_related_is_more_like_this_the_article_without_itself():
    mlt = build_related_body("news-articles-v1", "abc", size=5)["query"]["more_like_this"]
    assert mlt["like"] == [{"_index": "news-articles-v1", "_id": "abc"}]
    assert mlt["include"] is False
    assert set(mlt["fields"]) == {"title", "text", *ENTITY_FIELDS}


def test_trending_compares_the_last_day_with_the_last_month_in_absolute_rounded_times():
    window, background = trending_periods(datetime(2026, 12, 6, 10, 17, 42, 123, tzinfo=UTC))
    assert (window, background) == ("2026-12-05T10:18:00Z", "2026-11-06T10:18:00Z")
    assert trending_periods(datetime(2026, 12, 6, 10, 17, tzinfo=UTC))[0] == "2026-12-05T10:17:00Z"
    sent = build_trending_body("persons", size=5, min_articles=2, window=window, background=background)
    assert sent["size"] == 0
    assert sent["query"]["bool"]["filter"] == [{"range": {"published": {"gte": window}}}]
    terms = sent["aggs"]["dated"]["aggs"]["trending"]["significant_terms"]
    assert terms == {"field": "persons", "size": 5, "min_doc_count": 2,
                     "background_filter": {"bool": {"filter": [{"range": {"published": {"gte": background}}}],
                                                    "must_not": [FETCHED]}}}
    assert "now" not in str(sent)  # Elasticsearch refuses now in the background filter
    with pytest.raises(ValueError, match="persons, organisations, places"):
        build_trending_body("authors", size=5, min_articles=2, window=window, background=background)


FETCHED = {"term": {"date_source": "fetched"}}


def test_trending_counts_only_dated_articles_and_counts_the_undated_apart():
    sent = build_trending_body("places", size=5, min_articles=2, window="2026-12-05T10:18:00Z",
                               background="2026-11-06T10:18:00Z")
    # A fetch time is not a publish time: such articles are neither today's news nor the month's.
    assert sent["aggs"]["dated"]["filter"] == {"bool": {"must_not": [FETCHED]}}
    assert sent["aggs"]["dated"]["aggs"]["trending"]["significant_terms"]["background_filter"]["bool"]["must_not"] == [FETCHED]
    assert sent["aggs"]["undated"] == {"filter": FETCHED}


def test_command_line_options_reach_the_query():
    args = build_parser().parse_args(
        ["search", "trade", "talks", "--entity", "NATO", "--type", "org", "--topic", "politics", "--source", "Daily Planet",
         "--language", "en", "--since", "now-7d", "--until", "2030-01-01", "--sort", "date", "-n", "3", "--from", "6"]
    )
    assert (args.entity, args.entity_type, args.topic, args.source, args.language) == ("NATO", "org", "politics", "Daily Planet", "en")
    assert (args.since, args.until, args.sort, args.size, args.offset, args.query) == (
        "now-7d", "2030-01-01", "date", 3, 6, ["trade", "talks"])


def test_a_bad_option_is_one_clear_line_before_any_connection():
    result = subprocess.run(
        [sys.executable, "-m", "newsflow", "search", "Raisi", "--since", "last week"],
        capture_output=True, text=True, timeout=120,
        env=os.environ | {"NEWSFLOW_ELASTICSEARCH__URL": "http://127.0.0.1:1"},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("newsflow: error: invalid search: --since: must be an ISO date")
    assert len(result.stderr.strip().splitlines()) == 1


# -- duplicates and stories ----------------------------------------------------------------------


def test_collapse_leaves_out_articles_that_are_duplicates_and_only_then():
    collapsed = body(text="Raisi", topic="politics", collapse_duplicates=True)["query"]["bool"]
    assert collapsed["must_not"] == [{"exists": {"field": "duplicate_of"}}]
    assert collapsed["filter"] == filters(topic="politics")  # the other filters stay as they were
    assert "must_not" not in body(text="Raisi")["query"]["bool"]
    args = build_parser().parse_args(["search", "Raisi", "--collapse-duplicates"])
    assert args.collapse_duplicates is True
    assert build_parser().parse_args(["search", "Raisi"]).collapse_duplicates is False


def test_duplicates_of_a_page_are_counted_in_one_terms_aggregation():
    sent = build_duplicate_count_body(["a", "b", "c"])
    assert sent["size"] == 0
    assert sent["query"] == {"bool": {"filter": [{"terms": {"duplicate_of": ["a", "b", "c"]}}]}}
    assert sent["aggs"] == {"duplicates": {"terms": {"field": "duplicate_of", "size": 3}}}


def test_latest_stories_are_sorted_by_update_and_filtered_case_insensitively():
    sent = build_stories_body(StoryQuery(size=5, topic="Science", entity="nato"))
    assert sent["sort"][0] == {"last_updated": {"order": "desc"}} and sent["size"] == 5
    assert sent["query"]["bool"]["filter"] == [
        {"term": {"topics": {"value": "Science", "case_insensitive": True}}},
        {"term": {"entity_names": {"value": "nato", "case_insensitive": True}}},
    ]
    windowed = build_stories_body(StoryQuery(hours=6))["query"]["bool"]["filter"]
    assert windowed == [{"range": {"last_updated": {"gte": "now-6h"}}}]


def test_growing_counts_recent_articles_per_story_then_reads_those_stories():
    query = StoryQuery(sort=StorySort.GROWING, topic="science")
    assert query.window_hours == 24 and StoryQuery().window_hours is None
    sent = build_growing_body(query.window_hours)
    assert sent["query"]["bool"]["filter"] == [{"range": {"published": {"gte": "now-24h"}}}, {"exists": {"field": "story_id"}}]
    assert sent["query"]["bool"]["must_not"] == [{"term": {"date_source": "fetched"}}]  # undated: not recent
    assert sent["aggs"] == {"stories": {"terms": {"field": "story_id", "size": GROWING_CANDIDATES}}}
    candidates = build_stories_body(query, ids=["s1", "s2"])
    assert candidates["size"] == 2
    assert candidates["query"]["bool"]["filter"][-1] == {"ids": {"values": ["s1", "s2"]}}


def test_growing_ranks_by_recent_articles_then_size_then_update():
    def story(story_id: str, size: int, updated: str) -> Story:
        return Story(id=story_id, title=story_id, first_seen="2024-01-01T00:00:00Z", last_updated=updated, size=size, sources=1)

    stories = [story("quiet", 50, "2024-06-01T10:00:00Z"), story("busy", 4, "2024-06-01T09:00:00Z"),
               story("tie-old", 6, "2024-06-01T08:00:00Z"), story("tie-new", 6, "2024-06-01T08:00:00.5Z"),
               story("uncounted", 90, "2024-06-01T11:00:00Z")]
    ranked = rank_growing({"quiet": 1, "busy": 3, "tie-old": 2, "tie-new": 2}, stories, size=3)
    assert [(s.id, s.recent) for s in ranked] == [("busy", 3), ("tie-new", 2), ("tie-old", 2)]


def test_a_storys_articles_are_newest_first_and_bounded():
    sent = build_story_articles_body("story-1", size=7)
    assert sent["query"] == {"bool": {"filter": [{"term": {"story_id": "story-1"}}]}}
    assert sent["sort"][0] == {"published": {"order": "desc", "missing": "_last"}}
    assert (sent["size"], sent["track_total_hits"], sent["_source"]) == (7, True, HIT_SOURCE)


def test_the_language_filter_asks_for_the_normalised_code():
    for asked in ("en", "EN", "en-US", "eng"):
        body = build_search_body(SearchQuery(language=asked))
        assert {"term": {"language": {"value": "en", "case_insensitive": True}}} in body["query"]["bool"]["filter"], asked


# -- snippets --------------------------------------------------------------------------------------


def hit(highlight: dict | None = None, **source) -> dict:
    raw = {"_score": 2.5, "_source": {"article_id": "a1", "title": "", "source": "S"} | source}
    return raw | ({"highlight": highlight} if highlight is not None else {})


BODY = "Der Absatz von <mark>Elektroautos</mark> stieg im Mai deutlich, meldete der Verband."


@pytest.mark.parametrize("tags", [
    "(Elektromobilität, <mark>Elektroautos</mark>)",
    "Tags: Verkehr, <mark>Elektroautos</mark>, Energie",
    "Händler berichten von langen Lieferzeiten. (Elektromobilität, <mark>Elektroautos</mark>)",
    "<mark>Elektroautos</mark>",
])
def test_a_passage_that_is_only_a_tag_list_or_the_match_is_passed_over(tags):
    # Elasticsearch's best passage by score first: a short tag list often wins on score alone.
    assert to_hit(hit({"text": [tags, BODY]}, summary="Mehr Elektroautos.")).snippet == BODY
    # ...and it is still better than nothing.
    assert to_hit(hit({"text": [tags]})).snippet == tags


def test_without_a_telling_body_passage_the_summary_then_the_title():
    summary_match = "Mehr <mark>Elektroautos</mark> in Deutschland"
    tags = "(Elektromobilität, <mark>Elektroautos</mark>)"
    assert to_hit(hit({"text": [tags], "summary": [summary_match]})).snippet == summary_match
    assert to_hit(hit({"text": [tags]}, summary="Mehr Elektroautos in Deutschland")).snippet == "Mehr Elektroautos in Deutschland"
    # No text at all (a feed item with a title only): the title, marked when it matched.
    assert to_hit(hit({"title": ["<mark>Elektroautos</mark> gefragt"]}, title="Elektroautos gefragt")).snippet == (
        "<mark>Elektroautos</mark> gefragt")
    assert to_hit(hit(title="Elektroautos gefragt")).snippet == "Elektroautos gefragt"
    # A body without a match (a filter-only search): its beginning, unless there is a summary.
    assert to_hit(hit({"text": ["Der Absatz stieg."]}, title="T")).snippet == "Der Absatz stieg."
    assert to_hit(hit({"text": ["Der Absatz stieg."]}, title="T", summary="Absatz.")).snippet == "Absatz."


def test_fallback_snippets_are_escaped_and_cut_between_words_like_the_highlights():
    summary = "Q&A: why <b>prices</b> rose " + "and rose " * 30
    snippet = to_hit(hit(summary=summary)).snippet
    assert snippet.startswith("Q&amp;A: why &lt;b&gt;prices&lt;/b&gt; rose and rose")
    assert snippet.endswith(" …") and snippet.removesuffix(" …").split()[-1] in {"and", "rose"} and len(snippet) < 200
    assert to_hit(hit(title="Tom & Jerry")).snippet == "Tom &amp; Jerry"


def test_marks_of_one_name_or_phrase_are_joined():
    text = ["Critics said the <mark>state</mark> <mark>of</mark> <mark>the</mark> <mark>union</mark> is weak, "
            "said <mark>Al</mark>-<mark>Farabi</mark> and <mark>O</mark>&#x27;<mark>Brien</mark>."]
    assert to_hit(hit({"text": text})).snippet == (
        "Critics said the <mark>state of the union</mark> is weak, said <mark>Al-Farabi</mark> and "
        "<mark>O&#x27;Brien</mark>.")


def test_the_score_is_left_out_when_it_is_not_relevance():
    assert to_hit(hit(), relevance=False).score is None
    assert to_hit(hit()).score == 2.5


def test_the_command_line_shows_the_snippet_as_text():
    shown = format_hit(to_hit(hit({"text": ["Tom &amp; <mark>Jerry</mark> &lt;3 O&#x27;Brien"]}, title="T")), color=False)
    assert shown.splitlines()[-1] == "  Tom & **Jerry** <3 O'Brien"


def test_the_calendar_edges_are_valid_bounds_not_a_crash():
    """until=9999-12-31 overflowed datetime when its day's end was computed: a 500 (issue 16, item 2)."""
    parse_search_query({"since": "2024-01-01", "until": "9999-12-31"})
    parse_search_query({"since": "0001-01-01", "until": "0001-01-01"})
    parse_search_query({"since": "0001-01-01T00:00:00+05:00", "until": "0001-01-01"})


@given(st.dates(), st.dates(), st.sampled_from(["", "T00:00:00+14:00", "T23:59:59-12:00", "T12:00:00Z"]))
def test_any_pair_of_dates_is_accepted_or_refused_by_name(since, until, suffix):
    try:
        parse_search_query({"since": since.isoformat() + suffix, "until": until.isoformat()})
    except InvalidSearch as exc:
        assert "until" in str(exc)


# -- the cost cap and the time budget (issue 16) ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (" ".join(f"w{n}" for n in range(33)), "holds 33 words; at most 32"),
        ('"' + " ".join(f"w{n}" for n in range(20)) + '" ' + " ".join(f"-x{n}" for n in range(13)), "holds 33 words"),
        ("abc* bcd* cde*", "holds 3 prefix terms"),
        ("ab*", "'ab*': a prefix term needs at least 3 letters"),
        ("*", "needs at least 3 letters"),
    ],
)
def test_a_costly_text_is_refused_by_name(text: str, reason: str) -> None:
    with pytest.raises(InvalidSearch) as caught:
        parse_search_query({"text": text}, names={"text": "q"})
    assert caught.value.problems[0]["loc"] == ["q"]
    assert reason in caught.value.problems[0]["msg"]


def test_the_cost_cap_is_a_setting() -> None:
    assert parse_search_query({"text": "one two three"}, max_terms=3).text == "one two three"
    with pytest.raises(InvalidSearch):
        parse_search_query({"text": "one two three"}, max_terms=2)
    assert parse_search_query({"text": "elect* vot*"}).text == "elect* vot*"


class _RecordingClient:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def options(self, **kwargs):
        self.calls.append({"options": kwargs})
        return self

    def search(self, **kwargs):
        self.calls.append(kwargs)
        return {"hits": {"hits": [], "total": {"value": 0}}}


def test_every_search_carries_the_time_budget() -> None:
    raw = _RecordingClient()
    client = BoundedSearches(raw, timeout_s=2.5)
    client.search(index="a", query={"match_all": {}})
    client.options(ignore_status=404).search(index="b")
    searches = [c for c in raw.calls if "options" not in c]
    assert [c["timeout"] for c in searches] == ["2500ms", "2500ms"]
    assert raw.calls[0] == {"options": {"request_timeout": 4.25}}
