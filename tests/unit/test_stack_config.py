"""The local stack's configuration files: pins, rendering, and what the servers are told."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from newsflow.settings import REPO_ROOT, Settings, StackSettings
from newsflow.stack import elasticsearch, kafka

DEPLOY = REPO_ROOT / "deploy" / "local"
POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


def _pom() -> ET.Element:
    return ET.parse(DEPLOY / "kafka-pom.xml").getroot()


def _properties(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def test_kafka_pom_pins_the_version_of_the_settings():
    # `stack up` passes -Dkafka.version from the settings; the pom's default must agree so that
    # running mvn on it by hand resolves the same broker.
    assert _pom().find("m:properties/m:kafka.version", POM_NS).text == StackSettings().kafka_version


def test_kafka_pom_brings_slf4j_2_for_the_log4j2_provider():
    deps = {
        d.find("m:artifactId", POM_NS).text: d.find("m:version", POM_NS).text
        for d in _pom().findall("m:dependencies/m:dependency", POM_NS)
    }
    assert "slf4j-api" in deps and "log4j-slf4j2-impl" in deps
    slf4j = _pom().find("m:properties/m:slf4j.version", POM_NS).text
    assert slf4j.startswith("2.")


def test_server_properties_describe_one_loopback_kraft_node(tmp_path: Path):
    text = kafka.render_server_properties(
        kafka.SERVER_TEMPLATE.read_text(), port=19092, controller_port=19093, data_dir=tmp_path / "data"
    )
    props = _properties(text)
    assert props["process.roles"] == "broker,controller"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:19093"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert props["log.dirs"] == str(tmp_path / "data")
    assert props["auto.create.topics.enable"] == "false"
    assert props["group.initial.rebalance.delay.ms"] == "0"
    for key in ("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "share.coordinator.state.topic.replication.factor"):
        assert props[key] == "1"
    assert "$" not in text


def test_kafka_log4j2_config_writes_under_the_logs_dir_it_is_given():
    text = (DEPLOY / "kafka-log4j2.properties").read_text()
    assert "${sys:kafka.logs.dir}/server.log" in text


def test_elasticsearch_yml_is_valid_yaml_with_awkward_paths(tmp_path: Path):
    odd = tmp_path / 'a dir: with "quotes" # and a hash'
    text = elasticsearch.render_elasticsearch_yml(
        elasticsearch.CONFIG_TEMPLATE.read_text(),
        http_port=19200, transport_port=19300, data_dir=odd / "data", logs_dir=odd / "logs",
    )
    config = yaml.safe_load(text)
    assert config["http.port"] == 19200
    assert config["transport.port"] == 19300
    assert config["network.host"] == "127.0.0.1"
    assert config["discovery.type"] == "single-node"
    assert config["path.data"] == str(odd / "data")
    assert config["path.logs"] == str(odd / "logs")
    # The integ-test-zip ships x-pack-security, enabled by default with TLS and a random password.
    assert config["xpack.security.enabled"] is False


def test_elasticsearch_yml_sets_no_unknown_xpack_keys():
    # Only security exists in the minimal distribution; any other xpack.* key stops it at start.
    keys = re.findall(r"^(xpack\.[\w.]+):", elasticsearch.CONFIG_TEMPLATE.read_text(), flags=re.M)
    assert keys == ["xpack.security.enabled"]


JVM_OPTIONS = """\
-XX:+UseG1GC
-XX:+HeapDumpOnOutOfMemoryError
-XX:ErrorFile=hs_err_pid%p.log
-Xlog:gc*,gc+age=trace,safepoint:file=gc.log:utctime,level,pid,tags:filecount=32,filesize=64m
"""


def test_jvm_options_write_gc_logs_and_crash_files_to_our_logs(tmp_path: Path):
    text = elasticsearch.localize_jvm_options(JVM_OPTIONS, tmp_path)
    assert f"-XX:ErrorFile={tmp_path}/hs_err_pid%p.log" in text
    assert f":file={tmp_path}/gc.log:utctime" in text
    assert f"-XX:HeapDumpPath={tmp_path}" in text
    assert "-XX:+UseG1GC" in text


def test_jvm_options_drop_optional_modules_the_runtime_lacks(tmp_path: Path):
    options = "20-:--add-modules=jdk.incubator.vector\n--add-modules=jdk.net\n"
    lean = elasticsearch.localize_jvm_options(options, tmp_path, frozenset({"java.base", "jdk.net"}))
    assert "\n20-:--add-modules=jdk.incubator.vector" not in "\n" + lean
    assert "# 20-:--add-modules=jdk.incubator.vector" in lean
    assert "\n--add-modules=jdk.net\n" in lean
    full = elasticsearch.localize_jvm_options(options, tmp_path, frozenset({"jdk.incubator.vector", "jdk.net"}))
    assert full.startswith(options)


def test_jvm_options_leave_absolute_paths_alone(tmp_path: Path):
    absolute = "-XX:ErrorFile=/var/log/es/hs_err.log\n-Xlog:gc:file=/var/log/es/gc.log\n"
    text = elasticsearch.localize_jvm_options(absolute, tmp_path)
    assert text.startswith(absolute)


@pytest.fixture
def no_server_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("NEWSFLOW_KAFKA__BOOTSTRAP_SERVERS", "NEWSFLOW_ELASTICSEARCH__URL", "NEWSFLOW_CONFIG"):
        monkeypatch.delenv(var, raising=False)


def test_default_servers_are_ours_to_run(no_server_env, tmp_path: Path):
    settings = Settings(stack={"home": tmp_path})
    k, e = kafka.KafkaService(settings), elasticsearch.ElasticsearchService(settings)
    assert not k.configured and not e.configured
    assert (k.address, k.port, k.controller_port) == ("127.0.0.1:9092", 9092, 9093)
    assert (e.address, e.port, e.transport_port) == ("http://127.0.0.1:9200", 9200, 9300)
    assert k.pid_file.is_relative_to(tmp_path) and e.log_file.is_relative_to(e.server_home)
    # (pytest's tmp_path sits under a 0700 directory: as root, Elasticsearch's files move out of it)
    assert e.server_home == elasticsearch.server_home(tmp_path.resolve(), as_root=os.geteuid() == 0)


def test_a_configured_address_is_external_even_when_it_equals_the_default(no_server_env, monkeypatch):
    monkeypatch.setenv("NEWSFLOW_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    monkeypatch.setenv("NEWSFLOW_ELASTICSEARCH__URL", "http://127.0.0.1:9200")
    settings = Settings()
    assert kafka.KafkaService(settings).configured
    assert elasticsearch.ElasticsearchService(settings).configured


def test_configured_kafka_is_addressed_as_given(no_server_env):
    settings = Settings(kafka={"bootstrap_servers": "k1.example:29092,k2.example:29092"})
    service = kafka.KafkaService(settings)
    assert service.address == "k1.example:29092,k2.example:29092"
    assert service.port == 29092
