"""Shared test fixtures. The shared fixtures folder lives beside the checkout (../shared)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSFLOW_SHARED_DIR", REPO_ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    path = SHARED / "fixtures"
    if not path.is_dir():
        pytest.fail(f"shared fixtures not found at {path}; set NEWSFLOW_SHARED_DIR to the shared/ folder")
    return path


@pytest.fixture(scope="session")
def seed_article(fixtures_dir: Path) -> str:
    return (fixtures_dir / "seed-article.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_feed() -> Path:
    return REPO_ROOT / "examples" / "sample-feed.xml"
