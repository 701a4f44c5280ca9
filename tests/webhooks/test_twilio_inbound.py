"""The enrollment conversation driven end to end through the real signed Twilio webhook."""

from __future__ import annotations

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import fixture_phone
from tests.twilio_signing import post_signed, sms
from text4baby_ru.auth.models import Role
from text4baby_ru.auth.service import create_user
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.models import MessageStatus, OutboundMessage
from text4baby_ru.enrollment.models import Enrollment, InboundMessage, Person, Suppression


def replies_to(session: Session, phone: str) -> list[OutboundMessage]:
    session.expire_all()
    return list(
        session.scalars(
            select(OutboundMessage)
            .join(Person, Person.id == OutboundMessage.person_id)
            .where(Person.phone == phone)
            .order_by(OutboundMessage.id)
        )
    )


def subscriber(
    client: TestClient, session: Session, clock: FixedClock, phone: str
) -> dict[str, object]:
    _, token = create_user(session, name="support", role=Role.ADMIN, now=clock.now())
    session.commit()
    response = client.get(
        f"/api/v1/subscribers/{phone}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_russian_woman_enrolls_in_one_text_and_gets_her_confirmation_in_russian(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    response = sms(client, phone, "МАМА 15.03.2027")
    assert response.status_code == 200
    assert response.text == '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    sent = replies_to(session, phone)
    assert [m.content_key for m in sent] == ["reply.confirm_pregnancy", "reply.ask_city"]
    assert all(m.status is MessageStatus.DELIVERED for m in sent)  # sent at once (console)
    confirm = sent[0].body or ""
    # 30 November 2026 with due 15.03.2027: week 25 -> "25-я неделя"
    assert "25" in confirm and "СТОП" in confirm and "15.03.2027" in confirm
    info = subscriber(client, session, clock, phone)
    assert info["status"] == "active" and info["track"] == "pregnancy"
    assert info["due_date"] == "2027-03-15" and info["language"] == "ru"
    assert info["timezone"] == "Europe/Moscow" and info["consent_at"]


def test_the_two_step_conversation_in_english_with_a_city(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    sms(client, phone, "Baby")
    sms(client, phone, "I'm 20 weeks")
    sms(client, phone, "Vladivostok")
    keys = [m.content_key for m in replies_to(session, phone)]
    assert keys == ["reply.welcome", "reply.confirm_pregnancy", "reply.ask_city", "reply.city_set"]
    city_reply = replies_to(session, phone)[-1].body or ""
    assert "Vladivostok" in city_reply and city_reply.isascii()
    info = subscriber(client, session, clock, phone)
    assert info["timezone"] == "Asia/Vladivostok" and info["language"] == "en"


def test_the_same_message_sid_twice_is_handled_once(client: TestClient, session: Session) -> None:
    phone = fixture_phone()
    sms(client, phone, "МАМА", sid="SM" + "7" * 32)
    again = sms(client, phone, "МАМА", sid="SM" + "7" * 32)
    assert again.status_code == 200
    assert len(replies_to(session, phone)) == 1


def test_a_forged_or_missing_signature_is_403_and_stores_nothing(
    client: TestClient, session: Session
) -> None:
    before = session.scalar(select(func.count()).select_from(InboundMessage))
    params = {"From": fixture_phone(), "Body": "МАМА", "MessageSid": "SM" + "1" * 32}
    assert client.post("/sms/twilio/inbound", data=params).status_code == 403
    assert (
        post_signed(client, "/sms/twilio/inbound", params, token="wrong-token").status_code == 403
    )
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(InboundMessage)) == before


def test_stop_opts_her_out_confirms_once_and_suppresses_the_number(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    sms(client, phone, "Стоп пожалуйста")
    sms(client, phone, "как дела")
    assert [m.content_key for m in replies_to(session, phone)][-1] == "reply.stop"
    assert subscriber(client, session, clock, phone)["status"] == "opted_out"
    assert session.scalar(select(func.count()).select_from(Suppression)) == 1


def test_a_stranger_who_sends_stop_leaves_no_record(client: TestClient, session: Session) -> None:
    phone = fixture_phone()
    sms(client, phone, "STOP")
    session.expire_all()
    assert session.scalar(select(Person).where(Person.phone == phone)) is None
    assert session.scalar(select(InboundMessage.body).order_by(InboundMessage.id.desc())) is None


def test_a_kazakh_number_gets_one_reply_and_no_record(client: TestClient, session: Session) -> None:
    for _ in range(3):
        assert sms(client, "+77010000000", "МАМА 15.03.2027").status_code == 200
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Person)) == 0
    bodies = session.scalars(select(InboundMessage.body)).all()
    assert bodies and all(b is None for b in bodies)


def test_free_text_replies_are_capped_per_day(client: TestClient, session: Session) -> None:
    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    for i in range(10):
        sms(client, phone, f"авто-ответ {i}")
    unknown = [m for m in replies_to(session, phone) if m.content_key == "reply.unknown"]
    assert len(unknown) == 3


def test_loss_ends_the_enrollment_with_one_compassionate_reply(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    sms(client, phone, "ПОТЕРЯ")
    assert replies_to(session, phone)[-1].content_key == "reply.loss"
    info = subscriber(client, session, clock, phone)
    assert info["status"] == "ended" and info["end_reason"] == "loss"
    sms(client, phone, "МАМА")  # a new pregnancy later: a new enrollment, asked for the date
    assert replies_to(session, phone)[-1].content_key == "reply.welcome"
    session.expire_all()
    count = session.scalar(
        select(func.count()).select_from(Enrollment).join(Person).where(Person.phone == phone)
    )
    assert count == 2


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.text(max_size=1700))
def test_no_text_crashes_the_webhook_or_touches_another_subscriber(
    client: TestClient, session: Session, body: str
) -> None:
    bystander = "+79160000999"
    if not replies_to(session, bystander):
        sms(client, bystander, "МАМА 15.03.2027")
        session.commit()
    before = [(m.id, m.status) for m in replies_to(session, bystander)]
    response = sms(client, fixture_phone(), body)
    assert response.status_code == 200
    assert [(m.id, m.status) for m in replies_to(session, bystander)] == before


def test_control_characters_markup_and_sql_get_an_answer_not_a_500(
    client: TestClient, session: Session
) -> None:
    phone = fixture_phone()
    for body in (
        "МАМА\x00",
        "<script>alert(1)</script>",
        "'; DROP TABLE people; --",
        "👶" * 400,
        "",
    ):
        assert sms(client, phone, body).status_code == 200
    session.expire_all()
    assert session.scalar(select(Person).where(Person.phone == phone)) is not None
