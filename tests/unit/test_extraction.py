"""The extract step's extraction chain (processors/extraction.py) on pages shaped like the three
failures of issue 21: an article that repeats its text in the page, a table that is the article
(and an old page laid out with tables), a publisher's reprint notice. Each test failed with the
old options (precision mode, tables off, a deduplication cache per page).
"""

from __future__ import annotations

import random

from processors.extraction import extract_page, without_notices, word_count

NAV = "".join(f"<li><a href='/s{i}'>Section {i}</a></li>" for i in range(12))
WORDS = ("port authority container volumes rose third month according figures released rotterdam analysts "
         "bank expect trend hold widen shipping rates freight europe asia demand").split()


def paragraphs(count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "." for _ in range(count)]


def page(main: str, extra: str = "") -> str:
    return (f"<!doctype html><html><head><title>T</title></head><body><header><ul>{NAV}</ul></header>"
            f"{main}{extra}<footer><a href='/about'>About us</a></footer></body></html>")


def test_an_article_repeated_in_its_page_is_extracted_once() -> None:
    body = paragraphs(16)
    article = "".join(f"<p>{p}</p>" for p in body)
    html = page(f"<div class='teaser'>{''.join(f'<p>{p}</p>' for p in body[:3])}</div><article><h1>Review</h1>{article}</article>",
                f"<div class='print-only'>{article}</div><div class='amp'>{article}</div>")
    text = extract_page(html, "https://x.example/review").text
    reference = sum(word_count(p) for p in body)
    assert 0.95 * reference <= word_count(text) <= 1.1 * reference
    assert all(text.count(p) == 1 for p in body)


STANDINGS = [("Ajax", 10), ("PSV", 8), ("Feyenoord", 8), ("AZ", 8), ("Twente", 6), ("Utrecht", 5), ("Go Ahead", 3)]


def test_a_table_that_is_the_article_is_kept_as_rows_of_cells() -> None:
    rows = "".join(f"<tr><td>{team}</td><td>12</td><td>{won}</td><td>{3 * won}</td></tr>" for team, won in STANDINGS)
    intro = ("<p>The league table after the twelfth round shows the champions clear at the top, with three clubs "
             "level on points below them and the promoted side still without a win.</p>")
    html = page(f"<article><h1>Standings</h1>{intro}<table><tr><th>Team</th><th>P</th><th>W</th><th>Pts</th></tr>"
                f"{rows}</table></article>")
    lines = extract_page(html, "https://x.example/table").text.splitlines()
    assert "Team | P | W | Pts" in lines
    assert "Ajax | 12 | 10 | 30" in lines and "Go Ahead | 12 | 3 | 9" in lines
    assert not any(set(line) <= set("|-: ") for line in lines)  # no markdown rule lines


def test_a_page_laid_out_with_tables_gives_its_article_without_the_menu() -> None:
    story = ("Dock workers in the northern port returned to work on Monday after union leaders accepted a pay offer "
             "of six percent over two years, ending a strike that had left more than forty container ships waiting. "
             "The port authority said it expected the backlog to clear within a fortnight.")
    html = (f"<!doctype html><html><body><table><tr><td><a href='/'>Home</a><br><a href='/w'>World</a><br>"
            f"<a href='/s'>Sport</a></td><td><b>Harbour strike ends</b><br><br>{story}</td>"
            "<td><a href='/a'>Storm warning</a><br><a href='/b'>Election</a></td></tr></table></body></html>")
    text = extract_page(html, "https://x.example/old").text
    assert story in " ".join(text.split())
    assert "Home" not in text.split() and "Storm warning" not in text


REPRINT = ("This copy is for your personal, non-commercial use only. To order presentation-ready copies for "
           "distribution to your colleagues, clients or customers visit https://www.reprints.example.")


def test_a_reprint_notice_is_never_the_article() -> None:
    body = paragraphs(4, seed=2)
    html = page(f"<article><h1>Markets</h1>{''.join(f'<p>{p}</p>' for p in body)}"
                f"<div class='notice'><p>{REPRINT}</p></div></article>")
    text = extract_page(html, "https://x.example/markets").text
    assert "non-commercial use" not in text
    assert all(p in text for p in body)


def test_notice_lines_go_and_article_paragraphs_about_cookies_stay() -> None:
    article = ("Regulators fined the retailer after finding that its website set advertising cookies before visitors "
               "could refuse them, and that its cookie banner made rejecting them far harder than accepting them, "
               "the authority said in a decision published on Tuesday.")
    text = "\n".join([article, "We use cookies to improve your experience. Accept all", "Related: Markets fall",
                      "Tags: retail, privacy", "Subscribe to continue reading", "Advertisement", REPRINT])
    kept, removed = without_notices(text)
    assert kept == article and removed == 6
