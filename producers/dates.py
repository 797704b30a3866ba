"""Publish dates that feedparser cannot read: localised month and day names ("Seg, 24 Set 2012",
"mer, 16 nov 2011"), read with dateparser, a library made for dates in many languages.

feedparser reads RFC 822, RFC 3339 and a few more formats, all in English; a Portuguese or French
feed that writes its dates in its own language used to get the fetch time as publish date,
silently. The fallback is slow next to feedparser (milliseconds a date, language data loaded
on first use), so it runs only on the dates feedparser refused, tries the feed's declared
language first, and gives up on a feed after `MAX_FAILURES` dates it could not read either.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

__all__ = ["MAX_DATE_LENGTH", "MAX_FAILURES", "NEWS_LANGUAGES", "with_localised_dates"]

log = logging.getLogger(__name__)

#: Languages tried when the feed declares none: those of most news feeds. Fewer languages make a
#: date faster to read and keep dateparser's memory small (all of them cost some 40 MB more).
NEWS_LANGUAGES = ("en", "de", "fr", "es", "pt", "it", "nl", "ru", "pl", "sv", "da", "nb", "fi", "cs", "ro", "tr", "uk", "ca")
MAX_DATE_LENGTH = 64  # longer is not a date, whatever it says
MAX_FAILURES = 20  # per feed: past this, a feed's dates are not worth the time
DATE_KEYS = ("published", "updated")
_SETTINGS = {"TIMEZONE": "UTC", "TO_TIMEZONE": "UTC", "RETURN_AS_TIMEZONE_AWARE": True, "PREFER_DATES_FROM": "past"}
_PRIMARY = re.compile(r"^[A-Za-z]{2,3}")


def with_localised_dates(entries: Sequence[Mapping[str, Any]], language: str | None) -> tuple[Mapping[str, Any], ...]:
    """`entries`, each whose date feedparser could not read but dateparser can given as a copy
    with ``<key>_parsed`` filled in (UTC, as feedparser gives it). The others are returned as they are."""
    budget = _Budget()
    languages = _languages(language)
    return tuple(_with_dates(entry, languages, budget) for entry in entries)


class _Budget:
    def __init__(self) -> None:
        self.failures = 0

    @property
    def spent(self) -> bool:
        return self.failures >= MAX_FAILURES


def _with_dates(entry: Mapping[str, Any], languages: list[str], budget: _Budget) -> Mapping[str, Any]:
    found = {}
    for key in DATE_KEYS:
        raw = dict.get(entry, key)  # type: ignore[arg-type]  # not entry.get: feedparser maps a missing updated to published
        if dict.get(entry, f"{key}_parsed") or not isinstance(raw, str) or budget.spent:  # type: ignore[arg-type]
            continue
        parsed = _read(raw, languages)
        if parsed is None:
            budget.failures += 1
        else:
            found[f"{key}_parsed"] = parsed.utctimetuple()
    if not found:
        return entry
    copy = type(entry)(entry) if isinstance(entry, dict) else dict(entry)
    copy.update(found)
    return copy


def _languages(declared: str | None) -> list[str]:
    match = _PRIMARY.match(declared or "")
    primary = match.group(0).lower() if match else None
    if primary in ("no", "nn"):
        primary = "nb"  # dateparser knows Norwegian as Bokmål
    if primary is not None and primary not in _known_languages():
        primary = None
    return [primary, *(code for code in NEWS_LANGUAGES if code != primary)] if primary else list(NEWS_LANGUAGES)


def _known_languages() -> frozenset[str]:
    from dateparser.data.languages_info import language_order

    return frozenset(language_order)


def _read(raw: str, languages: list[str]) -> datetime | None:
    text = raw.strip()
    if not text or len(text) > MAX_DATE_LENGTH:
        return None
    import dateparser  # imported on first use: most feeds never need it

    try:
        parsed = dateparser.parse(text, languages=languages, settings=_SETTINGS)
    except Exception as exc:  # noqa: BLE001 - a date it chokes on is a date it cannot read
        log.debug("date not read date=%r error=%s", text, type(exc).__name__)
        return None
    return parsed.astimezone(UTC) if parsed is not None else None
