"""Security settings reach the client constructors; secrets never reach output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsflow.errors import ConfigError
from newsflow.index.indices import make_client
from newsflow.runtime.kafka import client_config
from newsflow.settings import ElasticsearchSettings, KafkaSettings, load_settings, render_settings


def test_kafka_sasl_scram_over_tls_reaches_the_client_config():
    kafka = KafkaSettings(
        bootstrap_servers="b1:9093,b2:9093", security_protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-512",
        sasl_username="svc", sasl_password="s3cret", ssl_cafile=Path("/etc/ca.pem"),
        ssl_certfile=Path("/etc/client.pem"), ssl_keyfile=Path("/etc/client.key"), ssl_password="keypass",
    )
    config = client_config(kafka)
    assert config["bootstrap_servers"] == ["b1:9093", "b2:9093"]
    assert (config["security_protocol"], config["sasl_mechanism"]) == ("SASL_SSL", "SCRAM-SHA-512")
    assert (config["sasl_plain_username"], config["sasl_plain_password"]) == ("svc", "s3cret")
    assert (config["ssl_cafile"], config["ssl_certfile"], config["ssl_keyfile"]) == ("/etc/ca.pem", "/etc/client.pem", "/etc/client.key")
    assert config["ssl_password"] == "keypass" and config["ssl_check_hostname"] is True


def test_plaintext_kafka_gets_no_tls_options():
    assert not any(k.startswith("ssl_") for k in client_config(KafkaSettings()))


def test_unknown_kafka_mechanisms_are_refused_by_name():
    from newsflow.errors import ConfigError

    os.environ["NEWSFLOW_KAFKA__SASL_MECHANISM"] = "GSSAPI"
    try:
        with pytest.raises(ConfigError, match="kafka.sasl_mechanism"):
            load_settings()
    finally:
        del os.environ["NEWSFLOW_KAFKA__SASL_MECHANISM"]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (ElasticsearchSettings(url="https://es:9200", api_key="k3y"), {"authorization": "ApiKey k3y"}),
        (ElasticsearchSettings(url="https://es:9200", username="elastic", password="pw"), {"authorization": "Basic ZWxhc3RpYzpwdw=="}),
    ],
)
def test_elasticsearch_auth_reaches_the_client(settings, expected):
    client = make_client(settings)
    try:
        headers = dict(client._headers)
        assert {k: headers[k] for k in expected} == expected
    finally:
        client.close()


FINGERPRINT = "a" * 64


def test_elasticsearch_tls_options_reach_the_node_config():
    settings = ElasticsearchSettings(url="https://es:9200", ssl_assert_fingerprint=FINGERPRINT, verify_certs=False)
    client = make_client(settings)
    try:
        node = client.transport.node_pool.all()[0]
        assert node.config.ssl_assert_fingerprint == FINGERPRINT
        assert node.config.verify_certs is False
    finally:
        client.close()


def test_config_show_masks_every_secret():
    env = os.environ | {
        "NEWSFLOW_ELASTICSEARCH__PASSWORD": "es-pass-1", "NEWSFLOW_ELASTICSEARCH__API_KEY": "es-key-2",
        "NEWSFLOW_KAFKA__SASL_PASSWORD": "kafka-pass-3", "NEWSFLOW_KAFKA__SSL_PASSWORD": "kafka-key-4",
        "NEWSFLOW_KIBANA__PASSWORD": "kibana-pass-5", "NEWSFLOW_KIBANA__URL": "https://admin:kibana-url-6@kb:5601",
    }
    result = subprocess.run([sys.executable, "-m", "newsflow", "config", "show"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    for secret in ("es-pass-1", "es-key-2", "kafka-pass-3", "kafka-key-4", "kibana-pass-5", "kibana-url-6"):
        assert secret not in result.stdout + result.stderr
    assert "url: https://***@kb:5601" in result.stdout
    assert result.stdout.count("'**********'") == 5


    assert "p@ss" not in render_settings(load_settings(elasticsearch={"url": "https://u:p@ss@es:9200"}))


def test_secrets_stay_out_of_debug_logs_of_a_retrying_worker(tmp_path):
    """Even at DEBUG, with the clients' own logging on, no secret (plain or base64) is logged."""
    import base64
    import signal
    import time

    env = os.environ | {
        "NEWSFLOW_KAFKA__BOOTSTRAP_SERVERS": "127.0.0.1:1", "NEWSFLOW_KAFKA__BOOTSTRAP_TIMEOUT_MS": "500",
        "NEWSFLOW_KAFKA__SECURITY_PROTOCOL": "SASL_PLAINTEXT", "NEWSFLOW_KAFKA__SASL_MECHANISM": "SCRAM-SHA-256",
        "NEWSFLOW_KAFKA__SASL_USERNAME": "svc", "NEWSFLOW_KAFKA__SASL_PASSWORD": "kafka-pass-7",
        "NEWSFLOW_ELASTICSEARCH__USERNAME": "elastic", "NEWSFLOW_ELASTICSEARCH__PASSWORD": "es-pass-8",
        "NEWSFLOW_ELASTICSEARCH__URL": "http://127.0.0.1:1", "NEWSFLOW_METRICS_PORT": "0",
    }
    log_path = tmp_path / "sink.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "newsflow", "--log-level", "DEBUG", "sink"], env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while "retrying in" not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    output = log_path.read_text()
    assert "retrying in" in output and "DEBUG" in output
    for secret in ("kafka-pass-7", "es-pass-8", base64.b64encode(b"elastic:es-pass-8").decode()):
        assert secret not in output


