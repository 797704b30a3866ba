"""Near-duplicates (processors/stories/neardup.py): copies with edits, cuts, furniture and new titles are found;
other articles about the same event are not; the state survives JSON and another worker's decisions."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsflow.settings import DuplicateSettings, ProcessorSettings
from processors.clean import clean_text
from processors.stories.decider import StoryDecider
from processors.stories.neardup import MIN_WORDS, Fingerprint, Match, core_text, fingerprint
from processors.stories.store import MemoryStore, StateRecord

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


class Copies:
    """The duplicates decisions of one worker over an in-memory store, an article at a time."""

    def __init__(self, store: MemoryStore | None = None, *, window_days: float = 7.0) -> None:
        settings = ProcessorSettings(duplicates=DuplicateSettings(window_days=window_days))
        self.store = store or MemoryStore()
        self._decider = StoryDecider(self.store, settings)

    def decide(self, f: Fingerprint) -> Match | None:
        [decision] = self._decider.decide_duplicates([f])
        return Match(decision.duplicate_of, decision.similarity) if decision.duplicate_of else None


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
    index = Copies()
    assert index.decide(fp("seed", seed_article, title="Khamenei receives Tokayev")) is None
    match = index.decide(fp("copy", variant(seed_article), hours=3, title="A different title altogether"))
    assert match is not None and match.article_id == "seed"
    assert 0.7 <= match.similarity <= 1.0


def test_heavier_edits_and_a_teaser_are_not_duplicates(seed_article):
    index = Copies()
    index.decide(fp("seed", seed_article))
    assert index.decide(fp("rewritten", edited(seed_article, share=0.35), hours=1)) is None  # a third of the words changed
    assert index.decide(fp("teaser", first_share(seed_article, 0.15), hours=2)) is None  # 52 words of 347


def test_other_articles_about_the_same_event_are_not_duplicates(labelled):
    """The hand-written set tells each event 3-4 times in different words (same people, places,
    sometimes a shared quote): none of them is a copy of another."""
    originals = [r for r in labelled if r["labels"]["duplicate_of"] is None]
    index = Copies()
    matches = {r["id"]: index.decide(fp(r["id"], r["text"], title=r["title"])) for r in originals}
    assert len({r["labels"]["story"] for r in originals if not r["id"].startswith(("solo", "brief"))}) >= 12
    assert {a: m for a, m in matches.items() if m is not None} == {}


def test_earliest_original_wins_over_a_copy_of_a_copy(seed_article):
    index = Copies()
    index.decide(fp("original", seed_article))
    assert index.decide(fp("copy", edited(seed_article, seed=3), hours=1)).article_id == "original"
    # Closer to the copy than to the original, still pointed at the original.
    assert index.decide(fp("copy-of-copy", edited(edited(seed_article, seed=3), seed=4), hours=2)).article_id == "original"


def test_an_original_processed_again_is_not_a_copy_of_its_copies(seed_article):
    index = Copies()
    index.decide(fp("original", seed_article))
    index.decide(fp("copy", seed_article, hours=1))
    assert index.decide(fp("original", seed_article)) is None  # a new version of the original, same id
    assert index.decide(fp("copy", seed_article, hours=1)).article_id == "original"


# --- short texts ------------------------------------------------------------------------------------------------------

BRIEF = "London's FTSE 100 closed up 0.8 per cent at 7,121 points on Monday, led by mining shares."


def test_short_texts_match_only_an_exact_copy():
    assert len(BRIEF.split()) < MIN_WORDS
    index = Copies()
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


def test_records_read_back_from_json_give_the_same_decisions(labelled):
    """What the store keeps is JSON: a worker deciding over records read back from it decides as
    one that kept them as they were."""
    fingerprints = [fingerprint(r["id"], clean_text(r["text"]), datetime.fromisoformat(r["published"]), title=r["title"])
                    for r in labelled]
    half = len(fingerprints) // 2
    live = Copies()
    for f in fingerprints[:half]:
        live.decide(f)
    read_back = MemoryStore()
    read_back.save_records([StateRecord.from_json(json.loads(json.dumps(r.to_json())))
                            for r in live.store.records(f.article_id for f in fingerprints[:half]).values()])
    restarted = Copies(read_back)
    later_live = [live.decide(f) for f in fingerprints[half:]]
    later_restarted = [restarted.decide(f) for f in fingerprints[half:]]
    assert later_restarted == later_live
    assert sum(m is not None for m in later_live) >= 20  # the second half has duplicates of the first


def test_a_copy_seen_by_another_worker_is_a_duplicate_of_the_original(seed_article):
    store = MemoryStore()
    worker_a, worker_b = Copies(store), Copies(store)
    original, copy = fp("original", seed_article), fp("copy", edited(seed_article), hours=1)
    assert worker_a.decide(original) is None and worker_a.decide(copy).article_id == "original"
    wrapped = fp("wrapped", f"{BYLINE}\n\n{seed_article}\n\n{FOOTER}", hours=2)
    assert worker_b.decide(wrapped).article_id == "original"
    # Worker B asked again about A's copy gets A's decision, not its own.
    assert worker_b.decide(copy).article_id == "original"


def test_copies_after_the_window_are_new(seed_article):
    index = Copies(window_days=2)
    index.decide(fp("original", seed_article))
    assert index.decide(fp("copy", seed_article, hours=1)).article_id == "original"
    assert index.decide(fp("in-time", seed_article, hours=47)).article_id == "original"  # 47 h: still in
    # 50 h after the original and 49 after the first copy, only the copy of hour 47 is in the window.
    assert index.decide(fp("republished", seed_article, hours=50)).article_id == "original"
    assert index.decide(fp("much-later", seed_article, hours=100)) is None  # every earlier one is gone
