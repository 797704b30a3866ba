"""Chaos tier: the pipeline as OS processes over the real local Kafka and Elasticsearch, with
processes killed and servers stopped on purpose. Run last by `make test` (it restarts servers)."""

from __future__ import annotations

import os
import random

import pytest

from newsflow import stack
from tests.chaos.harness import SUMMARY

# The integration tier's fixtures: base settings checked against the running servers, and
# per-test isolated topics, groups and indices, removed afterwards.
from tests.integration.conftest import base_settings, es, settings  # noqa: F401


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> random.Random:
    """Random moments for kills, reproducible: CHAOS_SEED=<printed seed> replays a run."""
    seed = int(os.environ.get("CHAOS_SEED") or random.SystemRandom().randrange(1_000_000))
    print(f"[chaos] {request.node.name}: CHAOS_SEED={seed}")
    return random.Random(seed)


@pytest.fixture
def local_servers(base_settings):  # noqa: F811 - the fixture imported above
    """Scenarios that stop a server need the ones `newsflow stack up` started (ours to stop)."""
    states = {s.name: s.state for s in stack.status(base_settings)}
    if any(state != "running" for state in states.values()):
        pytest.fail(f"this scenario stops and restarts the local servers; their states are {states}, "
                    "not all started by `newsflow stack up`")
    yield
    stack.up(base_settings, say=lambda line: None)  # whatever happened, leave them running


def pytest_terminal_summary(terminalreporter) -> None:
    """Each scenario's actions and counts in the log, passed or not."""
    if SUMMARY:
        terminalreporter.section("chaos scenarios: what each did and what the audit found")
        for line in SUMMARY:
            terminalreporter.write_line(line)
