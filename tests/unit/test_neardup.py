"""Near-duplicates (processors/stories/neardup.py): copies with edits, cuts, furniture and new titles are found;
other articles about the same event are not; the state survives JSON and another worker's decisions."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from processors.clean import clean_text
from processors.stories.neardup import MIN_WORDS, Fingerprint, NearDuplicateIndex, core_text, fingerprint

DATA = Path(__file__).resolve().parent.parent / "data"
T0 = datetime(2022, 6, 19, 9, 30, tzinfo=UTC)

BYLINE = "By Staff Reporter | Updated 19 June 2022 11:02 GMT"
FOOTER = ("Follow us on Twitter and Facebook for the latest updates.\n\n"
          "© 2022 Daily Aggregator. All rights reserved. This material may not be published, broadcast, "
          "rewritten or redistributed without permission.")


@pytest.fixture(scope="module")
def labelled() -> list[dict]:
    return [json.loads(line) for line in (DATA / "stories-eval.jsonl").read_text(encoding="utf-8").splitlines()]


def fp(article_id: str, text: str, hours: float = 0.0, title: str = "") -> Fingerprint:
    return fingerprint(article_id, clean_text(text), T0 + timedelta(hours=hours), title=title)


def edited(text: str, seed: int = 1, share: float = 0.05) -> str:
    """Some words replaced by others and the last two paragraphs swapped: a sub-editor's pass."""
    rng = random.Random(seed)
    paragraphs = text.split("\n\n")
    paragraphs[-1], paragraphs[-2] = paragraphs[-2], paragraphs[-1]
    words = "\n\n".join(paragraphs).split(" ")
    for position in rng.sample(range(len(words)), int(len(words) * share)):
        words[position] = rng.choice(["also", "then", "indeed", "firmly", "again"])
    return " ".join(words)


def first_share(text: str, share: float) -> str:
    words = text.split(" ")
    return " ".join(words[: int(len(words) * share)])


# --- what is a duplicate --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", [
    pytest.param(lambda t: t, id="verbatim"),
    pytest.param(edited, id="edited"),
    pytest.param(lambda t: first_share(t, 0.6), id="first-60-percent"),
    pytest.param(lambda t: f"{BYLINE}\n\n{t}\n\nRead more\n\n{FOOTER}", id="byline-and-footer"),
    pytest.param(lambda t: f"{BYLINE}\n\n{first_share(t, 0.6)} …\n\n{FOOTER}", id="cut-and-wrapped"),
    pytest.param(lambda t: f"{edited(t, seed=2)}\n\n{FOOTER}", id="edited-and-wrapped"),
])
def test_copies_of_the_seed_article_are_found(seed_article, variant):
    index = NearDuplicateIndex()
    assert index.decide(fp("seed", seed_article, title="Khamenei receives Tokayev")) is None
    match = index.decide(fp("copy", variant(seed_article), hours=3, title="A different title altogether"))
    assert match is not None and match.article_id == "seed"
    assert 0.7 <= match.similarity <= 1.0
    assert index.duplicate_count("seed") == 1


def test_heavier_edits_and_a_teaser_are_not_duplicates(seed_article):
    index = NearDuplicateIndex()
    index.decide(fp("seed", seed_article))
    assert index.decide(fp("rewritten", edited(seed_article, share=0.35), hours=1)) is None  # a third of the words changed
    assert index.decide(fp("teaser", first_share(seed_article, 0.15), hours=2)) is None  # 52 words of 347


def test_other_articles_about_the_same_event_are_not_duplicates(labelled):
    """The hand-written set tells each event 3-4 times in different words (same people, places,
    sometimes a shared quote): none of them is a copy of another."""
    originals = [r for r in labelled if r["labels"]["duplicate_of"] is None]
    index = NearDuplicateIndex()
    matches = {r["id"]: index.decide(fp(r["id"], r["text"], title=r["title"])) for r in originals}
    assert len({r["labels"]["story"] for r in originals if not r["id"].startswith(("solo", "brief"))}) >= 12
    assert {a: m for a, m in matches.items() if m is not None} == {}


def test_earliest_original_wins_over_a_copy_of_a_copy(seed_article):
    index = NearDuplicateIndex()
    index.decide(fp("original", seed_article))
    assert index.decide(fp("copy", edited(seed_article, seed=3), hours=1)).article_id == "original"
    # Closer to the copy than to the original, still pointed at the original.
    assert index.decide(fp("copy-of-copy", edited(edited(seed_article, seed=3), seed=4), hours=2)).article_id == "original"
    assert index.duplicate_count("original") == 2 and index.original_of("copy-of-copy") == "original"


def test_an_original_processed_again_is_not_a_copy_of_its_copies(seed_article):
    index = NearDuplicateIndex()
    index.decide(fp("original", seed_article))
    index.decide(fp("copy", seed_article, hours=1))
    assert index.decide(fp("original", seed_article)) is None  # a new version of the original, same id
    assert index.original_of("copy") == "original" and len(index) == 2


# --- short texts ------------------------------------------------------------------------------------------------------

BRIEF = "London's FTSE 100 closed up 0.8 per cent at 7,121 points on Monday, led by mining shares."


