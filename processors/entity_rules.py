"""Rules around the English NER model: its spans cut to names, labels set by what is known,
datelines and known names it missed added, and what a name cannot be rejected.

`english_mentions` turns the entities of a spaCy doc (read on the truecased document:
processors/truecase.py) into mentions for `processors.normalise.build_entities`, in this order:

1. **cut**: a span stops at a line break, at punctuation that separates names (a comma, a
   bracket, a colon, a spaced dash: "Bethesda , Maryland" is two places, "ATHLETICS - JOHNSON"
   a rubric and a name) and, for people, organisations, places and nationalities, at numbers
   ("Dundee United 2", "138 Darren Clarke" in results tables); a leading "The" ("The World Health
   Organization"; "The Hague" keeps it), a trailing possessive and stray punctuation go;
2. **reject**: a span without a capital letter is no name ("heifers"), nor one without a letter,
   nor initials alone ("W L"), nor a place that is a compass point ("the East", and "West Asia"
   in "the East and West Asia"), nor a one-word person the document writes in lower case too
   ("Heifers were in short supply" beside "heifers fetching");
3. **relabel** by the lexicon (processors/entity_lexicon.py): a nationality is NORP ("Kazakh",
   whatever the model said), a known organisation ORG ("NATO", "IMF"), a country or big city a
   GPE (unless it is the surname of a person of the article); a name ending in an event head
   word is an EVENT ("Italian Open", "Monaco Grand Prix", "Tour de France");
4. **datelines** of agency copy, a line of places and a date ("LONDON 1996-08-30",
   "AL-AIN , United Arab Emirates 1996-12-06"), give their places;
5. **tables and sport** (processors/entity_tables.py): results rows, standings, leaderboards;
6. **additions**: a country, capital, big city, nationality or known organisation the model
   missed, written with its capital ("UN" but not "un", "WHO" only where it is not a headline's
   "who");
7. **rubrics**: a sport rubric opening a headline ("SOCCER -") and a table's field name before a
   colon at the start of a line ("Attendance : 35,000") are no entities.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from spacy.tokens import Doc

from processors.entity_lexicon import EntityLexicon, fold_words
from processors.entity_tables import Span, TokenView, apply_table_rules, is_sport_document
from processors.normalise import Mention

__all__ = ["NOT_NAMED", "english_mentions", "find_agency_datelines"]

# Numbers, dates and amounts are spans to spaCy but not entities to a reader exploring the news.
NOT_NAMED = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
_NUMBER_SPLIT = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP"})
_BREAKS = frozenset({",", "(", ")", ":", ";", '"', "“", "”", "[", "]", "|", "«", "»"})
_SPACED_BREAKS = frozenset({"-", "—", "–", "/", "--"})
_NUMBER = re.compile(r"^[+\-–]?(?:\d[\d.,:/\-–']*|\.\d+)$")
_LEADING = frozenset({"the", "a", "an"})
_TRAILING = frozenset({"'s", "’s", "'", "’"})
_KEEP_THE = frozenset({"the hague", "the gambia", "the bahamas", "the netherlands"})
# Countries that are also given names or surnames: a PERSON span of that name stays a person.
_PERSON_LIKE_PLACES = frozenset({"jordan", "georgia", "chad", "india", "kenya", "israel", "victoria", "florence",
                                 "columbia", "houston", "lincoln", "chelsea", "austin", "jackson", "sydney"})
_COMPASS = frozenset({"east", "west", "north", "south"})
_CONNECTORS = frozenset({"of", "and", "the", "de", "for", "&", "-", "al", "el", "du", "la", "le", "da"})
_DATE = r"(?:\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]{2,8}\.? \d{4}|[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4})"
_PLACE_PART = r"[A-Z][\w.'’\-]*(?: [A-Z][\w.'’\-]*)*"
_AGENCY_DATELINE = re.compile(
    rf"[ \t]*(?P<places>[A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+)*(?:[ \t]*,[ \t]*{_PLACE_PART}){{0,2}})[ \t]+{_DATE}[ \t]*"
)
_DATELINE_LINES = 3


def _breaks(doc: TokenView, i: int, label: str) -> bool:
    token = doc.tokens[i]
    if token.is_space or "\n" in token.text or token.text in _BREAKS:
        return True
    if token.text in _SPACED_BREAKS and (token.whitespace_ or (i > 0 and doc.tokens[i - 1].whitespace_)):
        return True
    return label in _NUMBER_SPLIT and bool(_NUMBER.match(token.text))


def _pieces(doc: TokenView, start: int, end: int, label: str) -> Iterable[Span]:
    """The span cut at breaks and trimmed (rule 1)."""
    piece: list[int] = []
    for i in [*range(start, end), None]:
        if i is not None and not _breaks(doc, i, label):
            piece.append(i)
            continue
        if piece:
            trimmed = _trimmed(doc, piece[0], piece[-1] + 1)
            if trimmed is not None:
                yield Span(trimmed[0], trimmed[1], label)
        piece = []


def _trimmed(doc: TokenView, start: int, end: int) -> tuple[int, int] | None:
    while start < end and (doc.tokens[start].is_punct or doc.tokens[start].text in _TRAILING):
        start += 1
    while start < end and (doc.tokens[end - 1].is_punct or doc.tokens[end - 1].text in _TRAILING):
        end -= 1
    if end - start > 1 and doc.tokens[start].lower_ in _LEADING and fold_words(doc.span_text(start, end)) not in _KEEP_THE:
        start += 1
    return (start, end) if start < end else None


def _is_name(doc: TokenView, span: Span, lexicon: EntityLexicon) -> bool:
    """Rule 2: a name has a letter and a capital, and is more than initials ("W L", "ST") unless known ("US")."""
    tokens = doc.tokens[span.start : span.end]
    text = doc.span_text(span.start, span.end)
    if not any(ch.isupper() for ch in text) or not any(ch.isalpha() for ch in text):
        return False
    return any(len(t.text.strip(".")) > 2 for t in tokens) or lexicon.known_name(fold_words(text)) is not None


def _compass_only(doc: TokenView, span: Span) -> bool:
    """A place named by a compass point alone ("the East", "the West"), or the second half of a
    region coordinated with one ("the East and West Asia"): no place a reader can locate."""
    toks = doc.tokens
    first = toks[span.start].lower_
    if span.end - span.start == 1 and first in _COMPASS:
        return True
    return (first in _COMPASS and span.start >= 2 and toks[span.start - 1].lower_ in ("and", "or")
            and toks[span.start - 2].lower_ in _COMPASS)


def _lower_case_words(text: str) -> frozenset[str]:
    """The words the document writes in lower case: "Heifers" opening a sentence is no person
    when the article speaks of "heifers" too."""
    return frozenset(re.findall(r"(?<![\w'’-])[a-z][a-z'’-]*[a-z](?![\w'’-])", text))


def _relabel(doc: TokenView, span: Span, lexicon: EntityLexicon, surnames: frozenset[str]) -> str:
    """Rule 3: the label the lexicon gives the span, else the model's."""
    tokens = doc.tokens[span.start : span.end]
    key = fold_words(doc.span_text(span.start, span.end))
    known = lexicon.known_name(key)
    if known == "GPE" and span.label == "PERSON" and (key in _PERSON_LIKE_PLACES or key in surnames):
        known = None
    if known is not None:
        return known
    if span.label in ("ORG", "GPE", "LOC", "PERSON", "FAC", "NORP"):
        folded = tuple(fold_words(t.text) for t in tokens if not t.is_punct)
        for head in lexicon.event_heads:
            if (len(folded) > len(head) or len(head) > 1) and folded[-len(head) :] == head:
                return "EVENT"
    return span.label


