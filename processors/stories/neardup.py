"""Near-duplicate articles: the same text re-published, across all sources, found by MinHash and LSH.

Pure and storage-free: `fingerprint` turns an article's text into a small `Fingerprint`,
`band_keys` gives its LSH band keys for a store to look candidates up by, and `choose_original`
decides among the candidates found (processors/stories/decider.py; the candidates come from the
shared store, processors/stories/store.py).

How a duplicate is recognised:
- Text only, not the title: a re-titled copy is still a copy, and two different articles may share a
  generic title ("Live updates").
- Site furniture at either end (bylines, "Related:", copyright footers: `core_text`) is left out.
- Normalised words (NFKC, casefold, punctuation stripped), then shingles of `SHINGLE_WORDS` words: a
  replaced word changes only the shingles around it, while two articles about the same event written
  by different people share few three-word sequences (names and a short quote at most).
- MinHash (datasketch, `NUM_PERM` permutations) estimates the Jaccard similarity of two shingle
  sets; with both set sizes it also gives the containment of the smaller set in the larger one. An
  article cut to its first 60% has a Jaccard similarity of about 0.6 with the whole, but a
  containment near 1; the same holds for a copy wrapped in a site's footer, byline and "Read more".
  A pair is a duplicate when the Jaccard similarity reaches `jaccard_threshold`, or when the
  containment reaches `containment_threshold` (and the smaller text is at least `MIN_SIZE_RATIO` of
  the larger: a teaser of a tenth of an article is not looked for).
- LSH finds the candidates without comparing with every article: 64 bands of 2 rows, each band a
  keyword (`band_keys`) that the store looks up; pairs down to a Jaccard similarity of about 0.2
  share a band with near certainty (so truncated and wrapped copies are candidates too), and each
  candidate is then checked as above.
- Among the earlier articles that match, the earliest original wins: a copy of a copy points at the
  first article, and that article counts its duplicates.
- Candidates are the articles that arrived (were fetched) within the window before this one. Not
  by published time: an undated item is dated by its fetch time, and a newest-published clock
  moved to today by one of them once evicted a whole backlog of older articles at once.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import numpy as np
from datasketch import MinHash

__all__ = [
    "MIN_WORDS",
    "Candidate",
    "band_keys",
    "choose_original",
    "similarity",
    "NUM_PERM",
    "Fingerprint",
    "Match",
    "fingerprint",
    "core_text",
    "minhash_parameters",
    "estimate",
    "normalised_words",
    "shingle_hashes",
    "shingles",
]

NUM_PERM = 128
SHINGLE_WORDS = 3
# Texts shorter than this are duplicates only of an exact copy. With a few dozen words there are a
# few dozen shingles: MinHash estimates are then coarse (each shared shingle moves the estimate a
# lot), and short items are mostly formulaic (briefs, market closes, weather alerts, "watch the
# video") so two different ones often share most of their words. Marking one a duplicate would
# hide a distinct article; an exact copy, though, is a copy at any length.
MIN_WORDS = 30
MIN_SIZE_RATIO = 0.3
# Hash values keep their low 12 bits: a chance collision (1 in 4,096) moves a similarity estimate by
# about 0.0002, and 128 of them fit in 192 bytes of a state record instead of 512.
_HASH_BITS = 12
_HASH_MASK = np.uint32((1 << _HASH_BITS) - 1)
_LSH_BANDS, _LSH_ROWS = 64, 2  # candidate probability 1 - (1 - J^2)^64: 0.93 at J = 0.2, 0.47 at 0.1
_SEED = 1
_WORDS = re.compile(r"[^\W_]+")  # runs of letters and digits: what is left between punctuation and spaces
# Site furniture around a copied article: bylines, datelines, "Related:", footers. Up to a few such
# lines are dropped at either end of the text before fingerprinting: they are not the article, and
# the same footer on two different articles of one site would otherwise make them look alike.
_EDGE_LINES = 5
_FURNITURE_WORDS = 8  # an edge line shorter than this is furniture (or too short to matter)
_BYLINE = re.compile(r"^by\s+\w+(?:\s+\w+)?(?:\s*[,|]|\s*$)", re.IGNORECASE)  # "By Staff Reporter | Updated ..."
_BYLINE_WORDS = 15
_FURNITURE = re.compile(
    r"©|\bcopyright\b|all rights reserved|\bfollow us\b|\bsign up\b|\bsubscribe\b|\bnewsletters?\b"
    r"|\bcontact (?:us|our newsroom)\b|not responsible for the content|\bread more\b|^related\b|^(?:updated|published)\b"
    # Wire credits ("Reporting by ...; Editing by ..."), syndication notes and correction prompts.
    r"|^(?:additional )?(?:reporting|writing|editing) by\b|\brepublished\b|\bunder licen[cs]e\b|^last updated\b"
    r"|\b(?:spotted|report) an? (?:error|mistake|typo)\b",
    re.IGNORECASE,
)
_FURNITURE_MAX_WORDS = 60  # a longer line is a paragraph of the article
_MAX_TRIMMED = 0.6  # never more than this share of the words (a text of short lines stays)


@dataclass(frozen=True)
class Match:
    """The earlier article this one duplicates, and how similar they are (estimated, 0..1)."""

    article_id: str
    similarity: float


@dataclass(frozen=True)
class Fingerprint:
    """What the index keeps of an article: its MinHash, the size of its shingle set, and a digest of
    its normalised text for exact copies. `short` texts are matched by the digest only."""

    article_id: str
    published: datetime
    hashvalues: np.ndarray  # NUM_PERM uint32 values < 2**12
    size: int  # distinct shingles
    digest: str  # of the normalised words (title included for short texts)
    short: bool
    arrived: datetime | None = None  # its fetch time; None in records written before it was kept

    def __post_init__(self) -> None:
        if self.arrived is None:  # as in records written before it was kept: published stood for it
            object.__setattr__(self, "arrived", self.published)

    @property
    def arrival(self) -> datetime:
        """When the article came in, the clock of the window (its published time in old records)."""
        return self.arrived if self.arrived is not None else self.published

    def to_json(self) -> dict[str, Any]:
        """A compact JSON object (~400 bytes): the hash values packed two in three bytes, in base64."""
        packed = base64.b64encode(_pack12(self.hashvalues)).decode("ascii")
        value = {"id": self.article_id, "published": self.published.isoformat(), "minhash": packed,
                 "size": self.size, "digest": self.digest, "short": self.short}
        if self.arrived is not None and self.arrived != self.published:
            value["arrived"] = self.arrived.isoformat()
        return value

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fingerprint:
        values = _unpack12(base64.b64decode(data["minhash"]))
        if len(values) != NUM_PERM:
            raise ValueError(f"fingerprint of {data.get('id')!r} has {len(values)} hash values, expected {NUM_PERM}")
        arrived = datetime.fromisoformat(data["arrived"]) if data.get("arrived") else None
        return cls(str(data["id"]), datetime.fromisoformat(data["published"]), values, int(data["size"]),
                   str(data["digest"]), bool(data["short"]), arrived)


def _pack12(values: np.ndarray) -> bytes:
    pairs = values.astype(np.uint32).reshape(-1, 2)
    low, high = pairs[:, 0], pairs[:, 1]
    return np.stack([low & 0xFF, (low >> 8) | ((high & 0xF) << 4), high >> 4], axis=1).astype(np.uint8).tobytes()


def _unpack12(packed: bytes) -> np.ndarray:
    triples = np.frombuffer(packed, dtype=np.uint8).reshape(-1, 3).astype(np.uint32)
    low = triples[:, 0] | ((triples[:, 1] & 0xF) << 8)
    high = (triples[:, 1] >> 4) | (triples[:, 2] << 4)
    return np.stack([low, high], axis=1).reshape(-1)


def minhash_parameters() -> str:
    """The fixed parameters of the fingerprints and their LSH, for an article's provenance:
    fingerprints made with other ones do not compare."""
    return (f"num_perm={NUM_PERM} shingle_words={SHINGLE_WORDS} hash_bits={_HASH_BITS} seed={_SEED} "
            f"lsh={_LSH_BANDS}x{_LSH_ROWS} min_words={MIN_WORDS}")


def normalised_words(text: str) -> list[str]:
    """NFKC, casefolded, punctuation stripped: "Kazakhstan’s President" -> ["kazakhstan", "s", "president"]."""
    return _WORDS.findall(unicodedata.normalize("NFKC", text).casefold())


def core_text(text: str) -> str:
    """The text without furniture lines at its start and end (at most `_EDGE_LINES` each, and
    never more than `_MAX_TRIMMED` of the words): what is compared between articles."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return text  # one block: nothing to tell apart
    budget = int(sum(len(line.split()) for line in lines) * _MAX_TRIMMED)
    start, end = 0, len(lines)
    while start < min(end, _EDGE_LINES) and _is_furniture(lines[start]) and len(lines[start].split()) <= budget:
        budget -= len(lines[start].split())
        start += 1
    while end > max(start, len(lines) - _EDGE_LINES) and _is_furniture(lines[end - 1]) \
            and len(lines[end - 1].split()) <= budget:
        budget -= len(lines[end - 1].split())
        end -= 1
    return "\n".join(lines[start:end])


