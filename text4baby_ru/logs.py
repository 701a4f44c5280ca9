"""Logging set-up: every record, the HTTP access log included, has phone numbers masked."""

from __future__ import annotations

import logging
import sys

from text4baby_ru.kit.phones import mask_all


class MaskPhones(logging.Filter):
    """Rewrite a record so that no whole phone number survives (last four digits only)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_all(message)
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
