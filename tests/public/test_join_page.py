"""The public page: join and stop with a code sent by SMS, exactly as an SMS would."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import fixture_phone
from tests.public.helpers import ask, code_sent_to, messages_to, token_of, type_code
from tests.twilio_signing import sms
from tests.webhooks.test_twilio_inbound import subscriber
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.models import MessageStatus
from text4baby_ru.enrollment.models import Enrollment, Person


def test_the_page_is_a_plain_form_in_russian_and_in_english(client: TestClient) -> None:
    ru, en = client.get("/join"), client.get("/en/join")
    assert ru.status_code == en.status_code == 200
    assert '<html lang="ru">' in ru.text and "Номер мобильного телефона" in ru.text
    assert '<html lang="en">' in en.text and "Mobile phone number" in en.text
    assert "<script" not in ru.text + en.text
    assert 'href="/en/join"' in ru.text and 'href="/join"' in en.text
    assert "152-ФЗ" in ru.text and "152-FZ" in en.text


def test_a_web_join_confirmed_by_the_code_enrolls_her_as_an_sms_join_would(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    asked = ask(client, "8 916 " + phone[5:8] + " " + phone[8:])  # as she would type it
    assert asked.status_code == 200 and "код" in asked.text
    (code_sms,) = messages_to(session, phone, "reply.web_code")
    assert code_sms.status is MessageStatus.DELIVERED and code_sms.language == "ru"
    assert (code_sms.body or "").startswith("СМС-советы Text4baby: код подтверждения ")
    assert subscriber(client, session, clock, phone)["status"] is None  # nothing yet

    done = type_code(client, token_of(asked), code_sent_to(session, phone))
    assert done.status_code == 200 and "Готово" in done.text
    info = subscriber(client, session, clock, phone)
    assert info["status"] == "active" and info["track"] == "pregnancy"
    assert info["due_date"] == "2027-03-15" and info["language"] == "ru"
    assert info["channel"] == "web" and info["consent_at"]
    replies = [m for m in messages_to(session, phone) if m.content_key != "reply.web_code"]
    # What МАМА 15.03.2027 gets, in the page's words: she consented with the code and may have
    # no way to reply, so no "by replying you agree" and no question about her city.
    assert [m.content_key for m in replies] == ["reply.web_confirm_pregnancy"]
    (welcome,) = [m.body or "" for m in replies]
    assert "Срок" in welcome and "15.03.2027" in welcome and "той же странице" in welcome
    assert "Ответьте" not in welcome and "Отвечая" not in welcome and "Пришлите" not in welcome

    twin = fixture_phone()
    sms(client, twin, "МАМА 15.03.2027")
    by_sms = subscriber(client, session, clock, twin)
    keep = ("status", "track", "due_date", "birth_date", "language", "timezone")
    assert {k: info[k] for k in keep} == {k: by_sms[k] for k in keep}


def test_the_english_page_enrolls_her_in_english_on_the_baby_track(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    asked = ask(client, phone, lang="en", kind="born", date="01.11.2026")
    code_sms = messages_to(session, phone, "reply.web_code")[0].body or ""
    assert code_sms.startswith("Text4baby SMS tips: your confirmation code is ")
    done = type_code(client, token_of(asked), code_sent_to(session, phone), lang="en")
    assert done.status_code == 200 and "Done" in done.text
    info = subscriber(client, session, clock, phone)
    assert info["status"] == "active" and info["track"] == "baby"
    assert info["birth_date"] == "2026-11-01" and info["language"] == "en"
    (welcome,) = messages_to(session, phone, "reply.web_confirm_baby")
    assert "born on 01.11.2026" in (welcome.body or "") and "By replying" not in (
        welcome.body or ""
    )


def test_a_stop_on_the_page_ends_her_messages_like_an_sms_stop(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    asked = ask(client, phone, "stop")
    assert subscriber(client, session, clock, phone)["status"] == "active"  # not before the code
    done = type_code(client, token_of(asked), code_sent_to(session, phone))
    assert done.status_code == 200 and "остановлена" in done.text
    assert subscriber(client, session, clock, phone)["status"] == "opted_out"
    assert messages_to(session, phone)[-1].content_key == "reply.stop"


def test_she_can_join_again_on_the_page_after_a_stop_only_with_the_code(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    sms(client, phone, "СТОП")
    token = token_of(ask(client, phone, date="2027-04-01"))
    assert subscriber(client, session, clock, phone)["status"] == "opted_out"
    type_code(client, token, code_sent_to(session, phone))
    info = subscriber(client, session, clock, phone)
    assert info["status"] == "active" and info["due_date"] == "2027-04-01"
    session.expire_all()
    assert (
        session.scalar(
            select(func.count()).select_from(Enrollment).join(Person).where(Person.phone == phone)
        )
        == 1
    )


def _asked(client: TestClient, session: Session, phone: str) -> tuple[str, str, str]:
    """Ask for a code: the form's token, the code she got and a code that is not hers."""
    token = token_of(ask(client, phone))
    right = code_sent_to(session, phone)
    return token, right, f"{(int(right) + 1) % 1_000_000:06d}"


def test_a_wrong_code_changes_nothing_and_says_how_many_tries_are_left(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    token, right, wrong = _asked(client, session, phone)
    answer = type_code(client, token, wrong)
    assert answer.status_code == 422 and "осталось попыток: 4" in answer.text
    assert subscriber(client, session, clock, phone)["status"] is None
    assert type_code(client, token, right).status_code == 200
    assert subscriber(client, session, clock, phone)["status"] == "active"


def test_five_wrong_codes_spend_it_and_the_right_one_no_longer_works(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    token, right, wrong = _asked(client, session, phone)
    statuses = [type_code(client, token, wrong).status_code for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 410]
    assert type_code(client, token, right).status_code == 410
    assert subscriber(client, session, clock, phone)["status"] is None


def test_a_code_expires_after_ten_minutes(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    token = token_of(ask(client, phone))
    clock.advance(timedelta(minutes=10, seconds=1))
    answer = type_code(client, token, code_sent_to(session, phone))
    assert answer.status_code == 410 and "больше не действует" in answer.text
    assert subscriber(client, session, clock, phone)["status"] is None


def test_a_code_works_once_and_is_then_blanked_in_the_outbox(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    token = token_of(ask(client, phone))
    code = code_sent_to(session, phone)
    assert type_code(client, token, code).status_code == 200
    assert messages_to(session, phone, "reply.web_code")[0].body is None
    assert type_code(client, token, code).status_code == 410


def test_bad_input_is_shown_on_the_form_and_sends_nothing(
    client: TestClient, session: Session
) -> None:
    phone = fixture_phone()
    cases = {
        "Не удалось распознать номер": ask(client, "12345"),
        "нужно согласие": ask(client, phone, consent=False),
        "Предполагаемая дата родов должна быть в будущем": ask(client, phone, date="2020-01-01"),
        "Не удалось прочитать дату": ask(client, phone, date="скоро"),
        "Для подписки укажите дату": ask(client, phone, date=""),
    }
    for text, response in cases.items():
        assert response.status_code == 422 and text in response.text, text
    assert "Введите код из 6 цифр" in type_code(client, "x", "12a").text
    assert messages_to(session, phone) == []


def test_a_form_posted_from_another_site_is_refused(client: TestClient, session: Session) -> None:
    phone = fixture_phone()
    answer = ask(client, phone, headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403
    assert messages_to(session, phone) == []
    same = ask(client, phone, headers={"Origin": "http://testserver"})
    assert same.status_code == 200
