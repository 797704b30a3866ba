"""The idempotent producer's state machine in the pinned kafka-python (3.0.12), driven directly: two
faults that left a producer unable to send for good after a long stall of the cluster, and the
work-arounds in newsflow.runtime.kafka. Each fault is shown on the unpatched manager too, so that
a kafka-python bump that fixes it makes this file say the work-around can go.

The real-broker side (a batch expired while Kafka was silent, then delivery again) is in
tests/integration/test_kafka_client.py."""

from __future__ import annotations

import pytest
from kafka.errors import NodeNotReadyError, RequestTimedOutError
from kafka.producer.transaction_manager import (
    InitProducerIdHandler,
    ProducerIdAndEpoch,
    TransactionManager,
    TransactionState,
)

from newsflow.runtime.kafka import reinit_after_reset, retry_timed_out_requests


def _idempotent() -> TransactionManager:
    return TransactionManager(transactional_id=None, api_version=(4, 1))


def _ready(manager: TransactionManager) -> TransactionManager:
    """As after a successful InitProducerId: an id, state READY."""
    manager.init_producer_id()
    manager.next_request_handler(False)  # what the sender takes and sends
    manager.set_producer_id_and_epoch(ProducerIdAndEpoch(1000, 0))
    manager._transition_to(TransactionState.READY)
    return manager


def _asks_for_an_id(manager: TransactionManager) -> bool:
    """What the sender does each turn without an id: ask for one (queue an InitProducerId)."""
    manager.init_producer_id()
    handler = manager.next_request_handler(False)
    return isinstance(handler, InitProducerIdHandler)


def _sent_init_request(manager: TransactionManager):
    manager.init_producer_id()
    handler = manager.next_request_handler(False)
    assert isinstance(handler, InitProducerIdHandler)
    return handler, manager.next_in_flight_request_correlation_id()


# -- a batch that expired after it was sent: the producer id is dropped --------------------------


def test_unpatched_a_dropped_producer_id_is_never_asked_for_again():
    manager = _ready(_idempotent())
    manager.reset_producer_id()
    assert not manager.has_producer_id()
    assert not _asks_for_an_id(manager), "kafka-python asks for a new id by itself now: drop reinit_after_reset"


def test_a_dropped_producer_id_is_asked_for_again():
    manager = _ready(_idempotent())
    reinit_after_reset(manager)
    manager.reset_producer_id()
    assert not manager.has_producer_id()
    assert _asks_for_an_id(manager)


# -- the request for a new id fails on a stalled broker -------------------------------------------


@pytest.mark.parametrize("failure", [RequestTimedOutError("Request timed out after 30000 ms"), NodeNotReadyError("paused")],
                         ids=["timed-out", "node-not-ready"])
def test_unpatched_a_failed_request_for_an_id_is_fatal(failure):
    manager = _idempotent()
    handler, correlation_id = _sent_init_request(manager)
    handler.on_complete(correlation_id, failure)
    assert manager.has_fatal_error(), "kafka-python retries these now: drop retry_timed_out_requests"


@pytest.mark.parametrize("failure", [RequestTimedOutError("Request timed out after 30000 ms"), NodeNotReadyError("paused")],
                         ids=["timed-out", "node-not-ready"])
def test_a_failed_request_for_an_id_is_retried(failure):
    manager = _idempotent()
    retry_timed_out_requests(manager)
    handler, correlation_id = _sent_init_request(manager)
    handler.on_complete(correlation_id, failure)
    assert not manager.has_fatal_error()
    again = manager.next_request_handler(False)
    assert again is handler and again.is_retry
    # The retry that succeeds leaves the producer ready to send.
    manager.set_producer_id_and_epoch(ProducerIdAndEpoch(1001, 0))
    manager._transition_to(TransactionState.READY)
    assert manager.has_producer_id() and not manager.has_fatal_error()


def test_a_retried_request_keeps_one_wrapper():
    manager = _idempotent()
    retry_timed_out_requests(manager)
    handler, correlation_id = _sent_init_request(manager)
    wrapped = handler.on_complete
    handler.on_complete(correlation_id, RequestTimedOutError("timed out"))
    manager.next_request_handler(False)
    assert handler.on_complete is wrapped
