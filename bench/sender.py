"""Sender: queued messages through the Twilio gateway to a Twilio-compatible server in another
process, against a bare keep-alive HTTP client on the same server; then a provider rate limit."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import func, select, text

from bench.common import ROOT, drop_database, drop_rollup_triggers, fresh_database
from text4baby_ru.clock import SystemClock
from text4baby_ru.db import make_engine, session_factory
from text4baby_ru.delivery.models import MessageStatus, OutboundMessage
from text4baby_ru.delivery.sender import SendPolicy, send_due
from text4baby_ru.gateways.twilio import TwilioGateway

TOKEN, ACCOUNT = "bench-token", "AC" + "3" * 32


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _mock(*extra: str) -> tuple[subprocess.Popen[str], str]:
    port = _port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devtools.twilio_mock",
            "--port",
            str(port),
            "--token",
            TOKEN,
            "--no-callbacks",
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.readline()  # "Twilio-compatible server on ..."
    return process, f"http://127.0.0.1:{port}"


def _queue(url: str, n: int) -> None:
    """n queued messages to n people, rendered at send time from the library (as tips are)."""
    engine = make_engine(url)
    with engine.begin() as conn:
        revision = conn.execute(
            text(
                "SELECT id FROM content_revisions WHERE key = 'pregnancy.w20.1' AND language = 'ru' "
                "AND status = 'live'"
            )
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO people (id, phone, phone_hash, language, timezone, created_at) "
                "VALUES (:id, :phone, :hash, 'ru', 'Europe/Moscow', '2026-11-01')"
            ),
            [{"id": i, "phone": f"+7916{i:07d}", "hash": f"h{i}"} for i in range(1, n + 1)],
        )
        conn.execute(
            text(
                "INSERT INTO enrollments (id, person_id, status, track, due_date, channel, created_at, "
                "updated_at, activated_at, failures_in_a_row) VALUES (:id, :id, 'active', 'pregnancy', "
                "'2027-04-12', 'sms', '2026-11-01', '2026-11-01', '2026-11-01', 0)"
            ),
            [{"id": i} for i in range(1, n + 1)],
        )
        conn.execute(
            text(
                "INSERT INTO outbound_messages (kind, person_id, enrollment_id, content_key, revision_id, "
                "language, track, week, slot, status, due_at, attempts, segments, created_at, updated_at) "
                "VALUES ('tip', :id, :id, 'pregnancy.w20.1', :rev, 'ru', 'pregnancy', 20, 1, 'queued', "
                "'2026-11-01', 0, 0, '2026-11-01', '2026-11-01')"
            ),
            [{"id": i, "rev": revision} for i in range(1, n + 1)],
        )
    engine.dispose()


def _gateway(api: str) -> TwilioGateway:
    return TwilioGateway(
        account_sid=ACCOUNT,
        auth_token=TOKEN,
        api_base=api,
        status_callback="http://127.0.0.1:9/sms/twilio/status",
        from_number="+79160009999",
        clock=SystemClock(),
    )


def _floor(api: str, n: int) -> float:
    """Messages per second a bare keep-alive client gets from the same server."""
    session = requests.Session()
    session.auth = (ACCOUNT, TOKEN)
    url = f"{api}/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    start = time.perf_counter()
    for i in range(n):
        session.post(url, data={"To": f"+7916{i:07d}", "From": "+79160009999", "Body": "floor"})
    return n / (time.perf_counter() - start)


@contextmanager
def _outbox(
    kind: str, folder: Path, n: int, *mock_args: str, rollups: bool = True
) -> Iterator[tuple[Any, str]]:
    """A fresh database with n queued tips and a Twilio-compatible server; cleaned up after
    (`rollups` False: with the metrics triggers dropped)."""
    folder.mkdir(parents=True, exist_ok=True)
    url = fresh_database(kind, folder)
    if not rollups:
        drop_rollup_triggers(url)
    mock, api = _mock(*mock_args)
    engine = None
    try:
        _queue(url, n)
        engine = make_engine(url)
        yield session_factory(engine), api
    finally:
        if engine is not None:
            engine.dispose()
        mock.terminate()
        drop_database(url)


def _send(sessions: Any, api: str, rate: float | None) -> tuple[Any, float]:
    start = time.perf_counter()
    report = send_due(
        sessions=sessions,
        gateway=_gateway(api),
        clock=SystemClock(),
        worker="bench",
        policy=SendPolicy(rate=rate),
    )
    return report, time.perf_counter() - start


def run(
    kind: str, n: int, folder: Path, limited_rate: float = 40.0, rollups: bool = True
) -> dict[str, Any]:
    """Throughput against the floor, then the rate held under a provider's limit (`rollups`
    False: the throughput with the metrics triggers dropped)."""
    with _outbox(kind, folder, n, rollups=rollups) as (sessions, api):
        report, seconds = _send(sessions, api, None)
        floor = _floor(api, min(n, 5000))
    result = {
        "benchmark": "sender",
        "database": kind,
        "rollups": rollups,
        "messages": n,
        "sent": report.sent,
        "seconds": round(seconds, 2),
        "messages_per_second": round(report.sent / seconds),
        "floor_messages_per_second": round(floor),
        "ratio_to_floor": round(report.sent / seconds / floor, 2),
    }
    result |= _rate_limited(kind, folder, limited_rate)
    result |= _throttled(kind, folder, limited_rate)
    return result


def _sent_segments(sessions: Any) -> int:
    with sessions() as s:
        return int(
            s.scalar(
                select(func.sum(OutboundMessage.segments)).where(
                    OutboundMessage.status == MessageStatus.SENT
                )
            )
            or 0
        )


def _throttled(kind: str, folder: Path, limit: float) -> dict[str, Any]:
    """The throttled route: a provider answering 429 above `limit` segments per second while
    we are configured for five times that; the shared rate must find the limit and hold it."""
    n = int(limit * 6)
    with _outbox(kind, folder, n, "--rate-limit", str(limit)) as (sessions, api):
        start = time.perf_counter()
        sent, throttled = 0, 0
        while sent < n and time.perf_counter() - start < 120:
            report = send_due(
                sessions=sessions,
                gateway=_gateway(api),
                clock=SystemClock(),
                worker="bench",
                policy=SendPolicy(rate=limit * 5),
            )
            sent, throttled = sent + report.sent, throttled + report.throttled
        seconds = time.perf_counter() - start
        segments = _sent_segments(sessions)
    return {
        "throttled_route_limit_segments_per_second": limit,
        "throttled_route_configured_segments_per_second": limit * 5,
        "throttled_route_sent": sent,
        "throttled_route_held_segments_per_second": round(segments / seconds, 1),
        "throttled_route_answers_429": throttled,
    }


def _rate_limited(kind: str, folder: Path, rate: float) -> dict[str, Any]:
    """A provider that answers 429 above `rate` segments per second; we send at 95% of it."""
    with _outbox(kind, folder, int(rate * 3), "--rate-limit", str(rate)) as (sessions, api):
        report, seconds = _send(sessions, api, rate * 0.95)
        with sessions() as s:

            def total(*where: Any) -> int:
                return int(
                    s.scalar(select(func.count()).select_from(OutboundMessage).where(*where)) or 0
                )

            throttled = total(OutboundMessage.error_code == "20429")
            queued = total(OutboundMessage.status == MessageStatus.QUEUED)
        segments = _sent_segments(sessions)
    return {
        "provider_limit_segments_per_second": rate,
        "configured_segments_per_second": rate * 0.95,
        "limited_sent": report.sent,
        "held_segments_per_second": round(segments / seconds, 1),
        "lag_of_last_seconds": round(seconds - segments / (rate * 0.95), 2),
        "answers_429": throttled + report.retried + report.throttled,
        "left_queued": queued,
    }
