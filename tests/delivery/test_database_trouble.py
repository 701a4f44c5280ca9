"""Database trouble during a pass: the pass resumes or fails cleanly, nothing lost or doubled."""

from __future__ import annotations

import contextlib
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from tests.factories import queue_replies
from text4baby_ru.clock import FixedClock
from text4baby_ru.db import make_engine, session_factory
from text4baby_ru.delivery.models import MessageStatus, OutboundMessage
from text4baby_ru.delivery.sender import SendPolicy, send_due
from text4baby_ru.gateways.base import OutgoingSms, SendReceipt

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


class CountingGateway:
    """Counts what it is handed; runs `trouble` before the given call."""

    name = "counting"

    def __init__(self, trouble_at: int, trouble: object) -> None:
        self.calls: list[int] = []
        self.trouble_at, self.trouble = trouble_at, trouble

    def send(self, sms: OutgoingSms) -> SendReceipt:
        if len(self.calls) == self.trouble_at:
            self.trouble()  # type: ignore[operator]
        self.calls.append(sms.message_id)
        return SendReceipt(provider_sid=f"C{sms.message_id}", status="sent")


def _statuses(url: str) -> dict[MessageStatus, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = dict(
            conn.execute(
                select(OutboundMessage.status, func.count()).group_by(OutboundMessage.status)
            ).all()
        )
    engine.dispose()
    return found


def test_postgresql_connections_cut_mid_pass_lose_and_double_nothing(
    fresh_database_url: str,
) -> None:
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("cuts PostgreSQL connections with pg_terminate_backend")
    queue_replies(fresh_database_url, 120)
    database = make_url(fresh_database_url).database
    admin = create_engine(
        make_url(fresh_database_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )

    def cut() -> None:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :db AND pid <> pg_backend_pid()"
                ),
                {"db": database},
            )

    engine = make_engine(fresh_database_url)
    sessions = session_factory(engine)
    gateway = CountingGateway(trouble_at=30, trouble=cut)
    clock = FixedClock(NOW)
    # Failing cleanly is allowed: what matters is the state left behind.
    with contextlib.suppress(Exception):
        send_due(sessions=sessions, gateway=gateway, clock=clock, worker="w", policy=SendPolicy())
    clock.advance(timedelta(minutes=10))
    from text4baby_ru.delivery.service import mark_stale

    mark_stale(sessions, now=clock.now())
    send_due(sessions=sessions, gateway=gateway, clock=clock, worker="w", policy=SendPolicy())
    engine.dispose()
    admin.dispose()
    statuses = _statuses(fresh_database_url)
    assert len(gateway.calls) == len(set(gateway.calls))  # nothing handed over twice
    assert (
        statuses.get(MessageStatus.QUEUED, 0) == 0 and statuses.get(MessageStatus.SENDING, 0) == 0
    )
    # every message is either sent or, where the cut hid the outcome, `unknown` (never resent)
    assert statuses.get(MessageStatus.SENT, 0) + statuses.get(MessageStatus.UNKNOWN, 0) == 120
    assert statuses.get(MessageStatus.SENT, 0) == len(gateway.calls) - statuses.get(
        MessageStatus.UNKNOWN, 0
    )


def test_sqlite_locked_by_another_writer_makes_the_pass_wait_not_fail(
    fresh_database_url: str,
) -> None:
    if not fresh_database_url.startswith("sqlite"):
        pytest.skip("SQLite's single writer")
    queue_replies(fresh_database_url, 20)
    import sqlite3

    blocker = sqlite3.connect(
        make_url(fresh_database_url).database or "", isolation_level=None, check_same_thread=False
    )
    blocker.execute("BEGIN IMMEDIATE")  # another process's writer holds the lock
    threading.Timer(1.5, lambda: blocker.execute("COMMIT")).start()
    engine = make_engine(fresh_database_url)
    gateway = CountingGateway(trouble_at=-1, trouble=None)
    start = time.monotonic()
    report = send_due(
        sessions=session_factory(engine),
        gateway=gateway,
        clock=FixedClock(NOW),
        worker="w",
        policy=SendPolicy(),
    )
    waited = time.monotonic() - start
    engine.dispose()
    assert waited >= 1.0 and report.sent == 20 and sorted(gateway.calls) == list(range(1, 21))
    assert _statuses(fresh_database_url) == {MessageStatus.SENT: 20}
