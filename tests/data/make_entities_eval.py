"""Build tests/data/entities-eval.conll (tuning) and tests/data/entities-eval-heldout.conll
(held-out): English agency-style news labelled by hand with CoNLL-2003 conventions, for
`newsflow eval entities` (processors/entities_eval.py).

    python tests/data/make_entities_eval.py          # writes both files, deterministic

Each set has hand-written documents (make_entities_eval_docs.py: politics, business, world, tech,
culture, sport reports) and documents made from templates with slot values (results and
standings tables, leaderboards, scoreboards, market and diplomatic briefs:
make_entities_eval_templates.py), with ALL-CAPS
headlines and datelines ("LONDON 1996-08-30") as agency copy has them. The held-out set has
other events, other names and other templates than the tuning set: rules are tuned on the
tuning set only.

Markup: one sentence per line, an entity as ``[TYPE words]`` with TYPE one of PER, ORG, LOC,
MISC. Conventions (CoNLL-2003): people without their titles ("Prime Minister [PER Tony
Blair]"); countries, cities, regions, venues and national teams LOC; companies, clubs (also
clubs named after their city), parties, agencies, exchanges and leagues' bodies ORG;
nationalities and demonyms, events, tournaments, products and works MISC. Text is tokenised as
CoNLL tokenises it ("Germany 's", "did n't", punctuation apart, "U.S." kept whole).

The tuning file is written as ``token POS chunk NER`` with IOB1 tags (CoNLL-2003's own form,
POS and chunk being rough guesses that nothing reads), the held-out file as ``token NER`` with
IOB2 tags: the evaluation reads both.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_entities_eval_docs import HELDOUT_DOCS, TUNING_DOCS  # noqa: E402
from make_entities_eval_templates import heldout_templated, tuning_templated  # noqa: E402

HERE = Path(__file__).resolve().parent
TYPES = {"PER", "ORG", "LOC", "MISC"}
ABBREVIATIONS = {
    "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "Jr.", "Sr.", "Inc.", "Corp.", "Co.", "Ltd.", "Jan.", "Feb.",
    "Aug.", "Sept.", "Oct.", "Nov.", "Dec.", "Gen.", "Lt.", "Col.", "Sen.", "Rep.", "Gov.", "No.", "vs.",
    "v.", "Bros.", "Mt.", "Ft.", "a.m.", "p.m.", "Calif.", "Mass.", "Fla.", "Ill.", "Pa.",
}  # fmt: skip
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+")
_MARK = re.compile(r"\[(PER|ORG|LOC|MISC) ([^\[\]]+?)\]")


def tokenise(text: str) -> list[str]:
    tokens: list[str] = []
    for piece in text.split():
        lead: list[str] = []
        while len(piece) > 1 and piece[0] in '("':
            lead.append(piece[0])
            piece = piece[1:]
        trail: list[str] = []
        while len(piece) > 1 and piece[-1] in ',;:?!)"':
            trail.insert(0, piece[-1])
            piece = piece[:-1]
        if len(piece) > 1 and piece.endswith(".") and piece not in ABBREVIATIONS and not _INITIALS.fullmatch(piece) \
                and not re.fullmatch(r"\d+\.", piece):
            trail.insert(0, ".")
            piece = piece[:-1]
        words = [piece]
        if len(piece) > 2 and piece.endswith("'s"):
            words = [piece[:-2], "'s"]
        elif len(piece) > 3 and piece.endswith("n't"):
            words = [piece[:-3], "n't"]
        tokens.extend([*lead, *words, *trail])
    return tokens


def sentence_tokens(line: str) -> list[tuple[str, str | None, bool]]:
    """(token, entity type or None, whether it begins an entity) for one marked-up sentence."""
    out: list[tuple[str, str | None, bool]] = []
    at = 0
    for match in _MARK.finditer(line):
        out.extend((t, None, False) for t in tokenise(line[at : match.start()]))
        words = tokenise(match.group(2))
        out.extend((t, match.group(1), i == 0) for i, t in enumerate(words))
        at = match.end()
    out.extend((t, None, False) for t in tokenise(line[at:]))
    if "[" in line.replace("[ ", "") and not _MARK.search(line):
        raise ValueError(f"unbalanced markup: {line!r}")
    for token, _, _ in out:
        if "[" in token or "]" in token:
            raise ValueError(f"bad markup near {token!r} in {line!r}")
    return out


def _pos(token: str) -> str:
    if not any(ch.isalnum() for ch in token):
        return token
    if token[0].isdigit():
        return "CD"
    return "NNP" if token[0].isupper() else "NN"


def conll_lines(documents: list[str], *, iob1: bool, four_columns: bool) -> list[str]:
    lines: list[str] = []
    for document in documents:
        lines += ["-DOCSTART- -X- -X- O" if four_columns else "-DOCSTART- O", ""]
        for line in document.strip().splitlines():
            if not line.strip():
                continue
            previous: str | None = None
            for token, kind, begins in sentence_tokens(line):
                if kind is None:
                    tag = "O"
                elif iob1:
                    tag = f"B-{kind}" if begins and previous == kind else f"I-{kind}"
                else:
                    tag = f"B-{kind}" if begins else f"I-{kind}"
                previous = kind
                if four_columns:
                    pos = _pos(token)
                    lines.append(f"{token} {pos} {'O' if pos == token else 'I-NP'} {tag}")
                else:
                    lines.append(f"{token} {tag}")
            lines.append("")
    return lines


def check(documents: list[str], name: str) -> None:
    for document in documents:
        for line in document.strip().splitlines():
            for kind in re.findall(r"\[(\w+) ", line):
                if kind not in TYPES:
                    raise ValueError(f"{name}: unknown type {kind!r} in {line!r}")
            sentence_tokens(line)


def main() -> None:
    tuning = TUNING_DOCS + tuning_templated(random.Random(1996))
    heldout = HELDOUT_DOCS + heldout_templated(random.Random(2011))
    for documents, name in ((tuning, "tuning"), (heldout, "held-out")):
        check(documents, name)
    (HERE / "entities-eval.conll").write_text(
        "\n".join(conll_lines(tuning, iob1=True, four_columns=True)) + "\n", encoding="utf-8")
    (HERE / "entities-eval-heldout.conll").write_text(
        "\n".join(conll_lines(heldout, iob1=False, four_columns=False)) + "\n", encoding="utf-8")
    print(f"tuning: {len(tuning)} documents; held-out: {len(heldout)} documents")


if __name__ == "__main__":
    main()
