"""The per-item size budget (producers/budget.py): every article that leaves fits in one message."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.contract.schema import MAX_EVENT_BYTES, RawArticle, encode
from producers.budget import TEASER_CHARS, TRUNCATED, fit_in_message

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def article(**fields: object) -> RawArticle:
    return RawArticle(id="a1", version=1, url="https://example.org/a", feed_url="https://example.org/f", source="S",
                      fetched_at=NOW, **fields)


def test_an_article_that_fits_is_returned_as_it_is() -> None:
    small = article(title="T", summary="s", text="body " * 1000)
    assert fit_in_message(small) is small


def test_a_summary_repeating_a_huge_body_becomes_a_teaser_first() -> None:
    body = "word " * 120_000  # 600 KB twice: over the limit, under it once the summary is a teaser
    fitted = fit_in_message(article(summary=body, text=body))
    assert fitted is not None and fitted.text == body
    assert fitted.summary.endswith(TRUNCATED) and len(fitted.summary) <= TEASER_CHARS + len(TRUNCATED)


def test_multibyte_text_is_cut_between_characters_and_fits() -> None:
    fitted = fit_in_message(article(text="Привет мир " * 200_000))
    assert fitted is not None and fitted.text.endswith(TRUNCATED)
    assert len(encode(fitted)) <= MAX_EVENT_BYTES


def test_an_article_that_cannot_fit_is_none() -> None:
    assert fit_in_message(article(title="t" * (MAX_EVENT_BYTES + 10), text="x")) is None


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=40), st.integers(min_value=1, max_value=60_000), st.integers(min_value=0, max_value=3))
def test_whatever_the_text_the_result_fits_or_is_none(chunk: str, repeat: int, summary_copies: int) -> None:
    text = chunk * repeat
    fitted = fit_in_message(article(text=text, summary=text * summary_copies if summary_copies else ""))
    assert fitted is None or len(encode(fitted)) <= MAX_EVENT_BYTES
