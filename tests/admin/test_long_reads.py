"""Long reads (the pseudonymous export, CSV downloads) take no write lock: signed webhooks keep
their usual speed while an export of thousands of rows streams, and every row arrives."""

from __future__ import annotations

import csv
import io
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select, text
from sqlalchemy.engine import make_url
from twilio.request_validator import RequestValidator

from tests.conftest import PG_URL, PUBLIC_URL, TWILIO_TOKEN
from tests.factories import queue_replies
from tests.live import free_port, serving
from text4baby_ru.audit.models import AuditEvent
from text4baby_ru.auth.models import Role
from text4baby_ru.auth.service import create_user
from text4baby_ru.clock import FixedClock
from text4baby_ru.db import make_engine, session_factory, unit_of_work
from text4baby_ru.gateways.console import ConsoleGateway
from text4baby_ru.main import create_app
from text4baby_ru.runtime import Runtime
from text4baby_ru.settings import Settings

ROWS = 3000


@dataclass
class Live:
    url: str
    token: str
    runtime: Runtime


@pytest.fixture
def live(fresh_database_url: str, settings: Settings, clock: FixedClock) -> Iterator[Live]:
    """A served app on its own database file (or PostgreSQL database) holding ROWS messages."""
    queue_replies(fresh_database_url, ROWS)
    engine = make_engine(fresh_database_url)
    if engine.dialect.name == "postgresql":  # the rows came with their ids: move the sequence on
        with engine.begin() as conn:
            conn.execute(text("SELECT setval('people_id_seq', (SELECT max(id) FROM people))"))
    sessions = session_factory(engine)
    with unit_of_work(sessions) as session:
        _, token = create_user(session, name="Ольга", role=Role.ADMIN, now=clock.now())
    runtime = Runtime(
        settings=settings, engine=engine, sessions=sessions, clock=clock, gateway=ConsoleGateway()
    )
    with serving(runtime, free_port()) as url:
        yield Live(url, token, runtime)
    engine.dispose()


def _webhook(url: str, n: int) -> float:
    """One signed inbound text from a new number; the seconds its answer took."""
    params = {"From": f"+7916000{9000 + n:04d}", "Body": "ПОМОЩЬ", "MessageSid": f"SM{n:032d}"}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(
        PUBLIC_URL + "/sms/twilio/inbound", params
    )
    started = time.monotonic()
    response = httpx.post(
        url + "/sms/twilio/inbound",
        data=params,
        headers={"X-Twilio-Signature": signature},
        timeout=10,
    )
    assert response.status_code == 200
    return time.monotonic() - started


def test_webhooks_keep_their_speed_while_the_export_streams_every_row(live: Live) -> None:
    headers = {"Authorization": f"Bearer {live.token}"}
    with httpx.stream(
        "GET", live.url + "/api/v1/exports/pseudonymous", headers=headers, timeout=10
    ) as response:
        assert response.status_code == 200
        lines = response.iter_lines()
        received = [next(lines) for _ in range(11)]  # the header and ten rows: it is reading
        waits = [_webhook(live.url, n) for n in range(5)]
        received.extend(lines)
    rows = list(csv.DictReader(io.StringIO("\n".join(received))))
    assert len(rows) == ROWS and {r["record"] for r in rows} == {"message"}
    assert max(waits) < 1.0, waits
    with live.runtime.sessions() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [e.entity for e in events] == ["pseudonymous_export"]


def _another_process_can_write(url: str) -> bool:
    """Whether a writer elsewhere gets SQLite's write lock at once (as another process would)."""
    other = sqlite3.connect(make_url(url).database or "", timeout=0.2, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's write lock; PostgreSQL readers take none")
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/exports/pseudonymous",
        "/api/v1/metrics/summary?format=csv",
        "/api/v1/metrics/timeseries?metric=messages&from=2026-11-01&to=2026-11-30&format=csv",
        "/api/v1/metrics/dose?format=csv",
        "/api/v1/metrics/behind?format=csv",
        "/admin/dashboard.csv?start=2026-11-01&end=2026-11-30",
        "/admin/dashboard?start=2026-11-01&end=2026-11-30",
    ],
)
def test_reports_and_csv_downloads_hold_no_write_lock_while_they_read(
    live: Live, path: str
) -> None:
    seen: list[bool] = []
    url = str(live.runtime.engine.url)

    @event.listens_for(live.runtime.engine, "before_cursor_execute")
    def _during_the_read(*args: Any) -> None:
        statement = args[2]
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and (
            "outbound_messages" in statement or "enrollments" in statement or "metric_" in statement
        ):  # the figures' reads: raw rows or the rollups
            seen.append(_another_process_can_write(url))

    with TestClient(create_app(live.runtime), base_url="https://testserver") as client:
        if path.startswith("/admin/"):
            client.post("/admin/sign-in", data={"token": live.token})
            response = client.get(path)
        else:
            response = client.get(path, headers={"Authorization": f"Bearer {live.token}"})
    event.remove(live.runtime.engine, "before_cursor_execute", _during_the_read)
    assert response.status_code == 200 and "/sign-in" not in str(response.url)
    assert seen and all(seen), seen
