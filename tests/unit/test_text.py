import pytest

from newsflow.contract.text import html_to_text, plain_text


def test_inline_tags_do_not_split_sentences_and_blocks_become_paragraphs():
    html = "<p>Hello <b>big</b> <a href='x'>world</a>.</p><p>Second&nbsp;one<br>line two</p><script>x()</script>"
    assert html_to_text(html) == "Hello big world.\n\nSecond one\nline two"


def test_plain_text_is_only_tidied():
    assert html_to_text("  a   b \n\n\n c ") == "a b\n\nc"
    assert html_to_text("") == ""
    assert html_to_text("Just a sentence.") == "Just a sentence."


def test_nested_blocks_give_one_blank_line_between_paragraphs():
    html = "<div><section><p>One <i>two</i></p><div><p>Three</p></div></section></div><p>Four</p>"
    assert html_to_text(html) == "One two\n\nThree\n\nFour"


def test_lists_headings_quotes_and_table_cells():
    html = (
        "<h2>Title</h2><ul><li>first</li><li>second <b>item</b></li></ul>"
        "<blockquote>quoted</blockquote><table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>"
    )
    assert html_to_text(html) == "Title\n\nfirst\n\nsecond item\n\nquoted\n\na b\n\nc d"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("Q&amp;A &mdash; &#8220;quoted&#8221; &#x2019;", "Q&A \u2014 \u201cquoted\u201d \u2019"),
        ("don&#146;t", "don\u2019t"),  # a windows-1252 code point as a reference: what browsers show
        ("&lt;b&gt;escaped markup is text&lt;/b&gt;", "<b>escaped markup is text</b>"),
        ("caf&eacute; &nbsp; cr&egrave;me", "caf\u00e9 cr\u00e8me"),
        ("AT&T and R&D", "AT&T and R&D"),  # a bare ampersand stays
    ],
)
def test_entities_are_decoded(html: str, text: str):
    assert html_to_text(html) == text


@pytest.mark.parametrize("text", ["a < b", "if a<3 and b > 4", "x <= y", "<> and <", "1 < 2 > 0"])
def test_text_that_merely_contains_angle_brackets_is_kept(text: str):
    assert html_to_text(text) == text


def test_scripts_styles_and_invisible_parts_are_dropped():
    html = (
        "<style>p { color: red }</style><p>Visible</p><script>var a = '<p>no</p>';</script>"
        "<noscript>enable js</noscript><template><p>tpl</p></template><!-- a comment -->"
    )
    assert html_to_text(html) == "Visible"


def test_a_whole_document_keeps_its_title_apart_from_its_body():
    html = "<html><head><title>T</title><meta charset=utf-8><style>x{}</style></head><body><p>B</p></body></html>"
    assert html_to_text(html) == "T\n\nB"


def test_whitespace_is_tidied_and_invisible_characters_removed():
    html = "<p>  a\u2009\u00a0 b\u200b\u00adc \t</p>\r\n\r\n\r\n<p>\ufeffd\x07e</p>"
    # A soft hyphen (\u00ad) is a character of the text; zero-width and control characters are not.
    assert html_to_text(html) == "a b\u00adc\n\nde"


def test_br_is_a_line_break_and_pre_keeps_lines():
    assert html_to_text("one<br>two<br/>three") == "one\ntwo\nthree"
    assert html_to_text("<pre>line 1\n  line 2</pre>") == "line 1\nline 2"


def test_plain_text_keeps_markup_characters():
    assert plain_text("History of the <blink> tag &amp; more") == "History of the <blink> tag &amp; more"
    assert plain_text(" a \n\n\n\n b ") == "a\n\nb"
    assert plain_text("") == ""


def test_malformed_html_never_raises():
    for html in ["<p><b>unclosed", "</p></div>stray closers", "<a href='x", "<<<>>>", "<p>" * 500, "&#xfffffff; &#0;"]:
        assert isinstance(html_to_text(html), str)
