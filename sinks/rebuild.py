"""Zero-downtime rebuild: a new index version filled from the compacted `news.enriched` topic.

1. Create `<prefix><n+1>` from the current template (mappings may have changed), with refresh
   off while it fills.
2. Replay `news.enriched` from the beginning up to the end offsets taken at the start.
3. Refresh, then move the read and the write alias to the new index in one atomic
   `_aliases` call: searches see the old index until that instant and the new one after it.
4. Replay again from the first end offsets to the current ones: what the live sink wrote to the
   old index meanwhile. External versions make every replayed write idempotent.

The old index is kept (for a rollback) unless asked otherwise.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from elasticsearch import ApiError, Elasticsearch
from kafka import KafkaConsumer, TopicPartition

from newsflow.errors import NewsflowError
from newsflow.index.indices import TRANSIENT_ERRORS, make_client, put_template, refusal_reason, unavailable
from newsflow.runtime.kafka import client_config
from newsflow.settings import ElasticsearchSettings, Settings
from sinks.articles import ArticleSink

__all__ = ["RebuildReport", "add_rebuild_arguments", "rebuild_index", "run_rebuild_command"]

log = logging.getLogger(__name__)

Offsets = dict[TopicPartition, int]


@dataclass(frozen=True)
class RebuildReport:
    old_index: str
    new_index: str
    replayed: int
    caught_up: int
    skipped: int
    seconds: float


def current_index(client: Elasticsearch, settings: ElasticsearchSettings) -> str:
    """The one index the read alias points to."""
    indices = list(client.indices.get_alias(name=settings.alias))
    if len(indices) != 1:
        raise NewsflowError(f"alias {settings.alias!r} points to {len(indices)} indices ({', '.join(indices)}); expected one")
    return indices[0]


def next_index_name(current: str, prefix: str) -> str:
    suffix = current.removeprefix(prefix)
    if current == suffix or not suffix.isdigit():
        raise NewsflowError(f"index {current!r} is not named {prefix}<version>; cannot number the next one")
    return f"{prefix}{int(suffix) + 1}"


class _Replayer:
    """Reads a range of `news.enriched` (no consumer group: it commits nothing) into one index."""

    def __init__(self, settings: Settings, client: Elasticsearch, index: str) -> None:
        self._topic = settings.kafka.topics.enriched
        self._consumer = KafkaConsumer(**client_config(settings.kafka), group_id=None, enable_auto_commit=False)
        partitions = sorted(self._consumer.partitions_for_topic(self._topic) or [])
        self._partitions = [TopicPartition(self._topic, p) for p in partitions]
        if not self._partitions:
            raise NewsflowError(f"topic {self._topic} does not exist: run `newsflow setup`")
        self._consumer.assign(self._partitions)
        self._sink = ArticleSink(client=client, alias=index, url=settings.elasticsearch.url, require_alias=False)
        self._batch = settings.sink.batch_size
        self.skipped = 0

    def end_offsets(self) -> Offsets:
        return self._consumer.end_offsets(self._partitions)

    def beginning_offsets(self) -> Offsets:
        return self._consumer.beginning_offsets(self._partitions)

    def replay(self, start: Offsets, stop: Offsets) -> int:
        """Index every record in [start, stop) per partition; returns how many were read."""
        pending = {tp for tp in self._partitions if start[tp] < stop[tp]}
        for tp in self._partitions:
            self._consumer.seek(tp, start[tp])
        read = 0
        while pending:
            batches = self._consumer.poll(timeout_ms=1000, max_records=self._batch)
            records = [r for tp, rs in batches.items() for r in rs if r.offset < stop[tp]]
            read += len(records)
            self._write(records)
            pending = {tp for tp in pending if self._consumer.position(tp) < stop[tp]}
        return read

    def _write(self, records) -> None:
        if not records:
            return
        writes, rejected = self._sink.prepare(records)
        rejected += self._sink.deliver(writes)
        # The live sink dead-lettered these when they first came; do not send them twice.
        self.skipped += len(rejected)

    def close(self) -> None:
        self._consumer.close()


def _swap_aliases(client: Elasticsearch, settings: ElasticsearchSettings, old: str, new: str) -> None:
    client.indices.update_aliases(actions=[
        {"remove": {"index": old, "alias": settings.alias}},
        {"remove": {"index": old, "alias": settings.write_alias}},
        {"add": {"index": new, "alias": settings.alias}},
        {"add": {"index": new, "alias": settings.write_alias, "is_write_index": True}},
    ])


def rebuild_index(settings: Settings, *, delete_old: bool = False, say: Callable[[str], None] = print) -> RebuildReport:
    es = settings.elasticsearch
    started = time.monotonic()
    client = make_client(es)
    try:
        old = current_index(client, es)
        new = next_index_name(old, es.index_prefix)
        put_template(client, es)
        # Refresh off while filling: nobody reads the new index before the swap.
        client.indices.create(index=new, settings={"index": {"refresh_interval": "-1"}})
        say(f"rebuild: created {new} (current {old}); replaying {settings.kafka.topics.enriched}")
        replayer = _Replayer(settings, client, new)
        try:
            first_end = replayer.end_offsets()
            replayed = replayer.replay(replayer.beginning_offsets(), first_end)
            client.indices.put_settings(index=new, settings={"index": {"refresh_interval": "1s"}})
            client.indices.refresh(index=new)
            say(f"rebuild: {replayed} records replayed into {new}; swapping aliases")
            _swap_aliases(client, es, old, new)
            say(f"rebuild: aliases {es.alias} and {es.write_alias} now on {new}; catching up")
            caught_up = replayer.replay(first_end, replayer.end_offsets())
        finally:
            replayer.close()
        if delete_old:
            client.indices.delete(index=old)
        report = RebuildReport(old, new, replayed, caught_up, replayer.skipped, time.monotonic() - started)
        say(f"rebuild: done old={old} new={new} replayed={replayed} caught_up={caught_up} "
            f"skipped={replayer.skipped} seconds={report.seconds:.1f}" + ("" if delete_old else f"; {old} kept for rollback"))
        return report
    except TRANSIENT_ERRORS as exc:
        raise unavailable(es, exc) from None
    except ApiError as exc:
        raise _refused(es, exc) from None
    finally:
        client.close()


def _refused(es: ElasticsearchSettings, exc: ApiError) -> NewsflowError:
    """An answer Elasticsearch refused, as one line: a missing alias means no `newsflow setup` yet."""
    if exc.meta.status == 404 and "alias" in str(exc.message).lower():
        return NewsflowError(f"index alias {es.alias!r} does not exist: run `newsflow setup` first")
    return NewsflowError(f"Elasticsearch refused the rebuild ({exc.meta.status}): {refusal_reason(exc)[:300]}")


def add_rebuild_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["rebuild"], help="rebuild: new index version from the replayed topic")
    parser.add_argument("--delete-old", action="store_true", help="delete the previous index version after the swap")


def run_rebuild_command(settings: Settings, args: argparse.Namespace) -> int:
    rebuild_index(settings, delete_old=args.delete_old)
    return 0
