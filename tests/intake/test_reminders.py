"""Appointment reminders end to end: asked for over the signed Twilio webhook, queued by the
planning pass when the clock reaches their instant (as `dispatch --at` moves it), sent, listed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.admin.test_content_api import bearer
from tests.factories import fixture_phone
from tests.twilio_signing import sms
from text4baby_ru.auth.models import Role
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.delivery.reminders import plan_reminders
from text4baby_ru.enrollment.models import Enrollment, Person, Reminder, SubscriberStatus
from text4baby_ru.runtime import Runtime


def messages(client: TestClient, session: Session, clock: FixedClock, phone: str) -> list[dict]:
    admin = bearer(session, clock, Role.ADMIN)
    response = client.get(f"/api/v1/subscribers/{phone}/messages", headers=admin)
    assert response.status_code == 200, response.text
    return list(reversed(response.json()))  # oldest first


def reminder_texts(session: Session, phone: str) -> list[OutboundMessage]:
    session.expire_all()
    return list(
        session.scalars(
            select(OutboundMessage)
            .join(Person, Person.id == OutboundMessage.person_id)
            .where(Person.phone == phone, OutboundMessage.kind == MessageKind.REMINDER)
            .order_by(OutboundMessage.id)
        )
    )


def at(clock: FixedClock, instant: datetime) -> None:
    clock.advance(instant - clock.now())


@pytest.mark.parametrize(
    ("city", "evening_utc", "day_utc"),
    [
        # 2 December 14:30: the evening before at 18:00 local, that day at 12:30 local
        ("Владивосток", datetime(2026, 12, 1, 8, 0, tzinfo=UTC), datetime(2026, 12, 2, 2, 30)),
        ("Москва", datetime(2026, 12, 1, 15, 0, tzinfo=UTC), datetime(2026, 12, 2, 9, 30)),
    ],
)
def test_she_is_reminded_the_evening_before_at_18_00_her_time_and_on_the_day(
    client: TestClient,
    session: Session,
    clock: FixedClock,
    runtime: Runtime,
    city: str,
    evening_utc: datetime,
    day_utc: datetime,
) -> None:
    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    sms(client, phone, city)
    sms(client, phone, "Приём 2.12 14:30")
    history = messages(client, session, clock, phone)
    assert history[-1]["key"] == "reply.reminder_set"
    assert "2 декабря в 14:30" in history[-1]["body"] and "ВИЗИТ ОТМЕНА" in history[-1]["body"]

    at(clock, evening_utc - timedelta(minutes=1))
    runtime.run_pass("test")
    assert reminder_texts(session, phone) == []  # 17:59 her time: not yet
    admin = bearer(session, clock, Role.ADMIN)
    before = client.get("/api/v1/metrics/summary", headers=admin).json()["messages"]
    at(clock, evening_utc)
    runtime.run_pass("test")
    runtime.run_pass("test")  # a second pass at the same instant sends nothing twice
    after = client.get("/api/v1/metrics/summary", headers=admin).json()["messages"]
    assert after["delivered"] == before["delivered"] + 1  # counted like any message
    [evening] = reminder_texts(session, phone)
    assert evening.content_key == "reply.reminder_evening"
    assert evening.body == "Напоминание: завтра, 2 декабря в 14:30, вы записаны к врачу."
    assert evening.status is MessageStatus.DELIVERED and evening.segments == 1

    at(clock, day_utc.replace(tzinfo=UTC))
    runtime.run_pass("test")
    keys = [m["key"] for m in messages(client, session, clock, phone)]
    assert [k for k in keys if k.startswith("reply.reminder_")] == [
        "reply.reminder_set",
        "reply.reminder_evening",
        "reply.reminder_today",
    ]
    assert reminder_texts(session, phone)[-1].body == (
        "Напоминание: сегодня, 2 декабря в 14:30, вы записаны к врачу."
    )


def test_an_english_appointment_without_a_time_gets_only_the_evening_text(
    client: TestClient, session: Session, clock: FixedClock, runtime: Runtime
) -> None:
    phone = fixture_phone()
    sms(client, phone, "baby 20 weeks")
    sms(client, phone, "appt Dec 3")
    at(clock, datetime(2026, 12, 2, 15, 0, tzinfo=UTC))  # 18:00 in Moscow
    runtime.run_pass("test")
    at(clock, datetime(2026, 12, 3, 12, 0, tzinfo=UTC))
    runtime.run_pass("test")
    assert [m.body for m in reminder_texts(session, phone)] == [
        "Reminder: your appointment is tomorrow, 3 December."
    ]


def test_cancel_stop_and_the_limit_of_three(
    client: TestClient, session: Session, clock: FixedClock, runtime: Runtime
) -> None:
    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    for day in ("5.12", "6.12", "7.12", "8.12"):
        sms(client, phone, f"ВИЗИТ {day}")
    keys = [m["key"] for m in messages(client, session, clock, phone)]
    assert keys[-4:] == ["reply.reminder_set"] * 3 + ["reply.reminder_too_many"]
    sms(client, phone, "ВИЗИТ ОТМЕНА")
    assert messages(client, session, clock, phone)[-1]["key"] == "reply.reminder_cancelled"
    sms(client, phone, "ВИЗИТ 9.12")  # room again after cancelling
    sms(client, phone, "СТОП")
    at(clock, datetime(2026, 12, 8, 15, 0, tzinfo=UTC))
    runtime.run_pass("test")
    assert reminder_texts(session, phone) == []  # all cancelled: by ОТМЕНА, then by СТОП
    statuses = session.scalars(
        select(Reminder.status).join(Person).where(Person.phone == phone)
    ).all()
    assert [s.value for s in statuses] == ["cancelled"] * 4


@pytest.mark.parametrize("word", ["СТОП", "ВИЗИТ ОТМЕНА"])
def test_a_reminder_queued_before_a_stop_or_a_cancel_is_not_sent(
    client: TestClient, session: Session, clock: FixedClock, runtime: Runtime, word: str
) -> None:
    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    sms(client, phone, "ВИЗИТ 2.12")
    at(clock, datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    with runtime.sessions() as s, s.begin():  # planned, not yet sent (the sender is busy)
        assert plan_reminders(s, now=clock.now(), quiet=runtime.settings.quiet_window) == 1
    sms(client, phone, word)
    [queued] = reminder_texts(session, phone)
    assert queued.status is MessageStatus.CANCELLED


def test_erasure_deletes_her_reminders(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    sms(client, phone, "ВИЗИТ 2.12 10:00")
    assert len(session.scalars(select(Reminder)).all()) == 1
    admin = bearer(session, clock, Role.ADMIN)
    assert client.delete(f"/api/v1/subscribers/{phone}", headers=admin).status_code == 204
    session.expire_all()
    assert session.scalars(select(Reminder)).all() == []


def test_her_reminders_are_listed_for_support_and_a_loss_cancels_them(
    client: TestClient, session: Session, clock: FixedClock, runtime: Runtime
) -> None:
    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    sms(client, phone, "ВИЗИТ 1.12 10:00")
    sms(client, phone, "ВИЗИТ 20.12")
    admin = bearer(session, clock, Role.ADMIN)
    url = f"/api/v1/subscribers/{phone}/reminders"
    listed = client.get(url, headers=admin).json()
    assert [(r["day"], r["time"], r["status"]) for r in listed] == [
        ("2026-12-20", None, "active"),
        ("2026-12-01", "10:00", "active"),
    ]
    assert listed[1]["evening_at"] == "2026-11-30T15:00:00Z"  # 18:00 in Moscow
    at(clock, datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    assert [r["status"] for r in client.get(url, headers=admin).json()] == ["active", "past"]
    sms(client, phone, "ПОТЕРЯ")
    assert [r["status"] for r in client.get(url, headers=admin).json()] == ["cancelled", "past"]
    viewer = bearer(session, clock, Role.VIEWER)
    assert client.get(url, headers=viewer).status_code == 403


def test_the_sender_drops_a_reminder_whose_enrollment_stopped_meanwhile(
    client: TestClient, session: Session, clock: FixedClock, runtime: Runtime
) -> None:
    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    sms(client, phone, "ВИЗИТ 2.12")
    at(clock, datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    with runtime.sessions() as s, s.begin():
        assert plan_reminders(s, now=clock.now(), quiet=runtime.settings.quiet_window) == 1
        # a stop that reached the database by another road, without cancelling the queue
        enrollment = s.scalars(select(Enrollment).join(Person).where(Person.phone == phone)).one()
        enrollment.status = SubscriberStatus.OPTED_OUT
    runtime.run_pass("test")
    [queued] = reminder_texts(session, phone)
    assert queued.status is not MessageStatus.DELIVERED and queued.sent_at is None


def test_an_appointment_too_soon_for_any_text_is_not_promised(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()  # the clock: 30 November, 10:00 in Moscow
    sms(client, phone, "МАМА 15.03.2027")
    sms(client, phone, "ВИЗИТ 30.11")  # today, no time: no evening before, no time to aim at
    sms(client, phone, "ВИЗИТ 30.11 10:30")  # in half an hour: after 09:00, nothing fits
    sms(client, phone, "ВИЗИТ 30.11 15:00")  # at 13:00 today
    keys = [m["key"] for m in messages(client, session, clock, phone)]
    assert keys[-3:] == ["reply.reminder_too_soon", "reply.reminder_too_soon", "reply.reminder_set"]
    [stored] = session.scalars(select(Reminder).join(Person).where(Person.phone == phone)).all()
    assert stored.morning_at == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
