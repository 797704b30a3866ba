"""What the benchmarks share: isolated names on the running stack, the machine, clean-up."""

from __future__ import annotations

import os
import platform
import uuid

from newsflow.elastic import make_client
from newsflow.kafka import make_admin
from newsflow.settings import Settings, load_settings
from newsflow.stages import run_setup
from tests.support import isolated


def machine() -> str:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB, Python {platform.python_version()}"


def bench_settings(label: str) -> Settings:
    settings = isolated(load_settings(), f"bench-{label}-{uuid.uuid4().hex[:4]}")
    run_setup(settings)
    return settings


def remove(settings: Settings, *extra_indices: str) -> None:
    t = settings.kafka.topics
    admin = make_admin(settings.kafka)
    try:
        admin.delete_topics([t.raw, t.enriched, t.dlq, t.feed_state, t.feed_health])
    finally:
        admin.close()
    client = make_client(settings.elasticsearch)
    try:
        for index in (settings.elasticsearch.index_name, *extra_indices):
            client.indices.delete(index=index, ignore_unavailable=True)
        client.indices.delete_index_template(name=settings.elasticsearch.template_name)
    finally:
        client.close()
