from newsflow.text import html_to_text


def test_inline_tags_do_not_split_sentences_and_blocks_become_paragraphs():
    html = "<p>Hello <b>big</b> <a href='x'>world</a>.</p><p>Second&nbsp;one<br>line two</p><script>x()</script>"
    assert html_to_text(html) == "Hello big world.\n\nSecond one\nline two"


def test_plain_text_is_only_tidied():
    assert html_to_text("  a   b \n\n\n c ") == "a b\n\nc"
    assert html_to_text("") == ""
