#!/usr/bin/env bash
# The test command (`make test`): starts the local Kafka and Elasticsearch when they are not
# running, runs the unit, integration and e2e tiers against them, and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."

newsflow=.venv/bin/newsflow

# `stack status` prints one line per server: name, state, address. "running" means a server
# that `stack up` started earlier (ours). Whatever is ours at the end but was not at the
# start is stopped, also when `stack up` or the tests fail; a developer's stack stays up.
ours() { $newsflow stack status | awk '$2 == "running" {print $1}' | sort; }
before=$(ours)
stop_started() {
  local now new
  now=$(ours)
  new=$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$now") | tr '\n' ' ')
  if [ -n "${new// /}" ]; then
    # shellcheck disable=SC2086 # one word per service name
    $newsflow stack down $new || true
  fi
}
trap stop_started EXIT

# The code first: lint, then the walls between packages (docs/architecture.md; [tool.importlinter]).
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache
$newsflow stack up
# The chaos tier last: it stops and restarts the servers.
.venv/bin/python -m pytest tests/unit tests/integration tests/e2e tests/chaos "$@"
