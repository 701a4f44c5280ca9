"""Dose received and who is behind, for women in situations built here; the expected tips come
from the sender's own journey (delivery.journey), not from the SQL under test."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.admin.test_content_api import bearer
from tests.metrics.builders import moscow_day
from tests.metrics.scenario import build
from text4baby_ru.auth.models import Role
from text4baby_ru.clock import FixedClock


def test_dose_received_by_cohort(client: TestClient, session: Session, clock: FixedClock) -> None:
    women = build(session, moscow_day(clock.now()))
    session.commit()
    viewer = bearer(session, clock, Role.VIEWER)
    body = client.get("/api/v1/metrics/dose", headers=viewer).json()
    assert body["definition"]
    first = [w for w in women if moscow_day(w.enrollment.activated_at).isoformat() < "2026-11-09"]
    expected = sum(w.expected for w in first)
    delivered = sum(w.delivered for w in first)
    assert expected > 40 and 0 < delivered < expected
    assert body["cohorts"] == [
        {
            "cohort": "2026-11-02",
            "subscribers": len(first),
            "expected": expected,
            "delivered": delivered,
            "ratio": round(delivered / expected, 4),
        },
        {
            "cohort": "2026-11-16",
            "subscribers": 1,
            "expected": women[-1].expected,
            "delivered": 0,
            "ratio": 0.0,
        },
    ]
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/api/v1/metrics/dose?format=csv", headers=viewer).text)
        )
    )
    assert rows[0]["subscribers"] == str(len(first)) and rows[0]["delivered"] == str(delivered)
    assert rows[1] == {
        "cohort": "2026-11-16",
        "subscribers": "<5",
        "expected": "",
        "delivered": "",
        "ratio": "",
    }


def test_who_is_behind_and_why(client: TestClient, session: Session, clock: FixedClock) -> None:
    women = build(session, moscow_day(clock.now()))
    session.commit()
    admin = bearer(session, clock, Role.ADMIN)
    body = client.get("/api/v1/metrics/behind", headers=admin).json()
    listed = {e["enrollment_id"]: e for e in body["enrollments"]}
    behind = {w.enrollment.id: w for w in women if w.reason}
    assert set(listed) == set(behind)
    for enrollment_id, w in behind.items():
        got = listed[enrollment_id]
        assert (got["reason"], got["expected"], got["sent"]) == (w.reason, w.expected, w.sent)
        assert got["missing"] == w.expected - w.sent and len(got["subscriber"]) == 16
    assert body["total"] == len(behind)
    assert body["by_reason"]["not_yet_planned"] == 2 and body["by_reason"]["paused"] == 1
    missing = [e["missing"] for e in body["enrollments"]]
    assert missing == sorted(missing, reverse=True)
    assert (
        len(client.get("/api/v1/metrics/behind?limit=2", headers=admin).json()["enrollments"]) == 2
    )
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/api/v1/metrics/behind?format=csv", headers=admin).text)
        )
    )
    assert {int(r["enrollment_id"]): r["reason"] for r in rows} == {
        i: w.reason for i, w in behind.items()
    }


def test_roles_viewers_see_aggregates_only(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    viewer = bearer(session, clock, Role.VIEWER)
    for path in (
        "/api/v1/metrics/summary",
        "/api/v1/metrics/dose",
        "/api/v1/metrics/distribution?metric=active_by_week",
        "/api/v1/metrics/timeseries?metric=messages&from=2026-11-01&to=2026-11-30",
    ):
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers=viewer).status_code == 200, path
    for path in ("/api/v1/metrics/behind", "/api/v1/exports/pseudonymous"):
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers=viewer).status_code == 403, path
