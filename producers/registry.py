"""The feed registry: a YAML file of feeds, edited in place (OPML import and export: `producers.opml`).

The file::

    # Comments at the top are kept when newsflow edits the file.
    feeds:
      - url: https://example.org/rss          # an http(s) URL...
        name: Example
        tags: [world, politics]
        language: en                          # a hint, used when the feed declares none
        min_interval_s: 600                   # poll no more often than this (default: settings)
        max_interval_s: 7200                  # ...nor less often than this
        enabled: false
      - local/feed.xml                        # ...or a file path, relative to this file's folder

Two forms of the same file:

- `read_registry` gives the entries as written (a file path stays as the text in the file): the
  form to edit and to hand back to `save_registry`.
- `load_registry` gives them ready to poll (file paths absolute, every entry checked): the form
  the producer uses. A feed's identity (`FeedSpec.id`) is taken from this form.

`save_registry` replaces the file atomically (a temporary file in the same folder, then
`os.replace`), so a producer reading it sees the old list or the new one, never half of one.
It keeps the leading comment block, any other top-level keys, and every entry it was not asked
to change exactly as it was read (only comments between entries are lost).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

import yaml
from pydantic import ValidationError

from newsflow.errors import ConfigError
from newsflow.redaction import redact_url
from newsflow.settings.user_files import TooDeep, load_yaml, user_path
from producers.base import FeedSpec

__all__ = [
    "add_feed",
    "check_feed_url",
    "find_feed",
    "load_registry",
    "localize_path",
    "read_registry",
    "remove_feed",
    "save_registry",
    "update_feed",
]

_NEW_FILE_HEADER = """\
# The feeds newsflow polls. Edit by hand or with `newsflow feeds add|remove|import-opml`;
# comments at the top of this file are kept when newsflow rewrites it.
# Each entry: url (an http(s) URL, or a file path relative to this file), and optionally
# name, tags, language (a hint), min_interval_s, max_interval_s and enabled.
"""
_FIELDS = tuple(FeedSpec.model_fields)
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass
class _Document:
    """A registry file as read: what to keep around the entries when it is written back."""

    header: str  # the leading comment block, verbatim ("" when none)
    top: dict[str, Any]  # the top-level mapping, "feeds" included (its raw entries)
    entries: list[Any]  # the raw YAML entries, in order (a mapping, or a bare URL string)
    specs: list[FeedSpec]  # one per entry, urls as written
    exists: bool


def _read_document(path: Path, *, missing_ok: bool) -> _Document:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return _Document(header=_NEW_FILE_HEADER, top={"feeds": []}, entries=[], specs=[], exists=False)
        raise ConfigError(f"feeds file not found: {path}", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"feeds file {path} is not UTF-8 text (byte {exc.start})", path=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read feeds file {path}: {exc.strerror}", path=str(path)) from None
    try:
        document = load_yaml(text)
    except TooDeep as exc:
        raise ConfigError(f"feeds file {path} {exc}", path=str(path)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"feeds file {path} is not valid YAML: {_yaml_problem(exc)}", path=str(path)) from None
    if document is None:  # empty, or comments only
        document = {"feeds": []}
    if not isinstance(document, dict) or "feeds" not in document:
        raise ConfigError(f"feeds file {path} must hold a list under 'feeds:'", path=str(path))
    if document["feeds"] is None:  # "feeds:" and nothing under it
        document["feeds"] = []
    entries = document["feeds"]
    if not isinstance(entries, list):
        raise ConfigError(f"feeds file {path} must hold a list under 'feeds:'", path=str(path))
    specs = [_parse_entry(entry, path, position) for position, entry in enumerate(entries, start=1)]
    return _Document(header=_leading_comments(text), top=document, entries=entries, specs=specs, exists=True)


def _parse_entry(entry: Any, path: Path, position: int) -> FeedSpec:
    where = f"feeds file {path}, feed #{position}"
    if isinstance(entry, str):
        entry = {"url": entry}
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a URL or a mapping with 'url:', got {type(entry).__name__}", path=str(path))
    if isinstance(entry.get("url"), str):
        where += f" ({entry['url'].strip()})"
    unknown = sorted(str(key) for key in entry if key not in _FIELDS)
    if unknown:
        raise ConfigError(f"{where}: unknown option {', '.join(map(repr, unknown))} (known: {', '.join(_FIELDS)})",
                          path=str(path), position=position)
    if isinstance(entry.get("tags"), str):  # "tags: world, politics" means two tags
        entry = {**entry, "tags": [t.strip() for t in entry["tags"].split(",") if t.strip()]}
    if isinstance(entry.get("url"), str):
        entry = {**entry, "url": entry["url"].strip()}
    try:
        spec = FeedSpec.model_validate(entry)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        raise ConfigError(f"{where}: {field}: {error['msg']}" if field else f"{where}: {error['msg']}",
                          path=str(path), position=position) from None
    _check_bounds(spec, where)
    return spec


def read_registry(path: Path, *, missing_ok: bool = False) -> list[FeedSpec]:
    """The feeds of the registry as written in the file (a relative file path stays relative).

    The form to edit and to hand back to `save_registry`. With `missing_ok`, a missing file is
    an empty registry.
    """
    return list(_read_document(path, missing_ok=missing_ok).specs)


def load_registry(path: Path) -> list[FeedSpec]:
    """The feeds of the registry, ready to poll: ``feeds: [{url: ..., name: ...}, ...]``.

    Relative file paths are resolved against the registry file's folder, so the examples work
    from any working directory. Every entry is checked (known options, an http(s) URL or a file
    path, interval bounds in order, no URL twice); a `ConfigError` names the file and the entry.
    A feed file that does not exist (yet) is not an error here: polling it reports it.
    """
    path = Path(path)
    feeds = []
    seen: dict[str, int] = {}
    for position, spec in enumerate(read_registry(path), start=1):
        where = f"feeds file {path}, feed #{position} ({redact_url(spec.url)})"
        _check_scheme(spec.url, where)
        resolved = resolve_relative(spec, path.parent)
        key = url_key(resolved.url)
        if key in seen:
            raise ConfigError(f"{where}: the same feed as feed #{seen[key]}", path=str(path), position=position)
        seen[key] = position
        feeds.append(resolved)
    return feeds


def resolve_relative(feed: FeedSpec, base: Path) -> FeedSpec:
    if "://" in feed.url:
        return feed
    resolved = (base / user_path(feed.url)).resolve()
    return feed.model_copy(update={"url": str(resolved)})


# ---------------------------------------------------------------------------------------------
# Writing


def save_registry(path: Path, feeds: Iterable[FeedSpec]) -> None:
    """Write `feeds` as the registry, atomically, keeping what the file had around them.

    Pass the feeds as `read_registry` gives them. An entry equal to one already in the file is
    written exactly as it was; an absolute path that is how the file's relative path resolves
    (as `load_registry` gives it) is written back as that relative path. The leading comment
    block and other top-level keys are kept; a new file gets a short explanatory header.
    """
    path = Path(path)
    document = _read_document(path, missing_ok=True)
    feeds = list(feeds)
    as_written = {}  # resolved url -> the url text of the file
    originals = {}  # spec as written -> its raw YAML entry
    for spec, entry in zip(document.specs, document.entries, strict=True):
        as_written.setdefault(resolve_relative(spec, path.parent).url, spec.url)
        originals.setdefault(spec, entry)
    entries = []
    seen: dict[str, int] = {}
    for position, spec in enumerate(feeds, start=1):
        if spec.url in as_written:
            spec = spec.model_copy(update={"url": as_written[spec.url]})
        where = f"feed #{position} ({redact_url(spec.url)})"
        _check_scheme(spec.url, where)
        _check_bounds(spec, where)
        key = url_key(resolve_relative(spec, path.parent).url)
        if key in seen:
            raise ConfigError(f"{where}: the same feed as feed #{seen[key]}", position=position)
        seen[key] = position
        entries.append(originals[spec] if spec in originals else _entry(spec))
    top = dict(document.top)
    top["feeds"] = entries
    body = yaml.dump(top, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=110)
    header = document.header
    if header and not header.endswith("\n"):
        header += "\n"
    _write_atomically(path, (header + body).encode("utf-8"))


def _entry(spec: FeedSpec) -> dict[str, Any]:
    """A new entry: the url, then only the options that differ from the defaults."""
    entry: dict[str, Any] = {"url": spec.url}
    for key, value in spec.model_dump(exclude_defaults=True, exclude={"url"}).items():
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        entry[key] = value
    return entry


class _Dumper(yaml.SafeDumper):
    """Block lists indented under their key (as people write them); short scalar lists inline."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    inline = all(isinstance(item, str | int | float | bool) for item in data) and len(repr(data)) < 80
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=inline)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(tuple, _represent_list)


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` by `data`: a temporary file in the same folder, flushed, then renamed over it.

    A symlink is followed (the file it points to is replaced, the link stays); the file keeps its
    permission bits and, where the writer may, its owner.
    """
    target = Path(os.path.realpath(path))
    try:
        previous = target.stat()
    except FileNotFoundError:
        previous = None
    except OSError as exc:
        raise ConfigError(f"cannot write feeds file {path}: {exc.strerror}", path=str(path)) from None
    temporary = None
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if previous is not None:
            os.chmod(temporary, stat.S_IMODE(previous.st_mode))
            if hasattr(os, "chown") and (previous.st_uid, previous.st_gid) != (os.getuid(), os.getgid()):
                with contextlib.suppress(OSError):
                    os.chown(temporary, previous.st_uid, previous.st_gid)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        raise ConfigError(f"cannot write feeds file {path}: {exc.strerror or exc}", path=str(path)) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    with contextlib.suppress(OSError):  # make the rename itself durable
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


# ---------------------------------------------------------------------------------------------
# Editing


def add_feed(path: Path, spec: FeedSpec) -> FeedSpec:
    """Append a feed to the registry (created when missing) and return it as written.

    The URL must be an http(s) URL or an existing file (a relative path is relative to the
    registry's folder, as in the file). A URL already in the registry is refused.
    """
    path = Path(path)
    spec = checked_new(spec, path)
    feeds = read_registry(path, missing_ok=True)
    key = url_key(resolve_relative(spec, path.parent).url)
    for position, existing in enumerate(feeds, start=1):
        if url_key(resolve_relative(existing, path.parent).url) == key:
            label = f" ({existing.name})" if existing.name else ""
            raise ConfigError(f"{redact_url(spec.url)} is already in {path}: feed #{position}{label}", path=str(path),
                              feed=redact_url(spec.url))
    save_registry(path, [*feeds, spec])
    return spec


def find_feed(path: Path, url_or_name: str) -> FeedSpec:
    """The one feed of the registry with this URL (as written, or the same feed) or this name."""
    feeds = read_registry(path)
    return feeds[_find(feeds, Path(path), url_or_name)]


def remove_feed(path: Path, url_or_name: str) -> FeedSpec:
    """Remove the feed with this URL or name from the registry and return it (as it was written)."""
    path = Path(path)
    feeds = read_registry(path)
    removed = feeds.pop(_find(feeds, path, url_or_name))
    save_registry(path, feeds)
    return removed


def update_feed(path: Path, url_or_name: str, **changes: Any) -> FeedSpec:
    """Change options of one feed in place (for example ``enabled=False``, or ``url=`` where its
    publisher moved it for good) and return it as written now."""
    path = Path(path)
    feeds = read_registry(path)
    position = _find(feeds, path, url_or_name)
    try:
        updated = FeedSpec.model_validate({**feeds[position].model_dump(), **changes})
    except ValidationError as exc:
        error = exc.errors()[0]
        raise ConfigError(f"cannot update {url_or_name}: {'.'.join(map(str, error['loc']))}: {error['msg']}") from None
    if updated.url != feeds[position].url:
        updated = checked_new(updated, path)
    feeds[position] = updated
    save_registry(path, feeds)
    return updated


def _find(feeds: Sequence[FeedSpec], path: Path, url_or_name: str) -> int:
    wanted = url_or_name.strip()
    by_url = [i for i, f in enumerate(feeds) if f.url == wanted]
    if not by_url:
        key = url_key(resolve_relative(FeedSpec(url=wanted or "-"), path.parent).url)
        by_url = [i for i, f in enumerate(feeds) if url_key(resolve_relative(f, path.parent).url) == key]
    matches = by_url or [i for i, f in enumerate(feeds) if f.name == wanted]
    if not matches:
        raise ConfigError(f"no feed with URL or name {wanted!r} in {path}", path=str(path), feed=wanted)
    if len(matches) > 1:
        urls = ", ".join(feeds[i].url for i in matches)
        raise ConfigError(f"{len(matches)} feeds match {wanted!r} in {path} ({urls}): give the URL", path=str(path))
    return matches[0]


def checked_new(spec: FeedSpec, registry: Path) -> FeedSpec:
    """A feed about to enter the registry: URL normalized and checked, options checked."""
    url = check_feed_url(spec.url, base=Path(registry).parent)
    where = f"feed {redact_url(url)}"
    if spec.language is not None and not LANGUAGE_TAG.match(spec.language):
        raise ConfigError(f"{where}: language {spec.language!r} is not a language tag such as 'en' or 'pt-BR'")
    bad_tags = [t for t in spec.tags if not t.strip() or "," in t]
    if bad_tags:
        raise ConfigError(f"{where}: tag {bad_tags[0]!r} is empty or holds a comma")
    _check_bounds(spec, where)
    tags = tuple(dict.fromkeys(t.strip() for t in spec.tags))
    name = spec.name.strip() if spec.name and spec.name.strip() else None
    return spec.model_copy(update={"url": url, "tags": tags, "name": name})


# ---------------------------------------------------------------------------------------------
# Checks


def check_feed_url(url: str, *, base: Path) -> str:
    """An http(s) URL, or the path of an existing file (relative to `base`): returned normalized.

    ``feed://host/x`` and ``feed:https://host/x`` (old browser conventions) become http(s) URLs;
    ``file:`` URLs and paths must name an existing file. Anything else is a `ConfigError`.
    """
    url = url.strip()
    if not url:
        raise ConfigError("empty feed URL")
    scheme = _split(url).scheme.lower()
    if scheme == "feed":  # feed://host/path, feed:https://host/path
        rest = url[len("feed:"):]
        url = rest if rest.lower().startswith(("http://", "https://")) else "http:" + rest
        scheme = _split(url).scheme.lower()
    if scheme in ("http", "https"):
        parts = _split(url)
        if not parts.hostname:
            raise ConfigError(f"feed URL {url!r} has no host")
        if any(ch.isspace() for ch in url):
            raise ConfigError(f"feed URL {url!r} holds white space (encode it as %20)")
        return url
    if scheme == "file":
        parts = _split(url)
        if parts.netloc not in ("", "localhost"):
            raise ConfigError(f"feed URL {url!r} names a file on another host; only local files can be read")
        file = Path(unquote(parts.path))
        if not file.is_file():
            raise ConfigError(f"feed file not found: {file} (from {url})")
        return url
    file = base / user_path(url)
    if scheme and not file.exists():  # "feeds:2024.xml" is a file name when such a file exists
        hint = "" if "//" in url else f" (for a web feed give the whole URL, e.g. https://{url})"
        raise ConfigError(f"unsupported feed URL scheme {scheme!r} in {url!r}: give an http(s) URL or a local file path{hint}")
    if file.is_dir():
        raise ConfigError(f"{file} is a folder, not a feed file")
    if not file.is_file():
        hint = ""
        first = url.split("/", 1)[0]
        if not Path(url).is_absolute() and "." in first.strip(".") and not first.endswith((".xml", ".rss", ".atom", ".json")):
            hint = f"; for a web feed give the whole URL, e.g. https://{url}"
        where = "" if Path(url).is_absolute() else f" (a relative path is relative to {os.path.abspath(base)})"
        raise ConfigError(f"feed file not found: {url}{where}{hint}")
    return url


def _split(url: str) -> SplitResult:
    """`urlsplit`; its ValueError (``http://[::1``, an unclosed IPv6 address) is a bad entry's error."""
    try:
        return urlsplit(url)
    except ValueError as exc:
        raise ConfigError(f"feed URL {redact_url(url)!r} cannot be parsed: {exc}") from None


def _check_scheme(url: str, where: str) -> None:
    scheme = _split(url).scheme.lower()
    if "://" in url and scheme not in ("http", "https", "file"):
        raise ConfigError(f"{where}: unsupported URL scheme {scheme!r}: give an http(s) URL or a local file path")


def _check_bounds(spec: FeedSpec, where: str) -> None:
    if spec.min_interval_s is not None and spec.max_interval_s is not None and spec.min_interval_s > spec.max_interval_s:
        raise ConfigError(f"{where}: min_interval_s ({spec.min_interval_s:g}) is above max_interval_s ({spec.max_interval_s:g})")


def url_key(url: str) -> str:
    """What makes two registry URLs the same feed: scheme and host case and the fragment do not
    count; file paths compare resolved."""
    parts = _split(url)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return urlunsplit((scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))
    if scheme == "file":
        return str(Path(unquote(parts.path)).resolve())
    return str(Path(url).resolve())


def localize_path(url: str, *, origin: Path, registry: Path) -> str:
    """A relative file path given relative to `origin` (the working directory, an OPML file's
    folder), rewritten as the registry understands it: relative to the registry's folder when the
    file is inside it, absolute otherwise. URLs, absolute paths and paths that do not exist from
    `origin` come back unchanged."""
    url = url.strip()
    if _split(url).scheme or not url or Path(url).is_absolute() or url.startswith("~"):
        return url
    file = Path(os.path.abspath(Path(origin) / url))
    if not file.exists():
        return url
    folder = Path(os.path.abspath(Path(registry).parent))
    try:
        return file.relative_to(folder).as_posix()
    except ValueError:
        return str(file)


# ---------------------------------------------------------------------------------------------
# Helpers


def _leading_comments(text: str) -> str:
    """The comment block at the top of a YAML file (comment and blank lines before any content)."""
    kept = []
    for line in text.splitlines(keepends=True):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        kept.append(line)
    return "".join(kept)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """One line for a YAML error (PyYAML's own message spans several, with a source excerpt)."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        return f"{exc.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return " ".join(str(exc).split())
