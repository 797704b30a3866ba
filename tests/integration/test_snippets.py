"""Snippets, date order and trending on articles shaped like the real mix of feeds (issue 22), on
the real Elasticsearch: phrase queries full of function words, bodies ending in a tag list,
items with no text, and items the feed gave no date (`date_source: fetched`, dated by their
fetch time)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from newsflow.app.cli import build_parser
from newsflow.app.cmd_search import run_search_command
from newsflow.read.api.app import create_app
from tests.support import index_articles, sample_articles

NOW = datetime.now(UTC).replace(microsecond=0)
BASE = sample_articles(24, now=NOW)
FUNCTION_WORDS = {"the", "of", "a", "and", "to", "in", "der", "die", "das", "von", "le", "la", "de"}


def shaped(i: int, article_id: str, **fields):
    """A sample article with the fields the real mix showed."""
    return BASE[i].model_copy(update={"id": article_id, "url": f"https://news.example.org/mix/{article_id}"} | fields)


UNION = shaped(
    0, "union", title="Biden speaks to Congress",
    summary="The president spoke for an hour.",
    text="The president gave the state of the union address on Tuesday night in Washington. Most of the speech was "
         "about the economy of the country, the price of the groceries and the future of the nation. Critics said "
         "that the state of the union is weak, and that the end of the year will show it.",
)
# A German item whose body ends in its tag list: the one passage where the word stands alone.
TAG_TAIL = shaped(
    1, "tagtail", title="Absatz steigt", summary="",
    text="Der Absatz stieg im Mai deutlich, meldete der Verband der Automobilindustrie am Dienstag in Berlin, und "
         "vor allem das Elektroauto mit kleiner Batterie und niedrigem Preis war bei privaten Käufern im ganzen Land "
         "sehr gefragt, weil die Förderung wieder aufgenommen wurde und die Hersteller ihre Preise deutlich senkten."
         "\n\n(Elektromobilität, Elektroauto)",
)
# Feed items with a title (and maybe a summary) and no text at all.
TITLE_ONLY = shaped(2, "titleonly", title="Bahnstreik legt Pendlerverkehr lahm", summary="", text="")
SUMMARY_ONLY = shaped(3, "summaryonly", title="Fähre fällt aus", summary="Die Fähre nach Helgoland fällt wegen Sturm aus.",
                      text="")
# Matched in its title only, no summary: the body's beginning rather than nothing.
TITLE_MATCH = shaped(4, "titlematch", title="Hafenkräne in Rotterdam stehen still", summary="",
                     text="Im größten Hafen Europas ruht seit Montag die Arbeit, wie die Gewerkschaft mitteilte.")


@pytest.fixture
def api(settings):
    with TestClient(create_app(settings)) as client:
        yield client


def ok(response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def snippet_of(api, query: str, article_id: str) -> str:
    hits = ok(api.get("/search", params={"q": query, "size": 50}))["hits"]
    [found] = [h for h in hits if h["id"] == article_id]
    return found["snippet"]


def marks(snippet: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", snippet)


# -- snippets ------------------------------------------------------------------------------------


def test_a_phrase_query_marks_the_phrase_not_each_function_word(settings, api):
    index_articles(settings, [*BASE, UNION])
    for query in ("the state of the union", '"state of the union"'):
        snippet = snippet_of(api, query, "union")
        assert any("state of the union" in m.lower() for m in marks(snippet)), snippet
        assert not [m for m in marks(snippet) if set(m.lower().split()) <= FUNCTION_WORDS], snippet
    # The words, not the phrase: each content word is marked, still no "the" or "of" alone.
    snippet = snippet_of(api, "union future", "union")
    assert {m.lower() for m in marks(snippet)} <= {"union", "future"} and marks(snippet), snippet


def test_the_snippet_of_a_body_ending_in_a_tag_list_is_from_the_body(settings, api):
    index_articles(settings, [*BASE, TAG_TAIL])
    snippet = snippet_of(api, "Elektroauto", "tagtail")
    assert "<mark>Elektroauto</mark> mit kleiner Batterie" in snippet, snippet
    assert "Elektromobilität" not in snippet, snippet


def test_an_article_without_text_gets_its_summary_or_title(settings, api):
    index_articles(settings, [*BASE, TITLE_ONLY, SUMMARY_ONLY, TITLE_MATCH])
    assert snippet_of(api, "Bahnstreik", "titleonly") == "<mark>Bahnstreik</mark> legt Pendlerverkehr lahm"
    assert snippet_of(api, "Fähre", "summaryonly") == "Die <mark>Fähre</mark> nach Helgoland fällt wegen Sturm aus."
    assert snippet_of(api, "Hafenkräne", "titlematch") == TITLE_MATCH.text
    # Without words (filters only) too: never an empty snippet.
    hits = ok(api.get("/search", params={"size": 50}))["hits"]
    assert all(h["snippet"] for h in hits), [h["id"] for h in hits if not h["snippet"]]


def test_the_articles_own_markup_is_escaped(settings, api):
    escaped = shaped(5, "escaped", title="Q&A", summary="",
                     text="Tehran & Astana signed <b>nine</b> documents, the minister said on Sunday.")
    index_articles(settings, [*BASE, escaped])
    assert snippet_of(api, "documents", "escaped") == (
        "Tehran &amp; Astana signed &lt;b&gt;nine&lt;&#x2F;b&gt; <mark>documents</mark>, the minister said on Sunday.")


# -- date order ----------------------------------------------------------------------------------


def undated(i: int, article_id: str, fetched: datetime):
    """An item whose feed gave no date: `published` is the fetch time, and says so."""
    return shaped(i, article_id, published=fetched, fetched_at=fetched, date_source="fetched")


# Fetched minutes ago: by their `published` alone, the newest articles of the index.
UNDATED = [undated(6 + i, f"undated{i}", NOW - timedelta(minutes=5 * i)) for i in range(3)]
DATED = [shaped(9 + i, f"dated{i}", published=NOW - timedelta(hours=3 + i), date_source=source)
         for i, source in enumerate(["feed", "page", None])]  # None: indexed before date_source existed


def test_sort_by_date_puts_dated_articles_before_undated_ones(settings, api):
    index_articles(settings, [*BASE, *UNDATED, *DATED])
    hits = ok(api.get("/search", params={"sort": "date", "size": 100}))["hits"]
    order = [h["id"] for h in hits]
    assert len(order) == len(BASE) + 6
    cut = len(order) - len(UNDATED)
    assert order[cut:] == ["undated0", "undated1", "undated2"]  # last, newest fetched first
    assert order[:3] == ["sample0000", "dated0", "dated1"]  # report 0 is from now, the others hours old
    assert {h["date_source"] for h in hits[:cut]} <= {"feed", "page", None}
    published = [h["published"] for h in hits[:cut]]
    assert published == sorted(published, reverse=True)
    # Words too, and the score says nothing it does not know.
    words = ok(api.get("/search", params={"q": "trade", "sort": "date", "size": 100}))["hits"]
    assert [h["id"] for h in words][-3:] == ["undated0", "undated1", "undated2"]
    assert {h["score"] for h in words} == {None}
    # Paging goes through the same order.
    page = ok(api.get("/search", params={"sort": "date", "size": 2, "offset": cut}))["hits"]
    assert [h["id"] for h in page] == ["undated0", "undated1"]


def test_without_words_the_undated_come_last_too(settings, api):
    index_articles(settings, [*BASE, *UNDATED])
    order = [h["id"] for h in ok(api.get("/search", params={"size": 100}))["hits"]]
    assert order[-3:] == ["undated0", "undated1", "undated2"] and order[0] == "sample0000"


def test_the_command_sorts_undated_articles_last_and_marks_them(settings, capsys):
    index_articles(settings, [*BASE, *UNDATED, *DATED])
    args = build_parser().parse_args(["search", "trade", "--sort", "date", "--json", "-n", "100"])
    assert run_search_command(settings, args) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert [h["id"] for h in hits][-3:] == ["undated0", "undated1", "undated2"]
    args = build_parser().parse_args(["search", "trade", "--sort", "date", "-n", "1"])
    assert run_search_command(settings, args) == 0
    assert "(fetch time: no date in the feed)" not in capsys.readouterr().out  # the first hit is dated


# -- trending ------------------------------------------------------------------------------------


def test_trending_leaves_undated_articles_out_and_says_so(settings, api):
    # Sophie Adenot in three items fetched in the last hours, which the feed gave no date: they may
    # be weeks old, and must not make her trend. Allard Castelein in three dated ones does trend.
    adenot = BASE[2]
    castelein = BASE[3]
    fetched = [adenot.model_copy(update={"id": f"fetched{i}", "url": f"https://news.example.org/fetched/{i}",
                                         "published": NOW - timedelta(hours=1 + i), "date_source": "fetched"})
               for i in range(3)]
    dated = [castelein.model_copy(update={"id": f"burst{i}", "url": f"https://news.example.org/burst/{i}",
                                          "published": NOW - timedelta(hours=1 + i), "date_source": "feed"})
             for i in range(3)]
    index_articles(settings, [*BASE, *fetched, *dated])
    body = ok(api.get("/entities/trending", params={"field": "persons"}))
    assert [e["name"] for e in body["entities"]] == ["Allard Castelein"]
    within_day = sum(1 for a in BASE if a.published > NOW - timedelta(hours=23))  # report 12 is 24 h old: just out
    assert body["articles"] == within_day + len(dated)
    assert body["undated_left_out"] == len(fetched)
    # The background leaves them out too: Castelein's month is the sample's six and the burst.
    assert body["entities"][0]["background_count"] == 6 + len(dated)
