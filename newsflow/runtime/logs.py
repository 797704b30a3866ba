"""Logging, configured once by the entry point."""

from __future__ import annotations

import json
import logging
import sys

from newsflow.redaction import redact_text

__all__ = ["configure_logging", "logging_config"]


class _TextFormatter(logging.Formatter):
    """Every line redacted, tracebacks included: a library's message (a client's connection error)
    may quote a URL with its password, and only the last step sees every line."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_text(super().format(record))


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": redact_text(record.getMessage()),
        }
        if record.exc_info:
            entry["traceback"] = redact_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(_TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # kafka-python logs every refused connection (with tracebacks) while a broker is down; our
    # stages log one line per retry instead. Its real failures still surface as exceptions.
    if root.level > logging.DEBUG:
        logging.getLogger("kafka").setLevel(logging.CRITICAL)
        logging.getLogger("elastic_transport").setLevel(logging.ERROR)


def logging_config() -> tuple[str, str]:
    """The (level, format) this process logs with: a worker process it starts logs alike."""
    root = logging.getLogger()
    json_handler = any(isinstance(h.formatter, _JsonFormatter) for h in root.handlers)
    return logging.getLevelName(root.getEffectiveLevel()), "json" if json_handler else "text"
