"""`newsflow run`: every stage as its own OS process, restarted if it dies.

Separate processes, as in production: a crash in one stage does not take the others down, and
the processor's CPU work does not slow the producer's polling.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from dataclasses import dataclass, field

from newsflow.worker import StopFlag

__all__ = ["supervise"]

log = logging.getLogger(__name__)


@dataclass
class _Child:
    stage: str
    argv: list[str]
    process: subprocess.Popen | None = None
    restarts: int = 0
    next_start: float = field(default=0.0)


def _start(child: _Child) -> None:
    child.process = subprocess.Popen(child.argv)
    log.info("started stage=%s pid=%d", child.stage, child.process.pid)


def supervise(stages: list[str], stop: StopFlag, *, extra_args: dict[str, list[str]] | None = None) -> int:
    extra_args = extra_args or {}
    children = [_Child(s, [sys.executable, "-m", "newsflow", s, *extra_args.get(s, [])]) for s in stages]
    for child in children:
        _start(child)
    while not stop:
        stop.wait(1.0)
        for child in children:
            _restart_if_dead(child)
    return _stop_all(children)


def _restart_if_dead(child: _Child) -> None:
    code = child.process.poll() if child.process else None
    if child.process is not None and code is None:
        return
    now = time.monotonic()
    if child.process is not None:
        # Back off so a stage that dies at start (bad config) does not spin.
        delay = min(2 ** child.restarts, 60)
        log.warning("stage=%s exited code=%s; restarting in %ds", child.stage, code, delay)
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
            log.warning("stage=%s did not stop in time; killing it", child.stage)
            child.process.kill()
            code = child.process.wait()
        worst = max(worst, abs(code))
    return worst
