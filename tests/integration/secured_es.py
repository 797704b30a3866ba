"""A second Elasticsearch node, with security on, for tests of credentials and least privilege.

The local stack's node runs with security off (deploy/local/elasticsearch.yml). This one runs the
same distribution (<stack home>/dist/elasticsearch-<version>, fetched by the stack's own code when
missing) through the stack's own ElasticsearchService: the same Java, the same unprivileged user
when we are root, the same detached start. What differs: free ports, a small heap, security on
over plain HTTP, and everything it writes (config, data, logs, tmp) in a temporary directory that
is removed when the session ends.

The superuser is `elastic`, with a password drawn at random per run and set as `bootstrap.password`
in the node's own keystore. (The file realm, bin/elasticsearch-users, cannot define `elastic`:
it is a reserved user.)
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pydantic import SecretStr

from newsflow.errors import StackError
from newsflow.settings import Settings, load_settings
from newsflow.stack.base import POLL_INTERVAL_S, port_open, process_alive, stop_process, tail
from newsflow.stack.cluster import override_yaml
from newsflow.stack.elasticsearch import ElasticsearchService

__all__ = ["SecuredElasticsearch", "SecuredNode", "secured_elasticsearch", "secured_node"]

ADMIN_USER = "elastic"
HEAP = "256m"  # two cores and the local stack beside it: keep it small
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0  # SIGTERM, then SIGKILL: nothing in it is worth a long flush
LOG_LINES = 40

# Over the stack's template: security on, plain HTTP (no TLS to set up), one node on loopback.
SECURED_YML: dict[str, object] = {
    "cluster.name": "newsflow-secured",
    "node.name": "newsflow-secured-1",
    "network.host": "127.0.0.1",
    "discovery.type": "single-node",
    "cluster.routing.allocation.disk.threshold_enabled": False,
    "xpack.security.enabled": True,
    "xpack.security.http.ssl.enabled": False,
    "xpack.security.transport.ssl.enabled": False,
}


@dataclass(frozen=True)
class SecuredElasticsearch:
    url: str  # http://127.0.0.1:<port>
    admin_user: str
    admin_password: str = field(repr=False)
    node: SecuredNode = field(repr=False, compare=False)


def free_ports(count: int) -> list[int]:
    """`count` distinct ports free on 127.0.0.1 right now (all held open while picking)."""
    held: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            held.append(sock)
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in held]
    finally:
        for sock in held:
            sock.close()


class SecuredNode(ElasticsearchService):
    """The stack's Elasticsearch service moved into `workdir`, on free ports, with security on."""

    name = "secured-elasticsearch"

    def __init__(self, settings: Settings, workdir: Path, password: str) -> None:
        stack = settings.stack.model_copy(update={"elasticsearch_heap": HEAP})
        # The probes of ElasticsearchService (_get) send these credentials.
        es = settings.elasticsearch.model_copy(
            update={"username": ADMIN_USER, "password": SecretStr(password), "api_key": None}
        )
        super().__init__(settings.model_copy(update={"stack": stack, "elasticsearch": es}))
        self.password = password
        self.port, self.transport_port = free_ports(2)
        self.root = workdir
        self.config_dir = workdir / "config"
        self.data_dir = workdir / "data"
        self.logs_dir = workdir / "logs"
        self.tmp_dir = workdir / "tmp"
        self.hint = f"the secured test node on ports {self.port} (HTTP) and {self.transport_port} (transport)"

    @property
    def configured(self) -> bool:
        return False  # its address is its own, never the configured Elasticsearch URL

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _write_config(self) -> None:
        # The distribution's whole config directory (roles.yml, users, jvm.options.d...), then the
        # stack's rendered elasticsearch.yml, localized jvm.options and log4j2.properties over it.
        shutil.copytree(self.dist / "config", self.config_dir, dirs_exist_ok=True)
        super()._write_config()
        yml = self.config_dir / "elasticsearch.yml"
        yml.write_text(override_yaml(yml.read_text(), SECURED_YML))
        self._set_bootstrap_password()

    def _tool_env(self) -> dict[str, str]:
        """The environment ElasticsearchService.spawn gives the server, for the CLI tools."""
        env = {key: os.environ[key] for key in ("PATH", "LANG", "LC_ALL", "TZ") if key in os.environ}
        return env | {
            "ES_JAVA_HOME": str(self.java_home),
            "ES_PATH_CONF": str(self.config_dir),
            "ES_TMPDIR": str(self.tmp_dir),
            "CLI_JAVA_OPTS": f"-Djava.io.tmpdir={self.tmp_dir}",
            "HOME": str(self.tmp_dir),
        }

    def _set_bootstrap_password(self) -> None:
        """A new keystore in our config dir holding the elastic user's password.

        Written as us; prepare() then hands the config dir to the server user when we are root.
        """
        keystore = str(self.dist / "bin" / "elasticsearch-keystore")
        for args, stdin in ((["create"], None), (["add", "-x", "bootstrap.password"], self.password)):
            try:
                done = subprocess.run(
                    [keystore, *args], input=stdin, env=self._tool_env(), cwd=self.root,
                    capture_output=True, text=True, timeout=120, check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise StackError(f"elasticsearch-keystore {args[0]} failed: {exc}") from None
            if done.returncode != 0:
                output = (done.stdout + done.stderr).strip()
                raise StackError(f"elasticsearch-keystore {args[0]} failed (exit {done.returncode}):\n{output}")

    def add_file_realm(self, roles_yml: str, users: Mapping[str, tuple[str, list[str]]]) -> None:
        """Roles in config/roles.yml and users in the file realm (bin/elasticsearch-users), both
        reloaded by the running node within seconds. (Native users and roles live in the .security
        index, whose mapping needs the analysis-common module this minimal distribution lacks.)"""
        (self.config_dir / "roles.yml").write_text(roles_yml, encoding="utf-8")
        tool = str(self.dist / "bin" / "elasticsearch-users")
        for user, (password, roles) in users.items():
            subprocess.run([tool, "userdel", user], env=self._tool_env(), cwd=self.root, capture_output=True,
                           timeout=120, check=False)  # absent the first time: fine
            done = subprocess.run([tool, "useradd", user, "-p", password, "-r", ",".join(roles)],
                                  env=self._tool_env(), cwd=self.root, capture_output=True, text=True, timeout=120,
                                  check=False)
            if done.returncode != 0:
                raise StackError(f"elasticsearch-users useradd {user} failed (exit {done.returncode}): "
                                 f"{(done.stdout + done.stderr).strip()}")
        if self.owner:
            self._chown_writable_dirs(self.owner)

    def wait_healthy(self, pid: int, timeout_s: float) -> None:
        """Poll the health (yellow, with the elastic user's credentials) until 200; fail with the log."""
        deadline = time.monotonic() + timeout_s
        answer = None
        while True:
            if not process_alive(pid, self.marker):
                raise StackError(
                    f"it exited during start; last lines of {self.log_file}:\n{tail(self.log_file, LOG_LINES)}"
                )
            if port_open(self.host, self.port):
                answer = self._get("/_cluster/health?wait_for_status=yellow&timeout=1s")
                if answer is not None and answer.status == 200:
                    return
            if time.monotonic() >= deadline:
                last = f"HTTP {answer.status}: {answer.body[:300]!r}" if answer is not None else "no answer"
                raise StackError(
                    f"not healthy within {timeout_s:.0f}s (last answer to /_cluster/health: {last}); "
                    f"last lines of {self.log_file}:\n{tail(self.log_file, LOG_LINES)}"
                )
            time.sleep(POLL_INTERVAL_S)


@contextmanager
def secured_node(settings: Settings, *, timeout_s: float = START_TIMEOUT_S) -> Iterator[SecuredElasticsearch]:
    """Start the secured node, yield where it is and its superuser, then stop it and remove its files."""
    # Not pytest's tmp_path: /tmp/pytest-of-root is 0700, which the server user could not enter.
    workdir = Path(tempfile.mkdtemp(prefix="newsflow-secured-es-"))
    workdir.chmod(0o755)
    node = SecuredNode(settings, workdir, secrets.token_urlsafe(24))
    pid: int | None = None
    try:
        try:
            node.preflight(say=print)  # Java, and the server user when we are root (created if missing)
            node.prepare(say=print)  # the distribution (downloaded only if missing), config, keystore, ownership
            pid = node.spawn()
            node.wait_healthy(pid, timeout_s)
        except StackError as exc:
            pytest.fail(f"the secured Elasticsearch ({node.dist}, {node.url}) did not start: {exc}", pytrace=False)
        yield SecuredElasticsearch(url=node.url, admin_user=ADMIN_USER, admin_password=node.password, node=node)
    finally:
        try:
            if pid is not None:
                stop_process(pid, STOP_TIMEOUT_S)  # the process group: SIGTERM, SIGKILL after the deadline
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def secured_elasticsearch() -> Iterator[SecuredElasticsearch]:
    """A second Elasticsearch with security on (see the module docstring); the local stack's need not run."""
    with secured_node(load_settings()) as node:
        yield node
