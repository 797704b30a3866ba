"""`newsflow eval entities`: the entities step scored on CoNLL-2003-style labelled news.

The data: one token per line, the NER tag in the last column (``token POS chunk NER`` or
``token NER``), IOB1 or IOB2 tags (``I-LOC``, ``B-PER``; IOBES ``S-``/``E-`` read too; any
other last column is an error, not an "O"), blank
lines between sentences, ``-DOCSTART-`` lines between documents (a file without any is read in
documents of `SENTENCES_PER_DOCUMENT` sentences). A document's text is rebuilt as the tokens
joined by single spaces, one sentence per line, and each gold entity is its character span.

Each document becomes a raw article (no title, the text, the declared language a feed would
give) and goes through the real steps as the processor runs them (`processors.base.Chain`'s
loop: language detection, then the entities step on what it decided); every mention an
entity keeps (`Entity.mentions`) is a predicted span with the entity's type mapped to CoNLL's
(`CONLL_TYPES`). Scoring is exact-span: a prediction counts when its start, end and type equal
a gold entity's. The report gives precision, recall and F1 per type, and ends with the micro-F1
over PER, ORG and LOC (the reviewers' figure). `baseline` scores the bare spaCy model instead
(its full pipeline, `doc.ents`) on the same texts.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from newsflow.contract.schema import RawArticle
from newsflow.errors import ConfigError
from newsflow.settings import ProcessorSettings
from newsflow.settings.user_files import read_text

__all__ = [
    "CONLL_TYPES",
    "ConllDocument",
    "EntityReport",
    "GoldSpan",
    "entities_report",
    "evaluate_bare_model",
    "evaluate_entities",
    "load_conll",
    "parse_conll",
    "spans_from_tags",
]

# Our entity types (spaCy's OntoNotes labels; French pipelines' PER and MISC) to CoNLL-2003's.
CONLL_TYPES: dict[str, str] = {
    "PERSON": "PER", "PER": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
    "NORP": "MISC", "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC",
    "LANGUAGE": "MISC", "MISC": "MISC",
}  # fmt: skip
TYPES = ("PER", "ORG", "LOC", "MISC")
MICRO_TYPES = ("PER", "ORG", "LOC")
SENTENCES_PER_DOCUMENT = 20
BATCH = 32
STEPS = ("news.language.v1", "news.entities.v2")
_FEED = "https://eval.invalid/conll"
_TAG = re.compile(r"O|[BIES]-\S+")


@dataclass(frozen=True, order=True)
class GoldSpan:
    start: int
    end: int
    type: str


@dataclass(frozen=True)
class ConllDocument:
    text: str  # tokens joined by spaces, sentences by newlines
    spans: tuple[GoldSpan, ...]


def spans_from_tags(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Entities as (first token, token after the last, type) from IOB1, IOB2 or IOBES tags: an
    entity starts at B-/S- or at an I-/E- whose type differs from the previous tag's (conlleval's rule)."""
    spans: list[tuple[int, int, str]] = []
    start, kind = None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        if tag == "O" or not label:
            prefix, label = "O", None
        begins = prefix in ("B", "S") or (prefix in ("I", "E") and label != kind)
        if kind is not None and (prefix == "O" or begins):
            spans.append((start, i, kind))
            start, kind = None, None
        if prefix != "O" and kind is None:
            start, kind = i, label
        if prefix in ("E", "S") and kind is not None:
            spans.append((start, i + 1, kind))
            start, kind = None, None
    return spans


