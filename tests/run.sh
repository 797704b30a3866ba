#!/usr/bin/env bash
# The test command (`make test`): starts the local Kafka and Elasticsearch when they are not
# running, runs the unit, integration and e2e tiers against them, and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."

newsflow=.venv/bin/newsflow
python=.venv/bin/python

# Servers this run finds already up (a developer's `newsflow stack up`, or configured ones)
# are left running; only what this script starts is stopped at the end.
already_running=$($newsflow stack status | awk '$2 == "running" || $2 == "external" {print $1}' | sort | tr '\n' ' ')

stop_started() {
  if [ -z "$already_running" ]; then
    $newsflow stack down || true
  fi
}
trap stop_started EXIT

$newsflow stack up
$python -m pytest tests/unit tests/integration tests/e2e "$@"
