"""The HTTP search API (`newsflow api`): FastAPI app in newsflow.read.api.app, served by uvicorn.

Kept light on purpose: `newsflow --help` imports this module, so FastAPI and uvicorn are
imported only when the API is actually served.
"""

from __future__ import annotations

import argparse
import logging

from newsflow.errors import ConfigError
from newsflow.settings import Settings

__all__ = ["add_api_arguments", "is_loopback", "run_api_command"]

log = logging.getLogger(__name__)


def _port(value: str) -> int:
    port = int(value)
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port (1-65535)")
    return port


def add_api_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="interface to listen on (default: api.host setting, 127.0.0.1); any other "
                                       "than a loopback address needs API keys (api.keys) or api.allow_anonymous")
    parser.add_argument("--port", type=_port, help="port to listen on (default: api.port setting, 8000)")
    parser.add_argument("--new-key", action="store_true",
                        help="print a new random API key and the hash to add to api.keys (NEWSFLOW_API__KEYS), then exit")


def run_api_command(settings: Settings, args: argparse.Namespace) -> int:
    if args.new_key:
        return _print_new_key()
    import uvicorn

    from newsflow.read.api.app import create_app

    host = args.host or settings.api.host
    port = args.port if args.port is not None else settings.api.port
    if not settings.api.keys and not settings.api.allow_anonymous and not is_loopback(host):
        raise ConfigError(
            f"the API would answer anyone on {host} without a key: configure api.keys (`newsflow api --new-key` "
            "makes one), listen on 127.0.0.1, or set api.allow_anonymous=true behind your own authentication"
        )
    log.info("api listening on http://%s:%d (OpenAPI at /docs) alias=%s", host, port, settings.elasticsearch.alias)
    # Logging is configured by the entry point: uvicorn must not install its own handlers.
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None)
    return 0


def is_loopback(host: str) -> bool:
    """Whether `host` is an address only this machine reaches (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _print_new_key() -> int:
    from newsflow.read.api.guard import new_key

    key, hashed = new_key()
    print(f"key:  {key}")
    print(f"hash: {hashed}")
    print("Give the key to the caller (header X-API-Key); add the hash to api.keys, e.g. "
          "NEWSFLOW_API__KEYS=<hash>[,<another>]. The key is not stored anywhere: keep it now.")
    return 0
