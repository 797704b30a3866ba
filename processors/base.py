"""The processor contract: enrichment steps registered by versioned name, chained and checked.

A step reads some article fields and writes others. It works on a whole batch at once (spaCy is
fast only in batches) and returns, per article, the fields it adds; it never mutates an event.
The chain checks at start-up that every field a step reads exists by then.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from newsflow.errors import ConfigError
from newsflow.metrics import STEP_SECONDS
from newsflow.schema import EnrichedArticle, RawArticle, StepRun

__all__ = ["Chain", "Draft", "Step", "build_chain", "register_step", "registered_steps"]


@dataclass(frozen=True)
class Draft:
    """An article on its way through the chain: the raw event plus what steps added so far."""

    raw: RawArticle
    added: dict[str, Any]

    def get(self, field: str) -> Any:
        return self.added[field] if field in self.added else getattr(self.raw, field)

    def with_fields(self, fields: dict[str, Any]) -> Draft:
        return Draft(self.raw, self.added | fields)


class Step(Protocol):
    name: ClassVar[str]  # versioned, e.g. "news.entities.v1"
    reads: ClassVar[tuple[str, ...]]
    writes: ClassVar[tuple[str, ...]]

    def run(self, drafts: Sequence[Draft]) -> list[dict[str, Any]]:
        """Return, for each draft in order, the fields this step writes."""

    def provenance(self) -> dict[str, str]:
        """Model names and versions this step used, for the enriched article's provenance."""


_REGISTRY: dict[str, Callable[..., Step]] = {}


def register_step(name: str) -> Callable[[type], type]:
    def decorate(cls: type) -> type:
        if name in _REGISTRY:
            raise ValueError(f"step {name!r} is registered twice")
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return decorate


def registered_steps() -> list[str]:
    return sorted(_REGISTRY)


class Chain:
    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = list(steps)
        _check_fields(self.steps)

    def enrich(self, articles: Sequence[RawArticle], processed_at) -> list[EnrichedArticle]:
        drafts = [Draft(a, {}) for a in articles]
        for step in self.steps:
            started = time.perf_counter()
            additions = step.run(drafts)
            if drafts:
                STEP_SECONDS.labels(step.name).observe((time.perf_counter() - started) / len(drafts))
            drafts = [d.with_fields(fields) for d, fields in zip(drafts, additions, strict=True)]
        provenance = self._provenance(processed_at)
        return [
            EnrichedArticle(**d.raw.model_dump(exclude={"schema_version"}), **d.added, enrichment=provenance)
            for d in drafts
        ]

    def _provenance(self, processed_at) -> dict[str, Any]:
        models = {}
        for step in self.steps:
            models |= step.provenance()
        return {
            "steps": [StepRun(name=s.name, version=s.name.rsplit(".", 1)[-1]) for s in self.steps],
            "model": models.get("model", ""),
            "model_version": models.get("model_version", ""),
            "processed_at": processed_at,
        }


def _check_fields(steps: Sequence[Step]) -> None:
    available = set(RawArticle.model_fields)
    for step in steps:
        missing = [f for f in step.reads if f not in available]
        if missing:
            raise ConfigError(f"step {step.name} reads {missing}, which no earlier step writes")
        available |= set(step.writes)
    unknown = available - set(EnrichedArticle.model_fields)
    if unknown:
        raise ConfigError(f"steps write fields the enriched schema lacks: {sorted(unknown)}")


def build_chain(names: Sequence[str], **options: Any) -> Chain:
    """Instantiate registered steps by name, passing each the options it accepts."""
    steps = []
    for name in names:
        if name not in _REGISTRY:
            raise ConfigError(f"unknown enrichment step {name!r}; known: {', '.join(registered_steps())}")
        steps.append(_REGISTRY[name](**options))
    return Chain(steps)