def parse_conll(lines: Iterable[str]) -> list[ConllDocument]:
    """Documents from the lines of a CoNLL file (see the module doc)."""
    documents: list[list[list[tuple[str, str]]]] = []
    sentences: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []
    marked = False
    for number, line in enumerate(lines, 1):
        columns = line.split()
        if columns and columns[0] == "-DOCSTART-":
            marked = True
            sentences, sentence = _close(sentences, sentence), []
            documents.append(sentences := [])
            continue
        if not columns:
            sentences, sentence = _close(sentences, sentence), []
            continue
        if len(columns) < 2:
            raise ConfigError(f"CoNLL line {number}: expected a token and a tag, got {line.strip()!r}")
        if not _TAG.fullmatch(columns[-1]):
            # Not read as "O": a file of another format (or its tags in another column) would
            # otherwise score as a set without a single entity.
            raise ConfigError(f"CoNLL line {number}: the last column must be an NER tag (O, B-PER, I-LOC, E-ORG, "
                              f"S-MISC), got {columns[-1]!r}")
        sentence.append((columns[0], columns[-1]))
    _close(sentences, sentence)
    if not marked:  # no document marks: fixed-size documents
        whole = documents[0] if documents else sentences
        documents = [whole[i : i + SENTENCES_PER_DOCUMENT] for i in range(0, len(whole), SENTENCES_PER_DOCUMENT)]
    return [_document(d) for d in documents if d]


def _close(sentences: list, sentence: list) -> list:
    if sentence:
        sentences.append(sentence)
    return sentences


def _document(sentences: list[list[tuple[str, str]]]) -> ConllDocument:
    lines, spans, offset = [], [], 0
    for sentence in sentences:
        starts, position = [], offset
        for token, _ in sentence:
            starts.append(position)
            position += len(token) + 1
        for first, after, kind in spans_from_tags([tag for _, tag in sentence]):
            end = starts[after - 1] + len(sentence[after - 1][0])
            spans.append(GoldSpan(starts[first], end, kind))
        lines.append(" ".join(token for token, _ in sentence))
        offset += len(lines[-1]) + 1
    return ConllDocument("\n".join(lines), tuple(spans))


def load_conll(path: Path) -> list[ConllDocument]:
    text = read_text(path)
    try:
        documents = parse_conll(text.splitlines())
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if not documents:
        raise ConfigError(f"{path} holds no labelled tokens")
    return documents


@dataclass
class EntityReport:
    system: str
    documents: int = 0
    true_positives: Counter = field(default_factory=Counter)
    predicted: Counter = field(default_factory=Counter)
    gold: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    seconds: float = 0.0  # time in the NER step (or the bare model), all documents

    def add(self, gold: Iterable[GoldSpan], predicted: Iterable[GoldSpan]) -> None:
        gold, predicted = set(gold), set(predicted)
        self.documents += 1
        self.gold.update(s.type for s in gold)
        self.predicted.update(s.type for s in predicted)
        self.true_positives.update(s.type for s in gold & predicted)

    def scores(self, types: Sequence[str]) -> tuple[float, float, float]:
        tp = sum(self.true_positives[t] for t in types)
        precision = tp / max(sum(self.predicted[t] for t in types), 1)
        recall = tp / max(sum(self.gold[t] for t in types), 1)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    @property
    def micro_f1(self) -> float:
        return self.scores(MICRO_TYPES)[2]

    def lines(self, *, final: str = "entities") -> list[str]:
        grouped = {t: [o for o, c in CONLL_TYPES.items() if c == t and o not in ("PER", "MISC")] for t in TYPES}
        out = [
            f"system: {self.system}",
            f"documents: {self.documents}; gold entities: "
            + ", ".join(f"{t} {self.gold[t]}" for t in TYPES),
            "label mapping: " + "; ".join(f"{', '.join(grouped[t])} -> {t}" for t in TYPES) + "; others dropped",
        ]
        if self.languages:
            out.append("languages read as: " + ", ".join(f"{k or 'none'} {v}" for k, v in self.languages.most_common()))
        out.append(f"{'type':<6}{'precision':>10}{'recall':>8}{'F1':>7}{'gold':>6}{'found':>7}{'right':>7}")
        for t in TYPES:
            p, r, f = self.scores([t])
            out.append(f"{t:<6}{p:>10.3f}{r:>8.3f}{f:>7.3f}{self.gold[t]:>6}{self.predicted[t]:>7}{self.true_positives[t]:>7}")
        p, r, _ = self.scores(MICRO_TYPES)
        out.append(f"micro PER+ORG+LOC: precision {p:.3f}, recall {r:.3f}")
        out.append(f"time: {1000 * self.seconds / max(self.documents, 1):.1f} ms per document in NER ({self.documents} documents)")
        out.append(f"{final} micro-F1 (PER, ORG, LOC): {self.micro_f1:.3f}")
        return out


