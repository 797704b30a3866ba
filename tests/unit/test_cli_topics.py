"""`newsflow topics train` and `newsflow eval topics`, through their own argparse wiring (cli_topics)."""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

import pytest

from newsflow.app.cmd_eval import add_eval_commands
from newsflow.app.cmd_topics import add_topics_command
from newsflow.errors import ConfigError
from newsflow.settings import Settings

DATA = Path(__file__).resolve().parent.parent / "data"

POOLS = {
    "markets": "shares bonds yields investors traders stocks rally index dividend earnings futures currency",
    "gardening": "roses compost seedlings pruning lawn mulch tulips greenhouse soil weeds hedges bulbs",
    "cooking": "recipe oven simmer flour butter saucepan whisk dough roast garlic pastry stock",
}
FILLER = "the a of and in on with for this that week".split()


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="newsflow")
    commands = root.add_subparsers(dest="command", required=True)
    add_topics_command(commands)
    add_eval_commands(commands)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    args = parser().parse_args(list(argv))
    code = args.func(Settings(), args)
    return code, capsys.readouterr().out


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def generated_rows(per_label: int, seed: int = 7) -> list[dict[str, str]]:
    """A tiny labelled set: each label's texts mix its own words with common filler words."""
    rng = random.Random(seed)
    rows = []
    for label, pool in POOLS.items():
        words = pool.split()
        for _ in range(per_label):
            text = " ".join(rng.choice(words if rng.random() < 0.6 else FILLER) for _ in range(14))
            rows.append({"title": rng.choice(words), "text": text, "label": label})
    rng.shuffle(rows)
    return rows


def number_after(label: str, output: str) -> float:
    return float(re.search(rf"^{label}\s+([0-9.]+)", output, re.MULTILINE).group(1))


# --- help and arguments ---------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["topics", "--help"], ["eval", "--help"]])
def test_both_commands_explain_themselves(capsys, argv):
    with pytest.raises(SystemExit) as exited:
        parser().parse_args(argv)
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "--data" in out and ("JSON" in out or "IPTC" in out)


@pytest.mark.parametrize("argv", [
    ["topics", "train", "--data", "x.jsonl"],  # no --out
    ["topics", "train", "--data", "x.jsonl", "--out", "m.json", "--test-split", "0.9"],
    ["topics", "train", "--data", "x.jsonl", "--out", "m.json", "--test-split", "lots"],
    ["eval", "topics"],  # no --data
    ["eval", "labels", "--data", "x.jsonl"],
])
def test_bad_arguments_are_refused_by_the_parser(capsys, argv):
    with pytest.raises(SystemExit) as exited:
        parser().parse_args(argv)
    assert exited.value.code == 2
    assert "error" in capsys.readouterr().err


# --- train and eval round trip --------------------------------------------------------------------------


def test_train_then_eval_round_trip(tmp_path, capsys):
    data = write_jsonl(tmp_path / "labelled.jsonl", generated_rows(per_label=15))
    model = tmp_path / "models" / "kitchen-garden.json"
    code, out = run(capsys, "topics", "train", "--data", str(data), "--out", str(model), "--test-split", "0.2")
    assert code == 0
    assert "read 45 examples with 3 labels" in out
    assert "tested on the other 9" in out  # 20% held out, stratified
    assert number_after("accuracy", out) >= 0.8  # the pools barely overlap: a working model separates them
    assert "confusion matrix" in out and f"saved {model}" in out

    saved = json.loads(model.read_text())
    assert saved["format"] == "newsflow.topics/2" and saved["labels"] == ["cooking", "gardening", "markets"]
    assert saved["metadata"]["examples"] == 45 and saved["metadata"]["method"] == "svm"
    assert re.search(r"fitted on all 45 examples in [0-9.]+ s \(svm, word\+char\)", out)

    fresh = write_jsonl(tmp_path / "fresh.jsonl", generated_rows(per_label=6, seed=99))
    code, out = run(capsys, "eval", "topics", "--data", str(fresh), "--model", str(model))
    assert code == 0
    assert number_after("accuracy", out) >= 0.8 and number_after("macro-F1", out) >= 0.8
    assert re.search(r"^classifier\s+kitchen-garden [0-9a-f]{12}$", out, re.MULTILINE)
    matrix = out.split("confusion matrix")[1].splitlines()[2:]
    assert [line.split()[1] for line in matrix] == ["cooking", "gardening", "markets"]
    assert sum(int(c) for line in matrix for c in line.split()[2:] if c != ".") == 18


