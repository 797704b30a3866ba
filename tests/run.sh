#!/usr/bin/env bash
# The test command (`make test`): starts the local Kafka and Elasticsearch when they are not
# running, runs the unit, integration and e2e tiers against them, and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."

newsflow=.venv/bin/newsflow

# `stack status` prints one line per server: name, state, address. "running" means a server
# that `stack up` started earlier (ours). Whatever is ours at the end but was not at the
# start is stopped, also when `stack up` or the tests fail; a developer's stack stays up.
# The same for the local cluster (`stack status --cluster`), which the cluster scenarios start:
# they stop it themselves, this is for a run that was killed on the way.
ours() { $newsflow stack status "$@" | awk '$2 == "running" {print $1}' | sort; }
before=$(ours)
before_cluster=$(ours --cluster)
stop_new() {  # stop_new "<names running before>" [--cluster]
  local now new
  now=$(ours "${@:2}")
  new=$(comm -13 <(printf '%s\n' "$1") <(printf '%s\n' "$now") | tr '\n' ' ')
  if [ -n "${new// /}" ]; then
    # shellcheck disable=SC2086 # one word per service name
    $newsflow stack down "${@:2}" $new || true
  fi
}
stop_started() {
  stop_new "$before_cluster" --cluster
  stop_new "$before"
}
trap stop_started EXIT

# The code first: lint, then the walls between packages (docs/architecture.md; [tool.importlinter]).
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache
$newsflow stack up
# The chaos tier last: it stops and restarts the servers. Its cluster scenarios
# (tests/chaos/test_cluster.py: three brokers and two Elasticsearch nodes of their own, started
# and stopped by the tests, ~10 minutes) only with NEWSFLOW_CHAOS_CLUSTER=1 (`make test-cluster`; CI sets it).
skip_cluster=(--ignore=tests/chaos/test_cluster.py)
if [ "${NEWSFLOW_CHAOS_CLUSTER:-0}" = 1 ]; then
  skip_cluster=()
fi
.venv/bin/python -m pytest tests/unit tests/integration tests/e2e tests/chaos ${skip_cluster[@]+"${skip_cluster[@]}"} "$@"
