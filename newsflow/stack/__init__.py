"""`newsflow stack up|down|status`: a local Kafka and Elasticsearch as plain processes on 127.0.0.1.

No Docker on developer machines and CI, so both servers come from Maven Central (through
`mvn`, cached in ~/.m2) and run from the stack home (StackSettings.home). A server is:
- "external" when the user configured its address, or when something else already serves
  the port: we use it and never start or stop it;
- ours when `up` started it and wrote its pid file: `down` stops only those.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection

from newsflow.errors import StackError
from newsflow.settings import Settings
from newsflow.stack.base import LocalService, ServiceStatus, remove_pid, stop_process, wait_healthy, write_pid
from newsflow.stack.elasticsearch import ElasticsearchService
from newsflow.stack.kafka import KafkaService

__all__ = ["ServiceStatus", "down", "service_names", "status", "up"]

log = logging.getLogger(__name__)

Say = Callable[[str], None]


def _services(settings: Settings) -> list[LocalService]:
    return [KafkaService(settings), ElasticsearchService(settings)]


def _cluster_services(settings: Settings) -> list[LocalService]:
    from newsflow.stack import cluster as local_cluster

    return list(local_cluster.services(settings))


def _pick(settings: Settings, cluster: bool) -> list[LocalService]:
    return _cluster_services(settings) if cluster else _services(settings)


def service_names(settings: Settings, *, cluster: bool = False) -> list[str]:
    return [service.name for service in _pick(settings, cluster)]


def up(settings: Settings, *, say: Say = print, cluster: bool = False) -> list[ServiceStatus]:
    """Start whatever is not running yet and wait until both servers are healthy. Idempotent.

    With `cluster`, the local cluster instead (newsflow/stack/cluster.py): three brokers and two
    Elasticsearch nodes, then wait until the brokers are registered and the nodes have joined.
    """
    services = _pick(settings, cluster)
    found = {service.name: _inspect(service, strict=True) for service in services}
    to_start = [service for service in services if found[service.name].state == "stopped"]
    # Check, download and configure everything before starting anything, so a missing JDK,
    # a taken port or a failed download does not leave half a stack running.
    for service in to_start:
        service.preflight(say)
    for service in to_start:
        service.prepare(say)
    # Both servers start side by side, then we wait for each: the slower one sets the pace.
    waiting: list[tuple[LocalService, int, str, float]] = []
    for service in services:
        current = found[service.name]
        if current.state == "external":
            say(f"{service.name}: using the server at {current.address} ({current.detail})")
        elif current.state == "running" and current.pid is not None:
            say(f"{service.name}: already running (pid {current.pid})")
            waiting.append((service, current.pid, "running", time.monotonic()))
        else:
            started_at = time.monotonic()
            pid = service.spawn()
            write_pid(service.pid_file, pid)
            say(f"{service.name}: starting on {service.address} (pid {pid}, log {service.log_file})")
            waiting.append((service, pid, "started", started_at))
    for service, pid, state, started_at in waiting:
        wait_healthy(
            service.name,
            ready=service.ready,
            pid=pid,
            marker=service.marker,
            timeout_s=settings.stack.start_timeout_s,
            log_file=service.log_file,
            hint=service.hint,
        )
        if state == "started":
            say(f"{service.name}: healthy after {time.monotonic() - started_at:.1f}s")
        found[service.name] = ServiceStatus(service.name, service.address, state, pid, _describe(service))
    if cluster:
        from newsflow.stack import cluster as local_cluster

        local_cluster.wait_formed(settings, settings.stack.start_timeout_s, say=say)
    return [found[service.name] for service in services]


def down(settings: Settings, *, say: Say = print, only: Collection[str] = (), cluster: bool = False) -> list[ServiceStatus]:
    """Stop the servers that `up` started (and only those), waiting until they have exited.

    `only` limits it to the named services ("kafka", "elasticsearch"; "kafka-1".."elasticsearch-2"
    of the cluster).
    """
    results = []
    for service in _pick(settings, cluster):
        if only and service.name not in only:
            continue
        pid = None if service.configured else service.owned_pid()
        if pid is None:
            found = _inspect(service, strict=False)
            if found.state == "external":
                say(f"{service.name}: {found.address} was not started by `newsflow stack up`, leaving it alone")
            results.append(found)
            continue
        say(f"{service.name}: stopping pid {pid}")
        stop_process(pid)
        remove_pid(service.pid_file)
        results.append(ServiceStatus(service.name, service.address, "stopped", None, f"stopped pid {pid}"))
    return results


def status(settings: Settings, *, cluster: bool = False) -> list[ServiceStatus]:
    """What runs where, without starting or stopping anything."""
    return [_inspect(service, strict=False) for service in _pick(settings, cluster)]


def _inspect(service: LocalService, *, strict: bool) -> ServiceStatus:
    """The service's state. With `strict` (for `up`) a configured server that does not answer,
    or a port held by something else, is an error; otherwise it is reported."""
    log.debug("inspecting %s (configured: %s, pid file %s)", service.name, service.configured, service.pid_file)
    if service.configured:
        detail = service.probe()
        if detail is not None:
            return ServiceStatus(service.name, service.address, "external", None, detail)
        if strict:
            raise StackError(
                f"{service.name} at {service.address} is configured in the settings but does not answer; "
                f"start it, or remove that setting to let `newsflow stack up` run a local one"
            )
        return ServiceStatus(service.name, service.address, "unreachable", None, "configured, not answering")
    pid = service.owned_pid()
    if pid is not None:
        return ServiceStatus(service.name, service.address, "running", pid, "" if strict else _describe(service))
    try:
        detail = service.probe()
    except StackError as exc:
        if strict:
            raise
        return ServiceStatus(service.name, service.address, "stopped", None, str(exc))
    if detail is not None:
        return ServiceStatus(service.name, service.address, "external", None, detail)
    return ServiceStatus(service.name, service.address, "stopped")


def _describe(service: LocalService) -> str:
    """Detail line of a server we run: what answers, and where its log is."""
    try:
        answer = service.probe() if service.ready() else None
    except StackError:
        answer = None
    return f"{answer or 'not answering yet'}; logs in {service.logs_dir}"