def _is_furniture(line: str) -> bool:
    words = len(line.split())
    if words > _FURNITURE_MAX_WORDS:
        return False
    line = line.strip()
    return (words < _FURNITURE_WORDS or _FURNITURE.search(line) is not None
            or (words < _BYLINE_WORDS and _BYLINE.match(line) is not None))


def shingles(words: list[str], size: int = SHINGLE_WORDS) -> set[bytes]:
    """The distinct runs of `size` consecutive words (one shingle of all words when there are fewer)."""
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    # Each word encoded once, its runs joined as bytes: the same bytes (UTF-8 encodes a join as the
    # join of the encodings), at two thirds of the time of encoding every run.
    encoded = [w.encode("utf-8") for w in words]
    return set(map(b" ".join, zip(*(encoded[i:] for i in range(size)), strict=False)))  # the later runs are shorter


def shingle_hashes(shingle_set: Iterable[bytes]) -> list[int]:
    """datasketch's default hash of each shingle (`datasketch.hashfunc.sha1_hash32`: the first 4
    bytes of its SHA-1, little-endian), the same values without a Python call per shingle (a
    third of a fingerprint's time), so fingerprints stay those of the records already stored."""
    return np.frombuffer(b"".join([hashlib.sha1(s).digest()[:4] for s in shingle_set]), dtype="<u4").tolist()


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    # Drawn once (the same seed gives the same permutations in every process), then shared.
    return MinHash(num_perm=NUM_PERM, seed=_SEED, scheme="affine32").permutations


