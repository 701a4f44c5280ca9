"""Logging set-up: every record, the HTTP access log included, has phone numbers masked."""

from __future__ import annotations

import logging
import re
import sys

from text4baby_ru.kit.phones import mask_all

# URL parameters that carry a secret or what she wrote: Kannel's calls to us (`secret`, `text`)
# and ours to Kannel's sendsms (`password`, `text`), in the access log and urllib3's debug log.
# The dlr-url we hand Kannel is itself a parameter: its own `secret` is URL-encoded (%3F, %3D).
_SECRET_PARAMS = re.compile(
    r"([?&](?:secret|password|text)=)[^&\s\"']*"
    r"|((?:%3F|%26)secret%3D)(?:(?!%26)[^&\s\"'])*",
    re.IGNORECASE,
)


class MaskPhones(logging.Filter):
    """Rewrite a record so that no whole phone number survives (last four digits only), nor a
    secret or a text in a URL."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _SECRET_PARAMS.sub(lambda m: (m.group(1) or m.group(2)) + "***", mask_all(message))
        if masked != message:
            record.msg, record.args = masked, None
        return True


_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(level: str = "INFO") -> None:
    """Send logs to stderr through the masking filter, ours and uvicorn's alike."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(MaskPhones())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "apscheduler"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True


def uvicorn_log_config(level: str = "INFO") -> dict[str, object]:
    """A uvicorn log config whose handlers mask phone numbers (access log paths included)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"mask": {"()": MaskPhones}},
        "formatters": {"plain": {"format": _FORMAT}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
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
