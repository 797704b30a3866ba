"""Kafka client factories and topic set-up. Every client gets its security settings from here."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.errors import (
    CoordinatorLoadInProgressError,
    CoordinatorNotAvailableError,
    KafkaConnectionError,
    KafkaError,
    NotCoordinatorError,
    RetriableError,
    TopicAlreadyExistsError,
)
from kafka.producer.transaction_manager import TransactionManager, TransactionState

from newsflow.errors import ConfigError, ServiceUnavailable
from newsflow.settings import KafkaSettings

__all__ = [
    "COORDINATOR_NOT_READY",
    "UNSAFE_PRODUCER_ACKS_ENV",
    "Replication",
    "client_config",
    "close_producer",
    "ensure_topics",
    "ensure_topics_report",
    "make_admin",
    "make_consumer",
    "make_producer",
    "replication",
    "topic_specs",
]

log = logging.getLogger(__name__)

# Test-only (tests/chaos/test_cluster.py): producers wait for the leader alone (acks=1, no
# idempotence), which loses acknowledged records when a leader dies before its followers copied them.
UNSAFE_PRODUCER_ACKS_ENV = "NEWSFLOW_TEST_ONLY_UNSAFE_PRODUCER_ACKS_1"

# A fresh broker makes its offsets topic and group coordinator on first use: until then it cannot
# say who is in a group or what the group committed. Callers that ask wait these out.
COORDINATOR_NOT_READY = (CoordinatorNotAvailableError, NotCoordinatorError, CoordinatorLoadInProgressError)


def client_config(settings: KafkaSettings) -> dict[str, Any]:
    """Connection and security options every kafka-python client of ours shares."""
    config: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_servers.split(","),
        "client_id": settings.client_id,
        "security_protocol": settings.security_protocol,
        "request_timeout_ms": settings.request_timeout_ms,
        "bootstrap_timeout_ms": settings.bootstrap_timeout_ms,
    }
    if settings.sasl_mechanism:
        config["sasl_mechanism"] = settings.sasl_mechanism
        config["sasl_plain_username"] = settings.sasl_username
        if settings.sasl_password is not None:
            config["sasl_plain_password"] = settings.sasl_password.get_secret_value()
    if settings.security_protocol in ("SSL", "SASL_SSL"):
        config["ssl_check_hostname"] = settings.ssl_check_hostname
        for option in ("ssl_cafile", "ssl_certfile", "ssl_keyfile"):
            value = getattr(settings, option)
            if value is not None:
                config[option] = str(value)
        if settings.ssl_password is not None:
            config["ssl_password"] = settings.ssl_password.get_secret_value()
    return config


def _unavailable(settings: KafkaSettings, exc: Exception) -> ServiceUnavailable:
    return ServiceUnavailable(
        f"Kafka is not reachable at {settings.bootstrap_servers} ({type(exc).__name__})",
        service="kafka",
    )


def make_producer(settings: KafkaSettings, **overrides: Any) -> KafkaProducer:
    """An idempotent producer that waits for all in-sync replicas: nothing acknowledged is lost."""
    config = client_config(settings) | {"acks": "all", "enable_idempotence": True, "linger_ms": 20}
    if os.environ.get(UNSAFE_PRODUCER_ACKS_ENV) == "1":
        log.warning("UNSAFE producer waits for the partition leader only (%s is set: a test that breaks the guarantee "
                    "on purpose); acknowledged records can be lost", UNSAFE_PRODUCER_ACKS_ENV)
        config |= {"acks": 1, "enable_idempotence": False}
    config |= overrides
    try:
        producer = KafkaProducer(**config)
    except KafkaError as exc:
        raise _unavailable(settings, exc) from None
    _keep_idempotent_producer_alive(producer)
    return producer


def _keep_idempotent_producer_alive(producer: KafkaProducer) -> None:
    """Two work-arounds for kafka-python 3.0.12's idempotent producer (tests/integration/test_kafka_client.py,
    tests/unit/test_kafka_workarounds.py), for a producer that outlives a long stall of the cluster."""
    manager = getattr(producer, "_transaction_manager", None)  # the pinned version's, on purpose
    if manager is None or manager.is_transactional():
        return  # acks=1 has no producer id; a transactional one is replaced by its stage when it fails
    reinit_after_reset(manager)
    retry_timed_out_requests(manager)


def reinit_after_reset(manager: TransactionManager) -> None:
    """When a batch that was already sent expires (Kafka did not acknowledge it within
    delivery_timeout_ms, e.g. while the partition's followers were out of sync for two minutes), the
    client drops its producer id, as it must: nobody knows whether the broker appended the batch.
    But it leaves its state at READY, and it asks for a new id only from UNINITIALIZED; its sender
    then holds every later record for want of an id, for ever, without a log line. The Java client
    goes back to UNINITIALIZED here; so do we, and the sender asks for a fresh id at once."""
    reset = manager.reset_producer_id

    def reset_and_reinit() -> None:
        reset()
        with manager._lock:  # noqa: SLF001
            # Not through _transition_to: its table forbids going back to UNINITIALIZED at all.
            manager._current_state = TransactionState.UNINITIALIZED  # noqa: SLF001

    manager.reset_producer_id = reset_and_reinit


def retry_timed_out_requests(manager: TransactionManager) -> None:
    """The request for a new producer id goes to the least loaded broker, which may be one that
    stalls. The client retries it after a disconnect, but any other failure of the request, a
    timeout (`RequestTimedOutError`) or a node not ready among them, puts the producer in a fatal
    state that no later send leaves. A retriable failure is a disconnect to us: the request is retried."""
    enqueue = manager._enqueue_request  # noqa: SLF001

    def enqueue_retrying(handler) -> None:
        if not getattr(handler, "_newsflow_retries", False):
            on_complete = handler.on_complete

            def completed(correlation_id, response_or_exc):
                if isinstance(response_or_exc, RetriableError) and not isinstance(response_or_exc, KafkaConnectionError):
                    response_or_exc = KafkaConnectionError(f"{type(response_or_exc).__name__}: {response_or_exc}")
                on_complete(correlation_id, response_or_exc)

            handler.on_complete = completed
            handler._newsflow_retries = True  # noqa: SLF001 - re-enqueued handlers keep one wrapper
        enqueue(handler)

    manager._enqueue_request = enqueue_retrying  # noqa: SLF001


def make_consumer(
    settings: KafkaSettings, *, group_id: str, topics: list[str], listener: Any = None, **overrides: Any
) -> KafkaConsumer:
    """A group consumer that never commits on its own: stages commit after the next hop acknowledged.

    `listener` (a kafka ConsumerRebalanceListener) hears of partitions assigned and revoked.
    """
    config = client_config(settings) | {
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "isolation_level": "read_committed",
        "session_timeout_ms": settings.session_timeout_ms,
    }
    try:
        consumer = KafkaConsumer(**(config | overrides))
    except KafkaError as exc:
        raise _unavailable(settings, exc) from None
    _hold_rejoins(consumer)
    consumer.subscribe(topics, listener=listener) if listener else consumer.subscribe(topics)
    return consumer


def _hold_rejoins(consumer: KafkaConsumer) -> None:
    """Work around a lost rebalance in kafka-python 3.0.12 (tests/integration/test_kafka_client.py).

    A rejoin the group leader starts because the topics' metadata changed is needed only while
    its assignment differs from the metadata; the leader's own new assignment ends that difference
    in the middle of the join. When the poll's timeout cut the join short, the next poll then sees
    nothing to rejoin: the finished join is never taken up, no partition is assigned, heartbeats
    stay off, and the stage waits for ever (the producer did, on a fresh cluster). Recording the
    need in the coordinator's own flag keeps it until the join completes, which clears it."""
    coordinator = consumer._coordinator  # noqa: SLF001 - the pinned version's coordinator, on purpose
    need_rejoin = coordinator.need_rejoin

    def held() -> bool:
        needed = need_rejoin()
        if needed:
            coordinator.rejoin_needed = True
        return needed

    coordinator.need_rejoin = held


def close_producer(producer: KafkaProducer, timeout: float | None) -> None:
    """Close; when Kafka does not take what is pending within `timeout`, drop it and close anyway,
    then raise the `KafkaError`. What was dropped was never acknowledged: its batch is retried.

    kafka-python 3.0.12 raises from `close()` before it closes anything; the producer's `__del__`
    then tries again at garbage collection and prints a traceback into the stage's log."""
    try:
        producer.close(timeout=timeout)
    except KafkaError:
        sender = producer._sender  # noqa: SLF001 - the pinned version's sender thread, on purpose
        if sender is not None:
            sender.force_close()
            sender.join(timeout)
        producer._closed = True  # noqa: SLF001 - what close() sets once done; __del__ then does nothing
        raise


def make_admin(settings: KafkaSettings) -> KafkaAdminClient:
    try:
        return KafkaAdminClient(**client_config(settings))
    except KafkaError as exc:
        raise _unavailable(settings, exc) from None


@dataclass(frozen=True)
class Replication:
    """How many copies of each partition, and how many an acks=all write needs."""

    factor: int
    min_insync: int
    brokers: int | None = None  # the cluster's brokers when they were counted

    def __str__(self) -> str:
        counted = f" ({self.brokers} broker{'s' if self.brokers != 1 else ''})" if self.brokers is not None else ""
        return f"replication factor {self.factor}, min.insync.replicas {self.min_insync}{counted}"


def replication(settings: KafkaSettings, brokers: int | None = None) -> Replication:
    """The settings' replication, or where they leave it unset the cluster's default: 3 copies
    and 2 in sync on 3+ brokers; on fewer, one copy per broker and all but one in sync (1 and 1
    on a single broker). Without a broker count, unset means 1 and 1."""
    t = settings.topics
    factor = t.replication_factor or min(3, brokers or 1)
    min_insync = t.min_insync_replicas or max(1, factor - 1)
    if min_insync > factor:
        raise ConfigError(f"kafka.topics.min_insync_replicas {min_insync} exceeds the replication factor {factor}: no write could succeed")
    return Replication(factor, min_insync, brokers)


def topic_specs(settings: KafkaSettings, repl: Replication | None = None) -> dict[str, dict[str, Any]]:
    """The topics with explicit partitions, replication and retention (docs/architecture.md, "Topics and their keys")."""
    t = settings.topics
    repl = repl or replication(settings)

    def topic(configs: dict[str, str], partitions: int = t.partitions) -> dict[str, Any]:
        configs = configs | {"min.insync.replicas": str(repl.min_insync)}
        return {"num_partitions": partitions, "replication_factor": repl.factor, "configs": configs}

    return {
        t.raw: topic({"cleanup.policy": "delete", "retention.ms": str(t.raw_retention_ms)}),
        # Compacted: keeps the latest version of every article, so any index can be rebuilt from it.
        t.enriched: topic({"cleanup.policy": "compact", "min.compaction.lag.ms": "3600000"}),
        t.dlq: topic({"cleanup.policy": "delete", "retention.ms": str(t.dlq_retention_ms)}),
        # Compacted and keyed by feed id: each producer restores the state of the partitions the
        # group assigns it, which are also the feeds it owns (producers/ownership.py).
        t.feed_state: topic({"cleanup.policy": "compact", "min.compaction.lag.ms": "60000"}, t.feed_partitions),
        t.feed_health: topic({"cleanup.policy": "delete", "retention.ms": str(t.health_retention_ms)}),
        # Keyed by story id, compacted: the latest state of every story, so the index can be rebuilt.
        t.stories: topic({"cleanup.policy": "compact", "min.compaction.lag.ms": "3600000"}),
    }


def ensure_topics(settings: KafkaSettings) -> list[str]:
    """Create the topics that do not exist yet; returns the names created. Idempotent."""
    return ensure_topics_report(settings)[0]


def ensure_topics_report(settings: KafkaSettings) -> tuple[list[str], Replication]:
    """`ensure_topics`, plus the replication the topics it creates get (counted on the cluster)."""
    admin = make_admin(settings)
    try:
        repl = replication(settings, len(admin.describe_cluster().get("brokers", [])) or None)
        existing = set(admin.list_topics())
        missing = {name: spec for name, spec in topic_specs(settings, repl).items() if name not in existing}
        if missing:
            try:
                admin.create_topics(missing, wait_for_metadata=True)
            except TopicAlreadyExistsError:
                pass  # another `setup` won the race: the topic is there, which is all we want
        return sorted(missing), repl
    except KafkaError as exc:
        raise _unavailable(settings, exc) from None
    finally:
        admin.close()
