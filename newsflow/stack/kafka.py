"""The local Kafka: one KRaft node (broker + controller) from the Maven Central jars.

Layout under the stack home:
    dist/kafka-<version>/libs/   the broker's jars (from deploy/local/kafka-pom.xml)
    kafka/server.properties      rendered from deploy/local/kafka-server.properties
    kafka/data/                  log.dirs (topics and the KRaft metadata log)
    kafka/logs/server.log        the broker's log; kafka.out holds stdout/stderr (errors only)
    kafka/kafka.pid              written by `up`: this broker is ours
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from string import Template
from typing import Any

from newsflow.errors import StackError
from newsflow.settings import REPO_ROOT, KafkaSettings, Settings
from newsflow.stack import maven
from newsflow.stack.base import (
    LocalService,
    ensure_port_free,
    parse_host_port,
    port_open,
    run_tool,
    spawn_detached,
)
from newsflow.stack.java import find_java_home

log = logging.getLogger(__name__)

DEPLOY_DIR = REPO_ROOT / "deploy" / "local"
POM = DEPLOY_DIR / "kafka-pom.xml"
SERVER_TEMPLATE = DEPLOY_DIR / "kafka-server.properties"
LOG4J2_CONFIG = DEPLOY_DIR / "kafka-log4j2.properties"
DEFAULT_PORT = 9092
MIN_JAVA = 17  # Kafka 4 brokers need Java 17+


def render_server_properties(template: str, *, port: int, controller_port: int, data_dir: Path) -> str:
    return Template(template).substitute(port=port, controller_port=controller_port, data_dir=data_dir)


def new_cluster_id() -> str:
    """A random 16-byte UUID in URL-safe base64 without padding, like `kafka-storage random-uuid`.

    Like Kafka's Uuid.randomUuid we never return an id starting with "-": it would read as
    an option on a command line.
    """
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not cluster_id.startswith("-"):
            return cluster_id


@contextlib.contextmanager
def _quiet_kafka_client() -> Iterator[None]:
    """kafka-python logs every failed bootstrap at ERROR; while we poll a starting broker that is expected."""
    client_log = logging.getLogger("kafka")
    level = client_log.level
    client_log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        client_log.setLevel(level)


def describe_cluster(bootstrap_servers: str, kafka: KafkaSettings, timeout_ms: int = 5000) -> dict[str, Any] | None:
    """The cluster metadata if a Kafka answers a metadata request at `bootstrap_servers`, else None."""
    from kafka import KafkaAdminClient

    from newsflow.runtime.kafka import client_config

    # A plain TCP probe first: kafka-python leaves the socket of a refused connection unclosed
    # (kafka/net/inet.py), and a starting broker refuses many before it listens.
    if not any(port_open(*parse_host_port(server, 9092)) for server in bootstrap_servers.split(",") if server.strip()):
        return None
    with _quiet_kafka_client():
        try:
            # The configured security settings apply (an external cluster may need them).
            admin = KafkaAdminClient(
                **client_config(kafka)
                | {
                    "bootstrap_servers": bootstrap_servers,
                    "client_id": f"{kafka.client_id}-stack",
                    "request_timeout_ms": timeout_ms,
                    "bootstrap_timeout_ms": timeout_ms,
                }
            )
        except Exception as exc:  # kafka-python raises many types here; all mean "no Kafka"
            log.debug("no Kafka at %s: %r", bootstrap_servers, exc)
            return None
        try:
            return admin.describe_cluster()
        except Exception as exc:
            log.debug("Kafka at %s did not describe the cluster: %r", bootstrap_servers, exc)
            return None
        finally:
            admin.close()


class KafkaService(LocalService):
    name = "kafka"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        stack = settings.stack
        first = settings.kafka.bootstrap_servers.split(",")[0]
        _host, self.port = parse_host_port(first, DEFAULT_PORT)
        self.host = "127.0.0.1"  # the local broker binds to loopback only, whatever the name says
        self.controller_port = stack.kafka_controller_port
        self.dist = self.home / "dist" / f"kafka-{stack.kafka_version}"
        self.root = self.home / "kafka"
        self.config_file = self.root / "server.properties"
        self.data_dir = self.root / "data"
        self.logs_dir = self.root / "logs"
        self.java: Path | None = None  # found by preflight()
        self.hint = (
            f"are ports {self.port} and {self.controller_port} free? Data written by another Kafka "
            f"version or cluster id needs `rm -r {self.data_dir}`"
        )

    @property
    def address(self) -> str:
        if self.configured:
            return self.settings.kafka.bootstrap_servers
        return f"{self.host}:{self.port}"

    @property
    def configured(self) -> bool:
        return "bootstrap_servers" in self.settings.kafka.model_fields_set

    @property
    def pid_file(self) -> Path:
        return self.root / "kafka.pid"

    @property
    def log_file(self) -> Path:
        # Errors only (see kafka-log4j2.properties), so its tail is the reason it died.
        return self.logs_dir / "kafka.out"

    @property
    def marker(self) -> str:
        return str(self.config_file)

    def probe(self) -> str | None:
        if self.configured:
            servers = [parse_host_port(s, DEFAULT_PORT) for s in self.address.split(",")]
            if not any(port_open(host, port) for host, port in servers):
                return None  # fast: kafka-python would wait its full bootstrap timeout
            cluster = describe_cluster(self.address, self.settings.kafka)
            return None if cluster is None else f"Kafka cluster {cluster.get('cluster_id')}"
        if not port_open(self.host, self.port):
            return None
        cluster = describe_cluster(self.address, self.settings.kafka, timeout_ms=2000)  # a local broker answers in ms
        if cluster is None:
            raise StackError(f"port {self.port} on {self.host} is taken by something that is not Kafka; free it")
        return f"Kafka cluster {cluster.get('cluster_id')}"

    def ready(self) -> bool:
        # A cheap TCP probe first: kafka-python would spend its whole timeout on a closed port.
        return port_open(self.host, self.port) and describe_cluster(self.address, self.settings.kafka, 2000) is not None

    def preflight(self, say: Callable[[str], None]) -> None:
        ensure_port_free(self.controller_port, "Kafka controller", "NEWSFLOW_STACK__KAFKA_CONTROLLER_PORT")
        self.java = find_java_home(MIN_JAVA, purpose="Kafka") / "bin" / "java"

    def prepare(self, say: Callable[[str], None]) -> None:
        self._ensure_jars(say)
        for directory in (self.root, self.data_dir, self.logs_dir):
            directory.mkdir(parents=True, exist_ok=True)
        template = SERVER_TEMPLATE.read_text()
        self.config_file.write_text(
            render_server_properties(
                template, port=self.port, controller_port=self.controller_port, data_dir=self.data_dir
            )
        )
        self._format_storage(say)

    def spawn(self) -> int:
        heap = self.settings.stack.kafka_heap
        cmd = [
            str(self.java),
            f"-Xms{heap}",
            f"-Xmx{heap}",
            # The GC settings of Kafka's own start script (kafka-run-class.sh).
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35",
            "-Djava.awt.headless=true",
            *self._logging_options(),
            "-cp",
            str(self.dist / "libs" / "*"),  # expanded by java, not by a shell
            "kafka.Kafka",
            str(self.config_file),
        ]
        # JVM options from the environment would silently change the broker: keep them out.
        env = {k: v for k, v in os.environ.items() if k not in ("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS")}
        return spawn_detached(cmd, log_file=self.log_file, cwd=self.root, env=env)

    # -- helpers -------------------------------------------------------------------------------

    def _logging_options(self) -> list[str]:
        return [f"-Dlog4j2.configurationFile={LOG4J2_CONFIG}", f"-Dkafka.logs.dir={self.logs_dir}"]

    def _ensure_jars(self, say: Callable[[str], None]) -> None:
        def download(dest: Path) -> None:
            say(f"kafka: fetching Kafka {version} jars with Maven (cached in ~/.m2 for next time)")
            maven.copy_dependencies(POM, dest / "libs", {"kafka.version": version})

        version = self.settings.stack.kafka_version
        maven.ensure_complete(self.dist, download)

    def _format_storage(self, say: Callable[[str], None]) -> None:
        """Format the KRaft storage once; meta.properties records that it was done."""
        if (self.data_dir / "meta.properties").exists():
            return
        cluster_id = new_cluster_id()
        say(f"kafka: formatting storage in {self.data_dir} (cluster id {cluster_id})")
        run_tool(
            [
                str(self.java),
                *self._logging_options(),
                "-cp",
                str(self.dist / "libs" / "*"),
                "kafka.tools.StorageTool",
                "format",
                "-t",
                cluster_id,
                "-c",
                str(self.config_file),
            ],
            "formatting the Kafka storage",
        )

