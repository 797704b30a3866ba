"""Results tables and sports copy: who is a team, an athlete or a country in rows the English
model reads as one long name or as nothing ("Aberdeen 3 Kilmarnock 2", "138 Darren Clarke (
Northern Ireland ) 67 71", "NEW YORK 74 58 .561 -").

Only in a sports document (`is_sport_document`: an agency rubric opens it, "SOCCER - ...", or
it uses several words of sport). A **row** is a line with numbers and hardly any lower-case
words. Its names are the runs of capitalised words ("chunks"), read by their place in the row:

- a chunk in brackets is the country of the name before it when it is a country ("( Germany )"),
  a scorer when a number follows it in the brackets ("( Ronaldo 23 )");
- a chunk before a bracketed country is an athlete (PERSON) and the chunk after it their team
  (ORG): "1. Jan Ullrich ( Germany ) Telekom 4:23:12";
- the first chunk of a row that opens with a number (a rank or a total) is an athlete, or a
  country: "278 Tom Lehman 67 67 73 71", "1. Germany 5 3 2";
- a chunk after "c", "b" or "st" of a scorecard, or before bowling figures ("10-1-34-2"), is a
  cricketer;
- any other chunk followed by a number is a team: a country (national teams are places, as
  in CoNLL-2003) or else an organisation ("Barnsley 10 6 2 2 18 9 20", "Cleveland 5 MILWAUKEE 2");
  a multi-word chunk the model read as a person stays one unless it is a standings row.

Outside rows, a city or US state the model calls a place is the club named after it ("the
Leicester lock", "Karl Malone led Utah"), unless a preposition of place comes before it ("in
Lahore", "at Twickenham") or it is the dateline's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_SPACE, LENGTH
from spacy.tokens import Doc

from processors.entity_lexicon import EntityLexicon, fold_words
from processors.gazetteer import resolve_place

__all__ = ["Span", "TokenView", "apply_table_rules", "is_sport_document", "row_lines"]

_NUMBER = re.compile(r"^[+\-–]?(?:\d[\d.,:/\-–']*|\.\d+)\.?$")
_BOWLING = re.compile(r"^\d+(?:\.\d)?-\d+-\d+-\d+$")
_NAME_CONNECTORS = frozenset({"de", "da", "di", "del", "della", "der", "den", "van", "von", "le", "la", "du", "dos",
                              "das", "al", "el", "bin", "ben", "ibn", "y", "of", "and"})
_CRICKET = frozenset({"c", "b", "st"})
_ROW_WORDS = frozenset({"c", "b", "st", "lbw", "v", "vs", "bt", "not", "out", "beat", "pts", "nb", "w", "lb", "same", "time",
                        "behind", "points", "laps", "lap", "retired", "secs", "seconds", "mins", "minutes", "km", "min"})
_PLACE_WORDS = frozenset({"in", "at", "from", "to", "near", "outside", "of", "into", "around", "across", "through",
                          "toward", "towards", "via", "for", "visit", "visited", "leave", "left"})
_MIN_SPORT_WORDS = 3


class Tok:
    """What the rules read of a token, as plain attributes (spaCy's names): a Token built per
    access costs more than all the rules together."""

    __slots__ = ("i", "text", "lower_", "whitespace_", "text_with_ws", "idx", "is_space", "is_punct", "is_alpha")

    def __init__(self, i: int, text: str, whitespace: str, idx: int, space: bool, punct: bool, alpha: bool) -> None:
        self.i, self.text, self.lower_, self.whitespace_ = i, text, text.lower(), whitespace
        self.text_with_ws, self.idx = text + whitespace, idx
        self.is_space, self.is_punct, self.is_alpha = space, punct, alpha


class Tokens(list):
    """Consecutive tokens and their text (spaCy's Span, as the rules use it)."""

    text: str = ""


class TokenView:
    """A doc's tokens read once (`Doc.to_array`), indexed and sliced as the doc is."""

    def __init__(self, doc: Doc) -> None:
        self.doc, self.text = doc, doc.text
        rows = doc.to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT, IS_ALPHA]).tolist() if len(doc) else []
        text, ends = self.text, [idx for idx, *_ in rows[1:]] + [len(self.text)]
        self.tokens = [Tok(i, text[idx : idx + length], text[idx + length : end], idx, bool(space), bool(punct), bool(alpha))
                       for i, ((idx, length, space, punct, alpha), end) in enumerate(zip(rows, ends, strict=True))]

    def __len__(self) -> int:
        return len(self.tokens)

    def __iter__(self):
        return iter(self.tokens)

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens `start` to `end` (exclusive)."""
        if start >= end:
            return ""
        last = self.tokens[end - 1]
        return self.text[self.tokens[start].idx : last.idx + len(last.text)]

    def __getitem__(self, key):
        if isinstance(key, slice):
            found = Tokens(self.tokens[key])
            found.text = self.text[found[0].idx : found[-1].idx + len(found[-1].text)] if found else ""
            return found
        return self.tokens[key]


@dataclass
class Span:
    start: int  # token indices in the doc
    end: int
    label: str
    fixed: bool = False  # set by a rule: later rules leave it alone


def is_sport_document(doc: TokenView, lexicon: EntityLexicon) -> bool:
    first_line = doc.text.lstrip().split("\n", 1)[0]
    rubric = re.split(r"\s+[-—–:]\s+", first_line, maxsplit=1)[0]
    if " - " in first_line and fold_words(rubric) in lexicon.sport_rubrics:
        return True
    words = set(re.findall(r"[a-z]+(?:-[a-z]+)*", doc.text.lower()))
    return len(words & lexicon.sport_words) >= _MIN_SPORT_WORDS


def row_lines(doc: TokenView) -> list[list[int]]:
    """Token indices (no white space) of every line that reads as a table row."""
    toks = doc.tokens
    rows, line = [], []
    for token in toks:
        if not token.is_space:
            line.append(token.i)
        if "\n" in token.text_with_ws:
            if line and _is_row(toks, line):
                rows.append(line)
            line = []
    if line and _is_row(toks, line):
        rows.append(line)
    return rows


def _is_row(toks: list, line: list[int]) -> bool:
    numbers = sum(bool(_NUMBER.match(toks[i].text)) for i in line)
    if not numbers:
        return False
    lower = sum(toks[i].is_alpha and toks[i].text[0].islower() and toks[i].lower_ not in _NAME_CONNECTORS
                and toks[i].lower_ not in _ROW_WORDS for i in line)
    return lower <= 2 and numbers >= lower


def _chunks(doc: TokenView, line: list[int]) -> list[tuple[int, int]]:
    """Runs of capitalised words in a row, as (first token, after the last) in the doc."""
    chunks: list[tuple[int, int]] = []
    start = None
    for position, i in enumerate(line):
        token = doc.tokens[i]
        glued = i > 0 and not doc.tokens[i - 1].whitespace_ and start is not None
        nxt = doc.tokens[line[position + 1]] if position + 1 < len(line) else None
        name = (token.is_alpha or "'" in token.text or "." in token.text) and token.text[:1].isupper() and not _NUMBER.match(token.text)
        inner = start is not None and (
            (glued and token.text in ("-", "'s", "’s", ".", "'"))
            or (token.lower_ in _NAME_CONNECTORS and nxt is not None and nxt.text[:1].isupper())
            or (glued and token.is_alpha)
        )
        if name or inner:
            start = i if start is None else start
            continue
        if start is not None:
            chunks.append((start, i))
        start = None
    if start is not None:
        chunks.append((start, line[-1] + 1))
    return chunks


def _kind(doc: TokenView, start: int, end: int, lexicon: EntityLexicon) -> str | None:
    return lexicon.places.get(fold_words(doc.span_text(start, end)))


def _row_labels(doc: TokenView, line: list[int], spans: Sequence[Span], lexicon: EntityLexicon) -> list[Span]:
    chunks = _chunks(doc, line)
    first, last = line[0], line[-1]
    labels: list[Span] = []
    model = {(s.start, s.end): s.label for s in spans}
    numbers_follow = {c: _numbers_after(doc, c[1], last) for c in chunks}
    ranked = bool(chunks) and chunks[0][0] > first and all(_NUMBER.match(doc.tokens[i].text) for i in range(first, chunks[0][0]))
    for index, (start, end) in enumerate(chunks):
        before = doc.tokens[start - 1].text if start > first else ""
        after = doc.tokens[end].text if end <= last else ""
        country = _kind(doc, start, end, lexicon) == "country"
        label = None
        if before == "(" and after == ")":
            label = "GPE" if country or _kind(doc, start, end, lexicon) else None
        elif before == "(" or (before in (";", ",") and _inside_brackets(doc, start, first)):
            label = "PERSON" if numbers_follow[(start, end)] else None
        elif after == "(" and _bracketed_country(doc, end, last, lexicon):
            label = "GPE" if country else "PERSON"
        elif before == ")" and index > 0 and _is_country_bracket(doc, chunks[index - 1], lexicon):
            label = "ORG"
        elif ranked and index == 0:
            label = "GPE" if country else ("ORG" if model.get((start, end)) == "ORG" else "PERSON")
        elif doc.tokens[start - 1].lower_ in _CRICKET if start > first else False:
            label = "PERSON"
        elif after and _BOWLING.match(after):
            label = "PERSON"
        elif numbers_follow[(start, end)]:
            standings = numbers_follow[(start, end)] >= 4
            person = model.get((start, end)) == "PERSON" and end - start > 1 and not standings
            label = "GPE" if country else (None if person else "ORG")
        if label is not None:
            labels.append(Span(start, end, label, fixed=True))
    return labels


def _numbers_after(doc: TokenView, at: int, last: int) -> int:
    count = 0
    while at <= last and _NUMBER.match(doc.tokens[at].text):
        count += 1
        at += 1
    return count


def _inside_brackets(doc: TokenView, start: int, first: int) -> bool:
    for i in range(start - 1, first - 1, -1):
        if doc.tokens[i].text == ")":
            return False
        if doc.tokens[i].text == "(":
            return True
    return False


def _bracketed_country(doc: TokenView, at: int, last: int, lexicon: EntityLexicon) -> bool:
    """Whether brackets opening at `at` hold a known place: "( U.S. )", "( South Africa )"."""
    for close in range(at + 2, min(at + 6, last + 1)):
        if doc.tokens[close].text == ")":
            return _kind(doc, at + 1, close, lexicon) is not None
    return False


def _is_country_bracket(doc: TokenView, chunk: tuple[int, int], lexicon: EntityLexicon) -> bool:
    start, end = chunk
    return start > 0 and doc.tokens[start - 1].text == "(" and _kind(doc, start, end, lexicon) is not None


def _club(doc: TokenView, span: Span, datelines: set[int], lexicon: EntityLexicon) -> bool:
    """Outside rows: a city or state the model calls a place, named as a team."""
    if span.fixed or span.label not in ("GPE", "LOC") or span.start in datelines:
        return False
    name = doc.span_text(span.start, span.end)
    kind = lexicon.places.get(fold_words(name))
    if kind is None:
        place = resolve_place(name)
        kind = place.kind if place is not None else None
    if kind is None or kind == "country":
        return False
    before = doc.tokens[span.start - 1].lower_ if span.start > 0 else ""
    after = doc.tokens[span.end].text if span.end < len(doc) else ""
    return before not in _PLACE_WORDS and after != ","


def apply_table_rules(doc: TokenView, spans: list[Span], lexicon: EntityLexicon, *, sport: bool) -> list[Span]:
    if not sport:
        return spans
    rules: list[Span] = []
    fixed = {i for s in spans if s.fixed for i in range(s.start, s.end)}  # datelines
    for line in row_lines(doc):
        rules.extend(r for r in _row_labels(doc, line, spans, lexicon) if not fixed.intersection(range(r.start, r.end)))
    taken = {i for s in rules for i in range(s.start, s.end)}
    kept = [s for s in spans if not any(i in taken for i in range(s.start, s.end))]
    datelines = {s.start for s in spans if s.fixed}
    for span in kept:
        if _club(doc, span, datelines, lexicon):
            span.label = "ORG"
    return sorted([*kept, *rules], key=lambda s: s.start)
