"""The command line as a user meets it: help for every command, one clear line on errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from newsflow.app.cli import build_parser

COMMANDS = ["stack", "config", "setup", "security", "feeds", "produce", "reprocess", "topics", "eval", "process", "sink", "run", "search", "index", "kibana", "api"]


def newsflow(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsflow", *args],
        capture_output=True, text=True, timeout=120, env=os.environ | env,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command):
    result = newsflow(command, "--help")
    assert result.returncode == 0
    assert f"usage: newsflow {command}" in result.stdout
    description = result.stdout.split("\n\n")[1]
    assert len(description.split()) >= 8, "each command needs a real description"


def test_parser_knows_exactly_the_documented_commands():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert sorted(sub.choices) == sorted(COMMANDS)


def _one_clear_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_unreachable_kafka_is_one_line_and_a_failure_exit():
    line = _one_clear_line(
        newsflow("produce", "--once", NEWSFLOW_KAFKA__BOOTSTRAP_SERVERS="127.0.0.1:1", NEWSFLOW_KAFKA__BOOTSTRAP_TIMEOUT_MS="1500")
    )
    assert line == "newsflow: error: Kafka is not reachable at 127.0.0.1:1 (KafkaTimeoutError)"


@pytest.mark.parametrize("command", [["search", "Al-Farabi"], ["setup"]])
def test_unreachable_elasticsearch_is_one_line_and_a_failure_exit(command):
    env = {"NEWSFLOW_ELASTICSEARCH__URL": "http://127.0.0.1:1"}
    if command == ["setup"]:
        # setup touches Kafka first; make that fail fast too, and check the line names a service.
        env |= {"NEWSFLOW_KAFKA__BOOTSTRAP_SERVERS": "127.0.0.1:1", "NEWSFLOW_KAFKA__BOOTSTRAP_TIMEOUT_MS": "1500"}
    line = _one_clear_line(newsflow(*command, **env))
    assert line.startswith("newsflow: error: ") and "not reachable at" in line


@pytest.mark.parametrize(("url", "expected"), [
    ("ftp://news.example/rss", "unsupported feed URL scheme 'ftp'"),
    ("http://[::1/rss", "cannot be parsed: Invalid IPv6 URL"),
    ("news.example/rss", "for a web feed give the whole URL, e.g. https://news.example/rss"),
])
def test_a_feed_given_with_feed_is_checked_before_kafka_is_asked(url, expected):
    """As `feeds add` checks it: the Kafka address here is unreachable, so an error about the feed
    shows that the feed was refused first, not polled and failed."""
    line = _one_clear_line(newsflow("produce", "--once", "--feed", url, NEWSFLOW_KAFKA__BOOTSTRAP_SERVERS="127.0.0.1:1",
                                    NEWSFLOW_KAFKA__BOOTSTRAP_TIMEOUT_MS="1500"))
    assert expected in line


def test_the_log_level_is_checked_and_any_case_will_do():
    wrong = newsflow("--log-level", "LOUD", "config", "show")
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert "argument --log-level: invalid choice: 'LOUD'" in wrong.stderr
    assert newsflow("--log-level", "debug", "config", "show").returncode == 0


def test_a_bad_setting_is_named():
    line = _one_clear_line(newsflow("search", "x", NEWSFLOW_SINK__BATCH_SIZE="zero"))
    assert "sink.batch_size" in line


def test_secrets_never_appear_in_errors():
    line = _one_clear_line(
        newsflow("search", "x", NEWSFLOW_ELASTICSEARCH__URL="http://127.0.0.1:1", NEWSFLOW_ELASTICSEARCH__PASSWORD="hunter2-secret",
                 NEWSFLOW_ELASTICSEARCH__USERNAME="elastic")
    )
    assert "hunter2" not in line
