"""A processor, once its models are loaded, freezes what it holds and collects garbage rarely
(`tune_garbage_collection`): checked in a child process, whose collector is its own."""

from __future__ import annotations

import json
import subprocess
import sys

from newsflow.app.wiring import GC_THRESHOLDS

CHILD = """
import gc, json
kept = [[n] for n in range(10_000)]  # loaded before: frozen
from newsflow.app.wiring import tune_garbage_collection
before = gc.get_threshold()
tune_garbage_collection()
print(json.dumps({"before": before, "after": gc.get_threshold(), "frozen": gc.get_freeze_count()}))
"""


def test_the_collector_is_tuned_and_what_is_loaded_frozen():
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=60, check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert tuple(seen["after"]) == GC_THRESHOLDS != tuple(seen["before"])
    assert seen["frozen"] >= 10_000
