"""The article body is the item's longest text, not any content element (issue 15, item 10).

feedparser files an image's `media:description` under `content`; the body used to be that
caption (15-21 words) whenever one existed, in place of a 340-word description.
"""

from __future__ import annotations

from datetime import UTC, datetime

from newsflow.net.response import FetchedFeed
from producers.base import FeedSpec
from producers.items import parse_feed, to_article

URL = "https://example.org/feed.xml"
LONG = " ".join(f"word{i}" for i in range(340))
CAPTION = "A caption of the photo, some fifteen words long, naming who stands where in it."


def body_of(item_xml: str) -> str:
    body = (
        '<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>'
        f"<item><title>A</title><link>https://example.org/a</link>{item_xml}</item></channel></rss>"
    ).encode()
    parsed = parse_feed(FetchedFeed(url=URL, body=body, headers={}))
    article = to_article(parsed.entries[0], feed=FeedSpec(url=URL), parsed=parsed, fetched_url=URL,
                         fetched_at=datetime(2026, 12, 1, tzinfo=UTC))
    return article.text


def test_a_long_description_beats_a_media_caption() -> None:
    text = body_of(f'<description>{LONG}</description><media:content url="https://example.org/i.jpg" medium="image">'
                   f"<media:description>{CAPTION}</media:description></media:content>")
    assert text == LONG


def test_full_content_still_beats_a_teaser_description() -> None:
    text = body_of(f"<description>A short teaser.</description><content:encoded><![CDATA[<p>{LONG}</p>]]></content:encoded>")
    assert text == LONG


def test_a_caption_alone_is_the_body() -> None:
    text = body_of(f'<media:content url="https://example.org/i.jpg"><media:description>{CAPTION}</media:description></media:content>')
    assert text == CAPTION
