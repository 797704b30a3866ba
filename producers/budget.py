"""Every article fits in one Kafka message: a per-item size budget, checked before sending.

An item bigger than the broker's message limit used to fail the whole batch at send time, which
the producer took for a Kafka outage: the batch was retried every 10 s forever, the good feeds'
items re-sent each time, the bad feed never marked. Now an article over `MAX_EVENT_BYTES` (the
contract's limit, below Kafka's default 1 MB) is cut down before it is sent: a summary that
repeats the body becomes a teaser, then the text is cut at a word and ends with `TRUNCATED`.
An article that still does not fit (a title of megabytes) is not an article: it is skipped.
"""

from __future__ import annotations

from newsflow.contract.schema import MAX_EVENT_BYTES, RawArticle, encode

__all__ = ["TEASER_CHARS", "TRUNCATED", "fit_in_message"]

TEASER_CHARS = 500
TRUNCATED = " […]"  # what a reader sees where the text was cut
_MARGIN = 1024  # the bytes of JSON escaping and fields around the text, and some to spare


def fit_in_message(article: RawArticle) -> RawArticle | None:
    """`article` as it is when it fits in one message; else a copy with a shorter summary and
    text that fits; None when even that does not fit."""
    if _surely_fits(article):
        return article  # the common case, decided without encoding the article
    size = len(encode(article))
    if size <= MAX_EVENT_BYTES:
        return article
    if len(article.summary) > TEASER_CHARS:
        article = article.model_copy(update={"summary": _cut(article.summary, TEASER_CHARS)})
        size = len(encode(article))
        if size <= MAX_EVENT_BYTES:
            return article
    over = size - MAX_EVENT_BYTES + _MARGIN
    text_bytes = len(article.text.encode("utf-8"))
    if over >= text_bytes:
        return None
    article = article.model_copy(update={"text": _cut_bytes(article.text, text_bytes - over)})
    return article if len(encode(article)) <= MAX_EVENT_BYTES else None


def _surely_fits(article: RawArticle) -> bool:
    # A character is at most 4 bytes in UTF-8, 2 for an escaped quote or backslash.
    chars = len(article.title) + len(article.summary) + len(article.text) + sum(map(len, article.authors + article.tags))
    return 4 * chars + 16 * _MARGIN <= MAX_EVENT_BYTES


def _cut(text: str, chars: int) -> str:
    head = text[:chars]
    cut = head.rsplit(None, 1)[0] if " " in head.strip() else head
    return cut.rstrip() + TRUNCATED


def _cut_bytes(text: str, budget: int) -> str:
    # Cut by UTF-8 bytes, never inside a character. JSON escaping (quotes) can still make the
    # message bigger than the text: `fit_in_message` measures again.
    head = text.encode("utf-8")[: max(budget - len(TRUNCATED.encode()), 0)].decode("utf-8", errors="ignore")
    return _cut(head, len(head))
