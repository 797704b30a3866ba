"""Shared test fixtures. The shared fixtures folder lives beside the checkout (../shared)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def find_shared_dir() -> Path:
    """The shared/ folder: NEWSFLOW_SHARED_DIR, else beside the checkout (as CI lays it out),
    else beside the checkout this one was cloned from (a throwaway local clone in /tmp)."""
    if os.environ.get("NEWSFLOW_SHARED_DIR"):
        return Path(os.environ["NEWSFLOW_SHARED_DIR"])
    beside = REPO_ROOT.parent / "shared"
    if beside.is_dir():
        return beside
    origin = subprocess.run(["git", "-C", str(REPO_ROOT), "config", "--get", "remote.origin.url"],
                            capture_output=True, text=True, check=False).stdout.strip()
    if origin and "://" not in origin and Path(origin).is_dir():
        return Path(origin).resolve().parent / "shared"
    return beside


SHARED = find_shared_dir()


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
