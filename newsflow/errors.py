"""One root exception, one family per stage. Each carries structured fields for logs and DLQ headers."""

from __future__ import annotations

import re

from newsflow.redaction import redact_text

__all__ = [
    "ConfigError",
    "DeadLetter",
    "FeedError",
    "NewsflowError",
    "ProcessingError",
    "ServiceUnavailable",
    "StackError",
]


class NewsflowError(Exception):
    """Root of every error newsflow raises on purpose. `code` is stable across releases."""

    code = "E000"

    def __init__(self, message: str, **fields: object) -> None:
        # Redacted here, once for the whole family: an error's message and text fields reach logs,
        # health events, DLQ headers and API answers, and one that quotes a URL must not carry
        # its password there.
        message = redact_text(message)
        fields = {k: redact_text(v) if isinstance(v, str) else v for k, v in fields.items()}
        super().__init__(message)
        self.message = message
        self.fields = fields

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        # Pickled whole (message and fields) when it crosses a process boundary (the producer's
        # parser processes); Exception's default would call `cls(*args)` and lose the fields.
        return _rebuild, (type(self), self.message, self.fields)


def _one_line(text: str) -> str:
    return _LINE_BREAKS.sub(lambda m: repr(m.group())[1:-1], text)


_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def _rebuild(cls: type[NewsflowError], message: str, fields: dict[str, object]) -> NewsflowError:
    error = cls.__new__(cls)
    NewsflowError.__init__(error, message, **fields)
    if "reason" in fields and isinstance(error, DeadLetter):
        error.reason = fields["reason"]
    return error


class ConfigError(NewsflowError):
    """A setting, a file people write or an argument is wrong: one line that names it."""

    code = "E001"

    def __init__(self, message: str, **fields: object) -> None:
        # One line, whatever the value it quotes: a name or key read from YAML may hold a line
        # break, which would split the CLI's `newsflow: error:` line and a log line in two.
        super().__init__(_one_line(message), **fields)


class ServiceUnavailable(NewsflowError):
    """Kafka or Elasticsearch cannot be reached: transient, retry with backoff."""

    code = "E002"


class StackError(NewsflowError):
    """The local development stack could not be downloaded, started or stopped."""

    code = "E003"


class FeedError(NewsflowError):
    """A feed could not be fetched or is not a feed. Marks that feed unhealthy, nothing else."""

    code = "E100"


class ProcessingError(NewsflowError):
    code = "E200"


class DeadLetter(NewsflowError):
    """A message that can never succeed: it goes to the dead-letter topic with `reason`."""

    code = "E400"

    def __init__(self, message: str, *, reason: str, **fields: object) -> None:
        super().__init__(message, reason=reason, **fields)
        self.reason = reason
