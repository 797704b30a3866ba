"""`newsflow stack up --cluster`: three Kafka brokers and two Elasticsearch nodes on 127.0.0.1.

Enough of a cluster to exercise what a single node never does: replicated topics with
`min.insync.replicas`, leader elections, index replicas, a client that retries another node.
It lives beside the single-node stack (its own ports and directories), so both may run at once.

Layout under the stack home:
    cluster/kafka.cluster-id            the KRaft cluster id every broker's storage is formatted with
    cluster/kafka-<n>/                  broker n (1..3): server.properties, data/, logs/, kafka.pid
    cluster/elasticsearch-<n>/          node n (1..2): config/, data/, logs/, tmp/, elasticsearch.pid

Each broker is also a KRaft controller (three voters: the quorum survives one lost node).
Elasticsearch node 1 is the only master-eligible node and holds data, node 2 holds data only:
killing node 2 leaves a working cluster (its shards' replicas on node 1 become primaries),
killing node 1 stops the cluster until it is back (two master-eligible nodes could not lose
either one anyway: a quorum of two is both).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from newsflow.errors import StackError
from newsflow.settings import Settings
from newsflow.stack.base import POLL_INTERVAL_S, run_tool
from newsflow.stack.elasticsearch import CONFIG_TEMPLATE, ElasticsearchService, render_elasticsearch_yml
from newsflow.stack.kafka import SERVER_TEMPLATE, KafkaService, describe_cluster, new_cluster_id, render_server_properties

__all__ = [
    "BROKERS",
    "ES_NODES",
    "ElasticsearchNode",
    "KafkaBroker",
    "bootstrap_servers",
    "cluster_settings",
    "elasticsearch_urls",
    "override_properties",
    "override_yaml",
    "services",
    "wait_formed",
]

log = logging.getLogger(__name__)

BROKERS = 3
ES_NODES = 2
CLUSTER_NAME = "newsflow-cluster"


# -- what clients use --------------------------------------------------------------------------


def bootstrap_servers(settings: Settings) -> str:
    base = settings.stack.cluster_kafka_port
    return ",".join(f"127.0.0.1:{base + n}" for n in range(BROKERS))


def elasticsearch_urls(settings: Settings) -> str:
    base = settings.stack.cluster_elasticsearch_port
    return ",".join(f"http://127.0.0.1:{base + n}" for n in range(ES_NODES))


def cluster_settings(settings: Settings) -> Settings:
    """`settings` pointed at the local cluster: every broker, every node."""
    return settings.model_copy(update={
        "kafka": settings.kafka.model_copy(update={"bootstrap_servers": bootstrap_servers(settings)}),
        "elasticsearch": settings.elasticsearch.model_copy(update={"url": elasticsearch_urls(settings)}),
    })


# -- configuration edits -----------------------------------------------------------------------


def override_properties(text: str, overrides: Mapping[str, str]) -> str:
    """A Java properties file with `overrides` set: each key's line replaced where it is, new keys appended."""
    pending = dict(overrides)
    lines = []
    for line in text.splitlines():
        key = line.split("=", 1)[0].strip() if "=" in line and not line.lstrip().startswith("#") else None
        if key in pending:
            lines.append(f"{key}={pending.pop(key)}")
        else:
            lines.append(line)
    if pending:
        lines += ["", "# newsflow: the local cluster", *(f"{k}={v}" for k, v in pending.items())]
    return "\n".join(lines) + "\n"


def override_yaml(text: str, overrides: Mapping[str, object | None]) -> str:
    """A flat elasticsearch.yml with `overrides` set (JSON values are valid YAML); None removes a key."""
    pending = dict(overrides)
    lines = []
    for line in text.splitlines():
        match = re.match(r"^([\w.]+):", line)
        if match and match[1] in pending:
            value = pending.pop(match[1])
            if value is not None:
                lines.append(f"{match[1]}: {json.dumps(value)}")
            continue
        lines.append(line)
    added = {k: v for k, v in pending.items() if v is not None}
    if added:
        lines += ["", "# newsflow: the local cluster", *(f"{k}: {json.dumps(v)}" for k, v in added.items())]
    return "\n".join(lines) + "\n"


# -- the nodes ---------------------------------------------------------------------------------