def test_test_split_zero_trains_without_holding_out(tmp_path, capsys):
    data = write_jsonl(tmp_path / "labelled.jsonl", generated_rows(per_label=5))
    code, out = run(capsys, "topics", "train", "--data", str(data), "--out", str(tmp_path / "m.json"), "--test-split", "0")
    assert code == 0 and "held-out" not in out and "fitted on all 15 examples" in out


def test_eval_defaults_to_the_builtin_iptc_classifier(capsys):
    code, out = run(capsys, "eval", "topics", "--data", str(DATA / "iptc-eval-heldout.jsonl"))
    assert code == 0
    assert re.search(r"^classifier\s+iptc-mediatopics-lexicon", out, re.MULTILINE)
    assert number_after("examples", out) == 60
    assert number_after("accuracy", out) >= 0.88
    matrix = out.split("confusion matrix")[1].splitlines()[2:]
    assert len(matrix) == 17 and all(len(line) <= 90 for line in matrix)  # fits a terminal


def test_train_takes_the_method_and_features(tmp_path, capsys):
    data = write_jsonl(tmp_path / "labelled.jsonl", generated_rows(per_label=8))
    code, out = run(capsys, "topics", "train", "--data", str(data), "--out", str(tmp_path / "m.json"), "--test-split", "0",
                    "--method", "logreg", "--features", "word")
    assert code == 0 and "(logreg, word)" in out
    saved = json.loads((tmp_path / "m.json").read_text())
    assert saved["scoring"] == "softmax" and [b["analyzer"] for b in saved["blocks"]] == ["word"]


