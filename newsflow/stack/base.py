"""What every local server shares: its status record, pid files, detached start, health wait, stop.

The servers run detached from the `newsflow` process that started them (they outlive it),
so everything we know about them between two commands lives in files under the stack home:
a pid file per server, written only by `up`, is what makes a server "ours".
"""

from __future__ import annotations

import logging
import os
import pwd
import re
import signal
import socket
import subprocess
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsflow.errors import StackError

if TYPE_CHECKING:
    from newsflow.settings import Settings

log = logging.getLogger(__name__)

POLL_INTERVAL_S = 0.5
STOP_TIMEOUT_S = 60.0  # Elasticsearch flushes its shards on SIGTERM: give it time before SIGKILL.
TAIL_LINES = 20


@dataclass(frozen=True)
class ServiceStatus:
    name: str  # "kafka" | "elasticsearch"
    address: str  # "127.0.0.1:9092" / "http://127.0.0.1:9200"
    state: str  # "started" | "running" | "external" | "stopped" | "unreachable"
    pid: int | None = None
    detail: str = ""  # e.g. version, log file path


class LocalService(ABC):
    """One server of the stack. Subclasses say how to probe, prepare and spawn it."""

    name: str
    hint: str  # what to check when it fails to start
    logs_dir: Path  # where all its logs go

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.home = settings.stack.home.resolve()

    @property
    @abstractmethod
    def address(self) -> str:
        """Where clients reach it, as shown to the user."""

    @property
    @abstractmethod
    def configured(self) -> bool:
        """True when the user named a server explicitly: then it is never ours to start."""

    @property
    @abstractmethod
    def pid_file(self) -> Path: ...

    @property
    @abstractmethod
    def log_file(self) -> Path:
        """The log whose last lines explain a failed start."""

    @property
    @abstractmethod
    def marker(self) -> str:
        """A string in our server's command line (a path in the stack home)."""

    @abstractmethod
    def probe(self) -> str | None:
        """A detail line if the server answers as this kind of server, None if nothing listens.

        Raises StackError when something else holds the port.
        """

    @abstractmethod
    def ready(self) -> bool:
        """True once the server serves requests (the health check polled during start)."""

    @abstractmethod
    def preflight(self, say: Callable[[str], None]) -> None:
        """Cheap checks that fail early (ports, Java, users), before anything is downloaded."""

    @abstractmethod
    def prepare(self, say: Callable[[str], None]) -> None:
        """Download (once), write the configuration, initialise storage (once)."""

    @abstractmethod
    def spawn(self) -> int:
        """Start the server detached and return its pid."""

    def owned_pid(self) -> int | None:
        return alive_pid(self.pid_file, self.marker)


# -- addresses ---------------------------------------------------------------------------------


def parse_host_port(address: str, default_port: int) -> tuple[str, int]:
    """`host:port`, `[v6]:port` or a bare host -> (host, port)."""
    address = address.strip()
    if not address:
        raise StackError("empty server address")
    if address.startswith("["):  # IPv6 literal
        host, _, rest = address[1:].partition("]")
        port_text = rest.removeprefix(":")
    elif address.count(":") == 1:
        host, _, port_text = address.partition(":")
    else:  # bare host, or a bare IPv6 literal without brackets
        host, port_text = address, ""
    if not port_text:
        return host, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise StackError(f"bad port in server address {address!r}")
    return host, int(port_text)


def ensure_port_free(port: int, what: str, setting: str) -> None:
    """Fail early, before anything starts, when a port the server must bind is taken."""
    if port_open("127.0.0.1", port):
        raise StackError(f"port {port} ({what}) on 127.0.0.1 is taken; free it or set {setting}")


