"""Settings from files: `NEWSFLOW_<NAME>_FILE=/path` reads `NEWSFLOW_<NAME>` from a file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

__all__ = ["EnvWithFilesSource"]


class EnvWithFilesSource(PydanticBaseSettingsSource):
    """The environment, where `NEWSFLOW_<NAME>_FILE=/path` means: the value of `NEWSFLOW_<NAME>` is
    that file's content (a mounted secret: compose secrets, a Kubernetes Secret volume), so no
    password has to sit in an environment variable. A setting whose own name ends in _file
    (`producer.feeds_file`) is that setting, not an indirection; setting both a name and its _FILE
    is refused as ambiguous."""

    def __init__(self, settings_cls: type[BaseSettings], env: PydanticBaseSettingsSource) -> None:
        super().__init__(settings_cls)
        self._env = env

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # everything is done in __call__

    def __call__(self) -> dict[str, Any]:
        values = self._env()
        for name, path in os.environ.items():
            keys = self._indirection(name)
            if keys is None:
                continue
            parent = values
            for key in keys[:-1]:
                parent = parent.setdefault(key, {})
            parent.pop(keys[-1] + "_file", None)  # the env source read it as a setting of that name
            parent[keys[-1]] = _read_secret_file(name, path)
        return values

    def _indirection(self, name: str) -> list[str] | None:
        from newsflow.errors import ConfigError

        upper = name.upper()
        if not (upper.startswith("NEWSFLOW_") and upper.endswith("_FILE")):
            return None
        keys = upper.removeprefix("NEWSFLOW_").removesuffix("_FILE").lower().split("__")
        if _is_setting(self.settings_cls, [*keys[:-1], keys[-1] + "_file"]):
            return None
        if name[: -len("_FILE")] in os.environ:
            raise ConfigError(f"{name} and {name[: -len('_FILE')]} are both set: keep one")
        return keys


def _read_secret_file(name: str, path: str) -> str:
    from newsflow.errors import ConfigError

    try:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{name}: cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None


def _is_setting(model: Any, path: list[str]) -> bool:
    for key in path:
        fields = getattr(model, "model_fields", None)
        if not fields or key not in fields:
            return False
        model = fields[key].annotation
    return True
