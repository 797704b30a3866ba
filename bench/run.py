"""One benchmark command: every stage benchmark, one after the other, and one table.

    .venv/bin/python -m bench.run [--quick] [--only producer,processor,sink,latency,stories,extract,stories-scale] [--markdown]
    make bench

Each stage benchmark runs in its own process (`python -m bench.<module> --json`), so that one
stage's memory, threads or models never weigh on the next; its figures come back as the JSON
last line of its output. The table gives, for each figure: its value, the baseline measured
beside it in the same run (when it has one), the ratio value / baseline, the goal from the
issues (on the ratio when there is a baseline, else on the value; none: reported only) and
whether it is met. Stage output and logs go to --log-dir; progress to stderr; the table to stdout.

Needs the local stack running (`.venv/bin/newsflow stack up`). --quick uses small sizes, to
check that the command works (a few minutes); its figures are too small to quote.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench.common import Figure, figures_from_json, machine
from bench.table import render_markdown, render_text

__all__ = ["STAGES", "Stage", "StageResult", "main", "parse_figures", "run_stage", "selected"]

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Stage:
    module: str
    full: tuple[str, ...]  # the sizes bench/README.md quotes
    quick: tuple[str, ...]  # small sizes: is the command working?

    def command(self, *, quick: bool) -> list[str]:
        return ["python", "-m", self.module, *(self.quick if quick else self.full)]


STAGES: dict[str, Stage] = {
    "producer": Stage("bench.producer_throughput", ("--feeds", "1000", "--items", "50", "--rounds", "3"),
                      ("--feeds", "100", "--items", "20", "--rounds", "1")),
    "processor": Stage("bench.processor_throughput", ("--articles", "1000", "--rounds", "3"),
                       ("--articles", "48", "--rounds", "1", "--naive-sample", "16")),
    "sink": Stage("bench.sink_throughput", ("--docs", "30000", "--rounds", "3"), ("--docs", "5000", "--rounds", "1")),
    "latency": Stage("bench.latency", ("--seconds", "60",), ("--seconds", "15", "--burst", "40")),
    "stories": Stage("bench.stories_cost", ("--articles", "1000"), ("--articles", "96")),
    "extract": Stage("bench.extract_cost", ("--pages", "150", "--rounds", "7"), ("--pages", "24", "--rounds", "1")),
    # A million articles in the window (written in ~9 minutes, kept for the next run).
    "stories-scale": Stage("bench.stories_scale", ("--window", "1000000", "--articles", "300", "--keep"),
                           ("--window", "20000", "--articles", "64")),
}


@dataclass(frozen=True)
class StageResult:
    name: str
    command: str
    seconds: float
    figures: tuple[Figure, ...]
    error: str | None = None  # why there are no figures


def selected(only: str | None) -> list[str]:
    """The stages to run, in their order; `only` is a comma-separated subset."""
    if not only:
        return list(STAGES)
    wanted = [s.strip() for s in only.split(",") if s.strip()]
    unknown = sorted(set(wanted) - set(STAGES))
    if unknown:
        raise ValueError(f"unknown stage(s) {', '.join(unknown)}; choose among {', '.join(STAGES)}")
    return [s for s in STAGES if s in wanted]


def parse_figures(stdout: str) -> list[Figure]:
    """The figures of a stage's `--json` output: its last line that is a JSON object."""
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            return figures_from_json(line)
    raise ValueError("no JSON line in the benchmark's output")


def _relay(stream, name: str, log, out: list[str]) -> None:
    """Keep a stage's stdout (for its JSON), log it, and show its human lines as progress."""
    for line in stream:
        out.append(line)
        log.write(line)
        log.flush()
        if not line.startswith("{"):
            print(f"  {name} | {line}", end="", file=sys.stderr, flush=True)


def _stop(proc: subprocess.Popen, grace: float) -> None:
    """Ctrl-C first (each benchmark removes its topics, indices and workers in `finally`), then kill."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_stage(name: str, *, quick: bool, log_dir: Path, timeout: float) -> StageResult:
    command = STAGES[name].command(quick=quick)
    shown = " ".join(command)
    log_path = log_dir / f"run-{name}.log"
    print(f"{name}: {shown}  (log: {log_path})", file=sys.stderr, flush=True)
    started = time.monotonic()
    out: list[str] = []
    with log_path.open("w") as log:
        # Its own session: a Ctrl-C at the terminal reaches this process only, which passes one on
        # (a second one would interrupt the stage's clean-up).
        proc = subprocess.Popen([sys.executable, *command[1:], "--json"], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=log, text=True, start_new_session=True)
        relay = threading.Thread(target=_relay, args=(proc.stdout, name, log, out), daemon=True)
        relay.start()
        error = None
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            error = f"timed out after {timeout:.0f} s"
            _stop(proc, grace=120)
        except KeyboardInterrupt:
            _stop(proc, grace=120)
            raise
        finally:
            relay.join(timeout=10)
            proc.stdout.close()
    seconds = time.monotonic() - started
    if error is None and proc.returncode != 0:
        error = f"exit status {proc.returncode}"
    figures: list[Figure] = []
    if error is None:
        try:
            figures = parse_figures("".join(out))
        except ValueError as e:
            error = str(e)
    if error:
        error += f" (see {log_path})"
    print(f"{name}: {'failed: ' + error if error else 'done'} in {seconds:.0f} s", file=sys.stderr, flush=True)
    return StageResult(name, shown, seconds, tuple(figures), error)


def report(results: list[StageResult], *, markdown: bool, invocation: str, when: datetime) -> str:
    figures = [f for r in results for f in r.figures]
    stamp = when.strftime("%Y-%m-%d %H:%M %Z").strip()
    if markdown:
        lines = [f"Run of {stamp} with `{invocation}`, on {machine()}.", "", render_markdown(figures), ""]
        lines += [f"- {r.name}: `{r.command}` ({r.seconds:.0f} s)" for r in results]
    else:
        lines = [f"machine: {machine()}", f"date: {stamp}", f"command: {invocation}", "", render_text(figures), ""]
        lines += [f"{r.name}: {r.command} ({r.seconds:.0f} s)" for r in results]
        lines.append("goal: on the ratio when there is a baseline, else on the value; '-': reported, no goal")
    lines += [f"FAILED {r.name}: {r.error}" for r in results if r.error]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, to check that the command works")
    parser.add_argument("--only", help=f"comma-separated stages among {', '.join(STAGES)} (default: all)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown, for bench/README.md")
    parser.add_argument("--log-dir", type=Path, default=Path("/tmp/newsflow-bench"))
    parser.add_argument("--stage-timeout", type=float, default=None,
                        help="seconds a stage may take before it is stopped (default: 600 with --quick, else 3600)")
    args = parser.parse_args(argv)
    try:
        args.stages = selected(args.only)
    except ValueError as e:
        parser.error(str(e))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.log_dir.mkdir(parents=True, exist_ok=True)
    timeout = args.stage_timeout or (600.0 if args.quick else 3600.0)
    invocation = " ".join(["python -m bench.run", *(argv if argv is not None else sys.argv[1:])])
    when = datetime.now().astimezone()
    try:
        results = [run_stage(name, quick=args.quick, log_dir=args.log_dir, timeout=timeout) for name in args.stages]
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    print(report(results, markdown=args.markdown, invocation=invocation, when=when))
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
