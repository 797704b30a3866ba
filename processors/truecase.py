"""Truecasing for NER: a copy of the document, of the same length, where ALL-CAPS lines (agency
headlines, datelines, results tables: "SOCCER - JAPAN GET LUCKY WIN , CHINA IN SURPRISE DEFEAT .",
"LONDON 1996-08-30") are in the case a statistical model was trained on.

The small English model reads an ALL-CAPS line as one long name ("RUGBY UNION - ENGLAND NAME"
as an ORG) or as nothing. Each word of such a line takes, in this order:

1. upper case when it is a known acronym (UN, NATO, U.S.) or the document writes it in capitals
   in its mixed-case lines;
2. the case the document's mixed-case lines give it: capitalised when it occurs capitalised
   other than at a sentence start more often than in lower case ("Japan"), lower case when it
   occurs in lower case ("win");
3. capitalised when it belongs to a known name: a country, US state, capital or big city, a
   nationality, an organisation (several words at once: "NEW YORK", "UNITED ARAB EMIRATES");
4. lower case when it is a common English word ("lucky", "surprise", "takes"), capitalised
   otherwise ("SAQLAIN" is a name);

a line of column heads ("W L T GF GA PTS") goes to lower case, and the first word of any other
line is capitalised, as a sentence's is (not the first after a rubric's
dash: "Golf - leading scores", the model takes a capitalised word there for a name). Every character keeps its
offset (a letter whose other case is not one character, like "ß", is left as it is), so the
model's spans are spans of the original document.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from processors.entity_lexicon import EntityLexicon, fold_words

__all__ = ["caps_lines", "truecase"]

_WORD = re.compile(r"[^\W\d_]+(?:['’.][^\W\d_]+)*\.?|[^\W\d_]")
_LINE_OPENING = re.compile(r"[^\W\d_a-z]*(?:[\s'’.\-]+[^\W\d_a-z]+)*[\s'’.\-]*")  # capitals only, from a line's start
_LINE = re.compile(r"[^\n]+")
_SENTENCE_END = ".!?:;\"“”'‘’(—–-"
# Acronyms that are also words of a headline ("MAN WHO ...", "LET US ..."): upper case only when
# the document writes them so in its mixed-case lines.
_AMBIGUOUS_ACRONYMS = frozenset({"who", "us", "it", "at", "an", "or", "am", "is"})
_STOP = frozenset(
    "a an the and or but of in on at to for from by with as is are was were be been has have had will would "
    "after before over under up down out off into onto than then not no nor so if it its he she they we you i".split()
)


def caps_lines(document: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every line written in capitals: at least three capital letters, and nine
    cased letters in ten upper case ("McCARTHY" is allowed its lower-case c)."""
    for match in _LINE.finditer(document):
        line = match.group()
        upper = sum(ch.isupper() for ch in line)
        lower = sum(ch.islower() for ch in line)
        if upper >= 3 and lower * 9 <= upper:
            yield match.start(), match.end()


def _evidence(document: str, caps: list[tuple[int, int]]) -> tuple[Counter, Counter, Counter]:
    """How the mixed-case lines write each word (folded): capitalised inside a sentence, in
    lower case, in capitals (two letters or more)."""
    titled, lowered, upper = Counter(), Counter(), Counter()
    at = 0
    for start, end in [*caps, (len(document), len(document))]:
        chunk = document[at:start]
        for match in _WORD.finditer(chunk):
            word = match.group()
            key = word.lower().rstrip(".")
            if word.isupper() and len(word.rstrip(".")) > 1:
                # Not the capitals opening a line: a dateline's place ("ST ANDREWS , Scotland").
                if not _LINE_OPENING.fullmatch(chunk, chunk.rfind("\n", 0, match.start()) + 1, match.start()):
                    upper[key] += 1
            elif word[0].isupper():
                before = chunk[: match.start()].rstrip(" \t")
                if before and before[-1] not in _SENTENCE_END and before[-1] != "\n":
                    titled[key] += 1
            elif word.islower():
                lowered[key] += 1
        at = end
    return titled, lowered, upper


def _recase(word: str, capitalise: bool) -> str:
    """Lower case, the first letter (and the first after a hyphen or apostrophe, "AL-AIN" ->
    "Al-Ain", "O'NEILL" -> "O'Neill") upper case when `capitalise`; same length always."""
    out = []
    start = True
    for ch in word:
        new = ch.upper() if (capitalise and start) else ch.lower()
        out.append(new if len(new) == 1 else ch)
        start = ch in "-'’"
    return "".join(out)


def _known_spans(words: list[re.Match], lexicon: EntityLexicon) -> set[int]:
    """Indices of the words that belong to a known multi-word or single-word name."""
    known: set[int] = set()
    i = 0
    while i < len(words):
        for length in range(min(lexicon.longest, len(words) - i), 0, -1):
            key = fold_words(" ".join(w.group() for w in words[i : i + length]))
            if lexicon.known_name(key) and (length > 1 or key not in _STOP):
                known.update(range(i, i + length))
                i += length - 1
                break
        i += 1
    return known


def truecase(document: str, lexicon: EntityLexicon) -> str:
    """`document` with its ALL-CAPS lines recased (module doc); the same string when it has none."""
    caps = list(caps_lines(document))
    if not caps:
        return document
    titled, lowered, upper = _evidence(document, caps)
    out = list(document)
    for start, end in caps:
        line = document[start:end]
        words = [m for m in _WORD.finditer(line) if any(ch.isupper() for ch in m.group())]
        header = all(len(m.group().rstrip(".")) <= 3 for m in words)  # column heads: "W L T GF GA PTS"
        known = _known_spans(words, lexicon)
        for position, match in enumerate(words):
            word = match.group()
            key = word.lower().rstrip(".")
            acronym = word in lexicon.acronyms and key not in _AMBIGUOUS_ACRONYMS
            if acronym or upper[key] > titled[key] + lowered[key]:
                continue
            if header:
                capitalise = False
            elif titled[key] or lowered[key]:
                capitalise = titled[key] >= lowered[key]
            elif position in known:
                capitalise = True
            else:
                capitalise = key not in _STOP and not lexicon.is_common_word(key)
            out[start + match.start() : start + match.end()] = _recase(word, capitalise or (position == 0 and not header))
    return "".join(out)
