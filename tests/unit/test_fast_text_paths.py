"""The fast paths of the per-article text work (issue 18) give exactly what the plain definitions
give, on any text: fingerprints stay those of the records already stored, and features, topics
and stories stay those decided before.

Each reference below is the code the fast path replaced, kept here as the definition."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import UTC, datetime

import numpy as np
from datasketch import MinHash
from datasketch.hashfunc import sha1_hash32
from hypothesis import given, settings
from hypothesis import strategies as st

from processors.stories import features, neardup
from processors.topics import lexicon

# Words that stem, stop and repeat, among any text at all.
_WORDS = ["talks", "talk", "companies", "company", "bus", "crisis", "news", "the", "and", "Über", "café",
          "naïve", "straße", "œuvre", "s&p", "don't", "l’état", "police", "polices", "year", "years"]
texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=12)), max_size=120).map(" ".join),
)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def reference_words(text: str) -> list[str]:
    return re.sub(r"[^\w]+|_+", " ", unicodedata.normalize("NFKC", text).casefold()).split()


def reference_fold(text: str) -> str:
    plain = text.lower().replace("\u2019", "'").replace("\u0153", "oe").replace("\u00e6", "ae").replace("\u00df", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", plain) if not unicodedata.combining(c))


def reference_top_words(title: str, text: str, stopwords: frozenset[str]) -> list[tuple[str, int]]:
    def content(part: str) -> list[str]:
        return [features._stem(w) for w in features._WORD.findall(features._fold(part)) if w not in stopwords]

    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for position, word in enumerate(content(title) * 2 + content(text)):
        counts[word] += 1
        first.setdefault(word, position)
    return [(w, counts[w]) for w in sorted(counts, key=lambda w: (-counts[w], first[w]))[:features.MAX_TERMS]]


@given(st.sets(st.binary(max_size=40), max_size=50))
def test_shingle_hashes_are_datasketchs_default_hash(shingles):
    shingles = list(shingles)
    assert neardup.shingle_hashes(shingles) == [sha1_hash32(s) for s in shingles]


@settings(max_examples=60, deadline=None)
@given(texts)
def test_a_fingerprint_is_the_minhash_of_datasketchs_defaults(text):
    words = reference_words(neardup.core_text(text))
    sketch = MinHash(num_perm=neardup.NUM_PERM, seed=1, scheme="affine32")  # hashfunc: sha1_hash32
    shingles = reference_shingles(words)
    if shingles:
        sketch.update_batch(list(shingles))
    fp = neardup.fingerprint("a", text, T0)
    assert fp.hashvalues.tolist() == (sketch.hashvalues & 0xFFF).tolist()
    assert fp.size == len(shingles)


def reference_shingles(words: list[str], size: int = neardup.SHINGLE_WORDS) -> set[bytes]:
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def reference_band_keys(fp: neardup.Fingerprint) -> list[str]:
    if fp.short or fp.size == 0:
        return []
    rows = fp.hashvalues.reshape(64, 2).astype(np.uint32)
    return [f"{(band << 24) | (int(a) << 12) | int(b):08x}" for band, (a, b) in enumerate(rows.tolist())]


@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(min_size=1, max_size=8)), max_size=40), st.integers(1, 5))
def test_shingles_are_the_runs_of_words_as_utf8(words, size):
    assert neardup.shingles(words, size) == reference_shingles(words, size)


@settings(max_examples=60, deadline=None)
@given(st.one_of(texts, st.lists(st.sampled_from(_WORDS), min_size=neardup.MIN_WORDS, max_size=200).map(" ".join)))
def test_lsh_keys_are_each_band_number_and_its_two_values(text):
    fp = neardup.fingerprint("a", text, T0)
    assert len(neardup.band_keys(fp)) in (0, 64)
    assert neardup.band_keys(fp) == reference_band_keys(fp)  # the keys already stored stay comparable


@given(texts)
def test_normalised_words_are_the_words_between_punctuation(text):
    assert neardup.normalised_words(text) == reference_words(text)


@given(texts)
def test_folding_for_the_topic_lexicon_drops_accents_only(text):
    assert lexicon.fold(text) == reference_fold(text)


@given(texts, texts, st.sampled_from([frozenset(), frozenset({"the", "and", "news"})]))
def test_story_terms_are_the_most_frequent_stems_first_seen_first(title, text, stopwords):
    assert features._top_words(title, text, stopwords) == reference_top_words(title, text, stopwords)