class KafkaBroker(KafkaService):
    """Broker n of the local cluster, also one of its three KRaft controllers."""

    def __init__(self, settings: Settings, n: int) -> None:
        stack = settings.stack
        super().__init__(settings.model_copy(update={"stack": stack.model_copy(update={"kafka_heap": stack.cluster_kafka_heap})}))
        self.n = n
        self.name = f"kafka-{n}"
        self.port = stack.cluster_kafka_port + n - 1
        self.controller_port = stack.cluster_kafka_controller_port + n - 1
        self.cluster_dir = self.home / "cluster"
        self.root = self.cluster_dir / self.name
        self.config_file = self.root / "server.properties"
        self.data_dir = self.root / "data"
        self.logs_dir = self.root / "logs"
        self.hint = (
            f"are ports {self.port} and {self.controller_port} free? Storage of another cluster "
            f"needs `newsflow stack down --cluster` and `rm -r {self.cluster_dir}`"
        )

    @property
    def configured(self) -> bool:
        return False  # the cluster's addresses are its own, never taken from the settings

    def properties(self, template: str) -> str:
        voters = ",".join(
            f"{n}@127.0.0.1:{self.settings.stack.cluster_kafka_controller_port + n - 1}" for n in range(1, BROKERS + 1)
        )
        base = render_server_properties(template, port=self.port, controller_port=self.controller_port, data_dir=self.data_dir)
        return override_properties(base, {
            "node.id": str(self.n),
            "controller.quorum.voters": voters,
            # Three copies of everything, two in sync for an acks=all write: one broker may be lost.
            "offsets.topic.replication.factor": "3",
            "offsets.topic.num.partitions": "10",  # not 50: three small brokers on two cores
            "transaction.state.log.replication.factor": "3",
            "transaction.state.log.min.isr": "2",
            "share.coordinator.state.topic.replication.factor": "3",
            "share.coordinator.state.topic.min.isr": "2",
            "default.replication.factor": "3",
            "min.insync.replicas": "2",
            # A replica that was not in sync never becomes leader: that would drop acknowledged records.
            "unclean.leader.election.enable": "false",
        })

    def prepare(self, say: Callable[[str], None]) -> None:
        self._ensure_jars(say)
        for directory in (self.cluster_dir, self.root, self.data_dir, self.logs_dir):
            directory.mkdir(parents=True, exist_ok=True)
        self.config_file.write_text(self.properties(SERVER_TEMPLATE.read_text()))
        self._format_storage(say)

    def _format_storage(self, say: Callable[[str], None]) -> None:
        """Every broker's storage carries the same cluster id, chosen by the first one formatted."""
        if (self.data_dir / "meta.properties").exists():
            return
        id_file = self.cluster_dir / "kafka.cluster-id"
        if not id_file.exists():
            id_file.write_text(new_cluster_id() + "\n")
        cluster_id = id_file.read_text().strip()
        say(f"{self.name}: formatting storage in {self.data_dir} (cluster id {cluster_id})")
        run_tool(
            [str(self.java), *self._logging_options(), "-cp", str(self.dist / "libs" / "*"),
             "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(self.config_file)],
            f"formatting the storage of {self.name}",
        )


class ElasticsearchNode(ElasticsearchService):
    """Node n of the local Elasticsearch cluster: node 1 master-eligible and data, node 2 data only."""

    def __init__(self, settings: Settings, n: int) -> None:
        stack = settings.stack
        heap = {"elasticsearch_heap": stack.cluster_elasticsearch_heap}
        super().__init__(settings.model_copy(update={"stack": stack.model_copy(update=heap)}))
        self.n = n
        self.name = f"elasticsearch-{n}"
        self.port = stack.cluster_elasticsearch_port + n - 1
        self.transport_port = stack.cluster_elasticsearch_transport_port + n - 1
        self.cluster_dir = self.server_home / "cluster"  # where the server user can reach it (see server_home)
        self.root = self.cluster_dir / self.name
        self.config_dir = self.root / "config"
        self.data_dir = self.root / "data"
        self.logs_dir = self.root / "logs"
        self.tmp_dir = self.root / "tmp"
        self.hint = (
            f"are ports {self.port} and {self.transport_port} free? Data of another cluster needs "
            f"`newsflow stack down --cluster` and `rm -r {self.cluster_dir}`"
        )

    @property
    def configured(self) -> bool:
        return False

    def config_yml(self, template: str) -> str:
        base = render_elasticsearch_yml(
            template, http_port=self.port, transport_port=self.transport_port, data_dir=self.data_dir, logs_dir=self.logs_dir
        )
        transport = self.settings.stack.cluster_elasticsearch_transport_port
        return override_yaml(base, {
            "cluster.name": CLUSTER_NAME,
            "node.name": f"{CLUSTER_NAME}-{self.n}",
            "discovery.type": None,
            "node.roles": ["master", "data"] if self.n == 1 else ["data"],
            "discovery.seed_hosts": [f"127.0.0.1:{transport + i}" for i in range(ES_NODES)],
            # Read at the first start only, to elect the first master; ignored once the cluster exists.
            "cluster.initial_master_nodes": [f"{CLUSTER_NAME}-1"],
        })

    def prepare(self, say: Callable[[str], None]) -> None:
        self.cluster_dir.mkdir(parents=True, exist_ok=True)
        if self.owner:
            self.cluster_dir.chmod(0o755)
        super().prepare(say)

    def _write_config(self) -> None:
        super()._write_config()
        (self.config_dir / "elasticsearch.yml").write_text(self.config_yml(CONFIG_TEMPLATE.read_text()))


def services(settings: Settings) -> list[KafkaBroker | ElasticsearchNode]:
    return [*(KafkaBroker(settings, n) for n in range(1, BROKERS + 1)),
            *(ElasticsearchNode(settings, n) for n in range(1, ES_NODES + 1))]


def wait_formed(settings: Settings, timeout_s: float, *, say: Callable[[str], None] = print) -> None:
    """Wait until every broker is registered with the controllers and every node has joined."""
    kafka = cluster_settings(settings).kafka
    es_nodes = services(settings)[-1]  # any node answers for the cluster
    deadline = time.monotonic() + timeout_s
    brokers = nodes = 0
    while time.monotonic() < deadline:
        cluster = describe_cluster(kafka.bootstrap_servers, kafka, timeout_ms=2000)
        brokers = len(cluster.get("brokers", [])) if cluster else 0
        answer = es_nodes._get(f"/_cluster/health?wait_for_nodes={ES_NODES}&timeout=1s")
        nodes = json.loads(answer.body).get("number_of_nodes", 0) if answer is not None and answer.status == 200 else 0
        if brokers == BROKERS and nodes == ES_NODES:
            say(f"cluster: {brokers} Kafka brokers and {nodes} Elasticsearch nodes")
            return
        time.sleep(POLL_INTERVAL_S)
    raise StackError(f"the local cluster did not form within {timeout_s:.0f}s: {brokers} of {BROKERS} Kafka brokers "
                     f"registered, {nodes} of {ES_NODES} Elasticsearch nodes joined; logs in {Path(es_nodes.cluster_dir)}")
