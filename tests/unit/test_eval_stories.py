"""`newsflow eval stories` on the labelled sets (tuning and held-out), its metrics, and the sets' generators."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsflow.app.cmd_eval import add_eval_commands
from newsflow.app.cmd_topics import add_topics_command
from newsflow.errors import ConfigError
from newsflow.settings import Settings
from processors.stories.evaluation import duplicate_scores, load_eval_articles, pairwise_scores

DATA = Path(__file__).resolve().parent.parent / "data"
EVAL_SET = DATA / "stories-eval.jsonl"
HELDOUT = DATA / "stories-eval-heldout.jsonl"
REALMIX = DATA / "stories-eval-realmix.jsonl"


def invoke(*argv: str) -> int:
    root = argparse.ArgumentParser(prog="newsflow")
    commands = root.add_subparsers(dest="command", required=True)
    add_topics_command(commands)
    add_eval_commands(commands)
    args = root.parse_args(list(argv))
    return args.func(Settings(), args)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = invoke(*argv)
    return code, capsys.readouterr().out


@pytest.fixture(scope="module")
def default_run() -> tuple[int, str, float]:
    """`newsflow eval stories` without --data (both bundled sets), run once for the tests that read
    it: (exit code, output, seconds)."""
    started = time.monotonic()
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        code = invoke("eval", "stories")
    return code, output.getvalue(), time.monotonic() - started


def scores(label: str, output: str) -> tuple[float, float, float]:
    found = re.search(rf"^{label}\s+precision ([0-9.]+)\s+recall ([0-9.]+)\s+F1 ([0-9.]+)", output, re.MULTILINE)
    assert found, f"no {label!r} line in:\n{output}"
    return float(found[1]), float(found[2]), float(found[3])


def section(title: str, output: str) -> str:
    """The lines of the report section whose header starts with `title` ("tuning set", "summary")."""
    found = re.search(rf"^== {re.escape(title)}\b[^\n]*==\n(.*?)(?=\n\n== |\Z)", output, re.MULTILINE | re.DOTALL)
    assert found, f"no section {title!r} in:\n{output}"
    return found[1]


def stories_by_label(articles: list) -> dict[str, list]:
    stories: dict[str, list] = {}
    for a in articles:
        stories.setdefault(a.story, []).append(a)
    return stories


# --- the labelled set ----------------------------------------------------------------------------------------------


def test_the_committed_set_is_what_the_generator_writes(tmp_path):
    out = tmp_path / "stories-eval.jsonl"
    subprocess.run([sys.executable, str(DATA / "make_stories_eval.py"), "--out", str(out)], check=True,
                   capture_output=True, text=True, timeout=60)
    assert out.read_bytes() == EVAL_SET.read_bytes()


def test_the_set_has_events_lookalikes_and_variants(seed_article):
    articles = load_eval_articles(EVAL_SET)
    assert len(articles) >= 150
    assert [a.published for a in articles] == sorted(a.published for a in articles)
    assert articles[0].text == seed_article.strip()
    stories: dict[str, list] = {}
    for a in articles:
        stories.setdefault(a.story, []).append(a)
    events = [s for s, members in stories.items() if len({m.source for m in members if not m.duplicate_of}) >= 3]
    assert len(events) >= 12
    assert sum(1 for members in stories.values() if len(members) == 1) >= 25  # unrelated, alone in their story
    kinds = {a.id.split("~")[1] for a in articles if "~" in a.id}
    for kind in ("edited", "truncated", "boilerplate", "retitled", "exact"):
        assert any(kind in k for k in kinds), kind
    by_id = {a.id: a for a in articles}
    assert all(by_id[a.duplicate_of].story == a.story for a in articles if a.duplicate_of)


def test_the_heldout_generator_is_deterministic_and_wrote_the_committed_file(tmp_path):
    # Two processes (each with its own hash seed), so that an order that depends on hashing shows.
    outputs = []
    for name in ("first.jsonl", "second.jsonl"):
        out = tmp_path / name
        subprocess.run([sys.executable, str(DATA / "make_stories_eval_heldout.py"), "--out", str(out)], check=True,
                       capture_output=True, text=True, timeout=60)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0] == HELDOUT.read_bytes()


def test_the_heldout_set_has_events_lookalikes_briefs_and_variants():
    articles = load_eval_articles(HELDOUT)
    assert 140 <= len(articles) <= 180
    assert [a.published for a in articles] == sorted(a.published for a in articles)
    assert {a.published.year for a in articles} == {2023}
    assert (articles[-1].published - articles[0].published).days >= 10  # spread over about two weeks
    stories = stories_by_label(articles)
    events = [s for s, members in stories.items() if len({m.source for m in members if not m.duplicate_of}) >= 3]
    assert 12 <= len(events) <= 14
    for story in events:
        originals = [a for a in stories[story] if not a.duplicate_of]
        assert all(120 <= len(a.text.split()) <= 300 for a in originals), story
    assert sum(1 for members in stories.values() if len(members) == 1) >= 25  # unrelated, alone in their story
    kinds = {a.id.split("~")[1] for a in articles if "~" in a.id}
    for kind in ("edited", "truncated", "boilerplate", "retitled", "exact"):
        assert any(kind in k for k in kinds), kind
    assert any("+" in k for k in kinds)  # combinations
    by_id = {a.id: a for a in articles}
    assert all(by_id[a.duplicate_of].story == a.story for a in articles if a.duplicate_of)
    briefs = [a for a in articles if len(a.text.split()) < 30 and a.id.startswith("brief-")]
    originals = [b for b in briefs if not b.duplicate_of]
    assert len(originals) >= 2 and len({b.story for b in originals}) == len(originals)  # alike, yet different
    assert any(b.duplicate_of and b.text == by_id[b.duplicate_of].text for b in briefs)  # and an exact copy


def test_the_heldout_set_shares_no_event_nor_text_with_the_tuning_set():
    tuning, heldout = load_eval_articles(EVAL_SET), load_eval_articles(HELDOUT)
    assert not {a.story for a in tuning} & {a.story for a in heldout}
    assert not {a.id for a in tuning} & {a.id for a in heldout}
    assert not {a.text for a in tuning} & {a.text for a in heldout}
    assert max(a.published for a in tuning) < min(a.published for a in heldout)
    # Other outlets tell the events (the unrelated articles' rotating outlets aside).
    def event_sources(articles: list) -> set[str]:
        stories = stories_by_label(articles)
        return {a.source for members in stories.values() if len(members) >= 3 for a in members if not a.duplicate_of}
    assert not event_sources(tuning) & event_sources(heldout)


def test_the_committed_real_mix_is_what_its_generator_writes(tmp_path):
    out = tmp_path / "realmix.jsonl"
    subprocess.run([sys.executable, str(DATA / "make_stories_realmix.py"), "--out", str(out)], check=True,
                   capture_output=True, text=True, timeout=60)
    assert out.read_bytes() == REALMIX.read_bytes()


def test_the_real_mix_is_a_backlog_with_undated_items_in_several_languages():
    articles = load_eval_articles(REALMIX)
    undated = [a for a in articles if a.date_source == "fetched"]
    assert len(undated) >= 6 and all(a.published == a.fetched_at for a in undated)
    dated = [a for a in articles if a.date_source == "feed"]
    assert all((a.fetched_at - a.published).days >= 14 for a in dated)  # a backlog: weeks to months old
    # In arrival order: feed after feed, so undated items of one feed come before the backlog of the next.
    assert [a.arrival for a in articles] == sorted(a.arrival for a in articles)
    first_undated = articles.index(undated[0])
    assert any(a.date_source == "feed" for a in articles[first_undated:])
    stories: dict[str, list] = {}
    for a in articles:
        stories.setdefault(a.story, []).append(a)
    one_outlet = [s for s, m in stories.items() if len(m) >= 5 and len({a.source for a in m}) == 1]
    two_outlets = [s for s, m in stories.items() if len({a.source for a in m if not a.duplicate_of}) >= 2]
    assert one_outlet and len(two_outlets) >= 3
    assert any(a.duplicate_of and a.date_source == "fetched" for a in articles)  # an undated copy


def test_eval_stories_on_the_real_mix_groups_the_backlog(capsys):
    code, out = run(capsys, "eval", "stories", "--data", str(REALMIX))
    assert code == 0
    assert scores("duplicates \\(pairs\\)", out)[:2] == (1.0, 1.0)
    precision, recall, f1 = scores("stories \\(pairwise\\)", out)
    # With windows on publish dates: recall 0.35, and two of the three duplicates missed.
    assert precision >= 0.9 and recall >= 0.9 and f1 >= 0.9


# --- the command --------------------------------------------------------------------------------------------------


def test_eval_stories_on_the_labelled_set_meets_the_goals(default_run):
    code, output, _ = default_run
    assert code == 0
    out = section("tuning set", output)
    assert re.search(r"^articles\s+153$", out, re.MULTILINE)
    precision, recall, _ = scores("duplicates \\(pairs\\)", out)
    assert precision >= 0.95 and recall >= 0.95  # the goal of issue 8
    precision, recall, f1 = scores("stories \\(pairwise\\)", out)
    assert f1 >= 0.9 and precision >= 0.9 and recall >= 0.9
    assert scores("stories, originals only", out)[2] >= 0.85
    counts = re.search(r"^stories\s+(\d+) found, (\d+) expected$", out, re.MULTILINE)
    assert counts and int(counts[2]) == 56 and abs(int(counts[1]) - 56) <= 5
    timing = re.search(r"dedup ([0-9.]+)\s+clustering ([0-9.]+)\s+NER ([0-9.]+)", out)
    dedup, clustering, ner = map(float, timing.groups())
    # Reported, not asserted against NER: a timing on a shared 2-core machine is noise
    # (bench.stories_cost and bench.stories_scale measure the cost, with their baseline).
    assert 0 < dedup and 0 < clustering and 0 < ner


def test_eval_stories_reports_the_tuning_and_heldout_sets_side_by_side(default_run):
    code, output, _ = default_run
    assert code == 0
    assert re.search(r"^== tuning set: \S*stories-eval\.jsonl \(thresholds tuned on it\) ==$", output, re.MULTILINE)
    assert re.search(r"^== held-out set: \S*stories-eval-heldout\.jsonl \(held out: nothing tuned on it\) ==$", output,
                     re.MULTILINE)
    heldout = section("held-out set", output)
    assert re.search(r"^articles\s+163$", heldout, re.MULTILINE)
    summary = section("summary", output).splitlines()
    assert summary[0].split() == ["set", "duplicates", "P", "duplicates", "R", "story", "P", "story", "R", "story", "F1"]
    rows = {line.split()[0]: [float(v) for v in line.split()[1:]] for line in summary[2:]}
    assert list(rows) == ["tuning", "held-out"]
    for name, title in (("tuning", "tuning set"), ("held-out", "held-out set")):
        text = section(title, output)  # the table repeats each section's figures
        assert rows[name] == [*scores("duplicates \\(pairs\\)", text)[:2], *scores("stories \\(pairwise\\)", text)]


def test_eval_stories_on_the_heldout_set_meets_its_floors(default_run):
    """The held-out set is the estimate for new data: a floor against regressions, never a target
    to tune on. Issue 18 asks duplicates P and R >= 0.99; recall is 0.973 (two edited copies in
    another site's byline and footer missed), left as measured."""
    _, output, _ = default_run
    heldout = section("held-out set", output)
    precision, recall, _ = scores("duplicates \\(pairs\\)", heldout)
    assert precision >= 0.95 and recall >= 0.95  # the goal of issue 8
    assert scores("stories \\(pairwise\\)", heldout)[2] >= 0.90  # the goal of issue 18 for the held-out set


def test_eval_stories_with_several_data_files(tmp_path, capsys):
    rows = [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines()]
    files = []
    for name, chosen in (("ferry.jsonl", {"lofoten-ferry", "single-09"}), ("brent.jsonl", {"brief-brent-1", "brief-brent-2"})):
        path = tmp_path / name
        path.write_text("".join(json.dumps(r) + "\n" for r in rows if r["labels"]["story"] in chosen), encoding="utf-8")
        files += ["--data", str(path)]
    code, out = run(capsys, "eval", "stories", *files)
    assert code == 0
    assert re.search(r"^== ferry\.jsonl: .*ferry\.jsonl ==$", out, re.MULTILINE)
    assert re.search(r"^== brent\.jsonl: .*brent\.jsonl ==$", out, re.MULTILINE)
    assert [line.split()[0] for line in section("summary", out).splitlines()[2:]] == ["ferry.jsonl", "brent.jsonl"]
    code, out = run(capsys, "eval", "stories", *files, "--json")
    reports = [json.loads(line) for line in out.splitlines()]
    assert [(r["set"], Path(r["data"]).name) for r in reports] == [("ferry.jsonl", "ferry.jsonl"), ("brent.jsonl", "brent.jsonl")]
    assert reports[1]["articles"] == 3


def test_the_default_sets_are_found_in_the_repository():
    from newsflow.app.cmd_eval import STORIES_SETS

    assert list(STORIES_SETS.values()) == ["tuning", "held-out"]
    assert [p.resolve() for p in STORIES_SETS] == [EVAL_SET.resolve(), HELDOUT.resolve()]


def test_eval_stories_json_on_another_file(tmp_path, capsys):
    rows = [json.loads(line) for line in EVAL_SET.read_text(encoding="utf-8").splitlines()]
    chosen = [r for r in rows if r["labels"]["story"] in {"cup-final", "porto-vale-coach", "solo-28"}]
    data = tmp_path / "football.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in reversed(chosen)), encoding="utf-8")  # any order
    code, out = run(capsys, "eval", "stories", "--data", str(data), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["articles"] == len(chosen)
    assert report["duplicates"]["expected"] == sum(1 for r in chosen if r["labels"]["duplicate_of"])
    assert report["duplicates"]["precision"] == 1.0 and report["duplicates"]["recall"] == 1.0
    assert set(report["ms_per_article"]) >= {"dedup", "clustering", "ner", "news.entities.v2"}
    assert report["expected_stories"] == 3 and report["stories"]["expected"] > 0


def test_eval_topics_still_needs_its_data(capsys):
    with pytest.raises(SystemExit) as exited:
        run(capsys, "eval", "topics")
    assert exited.value.code == 2


# --- metrics and input errors ---------------------------------------------------------------------------------------


def test_duplicate_scores_count_pairs_article_to_original():
    expected = {"a": None, "b": "a", "c": "a", "d": None}
    predicted = {"a": None, "b": "a", "c": None, "d": "b"}  # one right, one missed, one wrong
    result = duplicate_scores(predicted, expected)
    assert (result.correct, result.predicted, result.expected) == (1, 2, 2)
    assert (result.precision, result.recall, result.f1) == (0.5, 0.5, 0.5)


def test_pairwise_scores_of_a_clustering():
    expected = {"a": "x", "b": "x", "c": "x", "d": "y"}
    predicted = {"a": 1, "b": 1, "c": 2, "d": 2}  # pairs: ab right; cd wrong; ac, bc missed
    result = pairwise_scores(predicted, expected)
    assert (result.correct, result.predicted, result.expected) == (1, 2, 3)
    assert (result.precision, result.recall) == (0.5, 0.3333)
    assert pairwise_scores(expected, expected).f1 == 1.0


def test_a_line_may_carry_its_fetch_time_and_date_source(tmp_path):
    path = tmp_path / "times.jsonl"
    rows = [
        {"id": "late-fetch", "text": "t", "published": "2022-06-01T09:00:00Z", "fetched_at": "2022-06-20T09:00:00Z",
         "date_source": "feed", "labels": {"story": "a"}},
        {"id": "undated", "text": "t", "published": "2022-06-10T09:00:00Z", "fetched_at": "2022-06-10T09:00:00Z",
         "date_source": "fetched", "labels": {"story": "b"}},
        {"id": "plain", "text": "t", "published": "2022-06-15T09:00:00Z", "labels": {"story": "c"}},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    articles = load_eval_articles(path)
    assert [a.id for a in articles] == ["undated", "plain", "late-fetch"]  # arrival order, not publish order
    assert [(a.date_source, a.arrival.day) for a in articles] == [("fetched", 10), (None, 15), ("feed", 20)]
    path.write_text(json.dumps(rows[0] | {"date_source": "guessed"}) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 1: date_source must be one of"):
        load_eval_articles(path)


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", r"line 2: not valid JSON"),
    ('{"id": "x", "text": "t"}', r'line 2: expected a JSON object with "labels"'),
    ('{"id": "x", "text": "t", "published": "yesterday", "labels": {"story": "s"}}', r"line 2: needs id, published"),
    ('{"id": "x", "text": "t", "published": "2022-06-19T10:00:00", "labels": {"story": "s"}}', r"line 2: .*time zone"),
    ('{"id": "x", "text": "t", "published": "2022-06-19T10:00:00Z", "labels": {"story": "s", "duplicate_of": "nope"}}',
     r"duplicate_of names articles not in the file: nope"),
])
def test_a_bad_line_is_named(tmp_path, line, message):
    good = '{"id": "g", "text": "t", "published": "2022-06-19T09:00:00Z", "labels": {"story": "s", "duplicate_of": null}}'
    path = tmp_path / "bad.jsonl"
    path.write_text(f"{good}\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_eval_articles(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"nothing\.jsonl: no such file"):
        load_eval_articles(tmp_path / "nothing.jsonl")


def test_a_file_that_cannot_be_read_as_text_is_named_not_a_traceback(tmp_path):
    latin1 = tmp_path / "latin1.jsonl"
    latin1.write_bytes('{"id": "z", "text": "Z\xfcrich"}\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin1\.jsonl: not UTF-8 text"):
        load_eval_articles(latin1)
    with pytest.raises(ConfigError, match=r"cannot be read: Is a directory"):
        load_eval_articles(tmp_path)


def test_the_evaluation_decides_with_the_settings_it_is_given():
    """`eval stories` once measured the defaults whatever the settings said; it takes the
    processor's settings: with a threshold no pair of articles reaches, every original is alone."""
    from newsflow.settings import ProcessorSettings
    from processors.base import build_chain
    from processors.catalog import load_steps
    from processors.stories.evaluation import evaluate_stories

    load_steps()
    from newsflow.app.cmd_eval import EVAL_STEPS

    settings = ProcessorSettings()
    strict = settings.model_copy(update={"stories": settings.stories.model_copy(update={"threshold": 1.0})})
    articles = load_eval_articles(DATA / "stories-eval.jsonl")[:12]
    chain = build_chain(EVAL_STEPS, settings=settings)
    try:
        default, alone = evaluate_stories(articles, chain, settings), evaluate_stories(articles, chain, strict)
    finally:
        chain.close()
    originals = sum(1 for a in articles if not a.duplicate_of)
    assert alone.predicted_stories == originals and default.predicted_stories < originals
