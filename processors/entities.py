"""Named entities with spaCy, in batches, with only the components NER needs."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import spacy
from spacy.language import Language

from newsflow.errors import ConfigError
from newsflow.schema import Entity
from processors.base import Draft, register_step

__all__ = ["EntitiesStep", "load_ner_pipeline"]

log = logging.getLogger(__name__)


def load_ner_pipeline(model: str) -> Language:
    """Load `model` with NER only, plus a rule-based sentencizer.

    In en_core_web_sm the ner component carries its own tok2vec, so the shared tok2vec, tagger,
    parser and lemmatizer can go: same entities, about twice the speed and half the memory
    (DESIGN.md, "Enrichment model"). Without the parser there are no sentence boundaries and
    some spans run across a full stop; the sentencizer restores most of them.
    """
    try:
        nlp = spacy.load(model)
    except OSError:
        raise ConfigError(f"spaCy model {model!r} is not installed (pip install the package that provides it)") from None
    if "ner" not in nlp.pipe_names:
        raise ConfigError(f"spaCy model {model!r} has no 'ner' component")
    keep = {"ner"}
    for name in list(nlp.pipe_names):
        if name not in keep and not _ner_listens_to(nlp, name):
            nlp.remove_pipe(name)
    nlp.add_pipe("sentencizer", before=nlp.pipe_names[0])
    return nlp


def _ner_listens_to(nlp: Language, component: str) -> bool:
    # A model whose ner listens to a shared tok2vec/transformer needs that component kept.
    ner = nlp.get_pipe("ner")
    listener_of = getattr(nlp.get_pipe(component), "listening_components", [])
    return "ner" in listener_of or component in getattr(ner, "listeners", [])


def salience(count: int, most_mentions: int, first_offset: int, length: int) -> float:
    """How central an entity is, 0..1: mostly how often it is named compared with the most named
    entity, partly how early it first appears (news puts who and where up front)."""
    frequency = count / most_mentions
    earliness = 1.0 - first_offset / max(length, 1)
    return round(0.6 * frequency + 0.4 * earliness, 3)


def aggregate_entities(doc) -> list[Entity]:
    """One entry per (name, type): how often it is mentioned, where first, and its salience."""
    found: dict[tuple[str, str], dict[str, int]] = {}
    for ent in doc.ents:
        name = " ".join(ent.text.split())
        key = (name, ent.label_)
        if key in found:
            found[key]["count"] += 1
        else:
            found[key] = {"count": 1, "first_offset": ent.start_char}
    most = max((v["count"] for v in found.values()), default=1)
    return [
        Entity(name=n, type=t, salience=salience(v["count"], most, v["first_offset"], len(doc.text)), **v)
        for (n, t), v in found.items()
    ]


@register_step("news.entities.v1")
class EntitiesStep:
    reads = ("title", "text")
    writes = ("entities",)

    def __init__(self, *, model: str, batch_size: int, max_text_chars: int, **_: Any) -> None:
        self._model = model
        self._nlp = load_ner_pipeline(model)
        self._batch_size = batch_size
        self._max_text_chars = max_text_chars

    def _document(self, draft: Draft) -> str:
        title, text = draft.get("title"), draft.get("text")
        body = f"{title}\n\n{text}" if title and not text.startswith(title) else text or title
        return body[: self._max_text_chars]

    def run(self, drafts: Sequence[Draft]) -> list[dict[str, Any]]:
        texts = [self._document(d) for d in drafts]
        docs = self._nlp.pipe(texts, batch_size=self._batch_size)
        return [{"entities": tuple(aggregate_entities(doc))} for doc in docs]

    def provenance(self) -> dict[str, str]:
        meta = self._nlp.meta
        return {"model": f"{meta.get('lang', '')}_{meta.get('name', self._model)}", "model_version": meta.get("version", "")}
