"""`xml:lang` on an entry, its title or its content is the article's language hint (issue 15, item 13)."""

from __future__ import annotations

from datetime import UTC, datetime

from newsflow.net.response import FetchedFeed
from producers.base import FeedSpec
from producers.items import parse_feed, to_article

URL = "https://example.org/feed.atom"
ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title>T</title><id>urn:f</id>
<entry xml:lang="de"><title>Deutsch</title><id>urn:1</id><link href="https://example.org/1"/>
<updated>2026-11-01T10:00:00Z</updated><summary>Ein Text</summary></entry>
<entry><title xml:lang="pt">Título</title><id>urn:2</id><link href="https://example.org/2"/>
<updated>2026-11-01T10:00:00Z</updated><content xml:lang="pt-BR" type="text">Conteúdo</content></entry>
<entry><title>English</title><id>urn:3</id><link href="https://example.org/3"/>
<updated>2026-11-01T10:00:00Z</updated><summary>Text</summary></entry>
</feed>"""


def languages(body: str, feed: FeedSpec) -> list[str | None]:
    parsed = parse_feed(FetchedFeed(url=URL, body=body.encode(), headers={}))
    return [to_article(e, feed=feed, parsed=parsed, fetched_url=URL, fetched_at=datetime(2026, 12, 1, tzinfo=UTC)).language
            for e in parsed.entries]


def test_entry_and_content_languages_win_over_the_feed_s() -> None:
    assert languages(ATOM, FeedSpec(url=URL)) == ["de", "pt-BR", "en"]


def test_without_any_xml_lang_the_feed_or_registry_language_is_the_hint() -> None:
    bare = ATOM.replace(' xml:lang="en"', "").replace(' xml:lang="de"', "").replace(' xml:lang="pt"', "").replace(' xml:lang="pt-BR"', "")
    assert languages(bare, FeedSpec(url=URL, language="it")) == ["it", "it", "it"]


def test_a_site_wide_content_language_does_not_outrank_the_feed_s_language() -> None:
    body = ('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><language>pt-BR</language>'
            "<item><title>A</title><link>https://example.org/a</link><description>x</description></item></channel></rss>")
    parsed = parse_feed(FetchedFeed(url=URL, body=body.encode(), headers={"content-language": "en"}))
    article = to_article(parsed.entries[0], feed=FeedSpec(url=URL), parsed=parsed, fetched_url=URL,
                         fetched_at=datetime(2026, 12, 1, tzinfo=UTC))
    assert (parsed.language, article.language) == ("pt-BR", "pt-BR")


def test_content_language_is_the_hint_of_a_feed_that_declares_none() -> None:
    body = ('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
            "<item><title>A</title><link>https://example.org/a</link><description>x</description></item></channel></rss>")
    assert parse_feed(FetchedFeed(url=URL, body=body.encode(), headers={"content-language": "de-DE, en"})).language == "de-DE"
