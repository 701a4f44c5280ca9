"""A module as a woman meets it: the question on a send day, her answer over the signed
webhook, the tailored follow-up; a command still wins; a non-answer is nudged once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import fixture_phone, make_enrollment, make_person
from tests.twilio_signing import sms
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.delivery.planner import plan
from text4baby_ru.enrollment.models import Enrollment, Person, SubscriberStatus
from text4baby_ru.modules.models import Module, ModuleAssignment, ModuleStatus, Step
from text4baby_ru.modules.store import change_status
from text4baby_ru.runtime import Runtime

# Monday 30 November 2026, 10:00 in Moscow: a send day at the send hour (the clock fixture).
MONDAY_10_MSK = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
WEEK_10_DUE = date(2027, 6, 25)  # pregnancy week 10 on that Monday


def start(session: Session, module_id: str) -> Module:
    module = session.get_one(Module, module_id)
    change_status(session, module, ModuleStatus.RUNNING, now=MONDAY_10_MSK - timedelta(days=1))
    return module


def woman(session: Session, due: date = WEEK_10_DUE, **person: object) -> Enrollment:
    p = make_person(session, phone=fixture_phone(), **person)
    return make_enrollment(session, p, due_date=due, activated_at=MONDAY_10_MSK - timedelta(days=7))


def outbox(session: Session, enrollment: Enrollment) -> list[OutboundMessage]:
    session.expire_all()
    return list(
        session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.enrollment_id == enrollment.id)
            .order_by(OutboundMessage.id)
        )
    )


def keys(session: Session, enrollment: Enrollment, kind: MessageKind) -> list[str | None]:
    return [m.content_key for m in outbox(session, enrollment) if m.kind is kind]


def assignment(session: Session, enrollment: Enrollment) -> ModuleAssignment:
    session.expire_all()
    return session.scalars(
        select(ModuleAssignment).where(ModuleAssignment.enrollment_id == enrollment.id)
    ).one()


def phone_of(session: Session, enrollment: Enrollment) -> str:
    phone = session.get_one(Person, enrollment.person_id).phone
    assert phone is not None
    return phone


@pytest.fixture
def asked(session: Session, runtime: Runtime) -> Enrollment:
    """A woman at week 10 who has been sent the registration question this Monday."""
    start(session, "registration")
    her = woman(session)
    plan(session, now=MONDAY_10_MSK, rules=runtime.rules())
    session.commit()
    return her


def test_at_week_10_she_gets_the_registration_question_beside_the_days_tip(
    session: Session, asked: Enrollment
) -> None:
    notices = [m for m in outbox(session, asked) if m.kind is MessageKind.NOTICE]
    tips = [m for m in outbox(session, asked) if m.kind is MessageKind.TIP]
    assert [m.content_key for m in notices] == ["module.registration.question"]
    assert len(tips) == 1 and notices[0].due_at == tips[0].due_at  # at her send hour
    record = assignment(session, asked)
    assert record.arm == "all" and record.step is Step.QUESTION
    assert record.assigned_at == MONDAY_10_MSK


def test_she_answers_2_over_the_signed_webhook_and_gets_the_not_yet_text(
    session: Session, client: TestClient, asked: Enrollment, clock: FixedClock
) -> None:
    clock.advance(timedelta(hours=3))
    assert sms(client, phone_of(session, asked), "2").status_code == 200
    [reply] = [m for m in outbox(session, asked) if m.kind is MessageKind.REPLY]
    assert reply.content_key == "module.registration.answer.not_yet"
    assert reply.body is not None and "до 12 недель" in reply.body
    record = assignment(session, asked)
    assert record.answer == "not_yet" and record.step is None


def test_dont_know_where_in_words_gets_where_to_go(
    session: Session, client: TestClient, asked: Enrollment
) -> None:
    sms(client, phone_of(session, asked), "Не знаю, где")
    assert keys(session, asked, MessageKind.REPLY) == ["module.registration.answer.dont_know_where"]


def test_stop_with_a_question_open_stops_her(
    session: Session, client: TestClient, asked: Enrollment
) -> None:
    sms(client, phone_of(session, asked), "СТОП")
    assert keys(session, asked, MessageKind.REPLY) == ["reply.stop"]
    session.expire_all()
    assert session.get_one(Enrollment, asked.id).status is SubscriberStatus.OPTED_OUT
    question = next(m for m in outbox(session, asked) if m.kind is MessageKind.NOTICE)
    assert question.status is MessageStatus.CANCELLED  # not yet sent: never sent now
    assert assignment(session, asked).answer is None
    sms(client, phone_of(session, asked), "2")  # after STOP, "2" is no answer and gets nothing
    assert keys(session, asked, MessageKind.REPLY) == ["reply.stop"]


def test_a_non_answer_is_nudged_once_then_the_question_closes_quietly(
    session: Session, client: TestClient, asked: Enrollment
) -> None:
    phone = phone_of(session, asked)
    sms(client, phone, "привет")
    [nudge] = [m for m in outbox(session, asked) if m.kind is MessageKind.REPLY]
    assert nudge.content_key == "reply.module_please_answer"
    assert nudge.body is not None and "1, 2 или 3" in nudge.body
    sms(client, phone, "как дела")  # the usual rules answer it, the question is closed
    assert keys(session, asked, MessageKind.REPLY)[1] == "reply.unknown"
    assert assignment(session, asked).step is None
    sms(client, phone, "2")  # too late: no longer an answer
    assert assignment(session, asked).answer is None


def test_answers_do_not_count_against_the_free_text_cap(
    session: Session, client: TestClient, asked: Enrollment
) -> None:
    phone = phone_of(session, asked)
    # Reach the cap of automatic answers to free text first, outside any question.
    record = assignment(session, asked)
    record.step = None
    session.commit()
    for _ in range(3):
        sms(client, phone, "как дела")
    sms(client, phone, "как дела")
    assert keys(session, asked, MessageKind.REPLY).count("reply.unknown") == 3  # capped
    record = assignment(session, asked)
    record.step, record.open_until = Step.QUESTION, MONDAY_10_MSK + timedelta(hours=72)
    session.commit()
    sms(client, phone, "2")
    assert keys(session, asked, MessageKind.REPLY)[-1] == "module.registration.answer.not_yet"


def test_the_question_closes_after_72_hours(
    session: Session, client: TestClient, asked: Enrollment, clock: FixedClock
) -> None:
    clock.advance(timedelta(hours=73))
    sms(client, phone_of(session, asked), "2")
    assert keys(session, asked, MessageKind.REPLY) != ["module.registration.answer.not_yet"]
    assert assignment(session, asked).answer is None


def test_she_is_asked_once_and_never_when_stopped_paused_or_outside_the_weeks(
    session: Session, runtime: Runtime
) -> None:
    start(session, "registration")
    asked = woman(session)
    stopped = woman(session)
    stopped.status = SubscriberStatus.OPTED_OUT
    week_11 = woman(session, due=WEEK_10_DUE - timedelta(days=7))
    plan(session, now=MONDAY_10_MSK, rules=runtime.rules())
    plan(session, now=MONDAY_10_MSK + timedelta(days=2), rules=runtime.rules())  # Wednesday
    assert keys(session, asked, MessageKind.NOTICE) == ["module.registration.question"]
    assert keys(session, stopped, MessageKind.NOTICE) == []
    assert keys(session, week_11, MessageKind.NOTICE) == []


def test_a_paused_module_asks_nobody_new(session: Session, runtime: Runtime) -> None:
    module = start(session, "registration")
    change_status(session, module, ModuleStatus.PAUSED, now=MONDAY_10_MSK)
    her = woman(session)
    plan(session, now=MONDAY_10_MSK, rules=runtime.rules())
    assert keys(session, her, MessageKind.NOTICE) == []


def test_no_question_on_a_day_without_tips_and_never_due_in_quiet_hours(
    session: Session, runtime: Runtime
) -> None:
    start(session, "registration")
    her = woman(session)
    plan(session, now=MONDAY_10_MSK - timedelta(hours=1), rules=runtime.rules())  # Monday 09:00
    assert keys(session, her, MessageKind.NOTICE) == []
    late = MONDAY_10_MSK + timedelta(hours=12)  # Monday 22:00 in Moscow: quiet hours
    plan(session, now=late, rules=runtime.rules())
    [question] = [m for m in outbox(session, her) if m.kind is MessageKind.NOTICE]
    local = question.due_at.astimezone(ZoneInfo("Europe/Moscow"))
    assert local.date() == date(2026, 12, 1) and local.hour == 9  # the morning after


def test_the_outcome_question_follows_the_named_number_of_days_later(
    session: Session, client: TestClient, asked: Enrollment, runtime: Runtime, clock: FixedClock
) -> None:
    sms(client, phone_of(session, asked), "2")
    plan(session, now=MONDAY_10_MSK + timedelta(days=14), rules=runtime.rules())
    assert "module.registration.outcome" not in keys(session, asked, MessageKind.NOTICE)
    later = MONDAY_10_MSK + timedelta(days=21)  # a Monday, three weeks on
    plan(session, now=later, rules=runtime.rules())
    session.commit()
    assert "module.registration.outcome" in keys(session, asked, MessageKind.NOTICE)
    clock.advance(timedelta(days=21, hours=1))
    sms(client, phone_of(session, asked), "да")
    assert keys(session, asked, MessageKind.REPLY)[-1] == "module.registration.outcome.done"
    assert assignment(session, asked).outcome == "done"


def test_in_the_simulator_a_woman_at_week_10_gets_the_question_and_answers_2(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    from tests.admin.test_pages import sign_in
    from text4baby_ru.auth.models import Role
    from text4baby_ru.clock import SystemClock

    headers = {"X-CSRF-Token": sign_in(client, session, clock, Role.VIEWER)}
    start(session, "registration")
    session.commit()
    local = SystemClock().now().astimezone(ZoneInfo("Europe/Moscow")).date()
    monday = local + timedelta(days=(7 - local.weekday()) % 7 or 7)
    due = monday + timedelta(days=280 - 70)  # pregnancy week 10 begins next Monday
    joined = client.post(
        "/admin/simulator/text", json={"text": f"МАМА {due:%d.%m.%Y}"}, headers=headers
    ).json()
    moved = client.post("/admin/simulator/clock", json={"step": "monday"}, headers=headers).json()
    new = [line["text"] for line in moved["lines"][len(joined["lines"]) :]]
    assert any("встали на учёт в женской консультации" in t for t in new), new
    answered = client.post("/admin/simulator/text", json={"text": "2"}, headers=headers).json()
    last = answered["lines"][-1]
    assert not last["incoming"] and "до 12 недель" in last["text"]


def test_after_stop_and_start_again_an_old_question_is_not_answerable(
    session: Session, client: TestClient, asked: Enrollment
) -> None:
    phone = phone_of(session, asked)
    sms(client, phone, "СТОП")
    sms(client, phone, "СТАРТ")
    sms(client, phone, "2")
    assert "module.registration.answer.not_yet" not in keys(session, asked, MessageKind.REPLY)
    assert assignment(session, asked).answer is None