def test_eval_help_explains_the_figures(capsys):
    with pytest.raises(SystemExit):
        parser().parse_args(["eval", "topics", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "mean F1 over the GOLD labels" in out and "open-set macro-F1" in out
    assert "outside the gold labels" in out and "--language" in out


def test_eval_scores_macro_f1_over_the_gold_labels(tmp_path, capsys):
    # Three classes; the police story is politics, but its words make the classifier say
    # something else: an error against politics, not a fourth class with F1 = 0.
    rows = [{"title": "Alcaraz wins Wimbledon", "text": "Carlos Alcaraz beat Novak Djokovic in the final.", "label": "sport"},
            {"title": "Bayern sign striker", "text": "The Bundesliga club paid a record transfer fee.", "label": "sport"},
            {"title": "Central bank raises rates", "text": "Inflation pushed the central bank to raise interest rates.",
             "label": "economy, business and finance"},
            {"title": "Shares slump", "text": "Stock markets fell as investors sold bank shares.",
             "label": "economy, business and finance"},
            {"title": "Parliament passes budget", "text": "MPs voted for the government's budget.", "label": "politics"},
            {"title": "Storm warning", "text": "Forecasters warn of gales and heavy rain.", "label": "politics"}]
    code, out = run(capsys, "eval", "topics", "--data", str(write_jsonl(tmp_path / "three.jsonl", rows)))
    assert code == 0
    assert number_after("accuracy", out) == pytest.approx(5 / 6, abs=1e-3)
    # politics: precision 1, recall 1/2, F1 2/3; the others 1: mean over the 3 gold labels
    assert number_after("macro-F1", out) == pytest.approx((1 + 1 + 2 / 3) / 3, abs=1e-3)
    assert number_after("open-set macro-F1", out) == pytest.approx((1 + 1 + 2 / 3) / 4, abs=1e-3)
    assert "predicted outside the gold labels: 1 (weather: 1)" in out


def test_eval_can_pick_one_language(capsys):
    code, out = run(capsys, "eval", "topics", "--data", str(DATA / "iptc-news-heldout.jsonl"), "--language", "it")
    assert code == 0 and number_after("examples", out) == 44
    assert "by language" not in out
    with pytest.raises(ConfigError, match="no articles"):
        run(capsys, "eval", "topics", "--data", str(DATA / "iptc-news-heldout.jsonl"), "--language", "nl")


def test_eval_accepts_iptc_codes_as_labels(tmp_path, capsys):
    rows = [{"text": "Alcaraz beat Djokovic in the Wimbledon final.", "label": "medtop:15000000"},
            {"text": "The central bank raised interest rates to fight inflation.", "label": "04000000"}]
    code, out = run(capsys, "eval", "topics", "--data", str(write_jsonl(tmp_path / "codes.jsonl", rows)))
    assert code == 0 and number_after("accuracy", out) == 1.0


# --- errors -------------------------------------------------------------------------------------------------


def train(tmp_path: Path, capsys, rows: list[object] | None, out: str = "m.json") -> None:
    data = tmp_path / "data.jsonl" if rows is None else write_jsonl(tmp_path / "data.jsonl", rows)
    run(capsys, "topics", "train", "--data", str(data), "--out", str(tmp_path / out))


def test_a_missing_file_is_named(tmp_path, capsys):
    with pytest.raises(ConfigError, match=r"data\.jsonl: no such file"):
        train(tmp_path, capsys, None)


@pytest.mark.parametrize(("bad", "message"), [
    ("{not json", r"line 3: not valid JSON"),
    ('["a list"]', r"line 3: expected a JSON object"),
    ('{"text": "no label here"}', r"line 3: \"label\" must be a non-empty string"),
    ('{"text": 42, "label": "x"}', r"line 3: \"title\" and \"text\" must be strings"),
    ('{"text": "  ", "label": "x"}', r"line 3: no \"text\""),
])
def test_a_bad_line_is_named_by_its_number(tmp_path, capsys, bad, message):
    good = {"text": "fine", "label": "a"}
    with pytest.raises(ConfigError, match=message):
        train(tmp_path, capsys, [good, good, bad, good])


def test_blank_lines_are_skipped_but_an_empty_file_is_refused(tmp_path, capsys):
    with pytest.raises(ConfigError, match="no examples"):
        train(tmp_path, capsys, ["", "   "])


def test_one_label_is_not_a_taxonomy(tmp_path, capsys):
    rows = [{"text": f"text {i}", "label": "only"} for i in range(10)]
    with pytest.raises(ConfigError, match="at least 2 different labels"):
        train(tmp_path, capsys, rows)


def test_too_few_examples_of_a_label_are_named(tmp_path, capsys):
    rows = generated_rows(per_label=6) + [{"text": "rare words", "label": "rare"}] * 2
    with pytest.raises(ConfigError, match=r"at least 5; 'rare' \(2\)"):
        train(tmp_path, capsys, rows)


def test_a_test_split_that_starves_training_names_the_option(tmp_path, capsys):
    data = write_jsonl(tmp_path / "data.jsonl", generated_rows(per_label=6))
    with pytest.raises(ConfigError, match=r"holding out 50% .* lower --test-split"):
        run(capsys, "topics", "train", "--data", str(data), "--out", str(tmp_path / "m.json"), "--test-split", "0.5")


def test_a_pickle_model_file_is_refused_before_training(tmp_path, capsys):
    with pytest.raises(ConfigError, match="JSON"):
        train(tmp_path, capsys, generated_rows(per_label=6), out="model.joblib")
    assert not (tmp_path / "model.joblib").exists()


def test_eval_of_the_builtin_classifier_refuses_non_iptc_labels(tmp_path, capsys):
    rows = [{"text": "Alcaraz won.", "label": "sports"}, {"text": "Rates rose.", "label": "finance"}]
    with pytest.raises(ConfigError, match="not IPTC Media Topics: 'finance', 'sports'"):
        run(capsys, "eval", "topics", "--data", str(write_jsonl(tmp_path / "d.jsonl", rows)))


def test_eval_with_a_missing_model_is_an_error(tmp_path, capsys):
    with pytest.raises(ConfigError, match="does not exist"):
        run(capsys, "eval", "topics", "--data", str(DATA / "iptc-eval-tune.jsonl"), "--model", str(tmp_path / "no.json"))
