"""The HTTP search API (`newsflow api`): FastAPI app in newsflow.read.api.app, served by uvicorn.

Kept light on purpose: `newsflow --help` imports this module, so FastAPI and uvicorn are
imported only when the API is actually served.
"""

from __future__ import annotations

import argparse
import logging

from newsflow.settings import Settings

__all__ = ["add_api_arguments", "run_api_command"]

log = logging.getLogger(__name__)


def _port(value: str) -> int:
    port = int(value)
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port (1-65535)")
    return port


def add_api_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="interface to listen on (default: api.host setting, 127.0.0.1)")
    parser.add_argument("--port", type=_port, help="port to listen on (default: api.port setting, 8000)")


def run_api_command(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from newsflow.read.api.app import create_app

    host = args.host or settings.api.host
    port = args.port if args.port is not None else settings.api.port
    log.info("api listening on http://%s:%d (OpenAPI at /docs) alias=%s", host, port, settings.elasticsearch.alias)
    # Logging is configured by the entry point: uvicorn must not install its own handlers.
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None)
    return 0