def _mapped(entities) -> set[GoldSpan]:
    spans = set()
    for entity in entities:
        kind = CONLL_TYPES.get(entity.type)
        if kind is None:
            continue
        for mention in entity.mentions:
            spans.add(GoldSpan(mention.start, mention.end, kind))
    return spans


def evaluate_entities(
    documents: Sequence[ConllDocument], *, settings: ProcessorSettings | None = None,
    declared_language: str | None = "en",
) -> EntityReport:
    """Score the processor's language and entities steps on `documents` (see the module doc).
    `declared_language` is what the article's feed declares (a hint the language step weighs)."""
    from processors.base import Draft, build_chain
    from processors.catalog import load_steps

    settings = settings or ProcessorSettings()
    load_steps()
    chain = build_chain(STEPS, settings=settings)
    try:
        ner = chain.steps[-1]
        model = next(iter(ner.provenance().items()))
        report = EntityReport(f"newsflow pipeline ({' + '.join(STEPS)}; model {model[0]} {model[1]})")
        now = datetime.now(UTC)
        for at in range(0, len(documents), BATCH):
            batch = documents[at : at + BATCH]
            drafts = [Draft(_article(i + at, d.text, declared_language, now), {}) for i, d in enumerate(batch)]
            for step in chain.steps:  # processors.base.Chain.enrich's loop, with the NER step timed
                started = time.perf_counter()
                additions = step.run(drafts)
                if step is ner:
                    report.seconds += time.perf_counter() - started
                drafts = [d.with_fields(f) for d, f in zip(drafts, additions, strict=True)]
            for document, draft in zip(batch, drafts, strict=True):
                report.languages[draft.get("detected_language")] += 1
                report.add(document.spans, _mapped(draft.get("entities")))
        return report
    finally:
        chain.close()


def _article(number: int, text: str, language: str | None, now: datetime) -> RawArticle:
    return RawArticle(id=f"conll-{number}", version=1, url=None, feed_url=_FEED, source="CoNLL evaluation",
                      title="", text=text, language=language, fetched_at=now)


def evaluate_bare_model(documents: Sequence[ConllDocument], model: str) -> EntityReport:
    """The bare spaCy model, its whole pipeline as `spacy.load` gives it, `doc.ents` mapped alike."""
    import spacy

    nlp = spacy.load(model)
    report = EntityReport(f"bare spaCy model {model} {nlp.meta.get('version', '')} (full pipeline, doc.ents)")
    started = time.perf_counter()
    docs = list(nlp.pipe((d.text for d in documents), batch_size=BATCH))
    report.seconds = time.perf_counter() - started
    for document, doc in zip(documents, docs, strict=True):
        predicted = {GoldSpan(e.start_char, e.end_char, CONLL_TYPES[e.label_]) for e in doc.ents if e.label_ in CONLL_TYPES}
        report.add(document.spans, predicted)
    return report


def entities_report(
    path: Path, *, settings: ProcessorSettings | None = None, baseline: bool = False, declared_language: str | None = "en",
) -> str:
    """The text report of `newsflow eval entities --data FILE [--baseline]`: with `baseline`, the
    bare model's report first; the pipeline's last, ending with its micro-F1 line."""
    settings = settings or ProcessorSettings()
    documents = load_conll(path)
    sections = []
    if baseline:
        bare = evaluate_bare_model(documents, settings.model)
        sections.append("\n".join(bare.lines(final="baseline (bare model)")))
    ours = evaluate_entities(documents, settings=settings, declared_language=declared_language)
    sections.append("\n".join(ours.lines()))
    return "\n\n".join(sections)
