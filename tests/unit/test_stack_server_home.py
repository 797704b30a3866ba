"""`make run` as root from a clone other users cannot enter (issue 20): Elasticsearch, which runs
as an unprivileged user, gets a home of its own under /var/lib/newsflow instead of failing."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from newsflow.stack.elasticsearch import SHARED_SERVER_HOMES, others_can_reach, server_home


@pytest.fixture
def open_dir():
    """A directory every user can enter (pytest's tmp_path lies under a 0700 directory)."""
    directory = Path(tempfile.mkdtemp(prefix="newsflow-home-test-"))
    directory.chmod(0o755)
    yield directory
    directory.rmdir()


def test_a_home_others_can_reach_is_kept(open_dir: Path) -> None:
    home = open_dir / "clone" / ".stack"
    assert others_can_reach(home)
    assert server_home(home, as_root=True) == home


def test_a_home_behind_a_closed_directory_moves_for_the_server_only_when_root(tmp_path: Path) -> None:
    closed = tmp_path / "root-like"
    closed.mkdir(mode=0o700)
    closed.chmod(0o700)
    home = closed / "clone" / ".stack"
    assert not others_can_reach(home)
    moved = server_home(home, as_root=True)
    assert moved.parent == SHARED_SERVER_HOMES and moved.name.startswith("stack-")
    assert moved == server_home(home, as_root=True)  # stable: status and down find it again
    assert moved != server_home(closed / "other" / ".stack", as_root=True)  # one per stack home
    assert server_home(home, as_root=False) == home  # not root: the server runs as us, no move
