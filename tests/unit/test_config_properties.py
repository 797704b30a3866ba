"""Property tier for the YAML files people write: the feeds registry (producers/registry.py) and
the config file (newsflow/settings). Whatever document they hold: feeds or settings, or a
one-line `ConfigError`, never another exception; and a registry that loads is written back
(`save_registry`) to the same feeds."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsflow.errors import ConfigError
from newsflow.settings import load_settings
from producers.registry import load_registry, read_registry, save_registry

PROPERTIES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.sampled_from([
    "https://news.example/rss", "http://[::1", "~no-such-user-newsflow/feed.xml", "feed.xml", "file:///etc/passwd",
    "HTTP://NEWS.EXAMPLE/x", "https://u:p@news.example/?token=1", "http://127.0.0.1:9200,http://[::1", "127.0.0.1:9092,",
    "ftp://news.example/", "1e400", "-1", "DEBUG",
])


def documents(keys: list[str]) -> st.SearchStrategy:
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.sampled_from(keys) | st.text(max_size=5), inner, max_size=4), max_leaves=12)
    return st.dictionaries(st.sampled_from(keys), values, max_size=4)


REGISTRY_KEYS = ["feeds", "owner", "url", "name", "tags", "language", "enabled", "min_interval_s", "max_interval_s"]
CONFIG_KEYS = ["kafka", "elasticsearch", "processor", "producer", "sink", "api", "kibana", "security", "url",
               "bootstrap_servers", "topics", "batch_size", "steps", "keys", "log_level", "stories", "duplicates",
               "replication_factor", "min_insync_replicas", "password", "username", "feeds_file", "window_hours"]


@PROPERTIES
@example({"feeds": [{"url": "0\n0"}, {"url": "0\n0"}]})  # a value with a line break, quoted in the error
@given(documents(REGISTRY_KEYS) | st.builds(lambda feeds: {"feeds": feeds}, st.lists(scalars | documents(REGISTRY_KEYS), max_size=4)))
def test_any_registry_loads_feeds_or_is_one_config_error_and_saves_back_the_same(document):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feeds.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        try:
            load_registry(path)
        except ConfigError as exc:
            assert "\n" not in str(exc), str(exc)
            return
        written = read_registry(path)
        save_registry(path, written)
        assert read_registry(path) == written


@PROPERTIES
@example({"kafka": {"\n": 0}})  # a key with a line break, named in the error
@given(documents(CONFIG_KEYS))
def test_any_config_file_gives_settings_or_one_config_error(document):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "newsflow.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        before = os.environ.get("NEWSFLOW_CONFIG")
        os.environ["NEWSFLOW_CONFIG"] = str(path)
        try:
            load_settings()
        except ConfigError as exc:
            assert "\n" not in str(exc), str(exc)
        finally:
            if before is None:
                del os.environ["NEWSFLOW_CONFIG"]
            else:
                os.environ["NEWSFLOW_CONFIG"] = before
