"""The chaos tier's local cluster (`newsflow stack up --cluster`): three Kafka brokers and two
Elasticsearch nodes, and what a scenario does to them: SIGKILL a node, freeze and thaw it
(SIGSTOP/SIGCONT: a node that stalls, as in a long GC pause or a network partition), stop it
cleanly, restart it, and ask the cluster who leads what.

The cluster is started once for the cluster scenarios (tests/chaos/test_cluster.py) and stopped
after them, unless it was already running (a developer's `newsflow stack up --cluster`).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from kafka.errors import KafkaError

from newsflow import stack
from newsflow.errors import ServiceUnavailable
from newsflow.index.indices import make_client
from newsflow.runtime.kafka import make_admin
from newsflow.settings import Settings
from newsflow.stack import cluster as local_cluster
from newsflow.stack.base import group_alive
from tests.support import wait_for

__all__ = ["Cluster"]


def _quiet(line: str) -> None:
    pass


class Cluster:
    """The running local cluster; `settings` point every client at all of its nodes."""

    def __init__(self, base: Settings) -> None:
        self.base = base  # the stack settings: where the nodes live
        self.settings = local_cluster.cluster_settings(base)
        self.nodes = {service.name: service for service in local_cluster.services(base)}

    # -- processes ----------------------------------------------------------------------------

    def pid(self, name: str) -> int:
        pid = self.nodes[name].owned_pid()
        assert pid is not None, f"{name} is not running"
        return pid

    def _signal_group(self, name: str, sig: signal.Signals) -> int:
        pid = self.pid(name)
        group = os.getpgid(pid)  # Elasticsearch is a launcher JVM and its server JVM: the whole group
        os.killpg(group, sig)
        return group

    def kill(self, name: str) -> int:
        """SIGKILL: no controlled shutdown, no flush, no leadership handed over."""
        pid = self.pid(name)
        group = self._signal_group(name, signal.SIGKILL)
        wait_for(lambda: not group_alive(group), timeout=30, what=f"{name} to die", interval=0.1)
        return pid

    def freeze(self, name: str) -> None:
        self._signal_group(name, signal.SIGSTOP)

    def thaw(self, name: str) -> None:
        self._signal_group(name, signal.SIGCONT)

    def stop(self, name: str) -> None:
        """SIGTERM and wait: a broker's controlled shutdown moves its leaderships first."""
        stack.down(self.base, only=[name], cluster=True, say=_quiet)

    def restart(self) -> None:
        """Start every node that is not running and wait until all are healthy and joined."""
        stack.up(self.base, cluster=True, say=_quiet)

    # -- Kafka --------------------------------------------------------------------------------

    def broker_name(self, broker_id: int) -> str:
        return f"kafka-{broker_id}"

    def partitions(self, topics: list[str]) -> dict[tuple[str, int], dict]:
        """(topic, partition) -> its metadata (leader_id, isr_nodes, ...); empty when no broker answers."""
        try:
            admin = make_admin(self.settings.kafka)
        except ServiceUnavailable:
            return {}
        try:
            described = admin.describe_topics(topics)
        except KafkaError:
            return {}
        finally:
            admin.close()
        return {(t["name"], p["partition_index"]): p for t in described for p in t["partitions"]}

    def wait_metadata(self, topics: list[str], timeout: float = 60) -> None:
        """Every broker's metadata shows every partition of `topics` with a leader.

        Brokers learn of a new topic each at its own pace; a group consumer that sees the partitions
        change under it rejoins its group, and kafka-python 3.0.12 can then stop heartbeating for
        good (see the report of issue 19). The scenarios start their pipeline once all agree.
        """
        from kafka import KafkaAdminClient

        def agreed() -> bool:
            for port in (int(server.rsplit(":", 1)[1]) for server in self.settings.kafka.bootstrap_servers.split(",")):
                admin = KafkaAdminClient(bootstrap_servers=f"127.0.0.1:{port}", request_timeout_ms=5000)
                try:
                    described = admin.describe_topics(topics)
                except KafkaError:
                    return False
                finally:
                    admin.close()
                if len(described) != len(topics) or any(
                    t.get("error_code") or not t["partitions"] or any(p["leader_id"] < 0 for p in t["partitions"])
                    for t in described
                ):
                    return False
            return True

        wait_for(agreed, timeout=timeout, what=f"every broker to know {topics}", interval=0.5)

    def leader(self, topic: str, partition: int = 0) -> int:
        """The broker id that leads the partition (waiting while it has none)."""
        def found() -> int | None:
            meta = self.partitions([topic]).get((topic, partition))
            return meta["leader_id"] if meta and meta["leader_id"] >= 0 else None

        return wait_for(found, timeout=60, what=f"a leader of {topic}-{partition}")

    def wait_new_leader(self, topic: str, gone: int, partition: int = 0, timeout: float = 60) -> int:
        """Wait until a broker other than `gone` leads the partition (the controller noticed)."""
        def elected() -> int | None:
            meta = self.partitions([topic]).get((topic, partition))
            return meta["leader_id"] if meta and meta["leader_id"] not in (-1, gone) else None

        return wait_for(elected, timeout=timeout, what=f"a new leader of {topic}-{partition} (not broker {gone})", interval=0.5)

    def wait_in_sync(self, topics: list[str], timeout: float = 120) -> None:
        """Every partition of `topics` has all its replicas back in sync."""
        def in_sync() -> bool:
            parts = self.partitions(topics)
            return bool(parts) and all(len(p["isr_nodes"]) == len(p["replica_nodes"]) and p["leader_id"] >= 0
                                       for p in parts.values())

        wait_for(in_sync, timeout=timeout, what=f"every replica of {topics} in sync", interval=0.5)

    def lead_everything(self, broker_id: int, topics: list[str]) -> None:
        """Make `broker_id` the preferred replica, then the leader, of every partition of `topics`."""
        from kafka import TopicPartition

        admin = make_admin(self.settings.kafka)
        try:
            moves = {}
            for (topic, partition), meta in self.partitions(topics).items():
                replicas = list(meta["replica_nodes"])
                moves[TopicPartition(topic, partition)] = [broker_id, *(b for b in replicas if b != broker_id)]
            admin.alter_partition_reassignments(moves)
            wait_for(lambda: not admin.list_partition_reassignments(), timeout=60, what="the reassignments to finish")
            admin.elect_leaders(0, {t: sorted(p for (tt, p) in self.partitions(topics) if tt == t) for t in topics},
                                raise_errors=False)
        finally:
            admin.close()
        wait_for(lambda: all(p["leader_id"] == broker_id for p in self.partitions(topics).values()), timeout=60,
                 what=f"broker {broker_id} to lead every partition of {topics}")

    def segment_bytes(self, broker_id: int, topic: str, partition: int = 0) -> bytes:
        """What the broker's log of the partition holds on disk (records are uncompressed JSON)."""
        directory = Path(self.nodes[self.broker_name(broker_id)].data_dir) / f"{topic}-{partition}"
        return b"".join(path.read_bytes() for path in sorted(directory.glob("*.log")))

    # -- Elasticsearch --------------------------------------------------------------------------

    def es_health(self) -> dict:
        client = make_client(self.settings.elasticsearch.model_copy(update={"request_timeout_s": 5.0}))
        try:
            return dict(client.cluster.health())
        except Exception as exc:  # noqa: BLE001 - any failure means "not healthy now"
            return {"status": f"unreachable ({type(exc).__name__})"}
        finally:
            client.close()

    def wait_es(self, status: str = "green", nodes: int = local_cluster.ES_NODES, timeout: float = 120) -> None:
        def ok() -> bool:
            health = self.es_health()
            return health.get("status") == status and health.get("number_of_nodes") == nodes

        wait_for(ok, timeout=timeout, what=f"Elasticsearch {status} with {nodes} nodes", interval=0.5)


def elapsed(since: float) -> str:
    return f"{time.monotonic() - since:.0f}s"
