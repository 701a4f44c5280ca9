"""Log lines as an operator reads them: plain or JSON, ids attached, no whole number anywhere."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_enrollment, make_person
from text4baby_ru.logs import JsonFormatter, TextFormatter
from text4baby_ru.runtime import Runtime


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


def _run_a_scheduled_job() -> None:
    """A real APScheduler job, run once, as the scheduler runs each pass: an interval job
    started at once (a one-off job is removed after its run, and a shutdown at that moment
    raised JobLookupError in the scheduler's thread)."""
    import threading

    from apscheduler.schedulers.background import BackgroundScheduler

    done = threading.Event()
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(done.set, "interval", hours=1, id="pass", next_run_time=datetime.now(UTC))
    scheduler.start()
    assert done.wait(10)
    scheduler.shutdown(wait=True)


def test_the_schedulers_routine_lines_are_quiet_unless_the_level_is_debug(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from text4baby_ru.logs import configure

    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("apscheduler").level)
    try:
        configure("INFO")
        _run_a_scheduled_job()
        logging.getLogger("apscheduler.scheduler").warning("a job was missed")
        quiet = capsys.readouterr().err
        assert "executed successfully" not in quiet and "Running job" not in quiet
        assert "a job was missed" in quiet  # its warnings still show
        configure("DEBUG")
        _run_a_scheduled_job()
        assert "executed successfully" in capsys.readouterr().err
    finally:
        root.handlers, root.level = saved[0], saved[1]
        logging.getLogger("apscheduler").setLevel(saved[2])


def test_an_idle_pass_says_nothing_at_info_and_a_pass_that_plans_does(
    runtime: Runtime, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="text4baby_ru.delivery.service")
    runtime.run_pass("test")  # Monday 10:00 in Moscow, nobody enrolled
    assert [r for r in caplog.records if r.levelno >= logging.INFO] == []
    person = make_person(session, timezone="Europe/Moscow")
    make_enrollment(
        session, person, due_date=date(2027, 3, 15), activated_at=datetime(2026, 11, 1, tzinfo=UTC)
    )
    session.commit()
    runtime.run_pass("test")
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert "planned 1 tips in 1 zones" in lines
    assert any(line.startswith("pass: 1 tips planned; 1 sent") for line in lines)
