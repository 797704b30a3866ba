import pytest

from newsflow.contract.ids import article_id, canonical_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://News.Example.org/a/b?utm_source=rss&x=1#top", "https://news.example.org/a/b?x=1"),
        ("http://example.org:80/a?fbclid=abc&gclid=def", "http://example.org/a"),
        ("https://example.org:8443/a?Utm_Medium=x&id=7", "https://example.org:8443/a?id=7"),
        ("https://example.org", "https://example.org/"),
    ],
)
def test_canonical_url_drops_what_does_not_identify_the_article(url, expected):
    assert canonical_url(url) == expected


def test_tracking_variants_of_one_link_share_an_id():
    plain = article_id(link="https://news.example.org/a", feed_url="f", guid=None)
    tracked = article_id(link="https://NEWS.example.org/a?utm_campaign=z#frag", feed_url="other", guid="g")
    assert plain == tracked
    assert len(plain) == 32


def test_items_without_link_are_identified_by_feed_and_guid():
    one = article_id(link=None, feed_url="https://f.example/rss", guid="42")
    assert one == article_id(link=None, feed_url="https://F.example/rss", guid="42")
    assert one != article_id(link=None, feed_url="https://f.example/rss", guid="43")


def test_items_with_neither_link_nor_guid_are_identified_by_content():
    one = article_id(link=None, feed_url="https://f.example/rss", guid=None, content="Title\nText")
    assert one == article_id(link=None, feed_url="https://f.example/rss", guid=None, content=" Title\nText ")
    assert one != article_id(link=None, feed_url="https://f.example/rss", guid=None, content="Other")


def test_an_empty_item_has_no_identity():
    with pytest.raises(ValueError, match="link, a guid or some content"):
        article_id(link=None, feed_url="https://f.example/rss", guid=None, content=" \n ")