def test_short_texts_match_only_an_exact_copy():
    assert len(BRIEF.split()) < MIN_WORDS
    index = NearDuplicateIndex()
    index.decide(fp("monday", BRIEF, title="FTSE closes higher"))
    tuesday = BRIEF.replace("up 0.8", "down 0.3").replace("7,121", "7,099").replace("Monday", "Tuesday")
    assert index.decide(fp("tuesday", tuesday, hours=24, title="FTSE closes lower")) is None
    # The same words under another headline may be another brief ("Watch the video"): no match...
    assert index.decide(fp("other-title", BRIEF, hours=25, title="Markets today")) is None
    # ...but the same brief with the same title is a copy, at any length.
    copy = index.decide(fp("syndicated", BRIEF.upper(), hours=26, title="FTSE closes higher"))
    assert copy is not None and copy.article_id == "monday" and copy.similarity == 1.0


# --- furniture -------------------------------------------------------------------------------------------------------


def test_core_text_drops_bylines_and_footers_but_no_paragraph():
    body = "\n".join(f"Paragraph {n} of the story, long enough to be a real paragraph of news about it." for n in range(4))
    wrapped = f"{BYLINE}\n\n{body}\n\nShort end.\n\nRelated: More stories from our world desk\n\n{FOOTER}"
    # The short last line goes too: at the edges, a line of a few words is furniture or says little.
    assert core_text(clean_text(wrapped)) == body
    lines = "\n".join(f"Line {i} of a poem" for i in range(6))  # every line short: most of it stays
    assert len(core_text(lines).split()) >= 0.4 * len(lines.split())


# --- state: JSON, replay, other workers, window ---------------------------------------------------------------------


def test_a_fingerprint_survives_json_compactly(seed_article):
    original = fp("seed", seed_article)
    encoded = json.dumps(original.to_json())
    assert len(encoded) < 450
    decoded = Fingerprint.from_json(json.loads(encoded))
    assert (decoded.hashvalues == original.hashvalues).all()
    assert (decoded.article_id, decoded.published, decoded.size, decoded.digest, decoded.short) == (
        original.article_id, original.published, original.size, original.digest, original.short)


def test_replayed_json_records_give_the_same_decisions(labelled):
    """A worker restarting replays the records (fingerprint + decision) and decides as before."""
    fingerprints = [fingerprint(r["id"], clean_text(r["text"]), datetime.fromisoformat(r["published"]), title=r["title"])
                    for r in labelled]
    half = len(fingerprints) // 2
    live = NearDuplicateIndex()
    records = []
    for f in fingerprints[:half]:
        match = live.decide(f)
        records.append(json.dumps({"fingerprint": f.to_json(), "duplicate_of": match.article_id if match else None}))
    restarted = NearDuplicateIndex()
    restarted.replay((Fingerprint.from_json(json.loads(r)["fingerprint"]), json.loads(r)["duplicate_of"]) for r in records)
    assert len(restarted) == len(live)
    later_live = [live.decide(f) for f in fingerprints[half:]]
    later_restarted = [restarted.decide(f) for f in fingerprints[half:]]
    assert later_restarted == later_live
    assert sum(m is not None for m in later_live) >= 20  # the second half has duplicates of the first


def test_a_decision_of_another_worker_is_applied_not_recomputed(seed_article):
    worker_a, worker_b = NearDuplicateIndex(), NearDuplicateIndex()
    original, copy = fp("original", seed_article), fp("copy", edited(seed_article), hours=1)
    assert worker_a.decide(original) is None and worker_a.decide(copy).article_id == "original"
    # Worker B consumes A's records: it takes A's decisions as they are.
    worker_b.record(original, None)
    worker_b.record(copy, "original")
    assert worker_b.original_of("copy") == "original" and worker_b.duplicate_count("original") == 1
    # A copy seen by B is a duplicate of the original seen by A.
    wrapped = fp("wrapped", f"{BYLINE}\n\n{seed_article}\n\n{FOOTER}", hours=2)
    assert worker_b.decide(wrapped).article_id == "original"
    # A decision naming a copy (or an article B never saw) is kept as it was given.
    worker_b.record(fp("late", seed_article, hours=3), "copy")
    worker_b.record(fp("orphan", BRIEF, hours=3), "never-seen")
    assert worker_b.original_of("late") == "original" and worker_b.original_of("orphan") == "never-seen"
    assert worker_b.duplicate_count("original") == 3


def test_articles_leave_the_window_and_copies_after_it_are_new(seed_article):
    index = NearDuplicateIndex(window=timedelta(days=2))
    index.decide(fp("original", seed_article))
    index.decide(fp("copy", seed_article, hours=1))
    assert index.duplicate_count("original") == 1
    index.decide(fp("other", "Another article, on another subject. " * 8, hours=47))
    assert "original" in index  # 47 h: still in
    index.decide(fp("much-later", "A different article entirely, " * 12, hours=50))
    assert "original" not in index and "copy" not in index and len(index) == 2
    assert index.duplicate_count("original") == 0
    assert index.decide(fp("republished", seed_article, hours=51)) is None  # its original is gone
    assert index.evict_before(T0 + timedelta(days=30)) == ["other", "much-later", "republished"]
    assert len(index) == 0
