"""Kibana saved objects: the data views, saved searches, visualisations and dashboards in
deploy/kibana/ (News overview on the articles, Feed health on the feed-health index), imported
through Kibana's saved-objects API by `newsflow kibana setup`.

The import overwrites by id, so running it again updates the objects instead of duplicating
them. Credentials come only from settings (NEWSFLOW_KIBANA__PASSWORD / __API_KEY), never from
the command line, and are never printed or logged.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
from pydantic import ValidationError

from newsflow.errors import ConfigError, NewsflowError, ServiceUnavailable
from newsflow.settings import REPO_ROOT, ElasticsearchSettings, KibanaSettings, Settings

__all__ = [
    "DATA_VIEW_ID",
    "DEFAULT_ALIAS",
    "DEFAULT_FEED_HEALTH_INDEX",
    "DEFAULT_STORIES_INDEX",
    "FEED_HEALTH_VIEW_ID",
    "OBJECTS_DIR",
    "STORIES_VIEW_ID",
    "ImportReport",
    "add_kibana_arguments",
    "import_objects",
    "import_url",
    "lens_layers",
    "load_objects",
    "map_layers",
    "objects_for_alias",
    "objects_for_settings",
    "run_kibana_command",
    "to_ndjson",
]

log = logging.getLogger(__name__)

OBJECTS_DIR = REPO_ROOT / "deploy" / "kibana"
DATA_VIEW_ID = "newsflow-articles"
# The data view title the NDJSON files carry; `objects_for_alias` rewrites it when the read
# alias is configured differently, so Kibana queries what the pipeline writes.
DEFAULT_ALIAS = "news-articles"
# The same for the Feed health data view and the index the feed-health sink writes.
FEED_HEALTH_VIEW_ID = "newsflow-feed-health"
DEFAULT_FEED_HEALTH_INDEX = "news-feed-health"
# ...and for the stories data view (the "Top stories" panel) and the index the story sink writes.
STORIES_VIEW_ID = "newsflow-stories"
DEFAULT_STORIES_INDEX = "news-stories"


# -- the saved objects ---------------------------------------------------------------------------


def load_objects(directory: Path = OBJECTS_DIR) -> list[dict[str, Any]]:
    """Every saved object of the *.ndjson files in `directory`, in file order (files sorted by
    name), so objects come after what they reference, as in a Kibana export."""
    files = sorted(directory.glob("*.ndjson"))
    if not files:
        raise NewsflowError(f"no saved objects found: {directory} holds no *.ndjson file")
    return [obj for path in files for obj in _read_ndjson(path)]


def _read_ndjson(path: Path) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise NewsflowError(f"{path.name}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(obj, dict) or not {"type", "id", "attributes"} <= obj.keys():
            raise NewsflowError(f"{path.name}:{number}: not a saved object (needs type, id and attributes)")
        yield obj


def objects_for_alias(
    objects: list[dict[str, Any]], alias: str, *, feed_health_index: str = DEFAULT_FEED_HEALTH_INDEX,
    stories_index: str = DEFAULT_STORIES_INDEX,
) -> list[dict[str, Any]]:
    """The objects with the articles data view's title set to `alias`, the Feed health data
    view's to `feed_health_index` and the stories view's to `stories_index` (copies; the input is unchanged).

    Everything else refers to a data view by id, so the title is the only place the index
    name lives."""
    titles = {DATA_VIEW_ID: alias, FEED_HEALTH_VIEW_ID: feed_health_index, STORIES_VIEW_ID: stories_index}
    result = []
    for obj in objects:
        title = titles.get(obj["id"]) if obj["type"] == "index-pattern" else None
        if title is not None and obj["attributes"].get("title") != title:
            obj = {**obj, "attributes": {**obj["attributes"], "title": title}}
        result.append(obj)
    return result


def objects_for_settings(objects: list[dict[str, Any]], settings: ElasticsearchSettings) -> list[dict[str, Any]]:
    """The objects with each data view on the index the pipeline is configured to write."""
    return objects_for_alias(objects, settings.alias, feed_health_index=settings.feed_health_index,
                             stories_index=settings.stories_index)


def to_ndjson(objects: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n" for obj in objects).encode("utf-8")


def lens_layers(lens: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(layer id, layer) for each form-based (data view) layer of a Lens object."""
    states = lens["attributes"]["state"]["datasourceStates"]
    # "formBased" since Kibana 8.6; "indexpattern" is the older name of the same datasource.
    for name in ("formBased", "indexpattern"):
        yield from states.get(name, {}).get("layers", {}).items()


def map_layers(map_object: dict[str, Any]) -> list[dict[str, Any]]:
    return json.loads(map_object["attributes"]["layerListJSON"])


# -- the import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    """Kibana's answer to one import: what it imported, and what it refused and why."""

    imported: list[str]
    failures: list[str]


def import_url(kibana: KibanaSettings) -> str:
    base = kibana.url.rstrip("/")
    space = f"/s/{quote(kibana.space, safe='')}" if kibana.space and kibana.space != "default" else ""
    return f"{base}{space}/api/saved_objects/_import"


