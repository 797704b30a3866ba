"""up / status / down decisions, with stand-in servers (a sleeping Python process, no Kafka/ES)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import newsflow.stack as stack
from newsflow.errors import StackError
from newsflow.settings import Settings
from newsflow.stack import base


class FakeService(base.LocalService):
    """A "server" that is a detached `sleep`; what answers on its port is set by the test."""

    def __init__(self, settings: Settings, name: str, *, configured: bool = False,
                 answer: str | None = None, foreign: bool = False, preflight_error: str | None = None) -> None:
        super().__init__(settings)
        self.name = name
        self.hint = "look at the fake"
        self.logs_dir = self.home / name
        self._configured = configured
        self.answer = answer  # what a server on the port (not ours) says; None: nothing listens
        self.foreign = foreign  # the port is held by something else
        self.preflight_error = preflight_error
        self.spawned = 0

    address = property(lambda self: f"127.0.0.1:{self.name}")
    configured = property(lambda self: self._configured)
    pid_file = property(lambda self: self.logs_dir / f"{self.name}.pid")
    log_file = property(lambda self: self.logs_dir / "console.log")
    marker = property(lambda self: str(self.logs_dir / "marker"))

    def probe(self) -> str | None:
        if self.owned_pid() is not None:
            return "fake 1.0"
        if self.foreign:
            raise StackError(f"port of {self.name} is taken by something else")
        return self.answer

    def ready(self) -> bool:
        return True

    def preflight(self, say: Callable[[str], None]) -> None:
        if self.preflight_error:
            raise StackError(self.preflight_error)

    def prepare(self, say: Callable[[str], None]) -> None:
        self.logs_dir.mkdir(parents=True, exist_ok=True)

    def spawn(self) -> int:
        self.spawned += 1
        cmd = [sys.executable, "-c", "import time; time.sleep(120)", self.marker]
        return base.spawn_detached(cmd, log_file=self.log_file, cwd=self.home, env={}, user=None)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(stack={"home": tmp_path})


@pytest.fixture
def use(monkeypatch: pytest.MonkeyPatch, settings: Settings):
    """Make the stack manage the given fake services; stop whatever they left running."""
    services: list[FakeService] = []

    def install(*fakes: FakeService) -> None:
        services[:] = fakes
        monkeypatch.setattr(stack, "_services", lambda _settings: list(services))

    yield install
    for service in services:
        pid = service.owned_pid()
        if pid is not None:
            base.stop_process(pid, timeout_s=5)


def states(result: list[stack.ServiceStatus]) -> list[str]:
    return [s.state for s in result]


def test_up_starts_once_and_down_stops_what_it_started(settings: Settings, use):
    one, two = FakeService(settings, "one"), FakeService(settings, "two")
    use(one, two)
    lines: list[str] = []

    first = stack.up(settings, say=lines.append)
    assert states(first) == ["started", "started"]
    assert all(s.pid and base.process_alive(s.pid, svc.marker) for s, svc in zip(first, (one, two), strict=False))
    assert any("healthy after" in line for line in lines)

    again = stack.up(settings, say=lines.append)
    assert states(again) == ["running", "running"]
    assert [s.pid for s in again] == [s.pid for s in first]
    assert one.spawned == two.spawned == 1
    assert states(stack.status(settings)) == ["running", "running"]

    stopped = stack.down(settings, say=lines.append)
    assert states(stopped) == ["stopped", "stopped"]
    assert not any(base.process_alive(s.pid or 0, svc.marker) for s, svc in zip(first, (one, two), strict=False))
    assert not one.pid_file.exists() and not two.pid_file.exists()
    assert states(stack.status(settings)) == ["stopped", "stopped"]


def test_a_server_found_on_the_port_is_used_and_left_alone(settings: Settings, use):
    use(FakeService(settings, "kafka", answer="Kafka cluster abc"))
    assert states(stack.up(settings, say=lambda _: None)) == ["external"]
    assert states(stack.down(settings, say=lambda _: None)) == ["external"]


def test_a_configured_server_that_does_not_answer_is_an_error_for_up_only(settings: Settings, use):
    use(FakeService(settings, "es", configured=True, answer=None))
    with pytest.raises(StackError, match="configured in the settings but does not answer"):
        stack.up(settings, say=lambda _: None)
    assert states(stack.status(settings)) == ["unreachable"]
    assert states(stack.down(settings, say=lambda _: None)) == ["unreachable"]


def test_a_configured_server_is_never_started(settings: Settings, use):
    fake = FakeService(settings, "es", configured=True, answer="Elasticsearch 9.2.8")
    use(fake)
    assert states(stack.up(settings, say=lambda _: None)) == ["external"]
    assert fake.spawned == 0


def test_a_port_held_by_something_else_stops_up_but_not_status(settings: Settings, use):
    use(FakeService(settings, "kafka", foreign=True))
    with pytest.raises(StackError, match="taken by something else"):
        stack.up(settings, say=lambda _: None)
    [found] = stack.status(settings)
    assert found.state == "stopped" and "taken" in found.detail


def test_nothing_starts_when_a_later_check_fails(settings: Settings, use):
    first = FakeService(settings, "kafka")
    use(first, FakeService(settings, "es", preflight_error="Elasticsearch needs Java 21+"))
    with pytest.raises(StackError, match="Java 21"):
        stack.up(settings, say=lambda _: None)
    assert first.spawned == 0


def test_a_server_that_ignores_sigterm_is_killed(tmp_path: Path):
    marker = str(tmp_path / "stubborn")
    code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('up', flush=True); time.sleep(120)"
    pid = base.spawn_detached([sys.executable, "-c", code, marker], log_file=tmp_path / "out.log", cwd=tmp_path, env={})
    base.wait_healthy("stubborn", ready=lambda: (tmp_path / "out.log").read_text() == "up\n", pid=pid,
                      marker=marker, timeout_s=10, log_file=tmp_path / "out.log", hint="")
    base.stop_process(pid, timeout_s=0.5)
    assert not base.process_alive(pid, marker)