def _digest(words: list[str]) -> str:
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=8).hexdigest()


def fingerprint(article_id: str, text: str, published: datetime, *, title: str = "",
                arrived: datetime | None = None) -> Fingerprint:
    """The fingerprint of an article's (cleaned) text. `title` only matters for short texts, whose
    exact copy must have the same title too (two briefs "Watch the video" are not one article).
    `arrived`: its fetch time, which decides how long the index keeps it (default: `published`)."""
    words = normalised_words(core_text(text))
    short = len(words) < MIN_WORDS
    digest = _digest(normalised_words(title) + ["\n"] + words if short else words)
    # The shingles' hashes are worked out beforehand (`shingle_hashes`), so the sketch's hash
    # function only passes them through.
    sketch = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_permutations(), scheme="affine32", hashfunc=int)
    shingle_set = shingles(words)
    if shingle_set:
        sketch.update_batch(shingle_hashes(shingle_set))
    return Fingerprint(article_id, published, sketch.hashvalues & _HASH_MASK, len(shingle_set), digest, short, arrived)


def estimate(a: Fingerprint, b: Fingerprint) -> tuple[float, float]:
    """Estimated (Jaccard similarity, containment of the smaller shingle set in the larger)."""
    jaccard = float(np.count_nonzero(a.hashvalues == b.hashvalues)) / NUM_PERM
    smaller = min(a.size, b.size)
    if smaller == 0:
        return jaccard, 0.0
    # |A ∩ B| = J (|A| + |B|) / (1 + J)
    shared = jaccard * (a.size + b.size) / (1.0 + jaccard)
    return jaccard, min(1.0, shared / smaller)


