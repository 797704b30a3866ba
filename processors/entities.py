"""The `news.entities.v2` step: named entities with the spaCy pipeline of each article's language.

Every article goes to the NER model of its detected language, in batches per language; an
article whose language has no model gets the places it names in its own language
(processors.world_places) and a note, never the English model's guesses on, say, German text. Spans become entities in `processors.normalise` (canonical
names, merged mentions, places resolved offline), each with the offsets of its mentions.

English articles get more: the model reads a truecased copy of the document (ALL-CAPS headlines
and datelines in sentence case, same offsets: processors/truecase.py), and rules turn its spans
into mentions (processors/entity_rules.py: spans cut to names, nationalities, organisations and
places from a lexicon, agency datelines, results tables, rejected non-names). Measured with
`newsflow eval entities` (processors/entities_eval.py) on tests/data/entities-eval*.conll.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from newsflow.contract.schema import Entity
from newsflow.errors import ConfigError
from newsflow.settings import ProcessorSettings
from processors.base import Draft, register_step
from processors.entity_lexicon import EntityLexicon, english_lexicon
from processors.entity_rules import NOT_NAMED, english_mentions
from processors.gazetteer import gazetteer_provenance, load_gazetteer
from processors.normalise import Mention, build_entities
from processors.truecase import truecase
from processors.world_places import find_places, world_places_provenance

__all__ = [
    "NOT_NAMED",
    "EntitiesStep",
    "NerDocument",
    "check_model_installed",
    "components_ner_needs",
    "group_by_language",
    "load_ner_pipeline",
    "mentions_of",
    "model_directory",
    "ner_document",
]

log = logging.getLogger(__name__)

ENGLISH = "en"


def load_ner_pipeline(model: str) -> Language:
    """Load `model` with NER only (and what it listens to), plus a rule-based sentencizer.

    In en_core_web_sm and fr_core_news_sm the ner component carries its own tok2vec (its config
    embeds a Tok2Vec, not a listener), so the shared tok2vec, tagger/morphologizer, parser,
    attribute ruler and lemmatizer can go: same entities (checked on the seed article and a French
    paragraph), about twice the speed and half the memory (docs/architecture.md, "Enrichment model"). They
    are excluded before loading, not removed after: French's lemmatizer tables alone would add
    some 150 MB to the peak. Without the parser there are no sentence boundaries and some spans
    run across a full stop; the sentencizer restores most of them, and ends a sentence at every
    line break too: a headline without a full stop, a dateline or a table row is no part of the
    next line's names ("Aberdeen 3 Kilmarnock 2\nMotherwell" was one span).
    """
    config = spacy.util.load_config(model_directory(model) / "config.cfg", interpolate=False)
    pipeline = list(config["nlp"]["pipeline"])
    if "ner" not in pipeline:
        raise ConfigError(f"spaCy model {model!r} has no 'ner' component", model=model)
    keep = components_ner_needs(config)
    nlp = spacy.load(model, exclude=[name for name in pipeline if name not in keep])
    nlp.add_pipe("sentencizer", before=nlp.pipe_names[0], config={"punct_chars": _SENTENCE_ENDS})
    return nlp


def components_ner_needs(config: Mapping[str, Any]) -> set[str]:
    """From a pipeline's config: "ner" and, when its model listens to a shared tok2vec or
    transformer instead of embedding its own, the component it listens to."""
    components = config["components"]
    embedding = components["ner"].get("model", {}).get("tok2vec", {})
    if "Listener" not in embedding.get("@architectures", ""):
        return {"ner"}
    upstream = embedding.get("upstream", "*")
    if upstream != "*":
        return {"ner", upstream}
    return {"ner"} | {name for name in config["nlp"]["pipeline"] if components[name].get("factory") in _EMBEDDERS}


_EMBEDDERS = {"tok2vec", "transformer", "curated_transformer"}
# The sentencizer's punctuation and line breaks (spaCy makes a token of the white space holding one).
_SENTENCE_ENDS = [*Sentencizer.default_punct_chars, "\n", "\n\n", "\n\n\n", " \n", "\n "]


def model_directory(model: str) -> Path:
    """The directory holding the pipeline's config.cfg: an installed package's data directory,
    or `model` itself when it is a path."""
    root = spacy.util.get_package_path(model) if spacy.util.is_package(model) else Path(model)
    for candidate in (root, *sorted(root.glob("*/"))):
        if (candidate / "config.cfg").is_file():
            return candidate
    raise ConfigError(f"spaCy model {model!r} is not installed (pip install the package that provides it)", model=model)


def check_model_installed(model: str, language: str) -> None:
    """Fail at start-up, without loading weights, when a configured model is missing or is a
    pipeline for another language (a French key pointing at an English model)."""
    if not spacy.util.is_package(model) and not Path(model).is_dir():
        raise ConfigError(f"spaCy model {model!r} for language {language!r} is not installed", model=model)
    config = spacy.util.load_config(model_directory(model) / "config.cfg", interpolate=False)
    model_language = config["nlp"]["lang"]
    if model_language != language:
        raise ConfigError(f"spaCy model {model!r} is for language {model_language!r}, configured for {language!r}", model=model)


@dataclass(frozen=True)
class NerDocument:
    """What NER reads: the title, a blank line, the text; `title_end` tells where the title stops."""

    text: str
    title_end: int


def ner_document(title: str, text: str, *, max_chars: int) -> NerDocument:
    """Title + "\\n\\n" + text, cut at `max_chars` (at a space, so that no name is cut in two).
    A text that already starts with its title does not get it twice."""
    title, text = title.strip(), text.strip()
    if not title or text.startswith(title):
        document = text or title
    else:
        document = f"{title}\n\n{text}" if text else title
    if len(document) > max_chars:
        document = document[:max_chars]
        boundary = max(document.rfind(" "), document.rfind("\n"))
        if boundary > len(title):
            document = document[:boundary]
    return NerDocument(document, min(len(title), len(document)))


def mentions_of(doc: Doc) -> list[Mention]:
    return [Mention(text=e.text, label=e.label_, start=e.start_char, end=e.end_char)
            for e in doc.ents if e.label_ not in NOT_NAMED]


def group_by_language(languages: Iterable[str | None]) -> dict[str | None, list[int]]:
    """Positions of the articles of each language, in order: one nlp.pipe per language."""
    groups: dict[str | None, list[int]] = defaultdict(list)
    for position, language in enumerate(languages):
        groups[language.lower() if language else None].append(position)
    return dict(groups)


@register_step("news.entities.v2")
class EntitiesStep:
    reads = ("title", "text", "detected_language")
    writes = ("entities", "notes")

    def __init__(self, *, settings: ProcessorSettings) -> None:
        if ENGLISH in settings.entities.models:
            raise ConfigError("English NER is set by processor.model, not processor.entities.models['en']")
        self._model_names = {ENGLISH: settings.model} | {k.lower(): v for k, v in settings.entities.models.items()}
        for language, model in self._model_names.items():
            check_model_installed(model, language)
        self._pipelines: dict[str, Language] = {ENGLISH: load_ner_pipeline(settings.model)}
        self._batch_size = settings.nlp_batch_size
        # spaCy refuses texts of nlp.max_length characters or more (a guard against memory blow-ups).
        self._max_chars = min(settings.max_text_chars, self._pipelines[ENGLISH].max_length - 1)
        self._honorifics = tuple(settings.entities.honorifics)
        load_gazetteer()  # 2-3 s once, at start rather than in the first batch
        # English rules (processors/entity_rules.py): names known without context, common words.
        self._lexicon: EntityLexicon = english_lexicon(model_directory(settings.model))

    def _pipeline(self, language: str) -> Language:
        # Other languages load on first use: a deployment that never sees French never pays for it.
        if language not in self._pipelines:
            log.info("loading NER model language=%s model=%s", language, self._model_names[language])
            self._pipelines[language] = load_ner_pipeline(self._model_names[language])
        return self._pipelines[language]

    def run(self, drafts: Sequence[Draft]) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = [{} for _ in drafts]
        for language, positions in group_by_language(d.get("detected_language") for d in drafts).items():
            if language not in self._model_names:
                for position in positions:
                    results[position] = self._places_only(drafts[position], language)
                continue
            documents = [self._document(drafts[p]) for p in positions]
            entities = self._recognise(language, documents)
            for position, found in zip(positions, entities, strict=True):
                results[position] = {"entities": tuple(found), "notes": ()}
        return results

    def _places_only(self, draft: Draft, language: str | None) -> dict[str, Any]:
        """An article in a language without a NER model still gets the countries, regions,
        capitals and large cities it names in its own language (processors.world_places), under
        the gazetteer's English names so that they resolve and facet like everyone's."""
        if not language:
            return {"entities": (), "notes": ("news.entities.v2: no language detected, no NER",)}
        document = self._document(draft)
        found = [Mention(p.canonical, p.mention.label, p.mention.start, p.mention.end)
                 for p in find_places(document.text, language)]
        entities = build_entities(found, document=document.text, title_end=document.title_end, language=language,
                                  honorifics=self._honorifics) if found else []
        note = f"news.entities.v2: no NER model for language {language!r}: places only"
        return {"entities": tuple(entities), "notes": (note,)}

    def _document(self, draft: Draft) -> NerDocument:
        return ner_document(draft.get("title") or "", draft.get("text") or "", max_chars=self._max_chars)

    def _recognise(self, language: str, documents: Sequence[NerDocument]) -> list[list[Entity]]:
        if language != ENGLISH:
            docs = self._pipeline(language).pipe((d.text for d in documents), batch_size=self._batch_size)
            mentions = [mentions_of(doc) for doc in docs]
        else:
            # The model reads a truecased copy (same offsets); the rules turn its spans into mentions.
            texts = (truecase(d.text, self._lexicon) for d in documents)
            docs = self._pipeline(language).pipe(texts, batch_size=self._batch_size)
            mentions = [english_mentions(doc, d.text, title_end=d.title_end, lexicon=self._lexicon)
                        for d, doc in zip(documents, docs, strict=True)]
        return [
            build_entities(found, document=d.text, title_end=d.title_end, language=language,
                           honorifics=self._honorifics)
            for d, found in zip(documents, mentions, strict=True)
        ]

    def provenance(self) -> dict[str, str]:
        """Every model loaded so far, English first (the chain shows the first as the main model)."""
        models = {f"{nlp.meta.get('lang', language)}_{nlp.meta.get('name', '')}": nlp.meta.get("version", "")
                  for language, nlp in self._pipelines.items()}
        return models | gazetteer_provenance() | world_places_provenance()