def import_objects(kibana: KibanaSettings, objects: list[dict[str, Any]]) -> ImportReport:
    """POST the objects to Kibana's import API with overwrite=true; raises NewsflowError when
    Kibana cannot be reached or refuses the request as a whole."""
    url = import_url(kibana)
    files = {"file": ("newsflow.ndjson", to_ndjson(objects), "application/ndjson")}
    try:
        response = httpx.post(
            url,
            params={"overwrite": "true"},
            files=files,
            headers={"kbn-xsrf": "true", **_auth_header(kibana)},
            auth=_basic_auth(kibana),
            timeout=kibana.request_timeout_s,
            # A private CA (ECK signs Kibana's certificate with its own) or the system's.
            verify=str(kibana.ca_certs) if kibana.ca_certs else True,
        )
    except httpx.TransportError as exc:
        raise ServiceUnavailable(
            f"Kibana is not reachable at {_shown(kibana.url)} ({type(exc).__name__})", service="kibana"
        ) from None
    return _read_report(kibana, response)


def _auth_header(kibana: KibanaSettings) -> dict[str, str]:
    if kibana.api_key is not None:
        return {"Authorization": f"ApiKey {kibana.api_key.get_secret_value()}"}
    return {}


def _basic_auth(kibana: KibanaSettings) -> httpx.BasicAuth | None:
    # An API key wins over a user name, as for the Elasticsearch client.
    if kibana.api_key is not None or not kibana.username:
        return None
    if kibana.password is None:
        raise NewsflowError("a Kibana user name needs a password: set NEWSFLOW_KIBANA__PASSWORD")
    return httpx.BasicAuth(kibana.username, kibana.password.get_secret_value())


def _shown(url: str) -> str:
    """The URL without any user:password@ part, fit to print."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host  # an IPv6 address keeps its brackets
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))


def _read_report(kibana: KibanaSettings, response: httpx.Response) -> ImportReport:
    where = _shown(import_url(kibana))
    if response.status_code == 401:
        raise NewsflowError(
            f"Kibana at {_shown(kibana.url)} refused the credentials (401 Unauthorized): "
            "check NEWSFLOW_KIBANA__USERNAME and NEWSFLOW_KIBANA__PASSWORD, or NEWSFLOW_KIBANA__API_KEY"
        )
    if response.status_code == 404 and kibana.space:
        raise NewsflowError(f"Kibana answered 404 for {where}: does the space {kibana.space!r} exist?")
    body = _json_body(response)
    if response.status_code != 200 or body is None or "success" not in body:
        raise NewsflowError(f"Kibana answered {response.status_code} {response.reason_phrase} for {where}: {_message(body, response)}")
    imported = [_describe_success(r) for r in body.get("successResults", [])]
    failures = [_describe_failure(e) for e in body.get("errors", [])]
    return ImportReport(imported=imported, failures=failures)


def _json_body(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _message(body: dict[str, Any] | None, response: httpx.Response) -> str:
    if body and body.get("message"):
        return str(body["message"])[:300]
    return response.text.strip().replace("\n", " ")[:300] or "(empty answer)"


def _describe_success(result: dict[str, Any]) -> str:
    title = result.get("meta", {}).get("title")
    # Kibana gives an object a new id when its id is taken in another space (destinationId).
    moved = f" as {result['destinationId']}" if result.get("destinationId") else ""
    return f"{result.get('type')} {result.get('id')}{moved}" + (f" ({title})" if title else "")


def _describe_failure(error: dict[str, Any]) -> str:
    detail = error.get("error", {})
    kind = detail.get("type", "unknown")
    if kind == "missing_references":
        missing = ", ".join(f"{r.get('type')}/{r.get('id')}" for r in detail.get("references", []))
        reason = f"missing references {missing}"
    elif detail.get("message"):
        reason = f"{kind}: {detail['message']}"
    else:
        reason = kind
    return f"{error.get('type')}/{error.get('id')} ({reason})"


# -- the command ---------------------------------------------------------------------------------


def add_kibana_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["setup"], help="setup: import the saved objects (idempotent)")
    parser.add_argument("--url", help="Kibana base URL (default: NEWSFLOW_KIBANA__URL or http://127.0.0.1:5601)")
    parser.add_argument("--username", help="user for basic auth; the password comes only from NEWSFLOW_KIBANA__PASSWORD")
    parser.add_argument("--space", help="Kibana space to import into (default: NEWSFLOW_KIBANA__SPACE or the default space)")


def run_kibana_command(settings: Settings, args: argparse.Namespace) -> int:
    _quiet_http_logs()
    kibana = _with_options(settings.kibana, args)
    objects = objects_for_settings(load_objects(), settings.elasticsearch)
    report = import_objects(kibana, objects)
    for line in report.imported:
        print(f"imported {line}")
    if report.failures:
        raise NewsflowError(
            f"Kibana did not import {len(report.failures)} of {len(objects)} saved objects: " + "; ".join(report.failures)
        )
    space = kibana.space or "default"
    print(f"{len(report.imported)} saved objects imported into Kibana at {_shown(kibana.url)} (space {space})")
    log.debug("kibana import done url=%s space=%s objects=%d", _shown(kibana.url), space, len(report.imported))
    return 0


def _with_options(kibana: KibanaSettings, args: argparse.Namespace) -> KibanaSettings:
    """The settings with the command's options, checked as the settings are (`model_copy` would
    take a `--url ftp://x` or `http://[::1` unchecked, to fail later as a traceback)."""
    overrides = {name: getattr(args, name) for name in ("url", "username", "space") if getattr(args, name, None)}
    try:
        return KibanaSettings.model_validate(kibana.model_dump() | overrides)
    except ValidationError as exc:
        problem = exc.errors()[0]
        raise ConfigError(f"--{problem['loc'][0]}: {problem['msg'].removeprefix('Value error, ')}") from None


def _quiet_http_logs() -> None:
    # httpx logs every request at INFO; a failed import must stay one line on stderr.
    if logging.getLogger().level > logging.DEBUG:
        logging.getLogger("httpx").setLevel(logging.WARNING)
