"""The walls between packages (docs/architecture.md) hold, and the check that guards them can fail.

`lint-imports` reads the contracts in pyproject.toml. The tests run it on the real tree, then on
a copy with one forbidden import added, to show that a module imported across a wall (or an
import circle) is caught, not just that today's tree happens to pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("newsflow", "producers", "processors", "sinks")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_MODULE_LINES = 500


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH first, so that the copy's packages win over the editable install of the real ones.
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(REPO / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_tree_keeps_every_contract() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("newsflow/contract/schema.py", "import sinks.articles", "The core imports no stage"),
        ("newsflow/net/politeness.py", "import producers.service", "The core imports no stage"),
        ("processors/clean.py", "import producers.items", "Stages meet only through Kafka"),
        ("sinks/base.py", "import newsflow.read.search", "Layers"),
        ("newsflow/runtime/logs.py", "import newsflow.app.cli", "Layers"),
        ("newsflow/errors.py", "import newsflow.settings", "Layers"),
        ("producers/items.py", "import producers.service", "No import circle"),
    ],
)
def test_an_import_across_a_wall_is_caught(tree_copy: Path, module: str, line: str, broken: str) -> None:
    path = tree_copy / module
    original = path.read_text()
    path.write_text(original + f"\n{line}  # added by the test\n")
    try:
        result = lint_imports(tree_copy)
    finally:
        path.write_text(original)
    assert result.returncode != 0, result.stdout
    broken_section = result.stdout.partition("Broken contracts")[2]
    assert broken in broken_section, result.stdout


def test_no_product_module_is_over_500_lines() -> None:
    too_long = {
        str(path.relative_to(REPO)): lines
        for package in PACKAGES
        for path in (REPO / package).rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}


def test_nothing_cites_a_file_outside_the_repository() -> None:
    # The design reference is docs/architecture.md; an earlier contract lived outside the repo.
    citing = [
        str(path.relative_to(REPO))
        for package in PACKAGES
        for path in (REPO / package).rglob("*.py")
        if "DESIGN.md" in path.read_text(encoding="utf-8")
    ]
    if "DESIGN.md" in (REPO / "pyproject.toml").read_text(encoding="utf-8"):
        citing.append("pyproject.toml")
    assert citing == []
