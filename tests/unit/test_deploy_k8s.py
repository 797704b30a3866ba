"""deploy/k8s: every kustomization renders with `kubectl kustomize` and what it renders is valid.

- Built-in kinds are validated against the strict JSON schemas of Kubernetes 1.37 that the PyPI
  package `kubernetes-validate` ships (unknown fields, wrong types, missing required fields fail).
- Custom resources (Strimzi, ECK, KEDA) are validated against the small hand-written schemas of
  tests/unit/k8s_crd_schemas/ (see the README there), plus the wiring assertions below.
- The manifests agree with the code: every NEWSFLOW_* variable is a field of
  `newsflow.settings.Settings` and the settings of each container load; every container's args
  parse with `newsflow.app.cli.build_parser()`; probes hit /healthz and /readyz on the metrics port;
  no secret sits in a ConfigMap; the operator-made Secrets and Services are named as the
  operators name them.
- Least privilege: no password is an environment value or a secretKeyRef, every one is a file of a
  read-only Secret volume named by a NEWSFLOW_<SETTING>_FILE variable, and each pod mounts only its
  own keys; the sink, the API and the processor log in to Elasticsearch as newsflow_sink,
  newsflow_api and newsflow_processor (made by the newsflow-security-setup Job), only the two setup
  Jobs as elastic; NetworkPolicies isolate every pod and open only the API's and the metrics ports,
  Elasticsearch to its clients (the processor among them since issue 18), and the Strimzi listener
  to the workloads that use Kafka.

Unit tier: no cluster, no network. `kubectl` must be installed (it is on this project's machines):
without it these tests fail, they never skip.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import types
import typing
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from pydantic import BaseModel, SecretStr

from newsflow.app.cli import build_parser
from newsflow.settings import SecuritySettings, Settings
from producers.registry import load_registry

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
CRD_SCHEMAS = Path(__file__).resolve().parent / "k8s_crd_schemas"

KUBERNETES_VERSION = "1.37"  # the newest the pinned kubernetes-validate ships schemas for
IMAGE = "ghcr.io/newsflow/newsflow:0.1.0"
METRICS_PORT = 9100
API_PORT = 8000
EXTERNAL_SECRET = "newsflow-secrets"  # created by the operator; secret.example.yaml shows it
SECRET_EXAMPLE = K8S / "base" / "secret.example.yaml"

# What each container is, by its app.kubernetes.io/component label: the CLI command it runs and
# the settings sections it uses.
COMMANDS = {
    "producer": "produce", "processor": "process", "sink": "sink", "api": "api", "setup": "setup",
    "security-setup": "security",
}
STAGES = {"producer", "processor", "sink"}  # long-running, with /metrics, /healthz, /readyz
USES = {
    "producer": {"kafka", "producer"},
    "processor": {"kafka", "elasticsearch", "processor"},  # its stories state (issue 18)
    "sink": {"kafka", "elasticsearch", "sink"},
    "api": {"elasticsearch", "api"},
    "setup": {"kafka", "elasticsearch"},
    "security-setup": {"elasticsearch", "security"},
}
# Who logs in to Elasticsearch as whom: the users `newsflow security setup` creates for the sink,
# the API and the processor, the administrator for the two one-shot setup Jobs only.
ADMIN_JOBS = {"setup", "security-setup"}
ES_USERS = {
    "sink": SecuritySettings().sink_user,  # newsflow_sink
    "api": SecuritySettings().api_user,  # newsflow_api
    "processor": SecuritySettings().processor_user,  # newsflow_processor
    "setup": "elastic",
    "security-setup": "elastic",
}
WORKLOAD_KINDS = {"Deployment", "Job"}


# --- rendering -------------------------------------------------------------------------------

def _kustomization_file(directory: Path) -> dict[str, Any]:
    return yaml.safe_load((directory / "kustomization.yaml").read_text(encoding="utf-8"))


def _all_kustomization_dirs() -> list[Path]:
    return sorted(p.parent for p in K8S.rglob("kustomization.yaml"))


def _buildable() -> list[Path]:
    """Every directory kubectl can build: kind Kustomization (components are built through them)."""
    return [d for d in _all_kustomization_dirs() if _kustomization_file(d).get("kind", "Kustomization") == "Kustomization"]


BUILDABLE = _buildable()
IDS = [str(d.relative_to(K8S)) for d in BUILDABLE]


def _kubectl() -> str:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is not on PATH: it renders deploy/k8s (kubectl kustomize); install it, these tests never skip"
    return kubectl


@functools.cache
def render(directory: Path) -> tuple[dict[str, Any], ...]:
    result = subprocess.run(
        [_kubectl(), "kustomize", str(directory)], capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, f"kubectl kustomize {directory.relative_to(REPO)} failed:\n{result.stderr}"
    objects = tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)
    assert objects, f"{directory} rendered nothing"
    return objects


def _of_kind(objects, kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind]


def _one(objects, kind: str, name: str | None = None) -> dict[str, Any]:
    found = [o for o in _of_kind(objects, kind) if name is None or o["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def _generated(objects, kind: str, base_name: str) -> dict[str, Any]:
    """A generated ConfigMap/Secret: kustomize appends a content hash to its name."""
    found = [o for o in _of_kind(objects, kind) if re.fullmatch(rf"{re.escape(base_name)}(-[a-z0-9]{{10}})?", o["metadata"]["name"])]
    assert len(found) == 1, f"expected one {kind} {base_name}, found {len(found)}"
    return found[0]


def _config(objects) -> dict[str, str]:
    return _generated(objects, "ConfigMap", "newsflow-config")["data"]


def _workloads(objects) -> Iterator[tuple[dict[str, Any], str, dict[str, Any], dict[str, Any]]]:
    """(workload, component, pod spec, container) for every newsflow container."""
    for obj in objects:
        if obj["kind"] not in WORKLOAD_KINDS:
            continue
        pod = obj["spec"]["template"]["spec"]
        component = obj["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"]
        for container in pod["containers"]:
            yield obj, component, pod, container


def _config_maps_by_name(objects) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in _of_kind(objects, "ConfigMap")}


def _environment(objects, container: dict[str, Any]) -> dict[str, str]:
    """The NEWSFLOW_* environment Kubernetes gives the container: envFrom ConfigMaps, then env.

    Secrets are stand-ins: a secretKeyRef gives a placeholder value, the operator's envFrom
    Secret nothing (its keys are the operator's choice)."""
    maps = _config_maps_by_name(objects)
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(maps[source["configMapRef"]["name"]]["data"])
    for var in container.get("env", []):
        if "value" in var:
            env[var["name"]] = var["value"]
        elif "secretKeyRef" in var.get("valueFrom", {}):
            env[var["name"]] = "placeholder-secret"
        elif "configMapKeyRef" in var.get("valueFrom", {}):
            ref = var["valueFrom"]["configMapKeyRef"]
            env[var["name"]] = maps[ref["name"]]["data"][ref["key"]]
    return {k: v for k, v in env.items() if k.startswith("NEWSFLOW_")}


def stand_in(path: str) -> str:
    """The content the tests give the mounted secret file at `path`: a password, or for the API's
    keys file a key hash (the API refuses anything else)."""
    if PurePosixPath(path).name == "api-keys":
        return "sha256:" + hashlib.sha256(path.encode()).hexdigest()
    return f"stand-in for {path}"


def _settings_for(objects, container, monkeypatch) -> Settings:
    """The container's settings as newsflow loads them; each NEWSFLOW_<NAME>_FILE points at a
    local file holding stand_in(<the path in the pod>), so the _FILE indirection itself runs."""
    for name in [n for n in os.environ if n.startswith("NEWSFLOW_")]:
        monkeypatch.delenv(name)
    with tempfile.TemporaryDirectory() as files:
        for name, value in _environment(objects, container).items():
            if resolve_variable(name)[1]:
                local = Path(files) / name
                local.write_text(stand_in(value) + "\n", encoding="utf-8")
                value = str(local)
            monkeypatch.setenv(name, value)
        return Settings()  # reads the files


# --- the settings model ----------------------------------------------------------------------

def _leaf_types(annotation: Any) -> set[Any]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return set().union(*(_leaf_types(a) for a in typing.get_args(annotation)))
    return {annotation}


def settings_field(variable: str):
    """The pydantic field a NEWSFLOW_* variable sets (sections nested with `__`); AssertionError if none."""
    assert variable.startswith("NEWSFLOW_"), variable
    parts = variable.removeprefix("NEWSFLOW_").lower().split("__")
    model: type[BaseModel] = Settings
    for depth, part in enumerate(parts):
        assert part in model.model_fields, f"{variable}: {part!r} is not a field of {model.__name__}"
        field = model.model_fields[part]
        if depth < len(parts) - 1:
            assert isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel), (
                f"{variable}: {part!r} is not a settings section")
            model = field.annotation
    assert not (isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)), (
        f"{variable} names a whole section, not a setting")
    return field


