"""`newsflow eval extract` (processors/extraction_eval.py) on the bundled pages, its metric, its
errors on malformed data, and the recall fallback with its note on the article (issue 21)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsflow.app.cmd_eval import add_eval_commands
from newsflow.errors import ConfigError
from newsflow.settings import Settings
from processors import extraction
from processors.extraction_eval import load_pages, score

DATA = Path(__file__).resolve().parent.parent / "data"
BUNDLED = DATA / "extract-eval"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    root = argparse.ArgumentParser(prog="newsflow")
    add_eval_commands(root.add_subparsers(dest="command", required=True))
    args = root.parse_args(list(argv))
    code = args.func(Settings(), args)
    return code, capsys.readouterr().out


def test_the_bundled_set_is_what_the_generator_writes(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(DATA / "make_extract_eval.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True, timeout=60)
    written = sorted(p.name for p in tmp_path.iterdir() if p.name != "README.md")
    assert written == sorted(p.name for p in BUNDLED.iterdir() if p.name != "README.md")
    assert all((tmp_path / name).read_bytes() == (BUNDLED / name).read_bytes() for name in written)


def test_eval_extract_on_the_bundled_pages_beats_bare_trafilatura_with_no_empty_page(capsys) -> None:
    code, out = run(capsys, "eval", "extract", "--baseline", "--json")
    assert code == 0
    reports = json.loads(out)
    ours, bare = reports["newsflow"], reports["bare trafilatura"]
    assert ours["pages"] == 12 and ours["empty"] == [] and ours["short"] == []
    assert ours["f1"] >= 0.95 and ours["recall"] >= 0.98
    assert ours["precision"] > bare["precision"]
    assert ours["ms_per_page_median"] > 0


def test_eval_extract_prints_one_summary_line_per_extractor(capsys) -> None:
    code, out = run(capsys, "eval", "extract", "--data", str(BUNDLED))
    assert code == 0
    assert out.startswith("newsflow: pages=12 precision=") and " f1=" in out and " empty=0 " in out


def test_the_metric_counts_shared_four_word_shingles() -> None:
    reference = "the port authority said volumes rose for a third month"
    assert score(reference, reference) == (1.0, 1.0)
    assert score("", reference) == (0.0, 0.0)
    precision, recall = score(reference + " subscribe now for one dollar a week", reference)
    assert recall == 1.0 and precision == pytest.approx(7 / 14)
    assert score("the port authority said", reference) == (1.0, pytest.approx(1 / 7))


@pytest.mark.parametrize(("setup", "message"), [
    (lambda d: d.rmdir(), "not a folder"),
    (lambda d: None, "expected references.jsonl"),
    (lambda d: (d / "references.jsonl").write_text('{"file": "a.html"}\n'), "references.jsonl:1: expected"),
    (lambda d: (d / "references.jsonl").write_text('{"file": "gone.html", "body": "x"}\n'), "gone.html is not in"),
])
def test_a_malformed_data_folder_is_a_clear_error(tmp_path: Path, setup, message: str) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    setup(folder)
    with pytest.raises(ConfigError, match=message):
        load_pages(folder)


ARTICLE = " ".join(["Dock workers returned to work on Monday after a nine-day strike over pay."] * 6)


def test_a_notice_picked_by_the_precise_pass_falls_back_to_the_recall_pass(monkeypatch) -> None:
    passes = {"favor_precision": "This copy is for your personal, non-commercial use only.", "favor_recall": ARTICLE}
    monkeypatch.setattr(extraction, "_trafilatura", lambda html, url, **mode: passes[next(iter(mode))])
    result = extraction.extract_page("<html></html>", "https://x.example/a")
    assert (result.text, result.method) == (ARTICLE, "recall")


def test_the_recall_pass_is_kept_only_when_it_finds_more(monkeypatch) -> None:
    passes = {"favor_precision": "Short but right.", "favor_recall": "Short."}
    monkeypatch.setattr(extraction, "_trafilatura", lambda html, url, **mode: passes[next(iter(mode))])
    assert extraction.extract_page("<html></html>").method == "precise"