def find_agency_datelines(document: str, start: int = 0) -> list[tuple[int, int]]:
    """Character spans of the places of an agency dateline ("LONDON 1996-08-30", "BETHESDA ,
    Maryland 1997-06-14") in one of the first lines from `start`: the place parts before the date."""
    at, seen = start, 0
    while at < len(document) and seen < _DATELINE_LINES:
        end = document.find("\n", at)
        end = len(document) if end == -1 else end
        match = _AGENCY_DATELINE.fullmatch(document, at, end)
        if match is not None:
            found = []
            for part in re.finditer(r"[^,]+", match.group("places")):
                name = part.group().strip()
                if name:
                    offset = match.start("places") + part.start() + part.group().index(name)
                    found.append((offset, offset + len(name)))
            return found
        seen += bool(document[at:end].strip())
        at = end + 1
    return []


def _dateline_spans(doc: TokenView, document: str, title_end: int) -> list[Span]:
    spans = []
    for start, end in find_agency_datelines(document, title_end):
        span = doc.doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            spans.append(Span(span.start, span.end, "GPE", fixed=True))
    return spans


def _additions(doc: TokenView, covered: set[int], lexicon: EntityLexicon) -> list[Span]:
    """Rule 6: known names the model missed, longest first."""
    added: list[Span] = []
    toks, text = doc.tokens, doc.text
    i, n = 0, len(toks)
    while i < n:
        token = toks[i]
        if i in covered or not token.text[:1].isupper() or fold_words(token.text).partition(" ")[0] not in lexicon.first_words:
            i += 1
            continue
        end = i + 1  # the run of capitalised words and connectors on this line, not yet an entity
        while (end < n and end - i < 2 * lexicon.longest and end not in covered and "\n" not in toks[end - 1].whitespace_
               and not toks[end].is_space and (toks[end].text[:1].isupper() or toks[end].lower_ in _CONNECTORS)):
            end += 1
        match = None
        for stop in range(end, i, -1):
            last = toks[stop - 1]
            if not last.text[:1].isupper():
                continue
            if stop - i == 1 and token.text.isupper() and len(token.text) <= 5 and token.text not in lexicon.acronyms:
                continue  # an unknown short capitals word: an acronym of something else
            known = lexicon.known_name(fold_words(text[token.idx : last.idx + len(last.text)]))
            if known is not None:
                match = Span(i, stop, known, fixed=True)
                break
        if match is not None:
            added.append(match)
            i = match.end
        else:
            i += 1
    return added


