"""The page never tells whether a number is enrolled, and its limits stop SMS pumping."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import fixture_phone
from tests.public.helpers import ask, join_by_web, messages_to, token_of
from tests.twilio_signing import sms
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.models import OutboundMessage
from text4baby_ru.enrollment.models import Person, Suppression
from text4baby_ru.runtime import Runtime

KAZAKH = "+77012345678"  # a +7 number outside T4B_ALLOWED_COUNTRIES=RU


def _without_token(text: str, token: str) -> str:
    return text.replace(token, "TOKEN")


def _outbox_size(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(OutboundMessage)) or 0)


def _people(session: Session, phone: str) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).where(Person.phone == phone)) or 0)


def test_the_answer_is_the_same_for_enrolled_stopped_unknown_and_foreign_numbers(
    client: TestClient, session: Session
) -> None:
    active, stopped, unknown = fixture_phone(), fixture_phone(), fixture_phone()
    sms(client, active, "МАМА 15.03.2027")
    sms(client, stopped, "МАМА 15.03.2027")
    sms(client, stopped, "СТОП")
    for action in ("join", "stop"):
        pages = set()
        for phone in (active, stopped, unknown, KAZAKH):
            response = ask(client, phone, action)
            assert response.status_code == 200
            pages.add(_without_token(response.text, token_of(response)))
        assert len(pages) == 1, action


def test_a_foreign_number_gets_the_neutral_answer_and_no_sms_and_no_record(
    client: TestClient, session: Session
) -> None:
    before = _outbox_size(session)
    response = ask(client, KAZAKH)
    assert response.status_code == 200 and "Если на этот номер" in response.text
    assert _outbox_size(session) == before
    assert _people(session, KAZAKH) == 0


def test_a_stop_for_a_number_we_do_not_write_to_sends_nothing_and_keeps_nothing(
    client: TestClient, session: Session
) -> None:
    phone = fixture_phone()
    before = _outbox_size(session)
    assert ask(client, phone, "stop").status_code == 200
    assert _outbox_size(session) == before and _people(session, phone) == 0


def test_a_number_gets_three_codes_an_hour_and_five_a_day(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    assert [ask(client, phone).status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = ask(client, phone)
    assert "Попробуйте позже" in limited.text and 'name="token"' not in limited.text
    assert len(messages_to(session, phone, "reply.web_code")) == 3  # none for the refused ones
    clock.advance(timedelta(hours=1, minutes=1))
    assert [ask(client, phone).status_code for _ in range(3)] == [200, 200, 429]
    clock.advance(timedelta(hours=2))
    assert ask(client, phone).status_code == 429  # five today already
    clock.advance(timedelta(hours=22))
    assert ask(client, phone).status_code == 200
    assert len(messages_to(session, phone, "reply.web_code")) == 6


def test_one_client_gets_twenty_codes_an_hour_whatever_the_numbers(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phones = [fixture_phone() for _ in range(21)]
    statuses = [ask(client, phone).status_code for phone in phones]
    assert statuses == [200] * 20 + [429]
    assert messages_to(session, phones[-1]) == []
    clock.advance(timedelta(hours=1, seconds=1))
    assert ask(client, phones[-1]).status_code == 200


def test_numbers_never_reach_the_log_unmasked(
    client: TestClient, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    phone = fixture_phone()
    with caplog.at_level(logging.DEBUG):
        join_by_web(client, session, phone)
        ask(client, phone, "stop")
    assert caplog.records
    digits = phone.lstrip("+")
    assert not any(digits[-10:] in record.getMessage() for record in caplog.records)


def test_a_number_that_asked_for_a_code_and_never_typed_it_is_forgotten_after_the_retention(
    client: TestClient, session: Session, clock: FixedClock, runtime: Runtime
) -> None:
    phone = fixture_phone()
    ask(client, phone)
    assert _people(session, phone) == 1  # the code went to her through the outbox
    clock.advance(timedelta(days=29))
    runtime.run_pass("test")
    assert _people(session, phone) == 1
    clock.advance(timedelta(days=2))
    runtime.run_pass("test")
    assert _people(session, phone) == 0
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Suppression)) == 0  # never said stop
    assert join_by_web(client, session, phone).status_code == 200  # she may still join
