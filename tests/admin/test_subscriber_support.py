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


def test_a_support_call_sees_her_week_next_tip_and_both_sides_of_the_conversation(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from text4baby_ru.settings import Settings

    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    sms(client, phone, "Екатеринбург")
    admin = bearer(session, clock, Role.ADMIN)
    standing = client.get(f"/api/v1/subscribers/{phone}/standing", headers=admin).json()
    # 15.03.2027 - 280 days = 08.06.2026; on 30.11.2026 that is 175 days: week 25.
    assert standing["status"] == "active" and standing["status_reason"] is None
    assert standing["track"] == "pregnancy" and standing["week"] == 25
    assert standing["timezone"] == "Asia/Yekaterinburg"
    at = datetime.fromisoformat(standing["next_tip_at"])
    local = at.astimezone(ZoneInfo("Asia/Yekaterinburg"))
    settings = Settings()
    assert at > clock.now() and local.hour == settings.send_hour
    assert local.weekday() in settings.send_weekdays
    assert standing["next_tip_key"].startswith("pregnancy.w25.")

    lines = client.get(f"/api/v1/subscribers/{phone}/conversation", headers=admin).json()
    assert [(x["direction"], x["body"]) for x in lines if x["direction"] == "in"] == [
        ("in", "МАМА 15.03.2027"),
        ("in", "Екатеринбург"),
    ]
    assert lines[0]["direction"] == "in" and any(x["direction"] == "out" for x in lines)
    assert [x["at"] for x in lines] == sorted(x["at"] for x in lines)
    assert (
        client.get("/api/v1/subscribers/+79160000000/conversation", headers=admin).status_code
        == 404
    )

    client.post(f"/api/v1/subscribers/{phone}/opt-out", headers=admin)
    stopped = client.get(f"/api/v1/subscribers/{phone}/standing", headers=admin).json()
    assert stopped["status"] == "opted_out" and stopped["status_reason"] == "opted_out"
    assert stopped["next_tip_at"] is None
    session.expire_all()
    actions = session.scalars(select(AuditEvent.action)).all()
    assert "subscriber.read_conversation" in actions