def _rubric(doc: TokenView, span: Span, lexicon: EntityLexicon) -> bool:
    """Rule 7: a sport rubric at a headline's start, or a field name before a colon opening a line."""
    first = doc.tokens[span.start]
    line_start = first.i == 0 or "\n" in doc.tokens[first.i - 1].text_with_ws
    following = doc.tokens[span.end] if span.end < len(doc) else None
    if line_start and following is not None and following.text in ("-", "—", ":"):
        text = fold_words(doc.span_text(span.start, span.end))
        if text in lexicon.sport_rubrics:
            return True
        if following.text == ":" and span.end - span.start == 1 and lexicon.known_name(text) is None:
            return True
    return False


def _merge(spans: Sequence[Span], rules: Sequence[Span]) -> list[Span]:
    """The model's spans and the rules' spans: a rule's span wins over any span it overlaps."""
    taken = {i for s in rules for i in range(s.start, s.end)}
    kept = [s for s in spans if not any(i in taken for i in range(s.start, s.end))]
    return sorted([*kept, *rules], key=lambda s: s.start)


def _surnames(doc: TokenView, spans: Sequence[Span]) -> frozenset[str]:
    """Folded last words of the multi-word PERSON spans: a lone "Jordan" beside "Michael Jordan"."""
    return frozenset(fold_words(doc.tokens[s.end - 1].text) for s in spans if s.label == "PERSON" and s.end - s.start > 1)


def english_mentions(parsed: Doc, document: str, *, title_end: int, lexicon: EntityLexicon) -> list[Mention]:
    """The mentions of an English article: `doc` is the model's reading of the truecased copy
    of `document` (same offsets); mention texts are the truecased ones (names in proper case)."""
    doc = TokenView(parsed)
    spans = [p for ent in parsed.ents if ent.label_ not in NOT_NAMED for p in _pieces(doc, ent.start, ent.end, ent.label_)]
    lowered = _lower_case_words(doc.text)
    spans = [s for s in spans if _is_name(doc, s, lexicon) and not (s.label in ("GPE", "LOC") and _compass_only(doc, s))
             and not (s.label == "PERSON" and s.end - s.start == 1 and doc.tokens[s.start].lower_ in lowered)]
    surnames = _surnames(doc, spans)
    for span in spans:
        span.label = _relabel(doc, span, lexicon, surnames)
    spans = _merge(spans, _dateline_spans(doc, document, title_end))
    spans = apply_table_rules(doc, spans, lexicon, sport=is_sport_document(doc, lexicon))
    covered = {i for s in spans for i in range(s.start, s.end)}
    spans = _merge(spans, _additions(doc, covered, lexicon))
    spans = [s for s in spans if not _rubric(doc, s, lexicon)]
    text = doc.text
    mentions = []
    for s in spans:
        start, end = doc.tokens[s.start].idx, doc.tokens[s.end - 1].idx + len(doc.tokens[s.end - 1].text)
        mentions.append(Mention(text=text[start:end], label=s.label, start=start, end=end))
    return mentions