def resolve_variable(variable: str) -> tuple[str, bool]:
    """(the setting's variable, whether it is given as a file): NEWSFLOW_<NAME>_FILE=/path means
    NEWSFLOW_<NAME> is that file's content, unless NEWSFLOW_<NAME>_FILE is itself a setting (such as
    NEWSFLOW_PRODUCER__FEEDS_FILE). AssertionError if neither is a setting."""
    try:
        settings_field(variable)
        return variable, False
    except AssertionError:
        if not variable.endswith("_FILE"):
            raise
    base = variable.removesuffix("_FILE")
    settings_field(base)
    return base, True


def is_secret(variable: str) -> bool:
    return SecretStr in _leaf_types(settings_field(variable).annotation)


def is_path(variable: str) -> bool:
    return Path in _leaf_types(settings_field(variable).annotation)


def test_settings_walk_accepts_real_fields_and_refuses_others():
    assert settings_field("NEWSFLOW_KAFKA__TOPICS__REPLICATION_FACTOR")
    assert is_secret("NEWSFLOW_ELASTICSEARCH__PASSWORD") and not is_secret("NEWSFLOW_ELASTICSEARCH__USERNAME")
    assert is_path("NEWSFLOW_KAFKA__SSL_CAFILE")
    for wrong in ("NEWSFLOW_KAFKA__BOOTSTRAP", "NEWSFLOW_KAFKA", "NEWSFLOW_METRICS_PORT__X", "NEWSFLOW_KAFKA_BOOTSTRAP_SERVERS"):
        with pytest.raises(AssertionError):
            settings_field(wrong)
    assert resolve_variable("NEWSFLOW_ELASTICSEARCH__PASSWORD_FILE") == ("NEWSFLOW_ELASTICSEARCH__PASSWORD", True)
    assert resolve_variable("NEWSFLOW_SECURITY__SINK_PASSWORD_FILE") == ("NEWSFLOW_SECURITY__SINK_PASSWORD", True)
    assert resolve_variable("NEWSFLOW_PRODUCER__FEEDS_FILE") == ("NEWSFLOW_PRODUCER__FEEDS_FILE", False)
    for wrong in ("NEWSFLOW_ELASTICSEARCH__PASSWORDS_FILE", "NEWSFLOW_KAFKA_FILE", "NEWSFLOW_KAFKA__SASL_PASSWORD_FILES"):
        with pytest.raises(AssertionError):
            resolve_variable(wrong)


# --- the tree --------------------------------------------------------------------------------

def test_kubectl_is_installed():
    _kubectl()


def test_the_tree_has_base_overlays_and_components_all_used():
    assert {str(d.relative_to(K8S)) for d in BUILDABLE} == {
        "base", "overlays/eck", "overlays/keda", "overlays/production", "overlays/strimzi",
    }
    components = {d for d in _all_kustomization_dirs() if _kustomization_file(d).get("kind") == "Component"}
    assert {d.name for d in components} == {"eck", "keda", "strimzi"}
    used = {
        (d / c).resolve()
        for d in BUILDABLE
        for c in _kustomization_file(d).get("components", [])
    }
    assert components <= used, f"components no overlay uses: {sorted(map(str, components - used))}"


@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_renders_and_builtin_kinds_validate_against_kubernetes_schemas(directory):
    errors = []
    builtin = 0
    for obj in render(directory):
        if _crd_schema_file(obj).exists():
            continue
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
            builtin += 1
        except kubernetes_validate.SchemaNotFoundError:
            errors.append(f"{obj['apiVersion']} {obj['kind']}: neither a Kubernetes {KUBERNETES_VERSION} kind nor in {CRD_SCHEMAS.name}/")
        except kubernetes_validate.ValidationError as exc:
            where = ".".join(str(p) for p in exc.path)
            errors.append(f"{obj['kind']}/{obj['metadata']['name']} at {where}: {exc.message}")
    assert not errors, "\n".join(errors)
    assert builtin >= 8


# --- custom resources ------------------------------------------------------------------------

def _crd_schema_file(obj: dict[str, Any]) -> Path:
    group_version = obj["apiVersion"].replace("/", "_")
    return CRD_SCHEMAS / f"{group_version}_{obj['kind']}.json"


@functools.cache
def _crd_validator(path: Path) -> jsonschema.protocols.Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_checked_in_crd_schemas_are_valid_json_schemas():
    files = sorted(CRD_SCHEMAS.glob("*.json"))
    assert len(files) == 7
    for path in files:
        validator = _crd_validator(path)
        api_version, kind = validator.schema["properties"]["apiVersion"]["const"], validator.schema["properties"]["kind"]["const"]
        assert path.name == f"{api_version.replace('/', '_')}_{kind}.json"
        assert validator.schema["$comment"].startswith("Hand-written subset of the CRD")