@dataclass(frozen=True)
class Candidate:
    """An earlier article that may be copied: its fingerprint and the original it stands for (its
    own id when it is one), wherever it was found (this index, or the worker's state store)."""

    fingerprint: Fingerprint
    original: str


def band_keys(fp: Fingerprint) -> list[str]:
    """The LSH band keys of a fingerprint, as keywords a store can look up: two articles share one
    when all rows of one band agree (64 bands of 2 rows). None for a short text,
    matched by its digest only."""
    if fp.short or fp.size == 0:
        return []
    # Band number (8 bits) and its two 12-bit values as one 32-bit number: 8 hex digits.
    rows = fp.hashvalues.reshape(_LSH_BANDS, _LSH_ROWS).astype(np.uint32)
    packed = (np.arange(_LSH_BANDS, dtype=np.uint32) << 24) | (rows[:, 0] << 12) | rows[:, 1]
    return [f"{value:08x}" for value in packed.tolist()]


def similarity(a: Fingerprint, b: Fingerprint, *, jaccard_threshold: float, containment_threshold: float) -> float | None:
    """The similarity that makes a and b duplicates, None when they are not."""
    jaccard, containment = estimate(a, b)
    if min(a.size, b.size) < MIN_SIZE_RATIO * max(a.size, b.size):
        containment = 0.0  # a teaser or a paragraph quoted elsewhere: not looked for
    if jaccard >= jaccard_threshold or containment >= containment_threshold:
        return max(jaccard, containment)
    return None


def choose_original(fp: Fingerprint, candidates: Iterable[Candidate], published_of: Callable[[str], datetime | None], *,
                    jaccard_threshold: float, containment_threshold: float) -> Match | None:
    """The earliest original among `candidates` (earliest recorded first) that `fp` duplicates.

    Never the article itself nor its own copies (an original processed again). The same text
    (digest) wins outright: the first such candidate's original, similarity 1. Otherwise each
    candidate is checked by `similarity`, and of the originals matched the earliest published wins
    (`published_of` gives an original's date; a candidate's own date stands in for an original no
    longer known, which is then dated by its earliest copy)."""
    candidates = [c for c in candidates if c.original != fp.article_id and c.fingerprint.article_id != fp.article_id]
    same_text = next((c for c in candidates if c.fingerprint.digest == fp.digest), None)
    if same_text is not None:
        return Match(same_text.original, 1.0)
    if fp.short or fp.size == 0:
        return None
    best: dict[str, tuple[datetime, float]] = {}  # original -> (its published time, best similarity)
    for candidate in candidates:
        if candidate.fingerprint.short:
            continue
        found = similarity(fp, candidate.fingerprint, jaccard_threshold=jaccard_threshold,
                           containment_threshold=containment_threshold)
        if found is None:
            continue
        published = published_of(candidate.original) or candidate.fingerprint.published
        earlier = best.get(candidate.original, (published, 0.0))
        best[candidate.original] = (min(earlier[0], published), max(earlier[1], found))
    if not best:
        return None
    original = min(best, key=lambda a: (best[a][0], a))
    return Match(original, round(best[original][1], 4))
