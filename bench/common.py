"""What the benchmarks share: isolated names on the running stack, the machine, clean-up, and
the `Figure` each benchmark reports (what `python -m bench.run` puts in its table)."""

from __future__ import annotations

import json
import math
import operator
import os
import platform
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from newsflow.app.wiring import run_setup
from newsflow.index.indices import feed_health_template_name, make_client
from newsflow.runtime.kafka import make_admin
from newsflow.settings import Settings, load_settings
from tests.support import isolated

__all__ = [
    "Figure", "bench_settings", "emit", "figure", "figures_from_json", "figures_to_json", "machine", "meets",
    "proc_status_mb", "remove",
]

# Goals are written as "<op> <number>", e.g. ">= 0.8" or "< 600".
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt,
}


@dataclass(frozen=True)
class Figure:
    """One measured figure. When it has a baseline, `ratio` is value / baseline and the goal is
    on the ratio; otherwise the goal is on the value. No goal: reported only (`met` is None)."""

    name: str
    value: float
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    goal: str | None = None
    met: bool | None = None


def meets(goal: str, x: float) -> bool:
    """Whether `x` satisfies a goal such as ">= 0.8"; a NaN never does."""
    op, _, bound = goal.strip().partition(" ")
    if op not in _OPERATORS:
        raise ValueError(f"goal {goal!r}: expected '<op> <number>' with op one of {', '.join(_OPERATORS)}")
    return not math.isnan(x) and _OPERATORS[op](x, float(bound))


def figure(name: str, value: float, unit: str, *, baseline: float | None = None, goal: str | None = None) -> Figure:
    """A Figure with its ratio and its verdict worked out (see `Figure` for what the goal is on)."""
    ratio = value / baseline if baseline else None
    judged = ratio if ratio is not None else value
    return Figure(name, value, unit, baseline, ratio, goal, None if goal is None else meets(goal, judged))


def figures_to_json(figures: Iterable[Figure]) -> str:
    """One line of JSON (NaN is written as null, which JSON has, unlike NaN)."""
    def clean(v: object) -> object:
        return None if isinstance(v, float) and math.isnan(v) else v

    return json.dumps({"figures": [{k: clean(v) for k, v in asdict(f).items()} for f in figures]})


def figures_from_json(line: str) -> list[Figure]:
    return [Figure(**{k: (math.nan if k == "value" and v is None else v) for k, v in row.items()})
            for row in json.loads(line)["figures"]]


def emit(lines: Iterable[str], figures: Iterable[Figure], *, as_json: bool) -> None:
    """Print a benchmark's human-readable lines, then (with --json) its figures as the last line."""
    for line in lines:
        print(line)
    if as_json:
        print(figures_to_json(figures), flush=True)


def proc_status_mb(pid: int, field: str = "VmRSS") -> float:
    """A memory field of /proc/<pid>/status (VmRSS: now, VmHWM: peak) in MB; NaN once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return math.nan


def machine() -> str:
    cpu = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB, Python {platform.python_version()}"


def bench_settings(label: str) -> Settings:
    base = load_settings()
    settings = isolated(base, f"bench-{label}-{uuid.uuid4().hex[:4]}")
    # isolated() shrinks the processor's batch for quick tests; a benchmark measures the production batch.
    settings = settings.model_copy(update={"processor": settings.processor.model_copy(update={"batch_size": base.processor.batch_size})})
    run_setup(settings)
    return settings


def remove(settings: Settings, *extra_indices: str) -> None:
    t = settings.kafka.topics
    admin = make_admin(settings.kafka)
    try:
        admin.delete_topics([t.raw, t.enriched, t.dlq, t.feed_state, t.feed_health, t.stories])
    finally:
        admin.close()
    es = settings.elasticsearch
    # run_setup makes more than the articles index (feed health, stories, each with its template,
    # named "<alias>-..."): remove by that prefix, and only for isolated names ("test-<label>-<uuid>").
    prefix = f"{es.alias}-"
    if not prefix.startswith("test-"):
        raise ValueError(f"refusing to remove indices by the prefix {prefix!r}: not isolated names")
    client = make_client(es)
    try:
        ours = client.options(ignore_status=404)
        indices = set(ours.indices.get(index=f"{prefix}*", expand_wildcards="all").body or {})
        for index in sorted({es.index_name, es.feed_health_index, *indices, *extra_indices}):
            client.indices.delete(index=index, ignore_unavailable=True)
        templates = ours.indices.get_index_template(name=f"{prefix}*").body.get("index_templates", [])
        for template in sorted({es.template_name, feed_health_template_name(es), *(tpl["name"] for tpl in templates)}):
            ours.indices.delete_index_template(name=template)
    finally:
        client.close()
