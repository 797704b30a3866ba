"""Files people write and hand to newsflow (the config file, the feeds registry, labelled sets),
read with one-line errors that name them: `read_text` for any of them, `load_yaml` for YAML,
`user_path` for a path they name (with `~`).

`load_yaml` refuses a document nested deeper than `MAX_DEPTH` before PyYAML builds it: PyYAML
composes nested collections recursively, so `[[[[...]]]]` a few thousand levels deep raised a
RecursionError, and on CPython 3.11 a RecursionError caught can leave the compiler's recursion
counter wrong, so that every later `compile()` in the process fails with a SystemError. The
depth is counted on PyYAML's event stream, which is produced without recursion.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from newsflow.errors import ConfigError

__all__ = ["MAX_DEPTH", "TooDeep", "check_config_file", "load_yaml", "read_text", "user_path"]

MAX_DEPTH = 100  # far beyond any real config or registry (they nest 3 levels)

_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class TooDeep(ValueError):
    """A YAML document nested deeper than `MAX_DEPTH` lists or mappings."""


def read_text(path: Path | str, where: str | None = None) -> str:
    """The file's text; a `ConfigError` starting with `where` (default: the path) when it is
    missing, not UTF-8, a folder or not readable."""
    where = where or str(path)
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{where}: no such file") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: not UTF-8 text") from None
    except OSError as exc:  # a folder, no permission
        raise ConfigError(f"{where}: cannot be read: {exc.strerror}") from None


def user_path(text: str) -> Path:
    """A path as people write it, `~` and `~user` expanded; a `ConfigError` when `~user` names
    no user (pathlib raises RuntimeError: "Could not determine home directory") or when it holds
    a NUL character (no file system has such a name; every call on it raises ValueError)."""
    if "\x00" in text:
        raise ConfigError(f"{text!r}: a path cannot hold a NUL character")
    try:
        return Path(text).expanduser()
    except RuntimeError:
        raise ConfigError(f"{text!r}: {text.split('/', 1)[0]!r} names no user with a home folder") from None


def load_yaml(text: str) -> Any:
    """`yaml.safe_load(text)`, or `TooDeep` / `yaml.YAMLError`."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, _OPEN):
            depth += 1
            if depth > MAX_DEPTH:
                raise TooDeep(f"nests lists or mappings too deeply (over {MAX_DEPTH} levels)")
        elif isinstance(event, _CLOSE):
            depth -= 1
    return yaml.safe_load(text)


def check_config_file() -> None:
    """NEWSFLOW_CONFIG read once before the settings are: a path that names no file is a mistake
    to report, not a reason to run on the defaults (pydantic-settings skips a missing YAML file
    without a word), and a file that is not a YAML mapping an error naming it, not a traceback."""
    config_file = os.environ.get("NEWSFLOW_CONFIG")
    if not config_file:
        return
    where = f"config file {config_file}"
    text = read_text(config_file, where)
    try:
        data = load_yaml(text)
    except TooDeep as exc:
        raise ConfigError(f"{where}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        position = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ConfigError(f"{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}{position}") from None
    if data is not None and not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping of settings (kafka:, elasticsearch:, ...), got a {type(data).__name__}")
