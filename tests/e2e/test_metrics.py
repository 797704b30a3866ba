"""Each long-running stage serves Prometheus metrics and health; run over the sample feed, the
counters move, and the sink's readiness follows Elasticsearch going away and coming back."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from newsflow import stack
from tests.support import as_env, wait_for


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return 0, ""


def sample(port: int, name: str, **labels: str) -> float:
    """The value of one metric sample (0 when absent)."""
    status, text = get(port, "/metrics")
    if status != 200:
        return 0.0
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


def test_stages_export_metrics_and_readiness_follows_elasticsearch(settings, base_settings, feed_server, sample_feed,
                                                                   local_elasticsearch, tmp_path):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - url: {feed_server.serve('/world.xml', sample_feed.read_bytes())}\n")
    ports = {stage: free_port() for stage in ("produce", "process", "sink")}
    procs = []
    for stage, port in ports.items():
        env = os.environ | as_env(settings) | {"NEWSFLOW_METRICS_PORT": str(port), "NEWSFLOW_PRODUCER__FEEDS_FILE": str(feeds)}
        log = (tmp_path / f"{stage}.log").open("w")
        procs.append((stage, subprocess.Popen([sys.executable, "-m", "newsflow", stage], env=env, stdout=log, stderr=subprocess.STDOUT), log))
    try:
        wait_for(lambda: sample(ports["produce"], "newsflow_items_produced_total") == 4, timeout=60, what="the producer's counter")
        assert sample(ports["produce"], "newsflow_fetches_total", outcome="ok") >= 1
        assert sample(ports["produce"], "newsflow_feeds", state="ok") == 1
        wait_for(lambda: sample(ports["process"], "newsflow_messages_consumed_total", stage="processor") == 4,
                 timeout=90, what="the processor's counter")
        assert sample(ports["process"], "newsflow_step_seconds_count", step="news.entities.v2") >= 1
        wait_for(lambda: sample(ports["sink"], "newsflow_bulk_items_total", outcome="indexed") == 4, timeout=60,
                 what="the sink's bulk counter")
        # A batch counts as consumed when its offsets are committed, a moment after its bulk answered.
        wait_for(lambda: sample(ports["sink"], "newsflow_messages_consumed_total", stage="sink") == 4, timeout=30,
                 what="the sink's consumed counter")
        wait_for(lambda: sample(ports["sink"], "newsflow_batch_seconds_count", stage="sink") >= 1, timeout=30,
                 what="the sink's batch timer")

        for port in ports.values():
            assert get(port, "/healthz")[0] == 200
        assert wait_for(lambda: get(ports["sink"], "/readyz")[0] == 200, timeout=30, what="the sink to be ready")

        stack.down(base_settings, say=lambda line: None, only=["elasticsearch"])
        status, body = wait_for(lambda: (r := get(ports["sink"], "/readyz"))[0] == 503 and r, timeout=30,
                                what="the sink to report not ready")
        assert json.loads(body)["dependencies"] == {"kafka": True, "elasticsearch": False}
        assert get(ports["process"], "/readyz")[0] == 200, "the processor does not need Elasticsearch"
        assert get(ports["sink"], "/healthz")[0] == 200, "not ready is not dead"

        stack.up(base_settings, say=lambda line: None)
        wait_for(lambda: get(ports["sink"], "/readyz")[0] == 200, timeout=60, what="the sink to be ready again")
    finally:
        for stage, proc, log in procs:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=60)
            log.close()
            assert code == 0, f"{stage} exited {code}: {(tmp_path / f'{stage}.log').read_text()[-1500:]}"