@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_custom_resources_validate_against_checked_in_schemas(directory):
    errors = []
    for obj in render(directory):
        path = _crd_schema_file(obj)
        if not path.exists():
            continue
        for error in _crd_validator(path).iter_errors(obj):
            where = ".".join(str(p) for p in error.absolute_path)
            errors.append(f"{obj['kind']}/{obj['metadata']['name']} at {where}: {error.message}")
    assert not errors, "\n".join(errors)


def test_crd_schemas_catch_mistakes():
    production = render(K8S / "overlays" / "production")
    kafka = json.loads(json.dumps(_one(production, "Kafka")))
    kafka["spec"]["kafka"]["listeners"][0]["tls"] = "yes"
    kafka["spec"]["kafka"]["replicas"] = 3  # gone in v1: node pools hold the replicas
    user = json.loads(json.dumps(_one(production, "KafkaUser")))
    user["spec"]["authorization"]["acls"][0]["operation"] = "Read"  # v1 has operations only
    scaled = json.loads(json.dumps(_one(production, "ScaledObject")))
    scaled["spec"]["triggers"][0]["metadata"]["sasl"] = "SCRAM-SHA-512"
    es = json.loads(json.dumps(_one(production, "Elasticsearch")))
    del es["spec"]["nodeSets"][0]["count"]
    for broken in (kafka, user, scaled, es):
        assert list(_crd_validator(_crd_schema_file(broken)).iter_errors(broken)), broken["kind"]


# --- namespaces, images, security ------------------------------------------------------------

def test_base_is_namespace_agnostic():
    base = render(K8S / "base")
    assert not _of_kind(base, "Namespace")
    assert [o["metadata"]["name"] for o in base if "namespace" in o["metadata"]] == []


def test_production_overlay_puts_everything_in_its_namespace():
    production = render(K8S / "overlays" / "production")
    namespace = _one(production, "Namespace")["metadata"]["name"]
    assert {o["metadata"].get("namespace") for o in production if o["kind"] != "Namespace"} == {namespace}


@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_pods_run_non_root_read_only_with_resources(directory):
    objects = render(directory)
    seen = set()
    for workload, component, pod, container in _workloads(objects):
        what = f"{workload['kind']}/{workload['metadata']['name']}"
        seen.add(component)
        assert pod["securityContext"]["runAsNonRoot"] is True, what
        assert pod["securityContext"]["runAsUser"] > 0, what
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, what
        assert pod["automountServiceAccountToken"] is False, what
        _one(objects, "ServiceAccount", pod["serviceAccountName"])
        sc = container["securityContext"]
        assert sc["readOnlyRootFilesystem"] is True, what
        assert sc["allowPrivilegeEscalation"] is False, what
        assert sc["capabilities"]["drop"] == ["ALL"], what
        assert sc.get("privileged") is not True, what
        # A read-only root needs a writable /tmp.
        tmp = [m for m in container["volumeMounts"] if m["mountPath"] == "/tmp"]
        assert tmp and "emptyDir" in _volume(pod, tmp[0]["name"]), what
        assert container["image"] == IMAGE, what
        assert "command" not in container, f"{what}: the image's entrypoint is `newsflow`; set args only"
        requests, limits = container["resources"]["requests"], container["resources"]["limits"]
        assert {"cpu", "memory"} <= requests.keys() and "memory" in limits, what
        # The newsflow objects carry the recommended labels; selectors match their templates.
        labels = workload["spec"]["template"]["metadata"]["labels"]
        assert labels["app.kubernetes.io/name"] == "newsflow" and labels["app.kubernetes.io/part-of"] == "newsflow", what
        if workload["kind"] == "Deployment":
            assert workload["spec"]["selector"]["matchLabels"].items() <= labels.items(), what
    assert seen == set(COMMANDS), f"{directory.name}: workloads {sorted(seen)}"


def _volume(pod: dict[str, Any], name: str) -> dict[str, Any]:
    found = [v for v in pod.get("volumes", []) if v["name"] == name]
    assert len(found) == 1, f"volume {name}"
    return found[0]


# --- settings and CLI ------------------------------------------------------------------------

@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_every_newsflow_variable_is_a_settings_field(directory):
    objects = render(directory)
    variables = set(_config(objects))
    for _, _, _, container in _workloads(objects):
        variables |= {v["name"] for v in container.get("env", [])}
    for trigger_auth in _of_kind(objects, "TriggerAuthentication"):
        variables |= {e["name"] for e in trigger_auth["spec"].get("env", [])}
    assert variables, directory
    for variable in sorted(variables):
        assert variable.startswith("NEWSFLOW_"), f"{variable}: only NEWSFLOW_* settings belong here"
        resolve_variable(variable)


@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_settings_of_every_container_load(directory, monkeypatch):
    objects = render(directory)
    for workload, component, _, container in _workloads(objects):
        settings = _settings_for(objects, container, monkeypatch)
        assert settings.log_format == "json", workload["metadata"]["name"]
        if component in STAGES:
            assert (settings.metrics_host, settings.metrics_port) == ("0.0.0.0", METRICS_PORT)
        if component == "api":
            assert (settings.api.host, settings.api.port) == ("0.0.0.0", API_PORT)
            # Beyond loopback `newsflow api` serves only with keys: their hashes from a Secret file.
            assert settings.api.keys and not getattr(settings.api, "allow_anonymous", False)


@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_container_args_are_newsflow_commands(directory):
    parser = build_parser()
    for workload, component, _, container in _workloads(render(directory)):
        args = container["args"]
        try:
            parsed = parser.parse_args(args)
        except SystemExit:
            pytest.fail(f"{workload['metadata']['name']}: `newsflow {' '.join(args)}` is not a valid command line")
        assert parsed.command == COMMANDS[component], workload["metadata"]["name"]
        assert not getattr(parsed, "once", False), "a Deployment's producer must keep polling"


@pytest.mark.parametrize(("name", "args"), [("newsflow-setup", ["setup"]), ("newsflow-security-setup", ["security", "setup"])])
def test_the_setup_jobs_run_once_with_retries(name, args):
    job = _one(render(K8S / "base"), "Job", name)
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == args
    assert job["spec"]["template"]["spec"]["restartPolicy"] in {"Never", "OnFailure"}
    assert job["spec"]["backoffLimit"] >= 3


# --- probes and ports ------------------------------------------------------------------------

def _named_port(container: dict[str, Any], port: int | str) -> int:
    if isinstance(port, int):
        return port
    found = [p["containerPort"] for p in container.get("ports", []) if p["name"] == port]
    assert len(found) == 1, f"no container port named {port}"
    return found[0]


