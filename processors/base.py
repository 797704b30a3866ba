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

from newsflow.contract.schema import EnrichedArticle, RawArticle, StepRun
from newsflow.errors import ConfigError
from newsflow.runtime.metrics import STEP_SECONDS
from newsflow.settings import ElasticsearchSettings, KafkaSettings, ProcessorSettings

__all__ = ["Chain", "Draft", "Step", "build_chain", "register_step", "registered_steps"]


@dataclass(frozen=True)
class Draft:
    """An article on its way through the chain: the raw event plus what steps added so far."""

    raw: RawArticle
    added: dict[str, Any]

    def get(self, field: str) -> Any:
        return self.added[field] if field in self.added else getattr(self.raw, field)

    def with_fields(self, fields: dict[str, Any]) -> Draft:
        # Notes accumulate (each step may say why it did less); every other field is replaced.
        if "notes" in fields:
            fields = fields | {"notes": tuple(self.get("notes") if "notes" in self.added else ()) + tuple(fields["notes"])}
        return Draft(self.raw, self.added | fields)


class Step(Protocol):
    name: ClassVar[str]  # versioned, e.g. "news.entities.v1"
    reads: ClassVar[tuple[str, ...]]
    writes: ClassVar[tuple[str, ...]]
    # Optional: a step class with `needs_kafka = True` is built with `kafka=` too, and with
    # `needs_elasticsearch = True` with `elasticsearch=` (build_chain).

    def run(self, drafts: Sequence[Draft]) -> list[dict[str, Any]]:
        """Return, for each draft in order, the fields this step writes."""

    def provenance(self) -> dict[str, str]:
        """Models and data sets this step uses, name -> version, for the article's provenance
        (empty when it uses none). The first model of the step writing entities is the main one."""


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
        return self.finish(self.run([Draft(a, {}) for a in articles]), processed_at)

    def stateful_from(self) -> int:
        """The index of the first step whose state lives outside the process (Kafka or
        Elasticsearch): from there on the chain waits on round trips more than it computes, which
        a worker can overlap with the next batch's models (processors/service.py)."""
        return next((n for n, s in enumerate(self.steps)
                     if getattr(s, "needs_elasticsearch", False) or getattr(s, "needs_kafka", False)), len(self.steps))

    def run(self, drafts: Sequence[Draft], start: int = 0, stop: int | None = None) -> list[Draft]:
        """Run steps[start:stop] over the drafts (new drafts: a draft is never changed in place)."""
        drafts = list(drafts)
        for step in self.steps[start:stop]:
            started = time.perf_counter()
            additions = step.run(drafts)
            if drafts:
                STEP_SECONDS.labels(step.name).observe((time.perf_counter() - started) / len(drafts))
            drafts = [d.with_fields(fields) for d, fields in zip(drafts, additions, strict=True)]
        return drafts

    def finish(self, drafts: Sequence[Draft], processed_at) -> list[EnrichedArticle]:
        """The enriched articles of drafts that went through every step."""
        provenance = self._provenance(processed_at)
        # A step may rewrite a raw field (clean rewrites title and text): what it added wins.
        return [
            EnrichedArticle(**(d.raw.model_dump(exclude={"schema_version"}) | d.added), enrichment=provenance)
            for d in drafts
        ]

    def close(self) -> None:
        """Release what steps hold (thread pools, HTTP clients): steps with a `close()` get it called."""
        _close_steps(self.steps)

    def _provenance(self, processed_at) -> dict[str, Any]:
        models: dict[str, str] = {}
        for step in self.steps:
            models |= step.provenance()
        # The main model is the NER model: the first one of the step that writes entities.
        ner = next((s for s in self.steps if "entities" in s.writes), None)
        main = next(iter(ner.provenance().items()), ("", "")) if ner else ("", "")
        return {
            "steps": [StepRun(name=s.name, version=s.name.rsplit(".", 1)[-1]) for s in self.steps],
            "model": main[0],
            "model_version": main[1],
            "models": [StepRun(name=n, version=v) for n, v in models.items()],
            "processed_at": processed_at,
        }


def _close_steps(steps: Sequence[Step]) -> None:
    for step in steps:
        close = getattr(step, "close", None)
        if callable(close):
            close()


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


def build_chain(names: Sequence[str], *, settings: ProcessorSettings | None = None,
                kafka: KafkaSettings | None = None, elasticsearch: ElasticsearchSettings | None = None) -> Chain:
    """Instantiate registered steps by name; each takes what it needs from the processor settings.
    A step class with `needs_kafka = True` also gets `kafka=`, one with `needs_elasticsearch = True`
    (its state lives in Elasticsearch) `elasticsearch=`."""
    settings = settings or ProcessorSettings()
    steps: list[Step] = []
    try:
        for name in names:
            if name not in _REGISTRY:
                raise ConfigError(f"unknown enrichment step {name!r}; known: {', '.join(registered_steps())}")
            factory = _REGISTRY[name]
            extra: dict[str, Any] = {}
            for needs, given, what in (("needs_kafka", kafka, "kafka"), ("needs_elasticsearch", elasticsearch, "elasticsearch")):
                if not getattr(factory, needs, False):
                    continue
                if given is None:
                    # Never a default address: the step would read and write another deployment's state.
                    raise ConfigError(f"step {name} needs the {what} settings: build the chain with them")
                extra[what] = given
            steps.append(factory(settings=settings, **extra))
        return Chain(steps)
    except Exception:
        _close_steps(steps)  # what the steps made so far (shared state, clients) is not left behind
        raise