def port_open(host: str, port: int, timeout_s: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port (cheap first probe)."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


# -- pid files and processes -------------------------------------------------------------------


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def write_pid(pid_file: Path, pid: int) -> None:
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(f"{pid}\n")


def remove_pid(pid_file: Path) -> None:
    pid_file.unlink(missing_ok=True)


def process_alive(pid: int, marker: str) -> bool:
    """True while `pid` runs and its command line contains `marker`.

    The marker (a path inside our stack home) guards against a recycled pid: after a reboot
    the pid in a stale pid file may belong to any other process. A zombie counts as dead
    (no init may reap it in a container).
    """
    proc = Path("/proc") / str(pid)
    try:
        stat = (proc / "stat").read_text()
        cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
    state = stat.rpartition(")")[2].split()[0]
    return state not in ("Z", "X") and marker in cmdline


def alive_pid(pid_file: Path, marker: str) -> int | None:
    """The pid of our server if it is alive; clears a stale pid file."""
    pid = read_pid(pid_file)
    if pid is None:
        return None
    if process_alive(pid, marker):
        return pid
    log.debug("removing stale pid file %s (pid %s is gone)", pid_file, pid)
    remove_pid(pid_file)
    return None


def spawn_detached(
    cmd: Sequence[str],
    *,
    log_file: Path,
    cwd: Path,
    env: Mapping[str, str],
    user: str | None = None,
) -> int:
    """Start `cmd` in the background, detached from us, and return its pid.

    A short-lived shell forks the server and exits at once, so the server is re-parented
    away from us: it survives our exit, never becomes our zombie, and Python has no Popen
    object to warn about. `start_new_session` puts it in its own session and process group,
    so a Ctrl-C in our terminal does not reach it and `stop_process` can signal the group.
    """
    # The console log holds this run only (the servers' own log files keep the history), so
    # its tail after a failed start is about that start.
    script = 'log=$1; shift; "$@" </dev/null >"$log" 2>&1 & echo $!'
    shell = subprocess.run(
        ["/bin/sh", "-c", script, "sh", str(log_file), *cmd],
        cwd=cwd,
        env=dict(env),
        user=user,
        group=pwd.getpwnam(user).pw_gid if user else None,
        extra_groups=[] if user else None,  # drop root's supplementary groups too
        start_new_session=True,
        capture_output=True,
        text=True,
        check=False,
    )
    if shell.returncode != 0 or not shell.stdout.strip().isdigit():
        raise StackError(f"could not start {cmd[0]}: {shell.stderr.strip() or 'no pid returned'}")
    pid = int(shell.stdout.strip())
    log.debug("started pid %d: %s (log %s)", pid, " ".join(cmd), log_file)
    return pid


def group_alive(group: int) -> bool:
    """True while any live (non-zombie) process belongs to process group `group`."""
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # exited while we looked
        if int(fields[2]) == group and fields[0] not in ("Z", "X"):
            return True
    return False


def stop_process(pid: int, timeout_s: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM the server's process group, wait until all of it has exited, SIGKILL it after `timeout_s`.

    The whole group, because Elasticsearch is a launcher JVM with the server JVM as its child:
    the launcher may be gone while the server still flushes its shards.
    """
    try:
        group = os.getpgid(pid)
    except ProcessLookupError:
        return
    for sig, wait_s in ((signal.SIGTERM, timeout_s), (signal.SIGKILL, 10.0)):
        log.debug("sending %s to process group %d", sig.name, group)
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if not group_alive(group):
                return
            time.sleep(0.1)
    raise StackError(f"process group {group} (pid {pid}) did not exit even after SIGKILL")


# -- waiting for health ------------------------------------------------------------------------


_STACK_FRAME = re.compile(r"\s+(at |\.\.\. \d+ (more|common frames omitted))")


def tail(path: Path, lines: int = TAIL_LINES) -> str:
    """The last `lines` lines of a log, without Java stack frames (the messages say why)."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 256 * 1024))  # the end is enough, however big the log
            text = fh.read().decode(errors="replace")
    except OSError:
        return "(no log written)"
    kept = [line for line in text.splitlines() if not _STACK_FRAME.match(line)]
    return "\n".join(kept[-lines:])


def wait_healthy(
    name: str,
    *,
    ready: Callable[[], bool],
    pid: int,
    marker: str,
    timeout_s: float,
    log_file: Path,
    hint: str,
) -> None:
    """Poll `ready()` until it is true; fail fast if the process dies meanwhile."""
    deadline = time.monotonic() + timeout_s
    while True:
        if not process_alive(pid, marker):
            raise StackError(
                f"{name} exited during start; see {log_file}. Hint: {hint}\n"
                f"last lines of {log_file}:\n{tail(log_file)}",
                log=str(log_file),
            )
        if ready():
            return
        if time.monotonic() >= deadline:
            raise StackError(
                f"{name} (pid {pid}) did not become healthy within {timeout_s:.0f}s; see {log_file} "
                f"(it is still running: `newsflow stack down` stops it). Hint: {hint}",
                log=str(log_file),
            )
        time.sleep(POLL_INTERVAL_S)


def run_tool(cmd: Sequence[str], what: str) -> subprocess.CompletedProcess[str]:
    """Run a short command to completion; a failure becomes one StackError naming `what`."""
    log.debug("running %s", " ".join(cmd))
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise StackError(f"{what} failed: {exc}") from None
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip().splitlines()[-TAIL_LINES:]
        raise StackError(f"{what} failed (exit {done.returncode}):\n" + "\n".join(output))
    return done