@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_probes_hit_health_endpoints_on_the_configured_ports(directory, monkeypatch):
    objects = render(directory)
    for workload, component, _, container in _workloads(objects):
        name = workload["metadata"]["name"]
        settings = _settings_for(objects, container, monkeypatch)
        if component in STAGES:
            for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz"), ("startupProbe", "/healthz")):
                get = container[probe]["httpGet"]
                assert get["path"] == path, f"{name} {probe}"
                assert _named_port(container, get["port"]) == settings.metrics_port == METRICS_PORT, f"{name} {probe}"
            # Readiness asks Kafka (and Elasticsearch) with 2 s timeouts: give it the time.
            assert container["readinessProbe"]["timeoutSeconds"] >= 5, name
        elif component == "api":
            get = container["readinessProbe"]["httpGet"]
            assert get["path"] == "/health" and _named_port(container, get["port"]) == settings.api.port == API_PORT
            # Liveness must not depend on Elasticsearch: an outage must not restart the API.
            assert "tcpSocket" in container["livenessProbe"] or container["livenessProbe"]["httpGet"]["path"] != "/health"
        else:
            assert not {"livenessProbe", "readinessProbe"} & container.keys(), f"{name}: a one-shot Job needs no probes"


@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_services_select_pods_and_their_named_ports(directory):
    objects = render(directory)
    pods = [(w["spec"]["template"]["metadata"]["labels"], c) for w, _, _, c in _workloads(objects) if w["kind"] == "Deployment"]
    for service in _of_kind(objects, "Service"):
        selected = [(labels, c) for labels, c in pods if service["spec"]["selector"].items() <= labels.items()]
        assert selected, f"Service {service['metadata']['name']} selects no pod"
        for port in service["spec"]["ports"]:
            for _, container in selected:
                _named_port(container, port["targetPort"])
    metrics = _one(objects, "Service", "newsflow-metrics")
    assert metrics["spec"]["clusterIP"] == "None" and metrics["spec"]["ports"][0]["port"] == METRICS_PORT
    scraped = {c for w, c, _, _ in _workloads(objects) if metrics["spec"]["selector"].items() <= w["spec"]["template"]["metadata"]["labels"].items()}
    assert scraped == STAGES


# --- secrets ---------------------------------------------------------------------------------

SECRETISH = re.compile(r"PASSWORD|API_KEY|TOKEN|SECRET|PRIVATE|JAAS", re.I)


def _secret_example_keys() -> set[str]:
    return set(yaml.safe_load(SECRET_EXAMPLE.read_text(encoding="utf-8"))["stringData"])


def _operator_secrets(objects) -> dict[str, set[str]]:
    """Secrets (name -> keys) that the operators in this render make, as they document them, and
    the one the user makes (its keys as secret.example.yaml shows them)."""
    made: dict[str, set[str]] = {EXTERNAL_SECRET: _secret_example_keys()}
    for es in _of_kind(objects, "Elasticsearch"):
        name = es["metadata"]["name"]
        made[f"{name}-es-elastic-user"] = {"elastic"}
        made[f"{name}-es-http-certs-public"] = {"ca.crt", "tls.crt"}
    for kafka in _of_kind(objects, "Kafka"):
        made[f"{kafka['metadata']['name']}-cluster-ca-cert"] = {"ca.crt", "ca.p12", "ca.password"}
    for user in _of_kind(objects, "KafkaUser"):
        if user["spec"].get("authentication", {}).get("type") == "scram-sha-512":
            made[user["metadata"]["name"]] = {"password", "sasl.jaas.config"}
    return made


