"""OPML subscription lists in and out of the feed registry (`producers.registry`).

`import_opml` adds the feeds of an OPML document to the registry file (one atomic write, through
`save_registry`) and says what it did in an `ImportReport`; `export_opml` writes feeds as an
OPML 2.0 list any feed reader takes. What OPML has no standard attribute for (interval bounds,
enabled) travels in newsflow's own namespace, `OPML_NAMESPACE`, so an export loses nothing.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from pydantic import ValidationError

from newsflow.errors import ConfigError
from producers.base import FeedSpec
from producers.registry import (
    LANGUAGE_TAG,
    checked_new,
    localize_path,
    read_registry,
    resolve_relative,
    save_registry,
    url_key,
)

__all__ = ["OPML_NAMESPACE", "ImportReport", "export_opml", "import_opml"]

#: Namespace of the outline attributes that OPML has no standard name for (interval bounds,
#: enabled). Other readers ignore them; `import_opml` reads them back, so an export loses nothing.
OPML_NAMESPACE = "urn:x-newsflow:opml:1"

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


@dataclass(frozen=True)
class ImportReport:
    """What `import_opml` did: feeds added, skipped as already present, and refused (with why)."""

    added: tuple[FeedSpec, ...] = ()
    duplicates: tuple[FeedSpec, ...] = ()  # already in the registry, or twice in the list
    refused: tuple[tuple[str, str], ...] = ()  # (url, reason): nothing newsflow can poll

    @property
    def found(self) -> int:
        return len(self.added) + len(self.duplicates) + len(self.refused)


def import_opml(path: Path, opml: bytes | str | os.PathLike[str]) -> ImportReport:
    """Add the feeds of an OPML subscription list to the registry (created when missing).

    `opml` is the document's bytes or the path of an OPML file. Each feed outline becomes a feed:
    its title its name, the folders it sits in (every level) and its categories its tags; the
    language, interval bounds and enabled flag that `export_opml` writes come back too. Feeds
    already in the registry are skipped and reported, as are URLs newsflow cannot poll (other
    schemes, missing files); the rest are added in one atomic write. A document that is not OPML
    is a `ConfigError`.
    """
    import listparser  # imported here: only OPML commands need it

    path = Path(path)
    if isinstance(opml, bytes):
        raw, origin, source = opml, path.parent, "OPML document"
    else:
        opml_path = Path(opml)
        try:
            raw = opml_path.read_bytes()
        except FileNotFoundError:
            raise ConfigError(f"OPML file not found: {opml_path}", path=str(opml_path)) from None
        except OSError as exc:
            raise ConfigError(f"cannot read OPML file {opml_path}: {exc.strerror}", path=str(opml_path)) from None
        origin, source = opml_path.parent, f"OPML file {opml_path}"
    text = _opml_text(raw, source)
    # Always bytes: listparser fetches a str that starts with http(s):// as a URL. ASCII with
    # character references: where lxml is installed listparser parses with lxml's HTML parser,
    # which reads undeclared bytes as Latin-1 whatever the XML declaration says.
    parsed = listparser.parse(text.encode("ascii", "xmlcharrefreplace"))
    # listparser's `bozo` flags small defects it read past (a dateCreated that is not RFC 822): not
    # a reason to refuse a subscription list. What is not OPML at all has no version.
    if not str(parsed.get("version", "")).startswith("opml"):
        raise ConfigError(f"{source} is not OPML (no <opml> document element)")
    extras = _outline_extras(text)

    feeds = read_registry(path, missing_ok=True)
    seen = {url_key(resolve_relative(f, path.parent).url) for f in feeds}
    added: list[FeedSpec] = []
    duplicates: list[FeedSpec] = []
    refused: list[tuple[str, str]] = []
    for item in parsed.feeds:
        url = str(item.get("url", "")).strip()
        if not url:
            continue
        title = str(item.get("title", "")).strip()
        # Every folder level and every category is a tag; a comma or a slash inside one (a folder
        # named "World/Europe") is a space, as an export writes it: OPML splits categories on both.
        tags = tuple(dict.fromkeys(filter(None, (
            _tag_text(part) for category in item.get("categories", []) for part in category))))
        options = extras.get(url, {})
        try:
            spec = FeedSpec(url=localize_path(url, origin=origin, registry=path),
                            name=title if title and title != url else None, tags=tags, **options)
            spec = checked_new(spec, path)
        except ConfigError as exc:
            refused.append((url, str(exc)))
            continue
        except ValidationError as exc:
            error = exc.errors()[0]
            refused.append((url, f"{'.'.join(map(str, error['loc']))}: {error['msg']}"))
            continue
        key = url_key(resolve_relative(spec, path.parent).url)
        if key in seen:
            duplicates.append(spec)
            continue
        seen.add(key)
        added.append(spec)
    if added:
        save_registry(path, [*feeds, *added])
    return ImportReport(added=tuple(added), duplicates=tuple(duplicates), refused=tuple(refused))


def _tag_text(tag: str) -> str:
    """A tag as OPML can carry it: its commas and slashes (category separators) as spaces."""
    return " ".join(tag.replace(",", " ").replace("/", " ").split())


def _opml_text(raw: bytes, source: str) -> str:
    """The document as text, whatever its encoding (BOM, else UTF-8, else the declared one),
    without its XML declaration (which would name the encoding it no longer has)."""
    if not raw.strip():
        raise ConfigError(f"{source} is empty")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            raw, encodings = raw[len(bom):], [encoding]
            break
    else:
        # UTF-8 first: text in a legacy encoding is practically never valid UTF-8, while a UTF-8
        # document that declares ISO-8859-1 (it happens) decodes wrongly but without error.
        declared = _DECLARED_ENCODING.match(raw)
        encodings = ["utf-8"] + ([declared.group(1).decode("ascii")] if declared else [])
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    else:
        raise ConfigError(f"{source} is not text in UTF-8 or the encoding it declares")
    return _XML_DECLARATION.sub("", text, count=1)


def _outline_extras(text: str) -> dict[str, dict[str, Any]]:
    """The feed options listparser does not read, by feed URL: the standard `language` attribute
    and newsflow's own (interval bounds, enabled). Best effort: an ill-formed document (which
    listparser still reads) or one with a DTD (entities) just yields none."""
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        return {}
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return {}
    extras: dict[str, dict[str, Any]] = {}
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if not url or url in extras:
            continue
        options: dict[str, Any] = {}
        language = (outline.get("language") or "").strip()
        if language and LANGUAGE_TAG.match(language):
            options["language"] = language
        for attribute, field in (("minInterval", "min_interval_s"), ("maxInterval", "max_interval_s")):
            value = outline.get(f"{{{OPML_NAMESPACE}}}{attribute}")
            with contextlib.suppress(TypeError, ValueError):
                if value is not None and float(value) > 0:
                    options[field] = float(value)
        if (outline.get(f"{{{OPML_NAMESPACE}}}enabled") or "").strip().lower() == "false":
            options["enabled"] = False
        extras[url] = options
    return extras


def export_opml(feeds: Iterable[FeedSpec], *, title: str = "newsflow feeds") -> bytes:
    """The feeds as an OPML 2.0 subscription list (UTF-8), for any feed reader, and for `import_opml`.

    Each feed is an ``<outline type="rss">`` with text and title (its name, else its URL),
    xmlUrl, category (its tags, comma-separated, a comma or slash inside one written as a space) and language; interval bounds and a disabled
    flag are kept in newsflow's own namespace, which other readers ignore. Pass the feeds as
    `load_registry` gives them, so file paths are absolute and mean the same from anywhere.
    """
    ElementTree.register_namespace("newsflow", OPML_NAMESPACE)
    opml = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(opml, "head")
    ElementTree.SubElement(head, "title").text = title
    body = ElementTree.SubElement(opml, "body")
    for feed in feeds:
        label = feed.name or feed.url
        outline = ElementTree.SubElement(body, "outline", type="rss", text=label, title=label, xmlUrl=feed.url)
        if feed.tags:
            outline.set("category", ",".join(filter(None, map(_tag_text, feed.tags))))
        if feed.language:
            outline.set("language", feed.language)
        if feed.min_interval_s is not None:
            outline.set(f"{{{OPML_NAMESPACE}}}minInterval", f"{feed.min_interval_s:g}")
        if feed.max_interval_s is not None:
            outline.set(f"{{{OPML_NAMESPACE}}}maxInterval", f"{feed.max_interval_s:g}")
        if not feed.enabled:
            outline.set(f"{{{OPML_NAMESPACE}}}enabled", "false")
    ElementTree.indent(opml)
    return ElementTree.tostring(opml, encoding="utf-8", xml_declaration=True) + b"\n"
