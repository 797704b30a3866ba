"""The producer contract: what a feed is, what fetching one returns, how articles leave."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from newsflow.errors import ConfigError

__all__ = ["FeedSpec", "FetchedFeed", "Fetcher", "load_feeds"]


class FeedSpec(BaseModel):
    """One feed of the registry: an http(s) URL or a local file path."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(min_length=1)
    name: str | None = None
    tags: tuple[str, ...] = ()
    language: str | None = None
    enabled: bool = True


@dataclass(frozen=True)
class FetchedFeed:
    """The raw bytes of a feed and the response headers feedparser uses (content type, dates)."""

    url: str  # the URL finally fetched (after redirects)
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class Fetcher(Protocol):
    def fetch(self, feed: FeedSpec) -> FetchedFeed:
        """Fetch a feed; raises `newsflow.errors.FeedError` with one clear line on failure."""


def load_feeds(path: Path) -> list[FeedSpec]:
    """Read the feed registry: ``feeds: [{url: ..., name: ...}, ...]``.

    Relative file paths are resolved against the registry file's folder, so the examples work
    from any working directory.
    """
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"feeds file not found: {path}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"feeds file {path} is not valid YAML: {exc}") from None
    entries = document.get("feeds") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"feeds file {path} must hold a list under 'feeds:'")
    feeds = []
    for position, entry in enumerate(entries, start=1):
        if isinstance(entry, str):
            entry = {"url": entry}
        try:
            feed = FeedSpec.model_validate(entry)
        except ValidationError as exc:
            raise ConfigError(f"feeds file {path}, feed #{position}: {exc.errors()[0]['msg']}") from None
        feeds.append(_resolve_path(feed, path.parent))
    return feeds


def _resolve_path(feed: FeedSpec, base: Path) -> FeedSpec:
    if "://" in feed.url:
        return feed
    resolved = (base / feed.url).resolve()
    return feed.model_copy(update={"url": str(resolved)})