def _mounted_file(objects, pod: dict[str, Any], container: dict[str, Any], path: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """(volume mount, volume, key in the Secret or ConfigMap) of the file at `path` in the container."""
    path_ = PurePosixPath(path)
    mounts = [m for m in container.get("volumeMounts", []) if PurePosixPath(m["mountPath"]) == path_.parent]
    assert len(mounts) == 1, f"nothing is mounted at {path_.parent} (for {path})"
    volume = _volume(pod, mounts[0]["name"])
    source = volume.get("secret") or volume.get("configMap")
    assert source is not None, f"{path}: volume {volume['name']} is neither a Secret nor a ConfigMap"
    if "items" in source:
        files = {item["path"]: item["key"] for item in source["items"]}
    else:  # a whole ConfigMap (Secrets are always projected key by key here)
        assert "configMap" in volume, f"{volume['name']}: a Secret volume must list its items"
        files = {key: key for key in _config_maps_by_name(objects)[source["name"]]["data"]}
    assert path_.name in files, f"{path}: volume {volume['name']} holds only {sorted(files)}"
    return mounts[0], volume, files[path_.name]


def _secret_file_of(objects, pod, container, variable: str) -> tuple[str, str]:
    """(Secret name, key) behind the file a NEWSFLOW_..._FILE variable of the container names."""
    value = next(v["value"] for v in container.get("env", []) if v["name"] == variable)
    _, volume, key = _mounted_file(objects, pod, container, value)
    assert "secret" in volume, f"{variable}={value} is not a file of a Secret"
    return volume["secret"]["secretName"], key


@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_no_secret_in_config_maps_or_environment_values(directory):
    """Secrets are files of read-only Secret volumes, named by NEWSFLOW_<SETTING>_FILE: never a
    ConfigMap entry, an env value, a secretKeyRef or an envFrom Secret (all of which land in the
    process environment, where any crash dump, /proc reader or `kubectl describe` may see them)."""
    objects = render(directory)
    for config_map in _of_kind(objects, "ConfigMap"):
        for key, value in config_map.get("data", {}).items():
            if key.startswith("NEWSFLOW_"):
                setting, as_file = resolve_variable(key)
                assert not is_secret(setting), f"{key} is a secret setting: it belongs in a Secret, not {config_map['metadata']['name']}"
                assert not as_file, f"{config_map['metadata']['name']}: {key} belongs beside the volume that holds the file, in the container"
            assert not SECRETISH.search(key), f"{config_map['metadata']['name']}: {key} looks like a secret"
            assert not re.search(r"://[^/\s:@]+:[^/\s@]+@", value), f"{config_map['metadata']['name']}: {key} has credentials in a URL"
    assert not _of_kind(objects, "Secret"), "no Secret is rendered: the operator (or an operator's controller) makes them"
    for workload, _, _, container in _workloads(objects):
        name = workload["metadata"]["name"]
        assert all("configMapRef" in source for source in container.get("envFrom", [])), f"{name}: envFrom a Secret"
        for var in container.get("env", []):
            assert "secretKeyRef" not in var.get("valueFrom", {}), f"{name}: {var['name']} from a secretKeyRef: mount it as a file"
            if not var["name"].startswith("NEWSFLOW_"):
                continue
            setting, as_file = resolve_variable(var["name"])
            if is_secret(setting):
                assert as_file, f"{name}: {var['name']} is a secret; give NEWSFLOW_..._FILE with a mounted file instead"
            elif SECRETISH.search(var["name"]):
                assert as_file, f"{name}: {var['name']} looks like a secret"


@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_secret_files_are_read_only_volumes_with_only_the_pods_own_keys(directory, monkeypatch):
    objects = render(directory)
    for workload, _, pod, container in _workloads(objects):
        name = workload["metadata"]["name"]
        used: set[tuple[str, str]] = set()
        for variable, value in _environment(objects, container).items():
            if not resolve_variable(variable)[1]:
                continue
            mount, volume, key = _mounted_file(objects, pod, container, value)
            assert "secret" in volume, f"{name}: {variable}={value} is not a file of a Secret"
            assert mount.get("readOnly") is True, f"{name}: {mount['name']} is not mounted read-only"
            used.add((volume["secret"]["secretName"], key))
        # Least privilege: a pod holds the credentials it reads, no other (CA certificates aside).
        for volume in pod.get("volumes", []):
            if "secret" not in volume:
                continue
            for item in volume["secret"]["items"]:
                if item["key"] in {"ca.crt"}:
                    continue
                assert (volume["secret"]["secretName"], item["key"]) in used, (
                    f"{name} mounts {item['key']} of {volume['secret']['secretName']} but reads it through no setting")
            mount = next(m for m in container["volumeMounts"] if m["name"] == volume["name"])
            assert mount.get("readOnly") is True, f"{name}: {volume['name']} is not mounted read-only"
            if {item["key"] for item in volume["secret"]["items"]} != {"ca.crt"}:  # a CA is public
                mode = volume["secret"].get("defaultMode", 0o644)
                assert mode & 0o007 == 0, f"{name}: {volume['name']} files are readable by all ({oct(mode)})"
        # Every file the settings name exists once they are loaded: each setting is set.
        settings = _settings_for(objects, container, monkeypatch)
        assert settings is not None


@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_every_reference_resolves(directory):
    objects = render(directory)
    config_maps = _config_maps_by_name(objects)
    secrets = _operator_secrets(objects)

    def secret_key(name: str, key: str, where: str):
        assert name in secrets, f"{where}: Secret {name} is made by nothing in this render"
        assert key in secrets[name], f"{where}: Secret {name} has no key {key}"

    for workload, _, pod, container in _workloads(objects):
        where = workload["metadata"]["name"]
        for source in container.get("envFrom", []):
            assert source["configMapRef"]["name"] in config_maps, where
        for var in container.get("env", []):
            ref = var.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                secret_key(ref["name"], ref["key"], where)
        mounted = {m["name"] for m in container.get("volumeMounts", [])}
        assert mounted == {v["name"] for v in pod.get("volumes", [])}, f"{where}: volumes and mounts differ"
        for volume in pod.get("volumes", []):
            if "configMap" in volume:
                assert volume["configMap"]["name"] in config_maps, where
            if "secret" in volume:
                for item in volume["secret"]["items"]:
                    secret_key(volume["secret"]["secretName"], item["key"], where)
    for trigger_auth in _of_kind(objects, "TriggerAuthentication"):
        for ref in trigger_auth["spec"].get("secretTargetRef", []):
            secret_key(ref["name"], ref["key"], trigger_auth["metadata"]["name"])


@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_file_settings_point_at_mounted_files(directory, monkeypatch, tmp_path):
    """NEWSFLOW_* paths (feeds file, CA bundles) and NEWSFLOW_*_FILE indirections name a file that
    a volume puts there."""
    objects = render(directory)
    config_maps = _config_maps_by_name(objects)
    for workload, component, pod, container in _workloads(objects):
        env = _environment(objects, container)
        for variable, value in env.items():
            setting, as_file = resolve_variable(variable)
            section = setting.removeprefix("NEWSFLOW_").lower().split("__")[0]
            if not as_file and not (is_path(variable) and section in USES[component]):
                continue
            where = f"{workload['metadata']['name']}: {variable}={value}"
            try:
                _mounted_file(objects, pod, container, value)
            except AssertionError as exc:
                pytest.fail(f"{where}: {exc}")
        if component == "producer":
            # And the mounted feed list is one the producer reads.
            settings = _settings_for(objects, container, monkeypatch)
            mount = next(m for m in container["volumeMounts"] if PurePosixPath(m["mountPath"]) == PurePosixPath(settings.producer.feeds_file).parent)
            text = config_maps[_volume(pod, mount["name"])["configMap"]["name"]]["data"][settings.producer.feeds_file.name]
            feeds_file = tmp_path / "feeds.yaml"
            feeds_file.write_text(text, encoding="utf-8")
            feeds = load_registry(feeds_file)
            assert feeds and all(f.url.startswith("https://") for f in feeds)


def test_secret_example_is_an_example_only():
    example = yaml.safe_load(SECRET_EXAMPLE.read_text(encoding="utf-8"))
    kubernetes_validate.validate(example, KUBERNETES_VERSION, strict=True)
    assert example["kind"] == "Secret" and example["metadata"]["name"] == EXTERNAL_SECRET
    # Its keys are file names (the pods mount them), no longer NEWSFLOW_* variables.
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key) for key in example["stringData"])
    for directory in _all_kustomization_dirs():
        kustomization = _kustomization_file(directory)
        listed = [*kustomization.get("resources", []), *kustomization.get("components", [])]
        assert not [r for r in listed if "secret.example" in r], directory
    used: set[str] = set()
    for directory in BUILDABLE:
        objects = render(directory)
        assert EXTERNAL_SECRET not in {o["metadata"]["name"] for o in objects}
        for _, _, pod, _ in _workloads(objects):
            for volume in pod.get("volumes", []):
                if volume.get("secret", {}).get("secretName") == EXTERNAL_SECRET:
                    used |= {item["key"] for item in volume["secret"]["items"]}
    # Every key of the example is mounted somewhere, and nothing mounts a key it does not show.
    assert used == set(example["stringData"])


# --- Elasticsearch users ---------------------------------------------------------------------

@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_only_the_setup_jobs_log_in_to_elasticsearch_as_elastic(directory, monkeypatch):
    """The sink as newsflow_sink, the API as newsflow_api, the processor as newsflow_processor, each
    with its own password file; the two one-shot setup Jobs as the administrator; the producer with
    no credentials."""
    objects = render(directory)
    seen = set()
    for workload, component, _, container in _workloads(objects):
        name = workload["metadata"]["name"]
        settings = _settings_for(objects, container, monkeypatch)
        es = settings.elasticsearch
        env = {v["name"] for v in container.get("env", [])} | set(_config(objects))
        if "elasticsearch" not in USES[component]:
            assert es.username is None and es.password is None and es.api_key is None, name
            assert not {v for v in env if v.startswith("NEWSFLOW_ELASTICSEARCH__") and SECRETISH.search(v)}, name
            assert not {v for v in env if v.startswith(("NEWSFLOW_ELASTICSEARCH__USERNAME", "NEWSFLOW_KIBANA__"))}, name
            continue
        seen.add(component)
        assert es.username == ES_USERS[component], f"{name} logs in as {es.username}"
        if component not in ADMIN_JOBS:
            assert es.username != "elastic", name
        password_file = next(v["value"] for v in container["env"] if v["name"] == "NEWSFLOW_ELASTICSEARCH__PASSWORD_FILE")
        assert es.password.get_secret_value() == stand_in(password_file), name
    assert seen == {"processor", "sink", "api", "setup", "security-setup"}


