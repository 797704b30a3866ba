"""The `newsflow` command. Thin: parse arguments, load settings, call newsflow.app.wiring."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from newsflow.errors import NewsflowError
from newsflow.runtime.logs import configure_logging
from newsflow.runtime.worker import StopFlag, install_stop_signals
from newsflow.settings import Settings, load_settings

__all__ = ["main"]

log = logging.getLogger("newsflow")

DESCRIPTION = """\
newsflow: news feeds -> Kafka -> spaCy entities -> Elasticsearch.

Settings come from NEWSFLOW_* environment variables (nested with a double underscore, e.g.
NEWSFLOW_KAFKA__BOOTSTRAP_SERVERS=host:9092, NEWSFLOW_ELASTICSEARCH__URL=http://host:9200)
and an optional YAML file (--config or NEWSFLOW_CONFIG). Configuring a Kafka or Elasticsearch
address means "use that one": `stack up` and `run` then start no local server for it.
"""


def _stack(settings: Settings, args: argparse.Namespace) -> int:
    from newsflow import stack

    cluster = args.cluster
    names = stack.service_names(settings, cluster=cluster)
    unknown = set(args.services) - set(names)
    if unknown:
        raise NewsflowError(f"unknown service {', '.join(sorted(unknown))}: choose {', '.join(names)}")
    if args.action == "up":
        statuses = stack.up(settings, cluster=cluster)
    elif args.action == "down":
        statuses = stack.down(settings, only=args.services, cluster=cluster)
    else:
        statuses = stack.status(settings, cluster=cluster)
    for s in statuses:
        pid = f" pid={s.pid}" if s.pid else ""
        print(f"{s.name:<16} {s.state:<12} {s.address}{pid} {s.detail}".rstrip())
    if cluster and args.action == "up":
        from newsflow.stack.cluster import bootstrap_servers, elasticsearch_urls

        print("use it with:")
        print(f"  NEWSFLOW_KAFKA__BOOTSTRAP_SERVERS={bootstrap_servers(settings)}")
        print(f"  NEWSFLOW_ELASTICSEARCH__URL={elasticsearch_urls(settings)}")
    return 0


def _security(settings: Settings, args: argparse.Namespace) -> int:
    from newsflow.index.indices import make_client
    from newsflow.index.security import ensure_security, roles_yaml

    if args.action == "roles":
        print(roles_yaml(settings.elasticsearch), end="")
        return 0
    client = make_client(settings.elasticsearch)
    try:
        for line in ensure_security(client, settings.elasticsearch, settings.security):
            print(line)
    finally:
        client.close()
    return 0


def _setup(settings: Settings, args: argparse.Namespace) -> int:
    from newsflow.app.wiring import run_setup

    for line in run_setup(settings):
        print(line)
    print(_replication_report(settings))
    return 0


def _replication_report(settings: Settings) -> str:
    """The copies the topics and indices that setup creates get (resolved on the cluster)."""
    from newsflow.index.indices import make_client, with_replicas
    from newsflow.runtime.kafka import make_admin, replication

    admin = make_admin(settings.kafka)
    try:
        repl = replication(settings.kafka, len(admin.describe_cluster().get("brokers", [])) or None)
    finally:
        admin.close()
    client = make_client(settings.elasticsearch)
    try:
        replicas = with_replicas(client, settings.elasticsearch).replicas
    finally:
        client.close()
    return f"replication: topics {repl}; indices {replicas} replica{'s' if replicas != 1 else ''} per shard"


def _registry_path(settings: Settings, args: argparse.Namespace) -> Path | None:
    """The feeds file the producer polls (and follows), None for feeds given with --feed."""
    if args.feed:
        return None
    return Path(args.feeds) if args.feeds else settings.producer.feeds_file


def _feeds(registry: Path | None, args: argparse.Namespace):
    from producers.base import FeedSpec
    from producers.registry import check_feed_url, load_registry

    if registry is not None:
        return load_registry(registry)
    # Checked as `feeds add` checks them: a typo is an error now, not a feed failing at every poll.
    return [FeedSpec(url=check_feed_url(u, base=Path.cwd())) for u in args.feed]


def _produce(settings: Settings, args: argparse.Namespace) -> int:
    from newsflow.app.wiring import run_produce

    registry = _registry_path(settings, args)
    return run_produce(settings, feeds=_feeds(registry, args), once=args.once, stop=_stop_on_signals(),
                       registry=registry)


def _process(settings: Settings, args: argparse.Namespace) -> int:
    workers = args.workers or settings.processor.workers
    if workers == 1:
        from newsflow.app.wiring import run_process

        return run_process(settings, stop=_stop_on_signals(), worker_index=args.worker_index)
    from newsflow.runtime.supervisor import supervise_commands

    return supervise_commands(_worker_commands(settings, args, workers), _stop_on_signals())


def _worker_commands(settings: Settings, args: argparse.Namespace, workers: int):
    """N `newsflow process` children: one consumer group, each loading its own models."""
    from newsflow.runtime.supervisor import Command

    base = [sys.executable, "-m", "newsflow"]
    if args.log_level:
        base += ["--log-level", args.log_level]
    if args.log_format:
        base += ["--log-format", args.log_format]
    commands = []
    for index in range(workers):
        # Each worker serves its own metrics: on metrics_port, metrics_port + 1, ...
        env = {"NEWSFLOW_METRICS_PORT": str(settings.metrics_port + index)} if settings.metrics_port else {}
        commands.append(Command(f"processor-{index}", [*base, "process", "--workers", "1", "--worker-index", str(index)], env))
    return commands


def _reprocess(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from newsflow.app.wiring import run_reprocess
    from processors.service import automatic_revision

    revision = args.revision if args.revision is not None else automatic_revision(datetime.now(UTC))
    report = run_reprocess(settings, since=args.since, revision=revision, stop=_stop_on_signals())
    print(report.summary(), flush=True)
    return 0 if report.complete else 1


def _utc_date(value: str):
    from datetime import UTC, datetime

    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date as YYYY-MM-DD: {value!r}") from None


def _revision(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) < 1_000_000:
        raise argparse.ArgumentTypeError(f"a revision is a whole number from 1 to 999999, not {value!r}")
    return int(value)


def _sink(settings: Settings, args: argparse.Namespace) -> int:
    from newsflow.app.wiring import run_sink

    # The sink's bulk thread mostly waits on Elasticsearch while the main thread decodes the next
    # batch; under the default 5 ms GIL switch interval it waits that long again for the GIL
    # each time an answer arrives. 1 ms: about 10% more documents/s (bench/README.md).
    sys.setswitchinterval(0.001)
    return run_sink(settings, stop=_stop_on_signals())


def _run(settings: Settings, args: argparse.Namespace) -> int:
    from newsflow import stack
    from newsflow.app.wiring import run_setup
    from newsflow.runtime.supervisor import supervise

    if not args.no_stack:
        for s in stack.up(settings):
            log.info("stack %s %s at %s", s.name, s.state, s.address)
    for line in run_setup(settings):
        log.info("setup: %s", line)
    api = settings.api
    print(
        "newsflow is running: producer, processor, sink and the search API.\n"
        f"  open    http://{api.host}:{api.port}/   (the search page; the API's docs at /docs)\n"
        '  search  .venv/bin/newsflow search "Al-Farabi"   (from another terminal)\n'
        "  stop    Ctrl-C (the stages finish their batch; `.venv/bin/newsflow stack down` stops Kafka and "
        "Elasticsearch)",
        flush=True,
    )
    produce_args = ["--feeds", args.feeds] if args.feeds else []
    return supervise(["produce", "process", "sink", "api"], _stop_on_signals(), extra_args={"produce": produce_args})


def _search(settings: Settings, args: argparse.Namespace) -> int:
    from newsflow.app.cmd_search import run_search_command

    return run_search_command(settings, args)


def _index(settings: Settings, args: argparse.Namespace) -> int:
    from sinks.rebuild import run_rebuild_command

    return run_rebuild_command(settings, args)


def _kibana(settings: Settings, args: argparse.Namespace) -> int:
    from newsflow.read.kibana import run_kibana_command

    return run_kibana_command(settings, args)


def _api(settings: Settings, args: argparse.Namespace) -> int:
    from newsflow.read.api import run_api_command

    return run_api_command(settings, args)


def _config(settings: Settings, args: argparse.Namespace) -> int:
    from newsflow.settings import render_settings

    print(render_settings(settings))
    return 0


def _stop_on_signals() -> StopFlag:
    stop = StopFlag()
    install_stop_signals(stop)
    return stop


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsflow", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", help="YAML settings file (same shape as the NEWSFLOW_* variables)")
    parser.add_argument("--log-level", default=None, type=str.upper, choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="DEBUG, INFO (default: log_level setting), WARNING, ERROR; any case")
    parser.add_argument("--log-format", choices=["text", "json"], default=None, help="log line format (default: log_format setting, text)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("stack", help="start, stop or inspect the local Kafka and Elasticsearch",
                       description="Run Apache Kafka (KRaft) and Elasticsearch as local processes on 127.0.0.1, "
                                   "downloaded from Maven Central on first use. Data and logs live in .stack/. "
                                   "Servers configured through NEWSFLOW_* settings are used as they are, never started.")
    p.add_argument("action", choices=["up", "down", "status"], help="up: start what is missing and wait until healthy (idempotent); "
                   "down: stop what `up` started; status: say what runs where")
    p.add_argument("services", nargs="*", metavar="SERVICE",
                   help="with down: only these (kafka, elasticsearch; with --cluster kafka-1..3, elasticsearch-1..2); default all")
    p.add_argument("--cluster", action="store_true",
                   help="the local cluster instead: three Kafka brokers and two Elasticsearch nodes on ports of their own "
                        "(19092-19094, 19200-19201), data in .stack/cluster/")
    p.set_defaults(func=_stack)

    p = sub.add_parser("config", help="print the effective configuration, secrets masked",
                       description="show: every setting as the services see it after NEWSFLOW_* variables and the "
                                   "YAML file are applied, as YAML, with passwords and keys shown as '**********'.")
    p.add_argument("action", choices=["show"], help="show: print the effective configuration")
    p.set_defaults(func=_config)

    p = sub.add_parser("setup", help="create the Kafka topics and the Elasticsearch template, index and alias",
                       description="Idempotent: creates news.raw, news.enriched (compacted), news.dlq and the feed "
                                   "and story topics, and the articles index template, a versioned index and its "
                                   "alias, the feed-health, stories and stories-state indices, when missing.")
    p.set_defaults(func=_setup)

    p = sub.add_parser("security", help="create the Elasticsearch roles and users of the processors, the sink, the API and "
                                        "Kibana readers",
                       description="setup: with an administrator's credentials (elasticsearch.username/password), "
                                   "create the roles newsflow_writer (write the newsflow indices), newsflow_reader "
                                   "(read them), newsflow_viewer (read them and the Kibana dashboards) and "
                                   "newsflow_processor (read and write the processors' stories state index only), and "
                                   "the users newsflow_sink, newsflow_api, newsflow_viewer and newsflow_processor, each "
                                   "whose password is set (NEWSFLOW_SECURITY__SINK_PASSWORD, __API_PASSWORD, "
                                   "__VIEWER_PASSWORD, __PROCESSOR_PASSWORD, or their _FILE forms). Idempotent: roles "
                                   "are replaced, passwords reset.")
    p.add_argument("action", choices=["setup", "roles"],
                   help="setup: create or update the roles and users through the security API; roles: print the "
                        "roles as a roles.yml, for clusters whose roles are files (then add the users with the "
                        "cluster's own tool, e.g. bin/elasticsearch-users useradd newsflow_api -r newsflow_reader)")
    p.set_defaults(func=_security)

    p = sub.add_parser("produce", help="poll feeds and produce articles to news.raw",
                       description="Poll the feeds of the registry (default examples/feeds.yaml; manage it with "
                                   "`newsflow feeds`) and produce each new or changed item to news.raw. Each feed "
                                   "is polled when due: at an interval learned from how often it publishes, "
                                   "within producer.min_interval_s..max_interval_s, with conditional GET, "
                                   "backoff on errors and per-host politeness. Producers started with the same "
                                   "producer.group_id share the feeds (each fetched by one of them) and keep "
                                   "their state in Kafka, so a restart re-emits nothing. A running producer "
                                   "follows its feeds file: feeds added, removed or changed there (by hand or "
                                   "with `newsflow feeds`) are polled so within a second, without a restart; a "
                                   "version of the file that does not load is logged and the feeds before it "
                                   "go on.")
    p.add_argument("--once", action="store_true",
                   help="fetch every feed this producer owns once, due or not, and exit (exit 1 if any feed failed)")
    p.add_argument("--feeds", help="feeds YAML file (default: NEWSFLOW_PRODUCER__FEEDS_FILE or examples/feeds.yaml)")
    p.add_argument("--feed", action="append", metavar="URL", help="poll this feed URL or file instead (repeatable)")
    p.set_defaults(func=_produce)

    from newsflow.app.cmd_eval import add_eval_commands
    from newsflow.app.cmd_feeds import add_feeds_parser
    from newsflow.app.cmd_topics import add_topics_command

    add_feeds_parser(sub)
    add_topics_command(sub)
    add_eval_commands(sub)

    p = sub.add_parser("process", help="enrich news.raw with spaCy entities into news.enriched",
                       description="Consumer-group workers: start several (or --workers N) to share the partitions. "
                                   "At-least-once by default: commits only after Kafka acknowledged the enriched "
                                   "articles. With processor.exactly_once, output, dead letters and offsets go in one "
                                   "Kafka transaction per batch (read_committed readers see each article once). "
                                   "Unprocessable messages go to news.dlq; SIGTERM finishes the batch.")
    p.add_argument("--workers", type=int, choices=range(1, 65), metavar="N", default=None,
                   help="worker processes in one consumer group, each with its own models, restarted if one dies "
                        "(default: processor.workers, 1)")
    p.add_argument("--worker-index", type=int, default=0, help=argparse.SUPPRESS)  # set by the parent of N workers
    p.set_defaults(func=_process)

    p = sub.add_parser("reprocess", help="re-enrich news.raw into news.enriched after the model or the steps changed",
                       description="Runs the configured enrichment chain again over news.raw (every retained record, "
                                   "or those since a date) up to its end at the start, produces to news.enriched, "
                                   "prints a summary line and exits (1 if stopped early). The articles carry a new "
                                   "enrichment revision, so the sink replaces their earlier enrichment; a newer article "
                                   "version still always wins. No consumer group: live processors are not disturbed.")
    p.add_argument("--since", type=_utc_date, metavar="YYYY-MM-DD",
                   help="only records produced since this day (UTC); default: all that news.raw retains")
    p.add_argument("--revision", type=_revision, metavar="N",
                   help="enrichment revision to stamp (default: hours since 2025-01-01 UTC, which grows between runs); "
                        "a second reprocess within the same hour needs a higher one than the first printed")
    p.set_defaults(func=_reprocess)

    p = sub.add_parser("sink", help="index news.enriched into Elasticsearch",
                       description="Bulk-indexes enriched articles with _id = article id and external versioning; "
                                   "commits only after Elasticsearch acknowledged.")
    p.set_defaults(func=_sink)

    p = sub.add_parser("run", help="run the whole pipeline: local stack, setup, producer, processor, sink and the API",
                       description="Starts the local stack unless Kafka/Elasticsearch are configured, runs setup, "
                                   "then runs each stage as its own process and restarts any that dies. Ctrl-C stops all.")
    p.add_argument("--no-stack", action="store_true", help="do not start the local stack")
    p.add_argument("--feeds", help="feeds YAML file for the producer")
    p.set_defaults(func=_run)

    p = sub.add_parser("search", help="full-text search of the indexed articles, with filters",
                       description="Search titles, summaries, texts and entity names (simple query string syntax: "
                                   '"exact phrase", -exclude, a | b), filter by entity, topic, source, language and '
                                   "date. Prints title, source, date, top entities and a highlighted snippet per hit.")
    from newsflow.app.cmd_search import add_search_arguments

    add_search_arguments(p)
    p.set_defaults(func=_search)

    p = sub.add_parser("index", help="manage the articles index (rebuild with zero downtime)",
                       description="rebuild: create the next index version from the current template, fill it by "
                                   "replaying the compacted news.enriched topic, and swap the read and write aliases "
                                   "atomically once it has caught up. Searches keep working throughout.")
    from sinks.rebuild import add_rebuild_arguments

    add_rebuild_arguments(p)
    p.set_defaults(func=_index)

    p = sub.add_parser("kibana", help="import the Kibana data view, saved search and dashboards",
                       description="setup: import deploy/kibana/*.ndjson through Kibana's saved-objects API, "
                                   "idempotently (objects are overwritten by id). Auth from NEWSFLOW_KIBANA__* settings "
                                   "or the options below.")
    from newsflow.read.kibana import add_kibana_arguments

    add_kibana_arguments(p)
    p.set_defaults(func=_kibana)

    p = sub.add_parser("api", help="serve the HTTP search API (OpenAPI docs at /docs)",
                       description="Serve /search, /articles/{id}, /articles/{id}/related, /entities/trending, "
                                   "/stories, /stories/{id} and /health over HTTP; the OpenAPI description is at "
                                   "/openapi.json.")
    from newsflow.read.api import add_api_arguments

    add_api_arguments(p)
    p.set_defaults(func=_api)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.config:
        os.environ["NEWSFLOW_CONFIG"] = args.config
    try:
        settings = load_settings()
        configure_logging(args.log_level or settings.log_level, args.log_format or settings.log_format)
        return args.func(settings, args)
    except NewsflowError as exc:
        print(f"newsflow: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
