"""`newsflow eval extract`: the extract step's extraction scored on saved pages and their
reference bodies.

A data set is a folder of HTML files and one JSONL file (`references.jsonl`, or the only
``*.jsonl`` in the folder) of ``{"file", "url", "body"}`` objects, optionally ``"title"`` (the
headline, dropped from the top of the extracted text as the step drops the item's title).
Each page's bytes go through the step's own code (`decode_html`, `extract_page`,
`strip_leading_title`); no network.

The metric: both texts are lower-cased and split into word tokens (``\\w+``); each becomes the
multiset of its 4-token shingles (its tokens, when it has fewer than 4). Per page, precision is
the share of the extracted shingles found in the reference (counted with multiplicity) and
recall the share of the reference's found in the extraction; an empty extraction of a non-empty
reference scores 0 and 0. Precision and recall are averaged over pages and F1 is their harmonic
mean. An **empty** page is one where nothing was extracted; a **short** one where the
extraction has fewer than half the reference's words.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from newsflow.errors import ConfigError
from processors.extraction import decode_html, extract_page, strip_leading_title, word_count

__all__ = ["ExtractReport", "PageScore", "bare_trafilatura", "evaluate_extraction", "load_pages", "score"]

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


@dataclass(frozen=True)
class Page:
    file: Path
    url: str | None
    body: str
    title: str | None


@dataclass(frozen=True)
class PageScore:
    file: str
    precision: float
    recall: float
    words: int
    reference_words: int
    seconds: float

    @property
    def empty(self) -> bool:
        return self.words == 0 and self.reference_words > 0

    @property
    def short(self) -> bool:
        return self.words < self.reference_words / 2


@dataclass(frozen=True)
class ExtractReport:
    extractor: str
    pages: tuple[PageScore, ...]

    @property
    def precision(self) -> float:
        return statistics.fmean(p.precision for p in self.pages)

    @property
    def recall(self) -> float:
        return statistics.fmean(p.recall for p in self.pages)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, object]:
        seconds = [p.seconds for p in self.pages]
        return {
            "extractor": self.extractor, "pages": len(self.pages), "precision": round(self.precision, 4),
            "recall": round(self.recall, 4), "f1": round(self.f1, 4),
            "empty": [p.file for p in self.pages if p.empty], "short": [p.file for p in self.pages if p.short],
            "ms_per_page_mean": round(1000 * statistics.fmean(seconds), 2),
            "ms_per_page_median": round(1000 * statistics.median(seconds), 2),
        }

    def lines(self) -> list[str]:
        d = self.as_dict()
        return [
            f"{self.extractor}: pages={d['pages']} precision={d['precision']:.3f} recall={d['recall']:.3f} "
            f"f1={d['f1']:.3f} empty={len(d['empty'])} short={len(d['short'])} "
            f"ms_per_page_mean={d['ms_per_page_mean']} ms_per_page_median={d['ms_per_page_median']}",
            *(f"  empty: {f}" for f in d["empty"]),
            *(f"  short: {f}" for f in d["short"] if f not in d["empty"]),
        ]


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) < SHINGLE:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def score(extracted: str, reference: str) -> tuple[float, float]:
    """(precision, recall) of one page, as the module doc defines them."""
    got, want = _shingles(extracted), _shingles(reference)
    if not want:
        return (1.0, 1.0) if not got else (0.0, 1.0)
    if not got:
        return 0.0, 0.0
    common = sum((got & want).values())
    return common / sum(got.values()), common / sum(want.values())


def load_pages(folder: Path) -> list[Page]:
    """The pages of a data set folder; a `ConfigError` naming the problem when it is malformed."""
    if not folder.is_dir():
        raise ConfigError(f"--data {folder}: not a folder (expected HTML files and a references.jsonl)")
    references = folder / "references.jsonl"
    if not references.is_file():
        found = sorted(folder.glob("*.jsonl"))
        if len(found) != 1:
            raise ConfigError(f"--data {folder}: expected references.jsonl (or exactly one *.jsonl), found {len(found)}")
        references = found[0]
    pages = [_page(folder, references, n, line) for n, line in enumerate(references.read_text("utf-8").splitlines(), 1)
             if line.strip()]
    if not pages:
        raise ConfigError(f"{references}: no pages")
    return pages


def _page(folder: Path, references: Path, number: int, line: str) -> Page:
    try:
        record = json.loads(line)
        file, body = record["file"], record["body"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{references}:{number}: expected {{\"file\", \"url\", \"body\"}} ({type(exc).__name__}: {exc})") from None
    path = folder / file
    if not path.is_file():
        raise ConfigError(f"{references}:{number}: {file} is not in {folder}")
    return Page(file=path, url=record.get("url"), body=str(body), title=record.get("title"))


def step_extraction(page: Page) -> str:
    """The extract step's code on the page's bytes (no network)."""
    text = extract_page(decode_html(page.file.read_bytes(), {}), page.url).text
    return strip_leading_title(text, page.title)


def bare_trafilatura(page: Page) -> str:
    """Plain `trafilatura.extract` with its defaults: the baseline."""
    return (trafilatura.extract(page.file.read_bytes().decode("utf-8", errors="replace"), url=page.url) or "").strip()


def evaluate_extraction(pages: list[Page], extract: Callable[[Page], str] = step_extraction,
                        name: str = "newsflow") -> ExtractReport:
    scores = []
    for page in pages:
        started = time.perf_counter()
        text = extract(page)
        seconds = time.perf_counter() - started
        precision, recall = score(text, page.body)
        scores.append(PageScore(page.file.name, precision, recall, word_count(text), word_count(page.body), seconds))
    return ExtractReport(name, tuple(scores))
