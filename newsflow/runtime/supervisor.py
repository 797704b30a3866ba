"""Child processes restarted when they die: the stages of `newsflow run`, the workers of
`newsflow process --workers N`.

Separate processes, as in production: a crash in one does not take the others down, the
processor's CPU work does not slow the producer's polling, and N processor workers use N cores.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field

from newsflow.runtime.worker import StopFlag

__all__ = ["Command", "supervise", "supervise_commands"]

log = logging.getLogger(__name__)

HEALTHY_AFTER_S = 300.0  # a child that ran this long restarts without the back-off of a crash loop


@dataclass(frozen=True)
class Command:
    """A child to keep running: a name for the logs, its argv and extra environment variables."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class _Child:
    command: Command
    process: subprocess.Popen | None = None
    restarts: int = 0
    next_start: float = 0.0
    started_at: float = 0.0


def _start(child: _Child) -> None:
    env = os.environ | child.command.env if child.command.env else None
    child.process = subprocess.Popen(child.command.argv, env=env)
    child.started_at = time.monotonic()
    log.info("started child=%s pid=%d", child.command.name, child.process.pid)


def supervise(stages: list[str], stop: StopFlag, *, extra_args: dict[str, list[str]] | None = None) -> int:
    """`newsflow <stage>` for each stage, restarted if it dies, until `stop`."""
    extra_args = extra_args or {}
    return supervise_commands(
        [Command(s, [sys.executable, "-m", "newsflow", s, *extra_args.get(s, [])]) for s in stages], stop
    )


def supervise_commands(commands: list[Command], stop: StopFlag, *, poll_s: float = 1.0) -> int:
    """Keep every command running until `stop`, then stop them all with SIGTERM; returns the
    worst exit code of that stop (0 when each finished its batch and exited cleanly)."""
    children = [_Child(c) for c in commands]
    for child in children:
        _start(child)
    while not stop:
        stop.wait(poll_s)
        if stop:
            break
        for child in children:
            _restart_if_dead(child)
    return _stop_all(children)


def _restart_if_dead(child: _Child) -> None:
    code = child.process.poll() if child.process else None
    if child.process is not None and code is None:
        return
    now = time.monotonic()
    if child.process is not None:
        if now - child.started_at > HEALTHY_AFTER_S:
            child.restarts = 0  # it ran well for a while: this is a new failure, not a crash loop
        # Back off so a child that dies at start (bad config) does not spin.
        delay = min(2 ** child.restarts, 60)
        log.warning("child=%s exited code=%s; restarting in %ds", child.command.name, code, delay)
        child.process = None
        child.restarts += 1
        child.next_start = now + delay
    if now >= child.next_start:
        _start(child)


def _stop_all(children: list[_Child], timeout_s: float = 60.0) -> int:
    running = [c for c in children if c.process and c.process.poll() is None]
    for child in running:
        child.process.terminate()  # SIGTERM: finish the batch, commit, exit 0
    deadline = time.monotonic() + timeout_s
    worst = 0
    for child in running:
        try:
            code = child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log.warning("child=%s did not stop in time; killing it", child.command.name)
            child.process.kill()
            code = child.process.wait()
        worst = max(worst, abs(code))
    return worst
