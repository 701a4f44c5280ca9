"""Dates and zones at the edges: each is a 422 with the reason (or the page's own notice), never
a 500 or a traceback in the log; a failed statement never logs its values."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tests.admin.test_alerts import ALERT
from tests.admin.test_content_api import bearer
from tests.admin.test_pages import sign_in
from tests.factories import make_enrollment
from text4baby_ru.auth.models import Role
from text4baby_ru.auth.service import create_user
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.models import Alert, AlertStatus
from text4baby_ru.enrollment.models import Person

BAD_ZONES = ["Mars/Olympus", "../../etc/passwd", "Moscow", "/etc/passwd", "Europe/Moscow\x00"]


@pytest.fixture
def quiet_log(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """The test's requests leave no error and no traceback in the log."""
    with caplog.at_level(logging.WARNING):
        yield
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.usefixtures("quiet_log")
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_dashboard_at_the_ends_of_the_calendar_shows_its_notice(
    client: TestClient, session: Session, clock: FixedClock, day: str
) -> None:
    sign_in(client, session, clock, Role.VIEWER)
    for query in ({"start": day, "end": day}, {"end": day}, {"start": day}):
        page = client.get("/admin/dashboard", params=query)
        assert page.status_code == 200 and "03.01.2000" in page.text  # the notice, in Russian
        download = client.get("/admin/dashboard.csv", params=query)
        assert download.status_code == 422 and "2000-01-03" in download.json()["detail"]


FAR = ["9999-12-31T23:59:59+00:00", "9999-12-31T23:59:59+03:00", "0001-01-01T00:00:00Z"]


@pytest.mark.usefixtures("quiet_log")
@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [("timezone", z, "not an IANA time zone") for z in BAD_ZONES]
    + [("send_at", t, "within a year") for t in FAR],
)
def test_an_alert_with_a_bad_zone_or_a_far_send_time_is_refused(
    client: TestClient, session: Session, clock: FixedClock, field: str, value: str, reason: str
) -> None:
    admin = bearer(session, clock, Role.ADMIN)
    for path in ("/api/v1/alerts/dry-run", "/api/v1/alerts"):
        response = client.post(path, json=ALERT | {field: value}, headers=admin)
        assert response.status_code == 422, response.text
        assert reason in response.json()["detail"]
    good = ALERT | {"timezone": "Asia/Vladivostok"}
    assert client.post("/api/v1/alerts/dry-run", json=good, headers=admin).status_code == 200


@pytest.mark.usefixtures("quiet_log")
@pytest.mark.parametrize(
    ("zone", "send_at", "reason"),
    [
        ("Mars/Olympus", datetime(2026, 12, 1, tzinfo=UTC), "not an IANA zone"),
        ("../../etc/passwd", datetime(2026, 12, 1, tzinfo=UTC), "not an IANA zone"),
        (None, datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), "within a year"),
    ],
)
def test_an_alert_stored_before_the_checks_is_refused_when_sent(
    client: TestClient,
    session: Session,
    clock: FixedClock,
    zone: str | None,
    send_at: datetime,
    reason: str,
) -> None:
    user, token = create_user(session, name="Ольга", role=Role.ADMIN, now=clock.now())
    make_enrollment(session)
    alert = Alert(
        text_ru=ALERT["text_ru"],
        text_en=ALERT["text_en"],
        timezone=zone,
        send_at=send_at,
        status=AlertStatus.DRAFT,
        created_by=user.id,
        created_at=clock.now(),
    )
    session.add(alert)
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post(f"/api/v1/alerts/{alert.id}/send", headers=headers)
    assert response.status_code == 422, response.text
    assert reason in response.json()["detail"]


@pytest.mark.usefixtures("quiet_log")
@pytest.mark.parametrize(
    "dates",
    [
        {"due_date": "0001-01-01"},
        {"due_date": "9999-12-31"},
        {"birth_date": "0001-01-01"},
        {"birth_date": "9999-12-31"},
    ],
)
def test_correcting_her_dates_to_the_ends_of_the_calendar_is_refused(
    client: TestClient, session: Session, clock: FixedClock, dates: dict[str, str]
) -> None:
    admin = bearer(session, clock, Role.ADMIN)
    enrollment = make_enrollment(session)
    phone = session.get_one(Person, enrollment.person_id).phone
    session.commit()
    response = client.patch(f"/api/v1/subscribers/{phone}", json=dates, headers=admin)
    assert response.status_code == 422, response.text
    assert "programme" in response.text or "future" in response.text or "37 weeks" in response.text
    session.refresh(enrollment)
    assert enrollment.due_date == date(2027, 5, 1) and enrollment.birth_date is None


def test_a_failed_statement_does_not_carry_its_values(session: Session) -> None:
    enrollment = make_enrollment(session)
    phone = session.get_one(Person, enrollment.person_id).phone
    with pytest.raises(IntegrityError) as failed:
        session.execute(
            insert(Person).values(
                phone=phone,
                phone_hash="a-value-that-must-not-be-logged",
                language="ru",
                timezone="Europe/Moscow",
                created_at=datetime(2026, 11, 1, tzinfo=UTC),
            )
        )
    # (PostgreSQL's own DETAIL names the duplicate key; the log's phone masking covers that.)
    assert "a-value-that-must-not-be-logged" not in str(failed.value)
    assert "[parameters:" not in str(failed.value) and "hidden" in str(failed.value)
