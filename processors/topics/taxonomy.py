"""IPTC Media Topics, top level: the 17 categories, their QCodes, and the labels data sets use for them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MEDIA_TOPICS", "MediaTopic", "canonical_label", "CODES_BY_LABEL", "LABELS_BY_CODE"]


@dataclass(frozen=True)
class MediaTopic:
    code: str  # IPTC QCode
    label: str  # IPTC prefLabel (en-GB)


ARTS = MediaTopic("medtop:01000000", "arts, culture, entertainment and media")
CRIME = MediaTopic("medtop:02000000", "crime, law and justice")
DISASTER = MediaTopic("medtop:03000000", "disaster, accident and emergency incident")
ECONOMY = MediaTopic("medtop:04000000", "economy, business and finance")
EDUCATION = MediaTopic("medtop:05000000", "education")
ENVIRONMENT = MediaTopic("medtop:06000000", "environment")
HEALTH = MediaTopic("medtop:07000000", "health")
HUMAN_INTEREST = MediaTopic("medtop:08000000", "human interest")
LABOUR = MediaTopic("medtop:09000000", "labour")
LIFESTYLE = MediaTopic("medtop:10000000", "lifestyle and leisure")
POLITICS = MediaTopic("medtop:11000000", "politics")
RELIGION = MediaTopic("medtop:12000000", "religion")
SCIENCE = MediaTopic("medtop:13000000", "science and technology")
SOCIETY = MediaTopic("medtop:14000000", "society")
SPORT = MediaTopic("medtop:15000000", "sport")
CONFLICT = MediaTopic("medtop:16000000", "conflict, war and peace")
WEATHER = MediaTopic("medtop:17000000", "weather")

MEDIA_TOPICS: tuple[MediaTopic, ...] = (
    ARTS, CRIME, DISASTER, ECONOMY, EDUCATION, ENVIRONMENT, HEALTH, HUMAN_INTEREST, LABOUR,
    LIFESTYLE, POLITICS, RELIGION, SCIENCE, SOCIETY, SPORT, CONFLICT, WEATHER,
)
CODES_BY_LABEL = {topic.label: topic.code for topic in MEDIA_TOPICS}
LABELS_BY_CODE = {topic.code: topic.label for topic in MEDIA_TOPICS}

# Labels other IPTC releases (or people) use for the same top-level concepts.
_ALIASES = {
    # IPTC's release of 2026-07 labels 11000000 "politics and government"; before 2023, 12000000
    # was "religion and belief". Data sets labelled with either still evaluate.
    "politics and government": POLITICS.label,
    "religion and belief": RELIGION.label,
}


def canonical_label(label: str) -> str | None:
    """The IPTC label for a label, a QCode (medtop:04000000) or a known alias; None if unknown."""
    wanted = " ".join(label.strip().lower().split())
    for topic in MEDIA_TOPICS:
        if wanted in (topic.label, topic.code, topic.code.removeprefix("medtop:")):
            return topic.label
    return _ALIASES.get(wanted)
