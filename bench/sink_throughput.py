"""Sink throughput: documents/s the sink indexes from Kafka, against `helpers.bulk` of the same
documents into the same (fresh) index in the same run.

    .venv/bin/python -m bench.sink_throughput [--docs 20000]

The baseline is the floor of what any Python indexer of these documents can do: the same
bulk helper, no Kafka, no decoding, no commits. The ratio is what our delivery guarantees
(consume, decode, version, acknowledge, commit) cost on top.
"""

from __future__ import annotations

import argparse
import threading
import time
from datetime import UTC, datetime

from elasticsearch import helpers

from bench.common import bench_settings, machine, remove
from newsflow.elastic import make_client
from newsflow.schema import encode
from newsflow.stages import run_sink
from newsflow.worker import StopFlag
from sinks.elasticsearch import to_document
from tests.support import lag, sample_articles, send


def baseline_bulk(settings, articles) -> float:
    es = settings.elasticsearch
    client = make_client(es)
    now = datetime.now(UTC)
    actions = [{"_index": es.write_alias, "_id": a.id, "_source": to_document(a, indexed_at=now)} for a in articles]
    started = time.perf_counter()
    helpers.bulk(client, actions, chunk_size=settings.sink.batch_size)
    elapsed = time.perf_counter() - started
    client.indices.refresh(index=es.alias)
    assert client.count(index=es.alias)["count"] == len(articles)
    client.close()
    return len(articles) / elapsed


def reset_index(settings) -> None:
    es = settings.elasticsearch
    client = make_client(es)
    client.indices.delete(index=es.index_name)
    client.indices.create(index=es.index_name, aliases={es.alias: {}, es.write_alias: {"is_write_index": True}})
    client.close()


def sink_from_kafka(settings, articles) -> float:
    send(settings, settings.kafka.topics.enriched, [(a.id.encode(), encode(a)) for a in articles])
    stop = StopFlag()
    thread = threading.Thread(target=run_sink, args=(settings,), kwargs={"stop": stop}, daemon=True)
    started = time.perf_counter()
    thread.start()
    while lag(settings, settings.sink.group_id, settings.kafka.topics.enriched) != 0:
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    stop.set()
    thread.join()
    client = make_client(settings.elasticsearch)
    client.indices.refresh(index=settings.elasticsearch.alias)
    assert client.count(index=settings.elasticsearch.alias)["count"] == len(articles)
    client.close()
    return len(articles) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20_000)
    args = parser.parse_args()
    settings = bench_settings("sink")
    try:
        articles = [a.model_copy(update={"id": f"b{i:07d}"}) for i, a in enumerate(sample_articles(args.docs))]
        base = baseline_bulk(settings, articles)
        reset_index(settings)
        ours = sink_from_kafka(settings, articles)
    finally:
        remove(settings)
    print(f"machine: {machine()}")
    print(f"documents: {args.docs}")
    print(f"helpers.bulk (baseline): {base:,.0f} docs/s")
    print(f"newsflow sink from Kafka: {ours:,.0f} docs/s (includes consumer start-up and group join)")
    print(f"ratio: {ours / base:.2f} (goal >= 0.8)")


if __name__ == "__main__":
    main()
