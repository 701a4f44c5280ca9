"""Logging set-up: every record, the HTTP access log included, has phone numbers masked; lines are
plain text or, for log collectors, one JSON object each with the ids that let an operator follow
one message from the inbound text to its delivery report."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from typing import Any
from urllib.parse import unquote_plus

from text4baby_ru.kit.phones import looks_like_phone, mask_all, mask_spelled

# Ids a record may carry (`log.info(..., extra={"message_id": 7})`): never a phone number.
TRACE_FIELDS = ("subscriber_id", "enrollment_id", "message_id", "message_ids", "provider_sid")
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# URL parameters that carry a secret or what she wrote: Kannel's calls to us (`secret`, `text`)
# and ours to Kannel's sendsms (`password`, `text`), in the access log and urllib3's debug log.
# The dlr-url we hand Kannel is itself a parameter: its own `secret` is URL-encoded (%3F, %3D).
_SECRET_PARAMS = re.compile(
    r"([?&](?:secret|password|text|token)=)[^&\s\"']*"
    r"|((?:%3F|%26)secret%3D)(?:(?!%26)[^&\s\"'])*",
    re.IGNORECASE,
)


def scrub(text: str) -> str:
    """The text with phone numbers masked and secrets and texts in URLs blanked."""
    return _SECRET_PARAMS.sub(lambda m: (m.group(1) or m.group(2)) + "***", mask_all(text))


def _segment(part: str) -> str:
    return mask_spelled(unquote_plus(part)) if looks_like_phone(unquote_plus(part)) else part


def scrub_target(target: str) -> str:
    """A request target (path and query, as the access log writes it) with every path segment
    and query value that is a phone number, however spelled or encoded, masked."""
    path, mark, query = target.partition("?")
    path = "/".join(_segment(part) for part in path.split("/"))
    if mark:
        pairs = (pair.partition("=") for pair in query.split("&"))
        query = "&".join(k + eq + _segment(v) for k, eq, v in pairs)
    return path + mark + query


class MaskPhones(logging.Filter):
    """Rewrite a record so that no whole phone number survives (last four digits only), nor a
    secret or a text in a URL. The access log's request target is read segment by segment, so
    a number in any spelling a route accepts is masked too."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if record.name == "uvicorn.access" and isinstance(args, tuple) and len(args) >= 3:
            record.args = (*args[:2], scrub_target(str(args[2])), *args[3:])
        message = record.getMessage()
        masked = scrub(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class TextFormatter(logging.Formatter):
    """The plain line, ids appended as key=value, masked once more as a whole (tracebacks)."""

    def __init__(self) -> None:
        super().__init__(_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        ids = " ".join(f"{k}={_value(getattr(record, k))}" for k in _present(record))
        return f"{line} [{ids}]" if ids else line

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, the trace ids, the error if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        entry |= {k: getattr(record, k) for k in _present(record)}
        if record.exc_info:
            entry["error"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)

    converter = staticmethod(time.gmtime)


def _present(record: logging.LogRecord) -> list[str]:
    return [k for k in TRACE_FIELDS if getattr(record, k, None) is not None]


def _value(value: object) -> str:
    return ",".join(map(str, value)) if isinstance(value, list | tuple) else str(value)


def _formatter(fmt: str) -> logging.Formatter:
    return JsonFormatter() if fmt == "json" else TextFormatter()


def configure(level: str = "INFO", fmt: str = "text") -> None:
    """Send logs to stderr through the masking filter, ours and uvicorn's alike."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_formatter(fmt))
    handler.addFilter(MaskPhones())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "apscheduler"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    # APScheduler says "running job ... executed successfully" every pass (every 30 s), which
    # buries the console gateway's messages: only its warnings, unless the level is DEBUG.
    quiet = logging.DEBUG if level.upper() == "DEBUG" else logging.WARNING
    logging.getLogger("apscheduler").setLevel(quiet)


def uvicorn_log_config(level: str = "INFO", fmt: str = "text") -> dict[str, object]:
    """A uvicorn log config whose handlers mask phone numbers (access log paths included)."""
    formatter = JsonFormatter if fmt == "json" else TextFormatter
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"mask": {"()": MaskPhones}},
        "formatters": {"main": {"()": formatter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "main",
                "filters": ["mask"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": True},
        },
    }
