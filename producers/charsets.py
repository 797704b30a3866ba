"""Feed bytes to text: the character encoding settled before feedparser sees a document.

feedparser follows RFC 3023 to the letter (``text/xml`` without a charset is US-ASCII, no
Content-Type at all is ISO-8859-1) and falls back to windows-1252 for a whole document over one
bad byte, which turns real feeds into mojibake; `decode_xml` decides as browsers do.
`without_invalid_char_refs` replaces character references to code points that are no
characters (``&#xD800;``), on which feedparser's fallback parser raises and loses the feed.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

__all__ = ["decode_xml", "without_invalid_char_refs"]

_XML_ENCODING = re.compile(rb"<\?xml\b[^>]{0,200}?\bencoding\s*=\s*[\"']\s*([A-Za-z0-9._:()-]{1,40})\s*[\"']")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9._:()-]+)", re.IGNORECASE)
_UTF8_NAMES = {"utf_8", "utf_8_sig", "utf-8", "utf-8-sig"}  # as written here, and as codecs.lookup names them
# The encoding a label means in practice (WHATWG Encoding): Latin-1 and ASCII labels are read as
# windows-1252, the national standards as their Microsoft supersets.
_SUPERSETS = {
    "ascii": "cp1252",
    "latin_1": "cp1252",
    "iso8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
    "tis_620": "cp874",
    "iso8859-11": "cp874",
}
# A detector's guess is trusted only for scripts other than Latin: between Latin code pages its
# guess on a short text is a coin toss (Spanish "ñ" read as cp1250 "ń"); windows-1252 is then
# the better bet, as browsers make it.
_DETECTED_SCRIPTS = {
    codecs.lookup(name).name
    for name in (
        "big5", "big5hkscs", "cp950", "gb2312", "gbk", "gb18030", "hz", "euc_jp", "euc_jis_2004", "euc_jisx0213",
        "shift_jis", "shift_jis_2004", "shift_jisx0213", "cp932", "iso2022_jp", "euc_kr", "cp949", "johab",
        "iso2022_kr", "koi8_r", "koi8_u", "cp1251", "iso8859_5", "mac_cyrillic", "cp866", "cp855", "cp1125",
        "kz1048", "ptcp154", "iso8859_7", "cp1253", "mac_greek", "cp737", "cp869", "iso8859_8", "cp1255",
        "cp862", "iso8859_6", "cp1256", "cp864", "cp720", "tis_620", "cp874", "iso8859_11",
    )
}  # fmt: skip


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    # The five bytes windows-1252 leaves undefined become the C1 controls they are in Latin-1.
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    # A byte that is not UTF-8 in a UTF-8 document: almost always a windows-1252 character
    # pasted in (a curly quote from a word processor).
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="newsflow.latin1"), error.end


codecs.register_error("newsflow.latin1", _latin1_fallback)
codecs.register_error("newsflow.cp1252", _cp1252_fallback)


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("'\"")).name
    except LookupError:
        return None


def _decode_as(data: bytes, codec: str) -> tuple[str, str] | None:
    """The text and the codec that decoded it: the label's superset, else the label's own."""
    superset = _SUPERSETS.get(codec, codec)
    for name in dict.fromkeys((superset, codec)):
        try:
            return data.decode(name, errors="newsflow.latin1" if name == "cp1252" else "strict"), name
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _utf_without_bom(head: bytes) -> str | None:
    # XML sniffing (XML 1.0 appendix F) without a BOM: the first character, "<" or white
    # space, shows which bytes are zero.
    if len(head) < 4 or 0 not in head[:4]:
        return None
    if head[0] == 0 and head[1] == 0:
        return "utf-32-be"
    if head[2] == 0 and head[3] == 0 and head[1] == 0:
        return "utf-32-le"
    return "utf-16-be" if head[0] == 0 else "utf-16-le" if head[1] == 0 else None


def decode_xml(body: bytes, headers: Mapping[str, str]) -> tuple[str, str | None]:
    """The text of an XML document, and a note when its declared encoding was overruled.

    In order: a BOM (UTF-8/16/32), UTF-16/32 by its zero bytes; a body that is valid UTF-8 is
    UTF-8, whatever it declares (UTF-8 bytes declared ISO-8859-1 are a common server error, and
    legacy text is practically never valid UTF-8); else the charset of the Content-Type, else
    the XML declaration; a UTF-8 document with a few stray bytes keeps its UTF-8 and reads
    those bytes as windows-1252; an undeclared legacy document is detected
    (charset_normalizer, when installed) for non-Latin scripts, else read as windows-1252.
    """
    for bom, codec in (
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
    ):
        if body.startswith(bom):
            body = body[len(bom) :]
            if codec == "utf-8":
                return _decode_utf8(body, declared="utf_8")
            return body.decode(codec, errors="replace"), None
    sniffed = _utf_without_bom(body[:4])
    if sniffed:
        return body.decode(sniffed, errors="replace"), None
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    content_type = headers.get("content-type", "")
    http_match = _CHARSET.search(content_type.partition(";")[2])
    xml_match = _XML_ENCODING.search(body[:1024])
    http_codec = _codec(http_match.group(1)) if http_match else None
    xml_codec = _codec(xml_match.group(1).decode("ascii")) if xml_match else None
    for declared in (http_codec, xml_codec):
        if declared and declared not in _UTF8_NAMES and not declared.startswith(("utf_16", "utf_32")):
            decoded = _decode_as(body, declared)
            if decoded is not None:
                return decoded[0], None
    return _decode_utf8(body, declared=http_codec or xml_codec)


_INVALID_BYTE = re.compile("[\udc80-\udcff]")


def _decode_utf8(body: bytes, *, declared: str | None) -> tuple[str, str | None]:
    """A document that should be UTF-8 (declared so, or not declared at all: XML's default)."""
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    escaped = body.decode("utf-8", errors="surrogateescape")  # each bad byte: one lone surrogate
    invalid = len(_INVALID_BYTE.findall(escaped))
    valid_non_ascii = len(escaped) - len(escaped.encode("ascii", errors="ignore")) - invalid
    what = f"declared {declared}" if declared else "undeclared"
    # Declared UTF-8 (a BOM, the Content-Type or the XML declaration) is trusted: its valid
    # characters stay, however many stray bytes surround them. Only an undeclared document that
    # is mostly not UTF-8 goes to detection: read whole as another charset, a declared UTF-8
    # document turns every valid "’" into "тАЩ".
    if declared in _UTF8_NAMES or valid_non_ascii >= invalid:
        return body.decode("utf-8", errors="newsflow.cp1252"), f"encoding: {invalid} byte(s) not UTF-8, read as windows-1252"
    guess = _detect(body)
    text, codec = (guess and _decode_as(body, guess)) or (body.decode("cp1252", errors="newsflow.latin1"), "cp1252")
    return text, f"encoding: {what}, not UTF-8, read as {codec}"


def _detect(body: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: without it, undeclared legacy text is read as windows-1252
        return None
    best = from_bytes(body[:262144]).best()
    codec = _codec(best.encoding) if best is not None else None
    return codec if codec in _DETECTED_SCRIPTS else None


_CHAR_REF = re.compile(r"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));")


def without_invalid_char_refs(text: str) -> str:
    """`text` with each reference to a surrogate, NUL or a number past U+10FFFF as ``&#xFFFD;``
    (the replacement character): one bad reference must not cost the whole feed."""
    if "&#" not in text:
        return text
    return _CHAR_REF.sub(_valid_char_ref, text)


def _valid_char_ref(match: re.Match[str]) -> str:
    hexadecimal, decimal = match.groups()
    digits = (hexadecimal or decimal).lstrip("0")
    if len(digits) > 8:  # past U+10FFFF however it is read (and int() refuses 4,300 digits)
        return "&#xFFFD;"
    code = int(digits or "0", 16 if hexadecimal else 10)
    return match.group(0) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "&#xFFFD;"