def test_config_show_masks_every_url_and_its_secret_query_values():
    """`newsflow config show` printed websub_callback_url with its user, password and token (issue 16, item 6)."""
    settings = load_settings(producer={"websub_callback_url": "https://hub:pw-1@push.example/cb?token=tk-2&feed=world"})
    shown = render_settings(settings)
    assert "pw-1" not in shown and "tk-2" not in shown
    assert "https://***@push.example/cb?token=***&feed=world" in shown


# -- secrets from files (issue 16) ---------------------------------------------------------------


def test_a_setting_can_be_read_from_a_file(tmp_path, monkeypatch) -> None:
    secret = tmp_path / "es_password"
    secret.write_text("s3cret-from-file\n", encoding="utf-8")
    monkeypatch.setenv("NEWSFLOW_ELASTICSEARCH__PASSWORD_FILE", str(secret))
    monkeypatch.setenv("NEWSFLOW_KAFKA__SASL_PASSWORD_FILE", str(secret))
    settings = load_settings()
    assert settings.elasticsearch.password.get_secret_value() == "s3cret-from-file"
    assert settings.kafka.sasl_password.get_secret_value() == "s3cret-from-file"


def test_api_keys_from_a_file_one_hash_per_line(tmp_path, monkeypatch) -> None:
    hashes = [f"sha256:{'a' * 64}", f"sha256:{'b' * 64}"]
    keys = tmp_path / "api_keys"
    keys.write_text("\n".join(hashes) + "\n", encoding="utf-8")
    monkeypatch.setenv("NEWSFLOW_API__KEYS_FILE", str(keys))
    assert load_settings().api.keys == hashes


def test_a_setting_named_file_is_not_an_indirection(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NEWSFLOW_PRODUCER__FEEDS_FILE", str(tmp_path / "feeds.yaml"))
    assert load_settings().producer.feeds_file == tmp_path / "feeds.yaml"


def test_a_missing_secret_file_is_a_clear_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NEWSFLOW_ELASTICSEARCH__PASSWORD_FILE", str(tmp_path / "absent"))
    with pytest.raises(ConfigError, match="NEWSFLOW_ELASTICSEARCH__PASSWORD_FILE: cannot read"):
        load_settings()


def test_a_value_and_its_file_together_are_refused(tmp_path, monkeypatch) -> None:
    secret = tmp_path / "p"
    secret.write_text("x", encoding="utf-8")
    monkeypatch.setenv("NEWSFLOW_ELASTICSEARCH__PASSWORD", "y")
    monkeypatch.setenv("NEWSFLOW_ELASTICSEARCH__PASSWORD_FILE", str(secret))
    with pytest.raises(ConfigError, match="both set"):
        load_settings()


@pytest.mark.parametrize("url", ["htp//elastic:S3CRET@es", "http://elastic:S3CRET@127.0.0.1:notaport",
                                 "ftp://elastic:S3CRET@es:21", "", "http://ok:9200,https://elastic:S3CRET@:9200"])
def test_an_invalid_elasticsearch_url_is_one_line_without_its_password(url: str) -> None:
    """Before: a Python traceback from the client, quoting the URL with its password (issue 16)."""
    result = subprocess.run([sys.executable, "-m", "newsflow", "search", "x"], capture_output=True, text=True,
                            env={**os.environ, "NEWSFLOW_ELASTICSEARCH__URL": url}, timeout=60)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "S3CRET" not in result.stderr + result.stdout
    assert "elasticsearch.url" in result.stderr


def test_a_config_file_read_from_newsflow_config(tmp_path, monkeypatch) -> None:
    config = tmp_path / "newsflow.yaml"
    config.write_text("processor:\n  batch_size: 8\n", encoding="utf-8")
    monkeypatch.setenv("NEWSFLOW_CONFIG", str(config))
    assert load_settings().processor.batch_size == 8


@pytest.mark.parametrize(("content", "message"), [
    (None, r"absent\.yaml: no such file"),
    ("folder", r"folder: cannot be read"),
    (b"kafka: {bootstrap_servers: 'caf\xe9'}\n", r"bad\.yaml: not UTF-8 text"),
    ("kafka: [1, 2\n", r"bad\.yaml: not valid YAML: .* \(line 2, column 1\)"),
    ("- kafka\n- elasticsearch\n", r"bad\.yaml: expected a mapping of settings .*, got a list"),
    ("kafka: " + "[" * 50_000 + "]" * 50_000 + "\n", r"bad\.yaml: nests lists or mappings too deeply"),
])
def test_a_config_file_that_cannot_be_used_is_an_error_naming_it(tmp_path, monkeypatch, content, message) -> None:
    """Never the defaults in silence (pydantic-settings skips a missing YAML file), never a traceback."""
    path = tmp_path / ("absent.yaml" if content is None else "folder" if content == "folder" else "bad.yaml")
    if content == "folder":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    monkeypatch.setenv("NEWSFLOW_CONFIG", str(path))
    with pytest.raises(ConfigError, match=f"config file .*{message}"):
        load_settings()
