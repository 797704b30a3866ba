"""A document declared UTF-8 stays UTF-8 when a few bytes are not (issue 15, item 14).

Before the fix, a UTF-8 feed with more stray bytes than valid non-ASCII characters was handed to
charset detection, which read the whole document as windows-1251: a valid "’" became "тАЩ".
"""

from __future__ import annotations

import pytest

from producers.charsets import decode_xml

GOOD = "It’s a test"  # one valid non-ASCII character (3 bytes in UTF-8)


def document(declaration: str, stray: bytes) -> bytes:
    return (f'<?xml version="1.0"{declaration}?><rss><channel><title>'.encode()
            + GOOD.encode("utf-8") + b" " + stray + b"</title></channel></rss>")


@pytest.mark.parametrize("declaration", [' encoding="utf-8"', ' encoding="UTF-8"'])
@pytest.mark.parametrize("stray", [b"\xe9\xe8\xe0", b"\xff\xfe\xfd\xfc", b"\x92\x93\x94\x96\x97"])
def test_declared_utf8_keeps_its_valid_characters(declaration: str, stray: bytes) -> None:
    text, note = decode_xml(document(declaration, stray), {})
    assert GOOD in text
    assert note is not None and "not UTF-8" in note


def test_utf8_declared_in_the_content_type_counts_too() -> None:
    text, _ = decode_xml(document("", b"\xe9\xe8\xe0\xe7"), {"content-type": "application/rss+xml; charset=utf-8"})
    assert GOOD in text


def test_an_undeclared_legacy_document_is_still_detected() -> None:
    russian = "Новости дня: правительство объявило о новых мерах поддержки экономики и граждан страны."
    body = ('<?xml version="1.0"?><rss><channel><title>' + russian + "</title></channel></rss>").encode("cp1251")
    text, _ = decode_xml(body, {})
    assert russian in text
