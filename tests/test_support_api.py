"""Support staff's view of one woman, and the programme totals, through the admin API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import fixture_phone
from tests.twilio_signing import sms
from text4baby_ru.auth.models import Role
from text4baby_ru.auth.service import create_user
from text4baby_ru.clock import FixedClock


def _token(session: Session, clock: FixedClock, role: Role) -> dict[str, str]:
    _, token = create_user(session, name=f"{role}", role=role, now=clock.now())
    session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_an_admin_sees_her_messages_with_statuses_and_keys(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    admin = _token(session, clock, Role.ADMIN)
    messages = client.get(
        f"/api/v1/subscribers/{phone.replace('+', '%2B')}/messages", headers=admin
    )
    assert messages.status_code == 200
    rows = messages.json()
    assert [m["key"] for m in rows] == ["reply.ask_city", "reply.confirm_pregnancy"]
    assert {m["status"] for m in rows} == {"delivered"} and all(m["provider_sid"] for m in rows)
    assert client.get("/api/v1/subscribers/+79169999999/messages", headers=admin).status_code == 404
    assert client.get("/api/v1/subscribers/not-a-number", headers=admin).status_code == 404


def test_subscriber_records_are_for_admins_only(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    for role in (Role.VIEWER, Role.EDITOR, Role.REVIEWER):
        headers = _token(session, clock, role)
        assert client.get(f"/api/v1/subscribers/{phone}", headers=headers).status_code == 403
        assert (
            client.get(f"/api/v1/subscribers/{phone}/messages", headers=headers).status_code == 403
        )
    assert client.get(f"/api/v1/subscribers/{phone}").status_code == 401


def test_a_viewer_gets_totals_without_a_single_number_or_text(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    sms(client, fixture_phone(), "BABY")
    viewer = _token(session, clock, Role.VIEWER)
    response = client.get("/api/v1/metrics/summary", headers=viewer)
    assert response.status_code == 200
    body = response.json()
    assert body["subscribers"]["active"] >= 1 and body["subscribers"]["pending"] >= 1
    assert body["subscribers"]["by_track"]["pregnancy"] >= 1
    assert body["messages"]["delivered"] >= 3
    assert phone[1:] not in response.text and "15.03.2027" not in response.text
    empty = client.get(
        "/api/v1/metrics/summary?from=2020-01-01&to=2020-01-31", headers=viewer
    ).json()
    assert empty["subscribers"]["active"] == 0 and empty["messages"]["delivered"] == 0
    backwards = client.get("/api/v1/metrics/summary?from=2026-12-01&to=2026-11-01", headers=viewer)
    assert backwards.status_code == 422