@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_security_setup_creates_the_users_the_sink_and_api_log_in_as(directory, monkeypatch):
    objects = render(directory)
    pods = {component: (pod, container) for _, component, pod, container in _workloads(objects)}
    pod, container = pods["security-setup"]
    security = _settings_for(objects, container, monkeypatch).security
    assert (security.sink_user, security.api_user) == (ES_USERS["sink"], ES_USERS["api"])
    assert security.processor_user == ES_USERS["processor"]
    for component, setting in (("sink", "SINK"), ("api", "API"), ("processor", "PROCESSOR")):
        # The password the Job gives the user is the one the workload logs in with: same Secret, same key.
        created = _secret_file_of(objects, pod, container, f"NEWSFLOW_SECURITY__{setting}_PASSWORD_FILE")
        used = _secret_file_of(objects, *pods[component], "NEWSFLOW_ELASTICSEARCH__PASSWORD_FILE")
        assert created == used, f"{component}: security-setup sets {created}, the pod reads {used}"
        assert created[0] == EXTERNAL_SECRET
    assert security.viewer_password is not None
    viewer = _secret_file_of(objects, pod, container, "NEWSFLOW_SECURITY__VIEWER_PASSWORD_FILE")
    assert viewer[0] == EXTERNAL_SECRET
    # The administrator's password reaches the two setup Jobs only.
    admin = {_secret_file_of(objects, *pods[c], "NEWSFLOW_ELASTICSEARCH__PASSWORD_FILE") for c in ADMIN_JOBS}
    assert len(admin) == 1
    for component in set(pods) - ADMIN_JOBS:
        held = {(v["secret"]["secretName"], i["key"]) for v in pods[component][0].get("volumes", []) if "secret" in v for i in v["secret"]["items"]}
        assert not admin & held, f"{component} mounts the administrator's password"


@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_the_processor_logs_in_to_elasticsearch_as_its_own_user_from_a_secret_file(directory, monkeypatch):
    """Issue 18: the processor keeps its stories state in Elasticsearch, as newsflow_processor, on
    the URL the sink uses, with a password that is a file of its own key of newsflow-secrets
    (never an environment value), the key the security Job gives that user."""
    objects = render(directory)
    pods = {component: (pod, container) for _, component, pod, container in _workloads(objects)}
    pod, container = pods["processor"]
    env = {v["name"]: v for v in container.get("env", [])}
    assert env["NEWSFLOW_ELASTICSEARCH__USERNAME"]["value"] == "newsflow_processor"
    assert "NEWSFLOW_ELASTICSEARCH__PASSWORD" not in env and "NEWSFLOW_ELASTICSEARCH__PASSWORD" not in _config(objects)
    es = _settings_for(objects, container, monkeypatch).elasticsearch
    sink = _settings_for(objects, pods["sink"][1], monkeypatch).elasticsearch
    assert es.url == sink.url and (es.ca_certs, es.verify_certs) == (sink.ca_certs, sink.verify_certs)
    assert es.username == SecuritySettings().processor_user and es.api_key is None
    password_file = env["NEWSFLOW_ELASTICSEARCH__PASSWORD_FILE"]["value"]
    assert es.password is not None and es.password.get_secret_value() == stand_in(password_file)
    own = _secret_file_of(objects, pod, container, "NEWSFLOW_ELASTICSEARCH__PASSWORD_FILE")
    assert own == (EXTERNAL_SECRET, "elasticsearch-processor-password")
    assert own == _secret_file_of(objects, *pods["security-setup"], "NEWSFLOW_SECURITY__PROCESSOR_PASSWORD_FILE")
    # Its volume of newsflow-secrets projects that one key: not the sink's, the API's or the admin's.
    held = {i["key"] for v in pod["volumes"] if v.get("secret", {}).get("secretName") == EXTERNAL_SECRET for i in v["secret"]["items"]}
    assert held == {"elasticsearch-processor-password"}
    # And no other long-running pod holds it.
    for component, (other, _) in pods.items():
        keys = {(v["secret"]["secretName"], i["key"]) for v in other.get("volumes", []) if "secret" in v for i in v["secret"]["items"]}
        assert (own in keys) == (component in {"processor", "security-setup"}), component


@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_the_producer_still_holds_no_elasticsearch_credential(directory, monkeypatch):
    """The producer never talks to Elasticsearch: no user, password or Secret for it (the shared
    ConfigMap names the cluster's URL, which is no credential)."""
    objects = render(directory)
    for workload, component, pod, container in _workloads(objects):
        if component != "producer":
            continue
        es = _settings_for(objects, container, monkeypatch).elasticsearch
        assert es.username is None and es.password is None and es.api_key is None
        assert not [v for v in container.get("env", []) if v["name"].startswith(("NEWSFLOW_ELASTICSEARCH__", "NEWSFLOW_SECURITY__"))]
        keys = {i["key"] for v in pod.get("volumes", []) if "secret" in v for i in v["secret"]["items"]}
        assert not {k for k in keys if k.startswith("elasticsearch-")}, workload["metadata"]["name"]
        assert "es-ca" not in {v["name"] for v in pod.get("volumes", [])}


# --- network policies ------------------------------------------------------------------------

