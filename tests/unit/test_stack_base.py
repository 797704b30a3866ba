"""Pure helpers of the local stack: addresses, ids, pid files, logs, downloads, Java versions."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
import zipfile
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from newsflow import stack
from newsflow.errors import StackError
from newsflow.stack import base, elasticsearch, java, kafka, maven


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1:9092", ("127.0.0.1", 9092)),
        ("localhost", ("localhost", 9092)),
        (" kafka.example:29092 ", ("kafka.example", 29092)),
        ("[::1]:19092", ("::1", 19092)),
        ("[::1]", ("::1", 9092)),
    ],
)
def test_parse_host_port(address, expected):
    assert base.parse_host_port(address, 9092) == expected


@pytest.mark.parametrize("address", ["", "host:port", "host:0", "host:70000"])
def test_parse_host_port_rejects_nonsense(address):
    with pytest.raises(StackError):
        base.parse_host_port(address, 9092)


def test_cluster_ids_are_kafka_uuids():
    for _ in range(200):
        cluster_id = kafka.new_cluster_id()
        assert len(cluster_id) == 22 and "=" not in cluster_id
        assert not cluster_id.startswith("-")
        assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16


def test_public_surface():
    assert sorted(stack.__all__) == ["ServiceStatus", "down", "service_names", "status", "up"]
    status = stack.ServiceStatus("kafka", "127.0.0.1:9092", "stopped")
    assert status.pid is None and status.detail == ""
    with pytest.raises(FrozenInstanceError):
        status.state = "running"  # type: ignore[misc]


# -- pid files and processes -------------------------------------------------------------------


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_live_pid_with_our_marker_is_ours(tmp_path: Path):
    pid_file = tmp_path / "x.pid"
    base.write_pid(pid_file, os.getpid())
    marker = Path("/proc/self/cmdline").read_bytes().split(b"\0")[0].decode()  # our own executable
    assert base.alive_pid(pid_file, marker) == os.getpid()
    assert base.alive_pid(pid_file, "not-on-the-command-line-xyz") is None
    assert not pid_file.exists()  # a recycled pid is treated as stale


def test_a_stale_pid_file_is_removed(tmp_path: Path):
    pid_file = tmp_path / "x.pid"
    base.write_pid(pid_file, _dead_pid())
    assert base.alive_pid(pid_file, "") is None
    assert not pid_file.exists()


def test_a_garbled_pid_file_means_no_server(tmp_path: Path):
    pid_file = tmp_path / "x.pid"
    pid_file.write_text("not a pid")
    assert base.read_pid(pid_file) is None
    assert base.read_pid(tmp_path / "missing.pid") is None


def test_tail_keeps_the_messages_not_the_stack_frames(tmp_path: Path):
    log = tmp_path / "server.out"
    frames = "".join(f"\tat org.example.Frame{i}(Frame.java:{i})\n" for i in range(40))
    log.write_text(
        "early line\n" * 50
        + "java.lang.RuntimeException: boom\n" + frames
        + "Caused by: java.net.BindException: Address already in use\n" + frames + "\t... 6 more\n"
    )
    lines = base.tail(log, lines=5).splitlines()
    assert lines[-2:] == ["java.lang.RuntimeException: boom", "Caused by: java.net.BindException: Address already in use"]
    assert len(lines) == 5
    assert base.tail(tmp_path / "missing.log") == "(no log written)"


def test_wait_healthy_reports_a_dead_server_with_its_log(tmp_path: Path):
    log = tmp_path / "kafka.out"
    log.write_text("Exiting Kafka due to fatal exception\n")
    with pytest.raises(StackError) as err:
        base.wait_healthy(
            "kafka", ready=lambda: False, pid=_dead_pid(), marker="", timeout_s=5, log_file=log, hint="free the port"
        )
    message = str(err.value)
    assert message.splitlines()[0].startswith("kafka exited during start; see ")
    assert "free the port" in message and "Exiting Kafka due to fatal exception" in message


def test_wait_healthy_returns_once_ready(tmp_path: Path):
    answers = iter([False, True])
    base.wait_healthy(
        "me", ready=lambda: next(answers), pid=os.getpid(), marker="", timeout_s=5,
        log_file=tmp_path / "x.log", hint="",
    )


# -- downloads ---------------------------------------------------------------------------------


def test_unzip_restores_executable_bits(tmp_path: Path):
    archive = tmp_path / "dist.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        script = zipfile.ZipInfo("es-1/bin/elasticsearch")
        script.external_attr = (stat.S_IFREG | 0o755) << 16
        zf.writestr(script, "#!/bin/sh\n")
        zf.writestr("es-1/lib/server.jar", b"jar")  # no Unix mode recorded at all
    maven.unzip(archive, tmp_path / "out")
    assert os.access(tmp_path / "out/es-1/bin/elasticsearch", os.X_OK)
    jar = (tmp_path / "out/es-1/lib/server.jar").stat().st_mode
    assert stat.S_IMODE(jar) == 0o644
    assert stat.S_IMODE((tmp_path / "out/es-1/lib").stat().st_mode) == 0o755


def test_an_interrupted_unpack_is_redone_and_a_finished_one_is_not(tmp_path: Path):
    dest = tmp_path / "dist" / "kafka-1"
    dest.mkdir(parents=True)
    (dest / "half-written.jar").write_text("")  # no completion marker: a previous run died
    calls = []

    def produce(where: Path) -> None:
        calls.append(where)
        (where / "libs").mkdir()

    assert maven.ensure_complete(dest, produce) is True
    assert not (dest / "half-written.jar").exists() and (dest / "libs").is_dir()
    assert maven.ensure_complete(dest, produce) is False
    assert len(calls) == 1


def test_a_failed_unpack_leaves_no_marker(tmp_path: Path):
    dest = tmp_path / "es"

    def fail(where: Path) -> None:
        raise StackError("download failed")

    with pytest.raises(StackError):
        maven.ensure_complete(dest, fail)
    assert not (dest / maven.COMPLETE_MARKER).exists()


def test_maven_errors_are_reduced_to_what_went_wrong():
    output = (
        "\x1b[0m[ERROR] Failed to execute goal ...: Could not find artifact x:y:zip:9 in central -> [Help 1]\n"
        "[ERROR] \n[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.\n"
        "[ERROR] Re-run Maven using the -X switch to enable full debug logging.\n"
        "[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/MojoExecutionException\n\x1b[0m"
    )
    assert maven.maven_error(output) == "Failed to execute goal ...: Could not find artifact x:y:zip:9 in central -> [Help 1]"


def test_mvn_missing_is_one_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(StackError, match=r"needs Maven \(`mvn`\), which is not on PATH"):
        maven.fetch_artifact("g:a:1:zip", tmp_path)


# -- Java --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "25.0.3" 2026-04-21 LTS', 25),
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "21" 2023-09-19', 21),
        ('java version "1.8.0_292"', 8),
        ("no java here", None),
    ],
)
def test_parse_java_major(output, major):
    assert java.parse_java_major(output) == major


def test_no_new_enough_java_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    old = tmp_path / "jdk-17"
    monkeypatch.setattr(java, "_candidates", lambda env_vars: [old])
    monkeypatch.setattr(java, "java_major", lambda home: 17)
    with pytest.raises(StackError, match=r"needs Java 21\+.*pip install 'newsflow\[jdk\]'"):
        java.find_java_home(21, purpose="Elasticsearch 9")


def test_the_first_new_enough_java_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    homes = {tmp_path / "a": 17, tmp_path / "b": 25, tmp_path / "c": 21}
    monkeypatch.setattr(java, "_candidates", lambda env_vars: list(homes))
    monkeypatch.setattr(java, "java_major", homes.get)
    assert java.find_java_home(21, purpose="x") == tmp_path / "b"
    assert java.find_java_home(17, purpose="x") == tmp_path / "a"


# -- the Elasticsearch user --------------------------------------------------------------------


def test_can_traverse_uses_the_bit_that_applies(tmp_path: Path):
    directory = tmp_path / "d"
    directory.mkdir()
    st = directory.stat()
    directory.chmod(0o701)  # owner and others may enter, the group may not
    assert elasticsearch.can_traverse(directory, st.st_uid, set())
    assert elasticsearch.can_traverse(directory, st.st_uid + 12345, set())
    assert not elasticsearch.can_traverse(directory, st.st_uid + 12345, {st.st_gid})
    directory.chmod(0o700)
    assert not elasticsearch.can_traverse(directory, st.st_uid + 12345, set())
