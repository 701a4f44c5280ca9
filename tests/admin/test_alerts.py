"""Broadcast alerts reach exactly their audience, once, inside quiet-hours rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.admin.test_content_api import bearer
from tests.factories import make_enrollment, make_person
from text4baby_ru.auth.models import Role
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.delivery.sender import send_due
from text4baby_ru.enrollment.models import SubscriberStatus
from text4baby_ru.gateways.console import ConsoleGateway

ALERT = {
    "text_ru": "Внимание: в регионе грипп. Спросите врача о прививке. Температура 38 и выше - звоните 103 или 112.",
    "text_en": "Flu is spreading in the region. Ask your doctor about the jab. Fever 38 C or more: call 103 or 112.",
    "track": "pregnancy",
    "week_from": 20,
    "week_to": 30,
    "send_at": "2026-11-30T12:00:00+03:00",
}
T = datetime(2026, 11, 1, tzinfo=UTC)


def audience(session: Session) -> dict[str, int]:
    """Seven women; two are in the audience (active, pregnancy weeks 20-30)."""
    people = {}
    for name, zone, lang, values in [
        ("in_ru", "Europe/Moscow", "ru", {"due_date": date(2027, 3, 15)}),  # week 25
        ("week_31", "Asia/Vladivostok", "en", {"due_date": date(2027, 2, 1)}),  # outside 20-30
        ("in_kgd", "Europe/Kaliningrad", "ru", {"due_date": date(2027, 4, 1)}),  # week 22
        ("too_early", "Europe/Moscow", "ru", {"due_date": date(2027, 6, 1)}),  # week 13
        (
            "baby",
            "Europe/Moscow",
            "ru",
            {"due_date": None, "birth_date": date(2026, 10, 1), "track": "baby"},
        ),
        (
            "stopped",
            "Europe/Moscow",
            "ru",
            {"due_date": date(2027, 3, 15), "status": SubscriberStatus.OPTED_OUT},
        ),
        (
            "pending",
            "Europe/Moscow",
            "ru",
            {"due_date": None, "status": SubscriberStatus.PENDING, "track": None},
        ),
    ]:
        person = make_person(session, timezone=zone, language=lang)
        make_enrollment(session, person, activated_at=T, **values)
        people[name] = person.id
    session.commit()
    return people


def test_dry_run_counts_send_reaches_the_audience_once_and_cancel_stops_the_rest(
    client: TestClient, session: Session, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    people = audience(session)
    admin = bearer(session, clock, Role.ADMIN)
    dry = client.post("/api/v1/alerts/dry-run", json=ALERT, headers=admin).json()
    assert dry["recipients"] == 2  # Moscow week 25 and Kaliningrad week 22; Vladivostok is week 31
    assert dry["segments"] == 2 * 2 and dry["cost"] == 10.0
    created = client.post("/api/v1/alerts", json=ALERT, headers=admin)
    assert created.status_code == 201 and created.json()["status"] == "draft"
    alert_id = created.json()["id"]
    sent = client.post(f"/api/v1/alerts/{alert_id}/send", headers=admin).json()
    assert sent["status"] == "scheduled" and sent["recipients"] == 2
    assert client.post(f"/api/v1/alerts/{alert_id}/send", headers=admin).status_code == 409
    session.expire_all()
    rows = session.scalars(
        select(OutboundMessage).where(OutboundMessage.kind == MessageKind.ALERT)
    ).all()
    assert sorted(r.person_id for r in rows) == sorted([people["in_ru"], people["in_kgd"]])
    assert {r.due_at for r in rows} == {datetime(2026, 11, 30, 9, 0, tzinfo=UTC)}
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    sessions_sent = send_due(sessions=sessions, gateway=ConsoleGateway(), clock=clock, worker="t")
    assert sessions_sent.sent == 2
    cancelled = client.post(f"/api/v1/alerts/{alert_id}/cancel", headers=admin).json()
    assert cancelled["status"] == "cancelled"
    session.expire_all()
    assert {
        r.status
        for r in session.scalars(
            select(OutboundMessage).where(OutboundMessage.kind == MessageKind.ALERT)
        )
    } == {MessageStatus.DELIVERED}


def test_an_alert_at_night_waits_for_the_morning_and_cancel_before_it_goes_stops_it(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    audience(session)
    admin = bearer(session, clock, Role.ADMIN)
    night = ALERT | {
        "send_at": "2026-11-30T23:30:00+03:00",
        "track": None,
        "week_from": None,
        "week_to": None,
    }
    alert_id = client.post("/api/v1/alerts", json=night, headers=admin).json()["id"]
    assert client.post(f"/api/v1/alerts/{alert_id}/send", headers=admin).json()["recipients"] == 5
    session.expire_all()
    moscow_due = {
        r.due_at
        for r in session.scalars(
            select(OutboundMessage).where(
                OutboundMessage.kind == MessageKind.ALERT, OutboundMessage.language == "ru"
            )
        )
    }
    assert datetime(2026, 12, 1, 6, 0, tzinfo=UTC) in moscow_due  # 09:00 Moscow next morning
    client.post(f"/api/v1/alerts/{alert_id}/cancel", headers=admin)
    session.expire_all()
    assert {
        r.status
        for r in session.scalars(
            select(OutboundMessage).where(OutboundMessage.kind == MessageKind.ALERT)
        )
    } == {MessageStatus.CANCELLED}


def test_alerts_are_admin_only_and_bad_texts_are_refused(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    editor = bearer(session, clock, Role.EDITOR)
    assert client.post("/api/v1/alerts/dry-run", json=ALERT, headers=editor).status_code == 403
    admin = bearer(session, clock, Role.ADMIN)
    bad = client.post("/api/v1/alerts", json=ALERT | {"text_en": "Call 911 now"}, headers=admin)
    assert bad.status_code == 422 and "911" in bad.json()["detail"]
    naive = client.post(
        "/api/v1/alerts", json=ALERT | {"send_at": "2026-11-30T12:00:00"}, headers=admin
    )
    assert naive.status_code == 422