def _selects(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    """Kubernetes label selector semantics (matchLabels and matchExpressions, ANDed); {} selects all."""
    if selector is None:
        return False
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and key in labels and labels[key] in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def _admits(peer: dict[str, Any], labels: dict[str, str], namespace: dict[str, str]) -> bool:
    """Whether a NetworkPolicyPeer lets in a pod with `labels` in a namespace with labels
    `namespace` (the policy's own namespace when the peer has no namespaceSelector)."""
    assert "ipBlock" not in peer, "address blocks are not used: peers are pods"
    if "namespaceSelector" in peer and not _selects(peer["namespaceSelector"], namespace):
        return False
    return _selects(peer.get("podSelector", {}), labels)


def _policies_for(objects, labels: dict[str, str]) -> list[dict[str, Any]]:
    return [
        p for p in _of_kind(objects, "NetworkPolicy")
        if "Ingress" in p["spec"].get("policyTypes", ["Ingress"]) and _selects(p["spec"]["podSelector"], labels)
    ]


def _namespace_labels(objects) -> dict[str, str]:
    namespaces = {o["metadata"].get("namespace") for o in objects} - {None}
    return {"kubernetes.io/metadata.name": namespaces.pop() if namespaces else "newsflow"}


def _allowed(objects, target: dict[str, str], source: dict[str, str], source_namespace: dict[str, str] | None = None,
             container: dict[str, Any] | None = None) -> set[int]:
    """The ports of a pod labelled `target` that a pod labelled `source` may connect to."""
    own = _namespace_labels(objects)
    ports: set[int] = set()
    for policy in _policies_for(objects, target):
        for rule in policy["spec"].get("ingress", []):
            assert rule.get("from"), f"{policy['metadata']['name']}: a rule without `from` admits the whole world"
            if any(_admits(peer, source, source_namespace or own) for peer in rule["from"]):
                for port in rule.get("ports", []):
                    ports.add(_named_port(container, port["port"]) if container else port["port"])
    return ports


ANY_POD = {"app": "something-else"}
OTHER_NAMESPACE = {"kubernetes.io/metadata.name": "elsewhere"}


@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_network_policies_isolate_every_workload_and_open_only_its_ports(directory):
    objects = render(directory)
    for policy in _of_kind(objects, "NetworkPolicy"):
        assert policy["spec"]["policyTypes"] == ["Ingress"], policy["metadata"]["name"]
    for workload, component, _, container in _workloads(objects):
        labels = workload["spec"]["template"]["metadata"]["labels"]
        name = workload["metadata"]["name"]
        assert _policies_for(objects, labels), f"{name}: no NetworkPolicy selects its pods, so any pod may connect"
        expected = {API_PORT} if component == "api" else {METRICS_PORT} if component in STAGES else set()
        for source, namespace in ((ANY_POD, None), (ANY_POD, OTHER_NAMESPACE), (labels, None)):
            assert _allowed(objects, labels, source, namespace, container) == expected, f"{name} from {source} in {namespace}"


def test_production_denies_ingress_to_every_pod_of_its_namespace():
    objects = render(K8S / "overlays" / "production")
    assert any(p["spec"]["podSelector"] == {} and not p["spec"].get("ingress") for p in _of_kind(objects, "NetworkPolicy"))


@pytest.mark.parametrize("directory", [d for d in BUILDABLE if d.name in {"eck", "production"}], ids=lambda d: d.name)
def test_only_elasticsearch_clients_kibana_and_the_operator_reach_elasticsearch(directory):
    objects = render(directory)
    name = _one(objects, "Elasticsearch")["metadata"]["name"]
    es_pod = {"elasticsearch.k8s.elastic.co/cluster-name": name, "common.k8s.elastic.co/type": "elasticsearch"}
    kibana_pod = {"kibana.k8s.elastic.co/name": _one(objects, "Kibana")["metadata"]["name"], "common.k8s.elastic.co/type": "kibana"}
    assert _policies_for(objects, es_pod) and _policies_for(objects, kibana_pod)
    for workload, component, _, _ in _workloads(objects):
        labels = workload["spec"]["template"]["metadata"]["labels"]
        expected = {9200} if "elasticsearch" in USES[component] else set()
        assert _allowed(objects, es_pod, labels) == expected, f"{workload['metadata']['name']} -> Elasticsearch"
    assert _allowed(objects, es_pod, kibana_pod) == {9200}
    assert _allowed(objects, es_pod, es_pod) == {9200, 9300}, "the nodes talk to each other"
    operator = {"kubernetes.io/metadata.name": "elastic-system"}
    assert _allowed(objects, es_pod, {"control-plane": "elastic-operator"}, operator) == {9200}
    assert _allowed(objects, es_pod, {"app.kubernetes.io/name": "elastic-operator"}, operator) == {9200}
    assert _allowed(objects, es_pod, {"control-plane": "elastic-operator"}, OTHER_NAMESPACE) == set()
    assert _allowed(objects, es_pod, ANY_POD) == set() and _allowed(objects, es_pod, ANY_POD, OTHER_NAMESPACE) == set()
    assert _allowed(objects, kibana_pod, ANY_POD, OTHER_NAMESPACE) == {5601}


@pytest.mark.parametrize("directory", [d for d in BUILDABLE if d.name in {"eck", "production"}], ids=lambda d: d.name)
def test_the_elasticsearch_policy_admits_the_processor_and_not_the_producer(directory):
    """Issue 18: the processor pods reach Elasticsearch's 9200 (their stories state); the
    producer's still do not."""
    objects = render(directory)
    name = _one(objects, "Elasticsearch")["metadata"]["name"]
    es_pod = {"elasticsearch.k8s.elastic.co/cluster-name": name, "common.k8s.elastic.co/type": "elasticsearch"}
    labels = {c: w["spec"]["template"]["metadata"]["labels"] for w, c, _, _ in _workloads(objects)}
    assert _allowed(objects, es_pod, labels["processor"]) == {9200}
    assert _allowed(objects, es_pod, labels["producer"]) == set()


@pytest.mark.parametrize("directory", [d for d in BUILDABLE if d.name in {"strimzi", "production"}], ids=lambda d: d.name)
def test_only_kafka_clients_reach_the_strimzi_listener(directory):
    """Strimzi turns a listener's networkPolicyPeers into its NetworkPolicy (without peers, the
    listener is open to every pod): the newsflow workloads that use Kafka, and KEDA's operator
    where KEDA reads the consumer lag."""
    objects = render(directory)
    listener = next(item for item in _one(objects, "Kafka")["spec"]["kafka"]["listeners"] if item["port"] == 9093)
    peers = listener.get("networkPolicyPeers")
    assert peers, "without networkPolicyPeers Strimzi opens the listener to every pod"
    own = _namespace_labels(objects)
    admitted = {c for w, c, _, _ in _workloads(objects) if any(_admits(p, w["spec"]["template"]["metadata"]["labels"], own) for p in peers)}
    assert admitted == {c for c in COMMANDS if "kafka" in USES[c]}
    assert not any(_admits(p, ANY_POD, own) or _admits(p, ANY_POD, OTHER_NAMESPACE) for p in peers)
    keda = any(_admits(p, {"app": "keda-operator"}, {"kubernetes.io/metadata.name": "keda"}) for p in peers)
    assert keda == bool(_of_kind(objects, "ScaledObject")), "KEDA's operator reaches the listener exactly when KEDA scales on lag"


# --- operators: Strimzi, ECK, KEDA -----------------------------------------------------------

@pytest.mark.parametrize("directory", [d for d in BUILDABLE if d.name in {"strimzi", "production"}], ids=lambda d: d.name)
def test_strimzi_kafka_is_kraft_and_newsflow_logs_in_as_its_user(directory, monkeypatch):
    objects = render(directory)
    kafka = _one(objects, "Kafka")
    cluster = kafka["metadata"]["name"]
    pools = _of_kind(objects, "KafkaNodePool")
    assert all(p["metadata"]["labels"]["strimzi.io/cluster"] == cluster for p in pools)
    roles = {r for p in pools for r in p["spec"]["roles"]}
    assert roles == {"controller", "broker"}, "KRaft: the node pools hold controllers and brokers, no ZooKeeper"
    assert "zookeeper" not in kafka["spec"]
    brokers = sum(p["spec"]["replicas"] for p in pools if "broker" in p["spec"]["roles"])
    user = _one(objects, "KafkaUser")
    assert user["metadata"]["labels"]["strimzi.io/cluster"] == cluster
    assert user["spec"]["authentication"]["type"] == "scram-sha-512"
    listeners = [
        item for item in kafka["spec"]["kafka"]["listeners"]
        if item["tls"] and item.get("authentication", {}).get("type") == "scram-sha-512"
    ]
    assert len(listeners) == 1
    for _, component, pod, container in _workloads(objects):
        if "kafka" not in USES[component]:
            assert not [v for v in container.get("env", []) if v["name"].startswith("NEWSFLOW_KAFKA__SASL")], component
            continue
        settings = _settings_for(objects, container, monkeypatch).kafka
        assert settings.bootstrap_servers == f"{cluster}-kafka-bootstrap:{listeners[0]['port']}"
        assert (settings.security_protocol, settings.sasl_mechanism) == ("SASL_SSL", "SCRAM-SHA-512")
        assert settings.sasl_username == user["spec"].get("userName", user["metadata"]["name"])
        # The password is a file of the User Operator's Secret, read through _FILE.
        assert _secret_file_of(objects, pod, container, "NEWSFLOW_KAFKA__SASL_PASSWORD_FILE") == (user["metadata"]["name"], "password")
        password_file = next(v["value"] for v in container["env"] if v["name"] == "NEWSFLOW_KAFKA__SASL_PASSWORD_FILE")
        assert settings.sasl_password.get_secret_value() == stand_in(password_file)
        assert settings.ssl_cafile is not None and settings.ssl_check_hostname
        assert 1 < settings.topics.replication_factor <= brokers
    # The user may do what newsflow does: create and use the news.* topics, its consumer groups.
    acls = {(a["resource"]["type"], a["resource"].get("name")): set(a["operations"]) for a in user["spec"]["authorization"]["acls"]}
    assert {"Create", "Read", "Write", "Describe"} <= acls[("topic", "news.")]
    assert {"Read", "Describe"} <= acls[("group", "newsflow-")]


@pytest.mark.parametrize("directory", [d for d in BUILDABLE if d.name in {"eck", "production"}], ids=lambda d: d.name)
def test_eck_elasticsearch_and_kibana_and_newsflow_trusts_its_ca(directory, monkeypatch):
    objects = render(directory)
    es = _one(objects, "Elasticsearch")
    kibana = _one(objects, "Kibana")
    name = es["metadata"]["name"]
    assert kibana["spec"]["elasticsearchRef"]["name"] == name
    assert kibana["spec"]["version"] == es["spec"]["version"]
    nodes = sum(n["count"] for n in es["spec"]["nodeSets"])
    for _, component, pod, container in _workloads(objects):
        if "elasticsearch" not in USES[component]:
            continue
        settings = _settings_for(objects, container, monkeypatch).elasticsearch
        assert settings.url == f"https://{name}-es-http:9200"
        assert settings.username == ES_USERS[component]
        password = _secret_file_of(objects, pod, container, "NEWSFLOW_ELASTICSEARCH__PASSWORD_FILE")
        if component in ADMIN_JOBS:
            # ECK's elastic user, for the two administrator Jobs only.
            assert password == (f"{name}-es-elastic-user", "elastic"), component
        else:
            assert password[0] == EXTERNAL_SECRET, component
        assert settings.ca_certs is not None and settings.verify_certs
        mount = next(m for m in container["volumeMounts"] if PurePosixPath(m["mountPath"]) == PurePosixPath(settings.ca_certs).parent)
        assert _volume(pod, mount["name"])["secret"]["secretName"] == f"{name}-es-http-certs-public"
        assert settings.replicas < nodes


@pytest.mark.parametrize("directory", BUILDABLE, ids=IDS)
def test_processor_has_exactly_one_autoscaler_that_fits_the_topic(directory, monkeypatch):
    objects = render(directory)
    hpas = [h for h in _of_kind(objects, "HorizontalPodAutoscaler") if h["spec"]["scaleTargetRef"]["name"] == "newsflow-processor"]
    scaled = [s for s in _of_kind(objects, "ScaledObject") if s["spec"]["scaleTargetRef"]["name"] == "newsflow-processor"]
    assert len(hpas) + len(scaled) == 1, "one autoscaler per Deployment: never an HPA and a ScaledObject together"
    processor = _one(objects, "Deployment", "newsflow-processor")
    assert "replicas" not in processor["spec"], "the autoscaler owns the replica count; `kubectl apply` must not reset it"
    container = processor["spec"]["template"]["spec"]["containers"][0]
    settings = _settings_for(objects, container, monkeypatch)
    partitions = settings.kafka.topics.partitions
    if hpas:
        hpa = hpas[0]
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["metrics"] == [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"] <= partitions
        return
    spec = scaled[0]["spec"]
    assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"] <= partitions
    kafka = next(t for t in spec["triggers"] if t["type"] == "kafka")
    meta = kafka["metadata"]
    assert meta["bootstrapServers"] == settings.kafka.bootstrap_servers
    assert meta["consumerGroup"] == settings.processor.group_id
    assert meta["topic"] == settings.kafka.topics.raw
    assert meta["offsetResetPolicy"] == "earliest"  # as newsflow.runtime.kafka.make_consumer
    protocol = settings.kafka.security_protocol
    if protocol == "PLAINTEXT":
        assert not {"sasl", "tls"} & meta.keys() and "authenticationRef" not in kafka
        return
    # KEDA logs in like newsflow: same mechanism, TLS with the same CA, credentials it can read.
    auth = _one(objects, "TriggerAuthentication", kafka["authenticationRef"]["name"])
    parameters = {r["parameter"] for r in auth["spec"].get("secretTargetRef", [])} | {e["parameter"] for e in auth["spec"].get("env", [])}
    for env in auth["spec"].get("env", []):
        assert env["name"] in _environment(objects, container) and env["containerName"] == container["name"]
    if protocol.startswith("SASL_"):
        keda_mechanism = {"PLAIN": "plaintext", "SCRAM-SHA-256": "scram_sha256", "SCRAM-SHA-512": "scram_sha512"}
        assert meta["sasl"] == keda_mechanism[settings.kafka.sasl_mechanism]
        assert {"username", "password"} <= parameters
    assert meta["tls"] == ("enable" if protocol.endswith("SSL") else "disable")
    if protocol.endswith("SSL"):
        assert "ca" in parameters
