"""Log lines as an operator reads them: plain or JSON, ids attached, no whole number anywhere."""

from __future__ import annotations

import json
import logging
import sys

from text4baby_ru.logs import JsonFormatter, TextFormatter


def record(msg: str, *args: object, exc: bool = False, **ids: object) -> logging.LogRecord:
    info = None
    if exc:
        try:
            raise ValueError("cannot parse +79160000123")
        except ValueError:
            info = sys.exc_info()
    made = logging.LogRecord("t4b.test", logging.INFO, __file__, 1, msg, args, info)
    made.__dict__.update(ids)
    return made


def test_json_lines_carry_the_ids_and_mask_the_number_in_a_traceback() -> None:
    line = JsonFormatter().format(
        record("message %s sent to %s", 7, "+79160000123", exc=True, message_id=7, subscriber_id=3)
    )
    entry = json.loads(line)
    assert entry["message"] == "message 7 sent to ***0123"
    assert (entry["message_id"], entry["subscriber_id"], entry["level"]) == (7, 3, "INFO")
    assert entry["time"].endswith("Z") and "ValueError" in entry["error"]
    assert "79160000123" not in line


def test_text_lines_append_the_ids_and_mask_tracebacks_too() -> None:
    line = TextFormatter().format(
        record("inbound", exc=True, subscriber_id=3, message_ids=[8, 9], provider_sid=None)
    )
    assert line.splitlines()[0].endswith("t4b.test: inbound [subscriber_id=3 message_ids=8,9]")
    assert "***0123" in line and "79160000123" not in line
