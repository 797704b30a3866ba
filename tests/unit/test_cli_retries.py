"""Long-running stages wait for their dependencies: a logged retry, never a crash or a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest


@pytest.mark.parametrize("stage", ["process", "sink"])
def test_a_worker_without_kafka_logs_retries_and_stops_cleanly_on_sigterm(stage, tmp_path):
    env = os.environ | {"NEWSFLOW_KAFKA__BOOTSTRAP_SERVERS": "127.0.0.1:1", "NEWSFLOW_KAFKA__BOOTSTRAP_TIMEOUT_MS": "500"}
    log_path = tmp_path / "stderr.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "newsflow", stage], env=env, stderr=log, stdout=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 90
            while "retrying in" not in log_path.read_text() and time.monotonic() < deadline:
                assert proc.poll() is None, f"{stage} died: {log_path.read_text()}"
                time.sleep(0.2)
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=30)
        finally:
            proc.kill()
    output = log_path.read_text()
    assert "Kafka is not reachable at 127.0.0.1:1" in output and "retrying in" in output
    assert "Traceback" not in output
    assert code == 0
