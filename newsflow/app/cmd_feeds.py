"""`newsflow feeds`: manage the feed registry (add, remove, list, OPML import and export).

Every action works on one registry file: `--feeds FILE`, else the `producer.feeds_file` setting.

A new action is one decorated function plus its name in `ACTIONS`::

    @feeds_action("status", help="...", description="...", arguments=[arg("--json", action="store_true")])
    def _status(registry: Path, settings: Settings, args: argparse.Namespace) -> int:
        ...

Errors are raised as `newsflow.errors.ConfigError` (one line); `newsflow.app.cli.main` prints them
as ``newsflow: error: ...`` and exits 2.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsflow.redaction import redact_url

if TYPE_CHECKING:
    from newsflow.settings import Settings

__all__ = ["ACTIONS", "FeedsAction", "add_feeds_parser", "arg", "feeds_action"]

DESCRIPTION = """\
Manage the feed registry: the YAML file of feeds that `newsflow produce` polls.

The registry is the file given with --feeds, else the producer.feeds_file setting
(NEWSFLOW_PRODUCER__FEEDS_FILE; default examples/feeds.yaml). Each feed is an http(s)
URL or a local file path (relative to the registry's folder), with optional options:

  feeds:
    - url: https://example.org/world/rss
      name: Example World
      tags: [world, politics]
      language: en             # a hint, used when the feed declares no language
      min_interval_s: 600      # poll no more often than this (default: producer setting)
      max_interval_s: 7200     # ...nor less often than this
      enabled: false           # keep it listed, but do not poll it

A running producer follows the file: a change reaches it within a second, without a restart.
Changes are written atomically (the producer sees the old or the new list, never half of one);
comments at the top of the file and entries not changed are kept as written.
"""

EPILOG = """\
examples:
  newsflow feeds add https://example.org/rss --name Example --tag world --language en
  newsflow feeds list --feeds deploy/k8s/base/feeds.yaml
  newsflow feeds import-opml subscriptions.opml
  newsflow feeds export-opml feeds.opml
  newsflow feeds remove Example

Run `newsflow feeds ACTION --help` for the options of each action."""

FEEDS_HELP = "registry YAML file to work on (default: producer.feeds_file setting, NEWSFLOW_PRODUCER__FEEDS_FILE)"

Run = Callable[[Path, "Settings", argparse.Namespace], int]


@dataclass(frozen=True)
class FeedsAction:
    """One `newsflow feeds` action: its parser (name, texts, arguments) and what it runs."""

    name: str
    help: str
    description: str
    arguments: tuple[tuple[tuple[str, ...], dict[str, Any]], ...]
    run: Run
    epilog: str | None = None


def arg(*flags: str, **options: Any) -> tuple[tuple[str, ...], dict[str, Any]]:
    """One argument of an action, as `argparse.ArgumentParser.add_argument` takes it."""
    return flags, options


def feeds_action(name: str, *, help: str, description: str,
                 arguments: Sequence[tuple[tuple[str, ...], dict[str, Any]]] = (),
                 epilog: str | None = None) -> Callable[[Run], FeedsAction]:
    """Declare an action: decorates ``run(registry_path, settings, args) -> exit code``."""

    def declare(run: Run) -> FeedsAction:
        return FeedsAction(name=name, help=help, description=description, arguments=tuple(arguments), run=run, epilog=epilog)

    return declare


class _HelpFormatter(argparse.HelpFormatter):
    """Wraps one-line paragraphs to the terminal; keeps paragraphs laid out by hand (examples) as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        paragraphs = []
        for paragraph in text.split("\n\n"):
            if "\n" in paragraph.strip("\n") or paragraph.startswith(" "):
                paragraphs.append("\n".join(indent + line for line in paragraph.splitlines()))
            else:
                paragraphs.append(super()._fill_text(paragraph, width, indent))
        return "\n\n".join(paragraphs)


def _duration(text: str) -> float:
    """Seconds from "300", "90s", "15m", "2h" or "1d"."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text.lower())
    if not match or float(match.group(1)) <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration such as 300, 90s, 15m, 2h or 1d")
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]


def _human(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def _bounds(feed: Any, default_min: float, default_max: float) -> tuple[float, float]:
    """The interval bounds a feed is polled within, as producers.schedule.Bounds.with_overrides
    makes them: a feed's own bound wins over a default it contradicts."""
    low = default_min if feed.min_interval_s is None else feed.min_interval_s
    high = default_max if feed.max_interval_s is None else feed.max_interval_s
    if low > high:
        if feed.max_interval_s is None:
            high = low
        elif feed.min_interval_s is None:
            low = high
    return low, high


def _label(feed: Any) -> str:
    return f"{feed.name} ({redact_url(feed.url)})" if feed.name else redact_url(feed.url)


# ---------------------------------------------------------------------------------------------
# Actions


@feeds_action(
    "add",
    help="add a feed to the registry",
    description="Add one feed (an http(s) URL or an existing local feed file) to the registry, which is "
                "created when missing. A URL already in the registry is refused. A relative file path is "
                "taken from the current folder and written relative to the registry's folder (or absolute "
                "when the file is outside it). feed:// URLs are turned into http(s) ones.",
    arguments=[
        arg("url", metavar="URL", help="http(s) URL of the feed, or the path of a local feed file"),
        arg("--name", metavar="N", help="source name shown on the feed's articles (default: the feed's own title)"),
        arg("--tag", metavar="T", action="append", default=[],
            help="a tag for the feed's articles (repeatable, or comma-separated: --tag world,politics)"),
        arg("--language", metavar="L", help="language hint such as en or pt-BR, used when the feed declares none"),
        arg("--min-interval", metavar="S", type=_duration,
            help="poll this feed no more often than every S (seconds, or 90s, 15m, 2h, 1d; default: producer setting)"),
        arg("--max-interval", metavar="S", type=_duration,
            help="poll this feed at least every S (same units; default: producer setting)"),
        arg("--disabled", action="store_true", help="add the feed switched off: listed, not polled"),
    ],
    epilog="example:\n  newsflow feeds add https://example.org/rss --name Example --tag world --language en --min-interval 15m",
)
def _add(registry: Path, settings: Settings, args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from newsflow.errors import ConfigError
    from producers.base import FeedSpec
    from producers.registry import add_feed, localize_path

    tags = tuple(t.strip() for value in args.tag for t in value.split(",") if t.strip())
    try:
        spec = FeedSpec(url=localize_path(args.url, origin=Path.cwd(), registry=registry), name=args.name, tags=tags,
                        language=args.language, enabled=not args.disabled,
                        min_interval_s=args.min_interval, max_interval_s=args.max_interval)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise ConfigError(f"{'.'.join(map(str, error['loc']))}: {error['msg']}") from None
    added = add_feed(registry, spec)
    print(f"added {_label(added)} to {registry}")
    return 0


@feeds_action(
    "remove",
    help="remove a feed from the registry",
    description="Remove one feed from the registry, found by its URL (as written in the file, or the same "
                "feed written differently) or by its name. A name several feeds share is refused: give the "
                "URL then. The feed's state in Kafka is left as it is.",
    arguments=[arg("feed", metavar="URL_OR_NAME", help="the feed's URL or file path, or its name")],
)
def _remove(registry: Path, settings: Settings, args: argparse.Namespace) -> int:
    from newsflow.errors import ConfigError
    from producers.registry import find_feed, localize_path, remove_feed

    target = args.feed
    localized = localize_path(target, origin=Path.cwd(), registry=registry)
    if localized != target:  # a path from the current folder, unless the registry knows it as given
        try:
            find_feed(registry, target)
        except ConfigError:
            target = localized
    removed = remove_feed(registry, target)
    print(f"removed {_label(removed)} from {registry}")
    return 0


@feeds_action(
    "list",
    help="list the feeds of the registry",
    description="Print the registry's feeds as a table: name, URL (as written in the file), tags, language "
                "hint, whether it is polled, and the interval bounds it is polled within (its own, else the "
                "producer's min_interval_s..max_interval_s). Checks the whole file on the way: an invalid "
                "entry is an error naming it.",
    arguments=[arg("--json", action="store_true",
                   help="print a JSON array instead: every option as written (null: the default; URLs with their "
                        "credentials, unlike the table) and the feed's id")],
)
def _list(registry: Path, settings: Settings, args: argparse.Namespace) -> int:
    from producers.registry import load_registry, read_registry

    written = read_registry(registry)
    loaded = load_registry(registry)  # checks every entry; the ids come from this form
    if args.json:
        items = [{"id": polled.id, **feed.model_dump(mode="json")} for feed, polled in zip(written, loaded, strict=True)]
        print(json.dumps(items, indent=2, ensure_ascii=False))
        return 0
    if not written:
        print(f"no feeds in {registry}", file=sys.stderr)
        return 0
    rows = [("NAME", "URL", "TAGS", "LANG", "ENABLED", "INTERVAL")]
    for feed in written:
        low, high = _bounds(feed, settings.producer.min_interval_s, settings.producer.max_interval_s)
        # A screen gets pasted into tickets and chats: credentials in a feed URL are masked here
        # (--json, the registry's content for tools, keeps them as written).
        rows.append((feed.name or "-", redact_url(feed.url), ",".join(feed.tags) or "-", feed.language or "-",
                     "yes" if feed.enabled else "no", f"{_human(low)}..{_human(high)}"))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


@feeds_action(
    "import-opml",
    help="add the feeds of an OPML subscription list",
    description="Add every feed of an OPML file (as feed readers export them) to the registry, which is created "
                "when missing. A feed's title becomes its name; the folders it sits in (each level) and its "
                "categories become its tags. Feeds already in the registry are skipped, so importing again is "
                "harmless. Outlines newsflow cannot poll (other URL schemes, missing files) are refused and "
                "listed; the rest are still imported. Exit status: 0, or 1 when some outline was refused.",
    arguments=[arg("file", metavar="OPML_FILE", help="the OPML file to import")],
)
def _import_opml(registry: Path, settings: Settings, args: argparse.Namespace) -> int:
    from producers.opml import import_opml

    report = import_opml(registry, Path(args.file))
    print(f"imported {len(report.added)} of {report.found} feeds from {args.file} into {registry}"
          f" ({len(report.duplicates)} already there, {len(report.refused)} refused)")
    for feed in report.duplicates:
        print(f"  already there: {redact_url(feed.url)}")
    for url, reason in report.refused:
        print(f"newsflow: warning: refused {redact_url(url)}: {reason}", file=sys.stderr)
    return 1 if report.refused else 0


@feeds_action(
    "export-opml",
    help="write the registry as an OPML subscription list",
    description="Write every feed of the registry as OPML 2.0, which feed readers import: name as text and "
                "title, URL as xmlUrl, tags as category, the language hint as language. Interval bounds and a "
                "disabled flag go into newsflow's own attributes, so `import-opml` restores them. File paths "
                "are written absolute. To standard output when OPML_FILE is left out (or is -).",
    arguments=[arg("file", metavar="OPML_FILE", nargs="?", default="-",
                   help="where to write the OPML (default: standard output)")],
)
def _export_opml(registry: Path, settings: Settings, args: argparse.Namespace) -> int:
    from newsflow.errors import ConfigError
    from producers.opml import export_opml
    from producers.registry import load_registry

    feeds = load_registry(registry)
    document = export_opml(feeds, title=f"newsflow feeds ({registry.name})")
    if args.file == "-":
        out = getattr(sys.stdout, "buffer", None)
        if out is None:
            sys.stdout.write(document.decode("utf-8"))
        else:
            sys.stdout.flush()
            out.write(document)
            out.flush()
        return 0
    try:
        Path(args.file).write_bytes(document)
    except OSError as exc:
        raise ConfigError(f"cannot write {args.file}: {exc.strerror}") from None
    print(f"exported {len(feeds)} feeds from {registry} to {args.file}")
    return 0


@feeds_action(
    "status",
    help="show each feed's health, as the producers last recorded it",
    description="Read the feed state every producer keeps in Kafka (the compacted feed-state topic) and print "
                "one row per feed of the registry: its state (new: never fetched yet; ok; stale: fetched fine "
                "but nothing new for 7 days; failing; not-a-feed; disabled: switched off in the registry or "
                "after failing for producer.disable_after_s, with the reason), the last successful fetch, the "
                "last error, the items emitted in the last 24 h and the next fetch. Needs Kafka.",
    arguments=[arg("--json", action="store_true", help="print a JSON array of the rows instead")],
)
def _status(registry: Path, settings: Settings, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from producers.health import read_states, status_rows
    from producers.registry import load_registry

    now = datetime.now(UTC)
    rows = status_rows(load_registry(registry), read_states(settings), now=now)
    if args.json:
        print(json.dumps([_status_json(row) for row in rows], indent=2, ensure_ascii=False))
        return 0
    table = [("FEED", "STATE", "LAST SUCCESS", "LAST ERROR", "ITEMS 24H", "NEXT FETCH")]
    for row in rows:
        table.append((row.name, row.status, _ago(row.last_success, now), (row.last_error or "-")[:60],
                      str(row.items_24h), _ago(row.next_fetch, now)))
    widths = [max(len(r[c]) for r in table) for c in range(len(table[0]))]
    for r in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(r, widths, strict=True)).rstrip())
    return 0


def _status_json(row: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(row).items()}


def _ago(moment: Any, now: Any) -> str:
    """"3m ago" / "in 2h" / "-": how far a moment is from now, in the unit a person reads."""
    if moment is None:
        return "-"
    seconds = (moment - now).total_seconds()
    return f"in {_roughly(seconds)}" if seconds >= 0 else f"{_roughly(-seconds)} ago"


def _roughly(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


@feeds_action(
    "enable",
    help="re-enable a feed the producers disabled after it failed for too long",
    description="A feed failing for producer.disable_after_s is disabled, with the reason kept (`feeds status` shows "
                "it). Once its publisher fixed it, this asks the producer that owns the feed to clear its failure "
                "history and fetch it at once: a command record in the feed-state topic, applied within a second "
                "by the owner (or by whichever producer owns the feed next). Needs Kafka. To stop polling a feed "
                "for good, set `enabled: false` in the registry instead.",
    arguments=[arg("feed", metavar="URL_OR_NAME", help="the feed's URL as in the registry, or its name")],
)
def _enable(registry: Path, settings: Settings, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from newsflow.runtime.kafka import close_producer, make_producer
    from producers.ownership import ENABLE_SUFFIX, partition_for
    from producers.registry import find_feed, load_registry, read_registry

    # The registry as written and as polled list the feeds in the same order; the id is the polled URL's.
    feed = load_registry(registry)[read_registry(registry).index(find_feed(registry, args.feed))]
    topic = settings.kafka.topics.feed_state
    producer = make_producer(settings.kafka)
    try:
        partitions = len(producer.partitions_for(topic))
        command = json.dumps({"requested_at": datetime.now(UTC).isoformat()}).encode()
        producer.send(topic, key=f"{feed.id}{ENABLE_SUFFIX}".encode(), value=command,
                      partition=partition_for(feed.id, partitions)).get(timeout=30)
    finally:
        close_producer(producer, timeout=10)
    print(f"asked the producers to re-enable {_label(feed)}")
    return 0


#: The actions, in the order `newsflow feeds --help` lists them.
ACTIONS: list[FeedsAction] = [_add, _remove, _list, _import_opml, _export_opml, _status, _enable]


# ---------------------------------------------------------------------------------------------
# Registration


def add_feeds_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `feeds` command and its actions to `newsflow`'s subcommands."""
    formatter = _HelpFormatter
    parser = sub.add_parser("feeds", help="manage the feed registry: add, remove, list, import and export OPML",
                            description=DESCRIPTION, epilog=EPILOG, formatter_class=formatter)
    parser.add_argument("--feeds", metavar="FILE", default=None, help=FEEDS_HELP)
    actions = parser.add_subparsers(dest="feeds_action", required=True, metavar="ACTION")
    for action in ACTIONS:
        p = actions.add_parser(action.name, help=action.help, description=action.description, epilog=action.epilog,
                               formatter_class=formatter)
        # Also accepted after the action; SUPPRESS keeps a --feeds given before it.
        p.add_argument("--feeds", metavar="FILE", default=argparse.SUPPRESS, help=FEEDS_HELP)
        for flags, options in action.arguments:
            p.add_argument(*flags, **options)
        p.set_defaults(func=_runner(action))
    return parser


def _runner(action: FeedsAction) -> Callable[[Settings, argparse.Namespace], int]:
    def run(settings: Settings, args: argparse.Namespace) -> int:
        registry = Path(args.feeds) if args.feeds else Path(settings.producer.feeds_file)
        return action.run(registry, settings, args)

    return run
