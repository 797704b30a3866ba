"""The chaos harness: the whole pipeline as OS processes over the real Kafka and Elasticsearch,
things broken on purpose, and an audit of what came out.

- `Stage` is one pipeline process (`newsflow produce|process|sink`) that can be SIGKILLed and
  restarted; each incarnation logs to its own file.
- `ChaosRun` starts the stages against a `ChaosFeeds` server, records every action it takes
  (with the time since the start), waits until the pipeline has settled, and audits.
- `audit` compares Elasticsearch and the dead-letter topic with the truth: the articles the
  feed server served (latest revision of each) and the poison messages injected.

"Settled" never means "the result looks right": it means the producer has emitted every served
article and both consumer groups have committed everything. A pipeline that lost data settles
too, and the audit then reports what is missing (tests/chaos/test_harness_detects_loss.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from elasticsearch import helpers
from kafka import KafkaConsumer, TopicPartition

from newsflow.contract.ids import article_id
from newsflow.index.indices import make_client
from newsflow.settings import Settings
from tests.chaos.feeds import ChaosFeeds, Item
from tests.support import as_env, lag, wait_for

__all__ = ["ChaosRun", "Report", "Stage", "audit"]

ROLES = {"producer": "produce", "processor": "process", "sink": "sink"}

# Every scenario's actions and findings, printed together at the end of the test session
# (tests/chaos/conftest.py): pytest shows a passing test's output only when asked.
SUMMARY: list[str] = []


class Stage:
    """One pipeline process, restartable; `incarnation` counts its starts."""

    def __init__(self, role: str, env: dict[str, str], log_dir: Path, argv: tuple[str, ...] = ()) -> None:
        self.role = role
        self._argv = [sys.executable, "-m", "newsflow", ROLES[role], *argv]
        self._env = env
        self._log_dir = log_dir
        self.incarnation = 0
        self.proc: subprocess.Popen | None = None
        self._log = None

    def start(self) -> None:
        self.incarnation += 1
        self._log = (self._log_dir / f"{self.role}-{self.incarnation}.log").open("w")
        self.proc = subprocess.Popen(self._argv, env=self._env, stdout=self._log, stderr=subprocess.STDOUT)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no clean-up, no last commit, no flush."""
        assert self.alive(), f"{self.role} died on its own before the planned kill:\n{self.log_tail()}"
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._log.close()

    def stop(self) -> int | None:
        """SIGTERM and wait; the exit code (None if it had to be killed)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
                return None
        self._log.close()
        return self.proc.returncode

    def log_text(self) -> str:
        return "".join((self._log_dir / f"{self.role}-{n}.log").read_text(errors="replace") for n in range(1, self.incarnation + 1))

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_text()[-chars:]


@dataclass
class Report:
    """What the audit found, as counts (and a few examples of each problem)."""

    expected: int
    found: int
    duplicated: int
    missing: list[str]
    stale: list[str]  # an older revision than the last one served (or under another id than its URL's)
    unenriched: list[str]  # indexed without entities or without the processor's provenance
    unexpected: list[str]  # indexed but never served
    dlq_expected: int
    dlq_found: int
    dlq_missing: list[str]
    dlq_unexpected: list[str]
    dlq_repeated: int  # the same poison dead-lettered twice (at-least-once after a kill)
    raw_reemitted: int  # the same (id, version) produced to news.raw more than once
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (self.duplicated or self.missing or self.stale or self.unenriched or self.unexpected
                    or self.dlq_missing or self.dlq_unexpected)

    def line(self) -> str:
        counts = {
            "expected": self.expected, "found": self.found, "duplicated": self.duplicated, "missing": len(self.missing),
            "stale": len(self.stale), "unenriched": len(self.unenriched), "unexpected": len(self.unexpected),
            "dlq_expected": self.dlq_expected, "dlq_found": self.dlq_found, "dlq_missing": len(self.dlq_missing),
            "dlq_unexpected": len(self.dlq_unexpected), "dlq_repeated": self.dlq_repeated,
            "raw_reemitted": self.raw_reemitted, **self.extra,
        }
        return " ".join(f"{k}={v}" for k, v in counts.items())

    def problems(self) -> str:
        examples = {"missing": self.missing, "stale": self.stale, "unenriched": self.unenriched,
                    "unexpected": self.unexpected, "dlq_missing": self.dlq_missing, "dlq_unexpected": self.dlq_unexpected}
        return "; ".join(f"{k} e.g. {v[:3]}" for k, v in examples.items() if v) or "none"


class TopicReader:
    """Every record of a topic from the beginning, read incrementally (no consumer group).

    The consumer is opened on the first read and `close` drops it: a scenario that stops the
    broker closes its readers first, so no client of the test process hammers a dead broker.
    The next read opens a new consumer and reads the topic again from the beginning.
    """

    def __init__(self, settings: Settings, topic: str, partitions: int | None = None) -> None:
        self._settings = settings
        self._partitions = [TopicPartition(topic, p) for p in range(partitions or settings.kafka.topics.partitions)]
        self._consumer: KafkaConsumer | None = None
        self.records: list = []

    def read(self, timeout_ms: int = 500) -> list:
        """Poll until a poll brings nothing new; everything read so far."""
        if self._consumer is None:
            self._consumer = KafkaConsumer(bootstrap_servers=self._settings.kafka.bootstrap_servers, enable_auto_commit=False,
                                           group_id=None, auto_offset_reset="earliest", request_timeout_ms=20_000)
            self._consumer.assign(self._partitions)
            self._consumer.seek_to_beginning(*self._partitions)
            self.records = []
        while batches := self._consumer.poll(timeout_ms=timeout_ms, max_records=5000):
            for batch in batches.values():
                self.records.extend(batch)
        return self.records

    def close(self) -> None:
        if self._consumer is not None:
            self._consumer.close()
            self._consumer = None


def _indexed(settings: Settings) -> list[dict]:
    es = settings.elasticsearch
    client = make_client(es)
    try:
        client.indices.refresh(index=es.alias)
        return list(helpers.scan(client, index=es.alias, query={"query": {"match_all": {}}},
                                 _source=["url", "title", "version", "entities", "enrichment.steps"]))
    finally:
        client.close()


def audit(settings: Settings, expected: dict[str, Item], *, poison: set[bytes], raw_records: list, dlq_records: list,
          steps: tuple[str, ...]) -> Report:
    """Compare the index and the dead-letter topic with what should be there."""
    docs = _indexed(settings)
    by_url: dict[str, list[dict]] = {}
    for doc in docs:
        by_url.setdefault(doc["_source"]["url"], []).append(doc["_source"])
    ids = {doc["_source"]["url"]: doc["_id"] for doc in docs}
    stale, unenriched = [], []
    for url, item in expected.items():
        if url in ids and ids[url] != article_id(link=url, feed_url="", guid=None):
            stale.append(f"{item.guid}: indexed as {ids[url]!r}, not under the id of its URL")
        for source in by_url.get(url, []):
            if source["title"] != item.title:
                stale.append(f"{item.guid}: indexed {source['title']!r}, served {item.title!r}")
            if not source.get("entities") or list(source["enrichment"]["steps"]) != list(steps):
                unenriched.append(item.guid)
    raw_copies = Counter((r.key, _version(r.value)) for r in raw_records if r.value)
    dlq_keys = Counter(r.key for r in dlq_records)
    return Report(
        expected=len(expected),
        found=sum(1 for url in expected if url in by_url),
        duplicated=sum(len(sources) - 1 for sources in by_url.values() if len(sources) > 1),
        missing=sorted(item.guid for url, item in expected.items() if url not in by_url),
        stale=stale,
        unenriched=unenriched,
        unexpected=sorted(url for url in by_url if url not in expected),
        dlq_expected=len(poison),
        dlq_found=len(dlq_keys),
        dlq_missing=sorted(k.decode(errors="replace") for k in poison - set(dlq_keys)),
        dlq_unexpected=sorted(k.decode(errors="replace") if k else "<no key>" for k in set(dlq_keys) - poison),
        dlq_repeated=sum(n - 1 for n in dlq_keys.values()),
        raw_reemitted=sum(n - 1 for n in raw_copies.values()),
    )


def _version(value: bytes) -> int | None:
    try:
        return json.loads(value).get("version")
    except (ValueError, AttributeError):
        return None


class ChaosRun:
    """One scenario: the feed server, the pipeline's processes, the actions taken and the audit."""

    def __init__(self, name: str, settings: Settings, feeds: ChaosFeeds, tmp_path: Path, *,
                 stage_env: dict[str, dict[str, str]] | None = None) -> None:
        self.name = name
        self.settings = settings
        self.feeds = feeds
        self.poison: set[bytes] = set()
        self.actions: list[str] = []
        self._started = time.monotonic()
        registry = tmp_path / "feeds.yaml"
        registry.write_text(feeds.registry_yaml())
        env = os.environ | as_env(settings) | {
            "NEWSFLOW_PRODUCER__FEEDS_FILE": str(registry),
            # Poll every feed about every second, so changes and recoveries show up within the test.
            "NEWSFLOW_PRODUCER__MIN_INTERVAL_S": "1", "NEWSFLOW_PRODUCER__MAX_INTERVAL_S": "2",
            "NEWSFLOW_PRODUCER__JITTER": "0", "NEWSFLOW_PRODUCER__TICK_S": "0.2",
            "NEWSFLOW_PRODUCER__TIMEOUT_S": "3", "NEWSFLOW_PRODUCER__READ_TIMEOUT_S": "2",
            # The articles are whole: no page fetches (tests stay on 127.0.0.1 and on time).
            "NEWSFLOW_PROCESSOR__EXTRACT__MIN_WORDS": "0",
            "NEWSFLOW_PROCESSOR__BATCH_SIZE": "16",
        }
        self.stages = {role: Stage(role, env | (stage_env or {}).get(role, {}), tmp_path) for role in ROLES}
        self._raw = TopicReader(settings, settings.kafka.topics.raw)
        self._dlq = TopicReader(settings, settings.kafka.topics.dlq)

    # -- actions -------------------------------------------------------------------------------------

    def did(self, action: str) -> None:
        line = f"t={time.monotonic() - self._started:5.1f}s {action}"
        self.actions.append(line)
        print(f"[chaos {self.name}] {line}", flush=True)

    def start(self, *roles: str) -> None:
        for role in roles or tuple(ROLES):
            self.stages[role].start()
            self.did(f"started {role} (pid {self.stages[role].proc.pid})")

    def kill(self, role: str) -> None:
        pid = self.stages[role].proc.pid
        self.stages[role].kill()
        self.did(f"SIGKILL {role} (pid {pid})")

    def restart(self, role: str) -> None:
        self.stages[role].start()
        self.did(f"restarted {role} (pid {self.stages[role].proc.pid}, incarnation {self.stages[role].incarnation})")

    def send_poison(self, topic: str, messages: dict[bytes, bytes | None]) -> None:
        from tests.support import send

        send(self.settings, topic, list(messages.items()))
        self.poison |= set(messages)
        self.did(f"injected {len(messages)} poison messages into {topic}: {', '.join(k.decode() for k in messages)}")

    # -- progress --------------------------------------------------------------------------------

    def raw_count(self, timeout_ms: int = 500) -> int:
        return len(self._raw.read(timeout_ms))

    def settled(self) -> bool:
        """The feeds have served everything published, the producer has emitted every served article
        and both groups have committed everything. (Without the first, an item published last and
        not fetched yet could be fetched and indexed during the audit, after its expectations.)"""
        if not self.feeds.everything_served() or not self._all_emitted():
            return False
        topics = self.settings.kafka.topics
        return (lag(self.settings, self.settings.processor.group_id, topics.raw) == 0
                and lag(self.settings, self.settings.sink.group_id, topics.enriched) == 0)

    def enriched_everything(self) -> bool:
        """The producer has emitted every served article and the processors have committed them all."""
        return self._all_emitted() and lag(self.settings, self.settings.processor.group_id, self.settings.kafka.topics.raw) == 0

    def _all_emitted(self) -> bool:
        titles: dict[str, set[str]] = {}
        for record in self._raw.read():
            if record.value and record.key not in self.poison:
                event = json.loads(record.value)
                titles.setdefault(event["url"], set()).add(event["title"])
        expected = self.feeds.expected()
        return bool(expected) and all(item.title in titles.get(url, ()) for url, item in expected.items())

    def wait_settled(self, timeout: float) -> None:
        for stage in self.stages.values():
            if stage.proc is not None:
                assert stage.alive(), f"{stage.role} exited on its own (code {stage.proc.returncode}):\n{stage.log_tail()}"
        wait_for(self.settled, timeout=timeout, what=f"the pipeline to settle ({self.name})", interval=1.0)
        self.did("settled: every served article emitted, every offset committed")

    # -- the verdict -------------------------------------------------------------------------------

    def audit(self) -> Report:
        report = audit(self.settings, self.feeds.expected(), poison=self.poison, raw_records=self._raw.read(),
                       dlq_records=self._dlq.read(), steps=tuple(self.settings.processor.steps))
        report.extra["kills"] = sum(1 for a in self.actions if "SIGKILL" in a)
        report.extra["feed_requests"] = self.feeds.requests
        lines = [f"[chaos {self.name}] did:", *(f"  {a}" for a in self.actions), f"[chaos {self.name}] found: {report.line()}"]
        if not report.ok:
            lines.append(f"[chaos {self.name}] problems: {report.problems()}")
        print("\n".join(lines), flush=True)
        SUMMARY.extend(lines)
        return report

    def assert_clean_exits(self) -> None:
        """SIGTERM every stage still running: each must exit 0 without a traceback."""
        for stage in self.stages.values():
            if stage.proc is None:
                continue
            code = stage.stop()
            assert code == 0, f"{stage.role} exit code {code}:\n{stage.log_tail()}"
            assert "Traceback" not in stage.log_text(), f"{stage.role} logged a traceback:\n{stage.log_tail()}"

    def close_readers(self) -> None:
        """Before the broker is stopped: the test process holds no Kafka client through the outage."""
        self._raw.close()
        self._dlq.close()

    def close(self) -> None:
        for stage in self.stages.values():
            if stage.alive():
                stage.proc.kill()
                stage.proc.wait(timeout=30)
            if stage._log is not None and not stage._log.closed:
                stage._log.close()  # a failed scenario's logs too, or the next test fails on the leak
        self.close_readers()



class Publisher:
    """Keeps the feeds publishing while chaos happens: item `n` on every feed each `every_s`
    seconds, and every `update_every`-th step a new revision of an earlier item."""

    def __init__(self, run: ChaosRun, numbers: range, *, every_s: float = 1.0, update_every: int = 4) -> None:
        import threading

        self._run, self._numbers, self._every_s, self._update_every = run, numbers, every_s, update_every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="chaos-publisher", daemon=True)

    def __enter__(self) -> Publisher:
        self._run.did(f"publishing items {self._numbers.start}..{self._numbers.stop - 1} on every feed, one per {self._every_s}s")
        self._thread.start()
        return self

    def _loop(self) -> None:
        for step, n in enumerate(self._numbers, start=1):
            if self._stop.wait(self._every_s):
                return
            self._run.feeds.publish(range(n, n + 1))
            if step % self._update_every == 0:
                self._run.feeds.update(range(n - self._update_every, n - self._update_every + 1))

    def done(self) -> bool:
        return not self._thread.is_alive()

    def __exit__(self, *exc: object) -> None:
        self._thread.join(timeout=len(self._numbers) * self._every_s + 5)
        self._stop.set()
        self._run.did("publisher finished")
