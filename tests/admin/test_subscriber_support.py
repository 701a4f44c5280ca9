"""Support for one woman through the admin API: stop, restart, dates, erasure, audit."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.admin.test_content_api import bearer
from tests.factories import fixture_phone
from tests.twilio_signing import sms
from text4baby_ru.audit.models import AuditEvent
from text4baby_ru.auth.models import Role
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.models import OutboundMessage
from text4baby_ru.enrollment.models import InboundMessage, Person, Suppression


def test_opt_out_reactivate_and_correct_dates_are_audited(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    admin = bearer(session, clock, Role.ADMIN)
    assert (
        client.post(f"/api/v1/subscribers/{phone}/opt-out", headers=admin).json()["status"]
        == "opted_out"
    )
    assert (
        client.post(f"/api/v1/subscribers/{phone}/reactivate", headers=admin).json()["status"]
        == "active"
    )
    corrected = client.patch(
        f"/api/v1/subscribers/{phone}", json={"birth_date": "2026-11-20"}, headers=admin
    )
    assert corrected.status_code == 200 and corrected.json()["track"] == "baby"
    bad = client.patch(
        f"/api/v1/subscribers/{phone}", json={"due_date": "2028-06-01"}, headers=admin
    )
    assert bad.status_code == 422 and "37 weeks" in bad.json()["detail"]
    session.expire_all()
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert [a for a in actions if a != "subscriber.read"] == [
        "subscriber.opt_out",
        "subscriber.reactivate",
        "subscriber.dates",
    ]
    assert "subscriber.read" in actions  # every read of her record is audited too


def test_erasure_removes_her_number_and_texts_but_her_rows_still_count(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    sms(client, phone, "Москва")
    admin = bearer(session, clock, Role.ADMIN)
    client.post(f"/api/v1/subscribers/{phone}/opt-out", headers=admin)
    before = client.get("/api/v1/metrics/summary", headers=admin).json()
    assert client.delete(f"/api/v1/subscribers/{phone}", headers=admin).status_code == 204
    assert client.get(f"/api/v1/subscribers/{phone}", headers=admin).status_code == 404
    session.expire_all()
    person = session.scalars(select(Person).where(Person.erased_at.is_not(None))).one()
    assert person.phone is None and person.city is None
    assert session.scalars(
        select(InboundMessage.body).where(InboundMessage.person_id == person.id)
    ).all() == [None, None]
    assert (
        session.scalars(
            select(OutboundMessage.body).where(OutboundMessage.person_id == person.id)
        ).all()
        == [None] * 3
    )
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "person", AuditEvent.entity_id == str(person.id)
        )
    ).all()
    assert events and all(e.before is None and e.after == {"erased": True} for e in events)
    assert session.scalars(select(Suppression.reason)).all() == ["opted_out"]  # her number's hash
    after = client.get("/api/v1/metrics/summary", headers=admin).json()
    assert sum(v for k, v in after["subscribers"].items() if k != "by_track") == sum(
        v for k, v in before["subscribers"].items() if k != "by_track"
    )
    assert sum(after["messages"].values()) == sum(before["messages"].values())
    assert sms(client, phone, "МАМА").status_code == 200  # she may come back by SMS as someone new
    assert client.get(f"/api/v1/subscribers/{phone}", headers=admin).json()["status"] == "pending"


def test_an_enrollment_left_pending_past_the_retention_period_is_erased(
    client: TestClient, session: Session, clock: FixedClock, runtime: object
) -> None:
    from datetime import timedelta

    from text4baby_ru.runtime import Runtime

    assert isinstance(runtime, Runtime)
    old, recent = fixture_phone(), fixture_phone()
    sms(client, old, "МАМА")  # never sends her date
    clock.advance(timedelta(days=29))
    sms(client, recent, "МАМА")
    clock.advance(timedelta(days=2))  # the first is 31 days old, the second 2
    runtime.run_pass("test")
    admin = bearer(session, clock, Role.ADMIN)
    assert client.get(f"/api/v1/subscribers/{old}", headers=admin).status_code == 404
    assert client.get(f"/api/v1/subscribers/{recent}", headers=admin).json()["status"] == "pending"
