"""Kannel's calls to us (MO texts and delivery reports), as smsbox makes them: the shared
secret, every way Kannel can hand over Cyrillic, retries, and the report types."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import fixture_phone, make_enrollment
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.enrollment.models import Enrollment, InboundMessage, Person
from text4baby_ru.main import create_app
from text4baby_ru.runtime import Runtime

SECRET = "kannel-route-secret-0123456789"


@pytest.fixture
def kannel(runtime: Runtime) -> Iterator[TestClient]:
    """The app with T4B_INBOUND_SECRET set (the replies go out through the console gateway)."""
    runtime.settings = runtime.settings.model_copy(update={"inbound_secret": SecretStr(SECRET)})
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        yield client


def mo(client: TestClient, phone: str, raw: bytes, **extra: str) -> int:
    """A get-url call as the shipped sms-service makes it (%b is the text's bytes)."""
    params = {"secret": SECRET, "from": phone.lstrip("+"), "to": "3443", "charset": "UTF-8"}
    query = "&".join(f"{k}={quote(v)}" for k, v in (params | extra).items())
    response = client.get(f"/sms/kannel/inbound?{query}&text={quote(raw)}")
    return response.status_code


def her_enrollment(session: Session, phone: str) -> Enrollment | None:
    session.expire_all()
    return session.scalar(select(Enrollment).join(Person).where(Person.phone == phone))


def replies(session: Session, phone: str) -> list[str | None]:
    session.expire_all()
    query = select(OutboundMessage.content_key).join(Person).where(Person.phone == phone)
    return list(session.scalars(query.order_by(OutboundMessage.id)))


def test_utf8_text_from_mo_recode_enrolls_her_and_the_answer_texts_her_nothing(
    kannel: TestClient, session: Session
) -> None:
    phone = fixture_phone()
    response = kannel.get(
        f"/sms/kannel/inbound?secret={SECRET}&id=u1&from={phone.lstrip('+')}"
        f"&text={quote('МАМА 15.03.2027'.encode())}&coding=0&charset=UTF-8"
    )
    assert response.status_code == 200 and response.text == ""  # Kannel sends no reply SMS
    enrollment = her_enrollment(session, phone)
    assert enrollment is not None and str(enrollment.due_date) == "2027-03-15"
    assert replies(session, phone) == ["reply.confirm_pregnancy", "reply.ask_city"]


def test_ucs2_bytes_without_mo_recode_and_a_post_url_body_are_read_as_cyrillic(
    kannel: TestClient, session: Session
) -> None:
    first, second = fixture_phone(), fixture_phone()
    assert mo(kannel, first, "МАМА 15.03.2027".encode("utf-16-be"), id="u2", coding="2") == 200
    posted = kannel.post(
        f"/sms/kannel/inbound?secret={SECRET}&id=u3",
        content="МАМА 15.03.2027".encode("utf-16-be"),
        headers={
            "Content-Type": 'text/plain; charset="UTF-16BE"',
            "X-Kannel-From": second,
            "X-Kannel-Coding": "2",
        },
    )
    assert posted.status_code == 200
    for phone in (first, second):
        assert replies(session, phone)[0] == "reply.confirm_pregnancy"
    session.expire_all()
    bodies = session.scalars(
        select(InboundMessage.body).where(InboundMessage.provider_id.in_(["u2", "u3"]))
    )
    assert set(bodies) == {"МАМА 15.03.2027"}


def test_a_retried_text_is_handled_once_by_kannels_id_or_without_one_by_its_digest(
    kannel: TestClient, session: Session
) -> None:
    phone = fixture_phone()
    for _ in range(2):
        assert mo(kannel, phone, "ПОМОЩЬ".encode(), id="u4") == 200
    assert replies(session, phone) == ["reply.help"]
    other = fixture_phone()
    for _ in range(2):
        assert mo(kannel, other, "ПОМОЩЬ".encode(), time="1795822414") == 200
    assert replies(session, other) == ["reply.help"]


def test_without_the_secret_or_with_a_wrong_one_nothing_is_stored(
    kannel: TestClient, session: Session
) -> None:
    before = session.scalar(select(func.count()).select_from(InboundMessage))
    phone = fixture_phone().lstrip("+")
    for query in (f"from={phone}&text=HELP", f"secret=wrong-{SECRET}&from={phone}&text=HELP"):
        response = kannel.get(f"/sms/kannel/inbound?{query}")
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
        assert kannel.get(f"/sms/kannel/dlr?{query}&id=1&type=1").status_code == 403
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(InboundMessage)) == before


def test_the_routes_are_closed_when_no_secret_is_configured(client: TestClient) -> None:
    assert client.get("/sms/kannel/inbound?secret=&from=79160000000&text=HELP").status_code == 403


def test_a_call_without_a_sender_or_with_a_bad_id_is_a_clear_400(kannel: TestClient) -> None:
    missing = kannel.get(f"/sms/kannel/inbound?secret={SECRET}&text=HELP")
    assert missing.status_code == 400 and "from" in missing.json()["detail"]
    for query in ("id=abc&type=1", "id=1&type=", f"id={10**30}&type=1"):
        assert kannel.get(f"/sms/kannel/dlr?secret={SECRET}&{query}").status_code == 400


def sent_tip(session: Session, clock: FixedClock) -> OutboundMessage:
    enrollment = make_enrollment(session)
    tip = OutboundMessage(
        kind=MessageKind.TIP,
        person_id=enrollment.person_id,
        enrollment_id=enrollment.id,
        content_key="pregnancy.w25.1",
        language="ru",
        body="совет",
        status=MessageStatus.SENT,
        due_at=clock.now(),
        gateway="kannel",
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    session.add(tip)
    session.flush()
    tip.provider_sid = f"kannel-{tip.id}"
    session.commit()
    return tip


def dlr(client: TestClient, tip: OutboundMessage, kind: int, answer: str = "") -> MessageStatus:
    query = f"secret={SECRET}&id={tip.id}&type={kind}&answer={quote(answer)}"
    assert client.get(f"/sms/kannel/dlr?{query}").status_code == 200
    return tip.status


@pytest.mark.parametrize(
    ("kind", "answer", "status", "code"),
    [
        (1, "id:1 sub:001 dlvrd:001 stat:DELIVRD err:000", MessageStatus.DELIVERED, None),
        (2, "id:1 sub:001 dlvrd:000 stat:UNDELIV err:001", MessageStatus.UNDELIVERED, "001"),
        (16, "NACK/0x0000000b/Invalid Destination Address", MessageStatus.FAILED, "0x0000000b"),
        (2, "", MessageStatus.UNDELIVERED, "dlr2"),
        (4, "", MessageStatus.SENT, None),
        (8, "ACK/", MessageStatus.SENT, None),
        (32, "", MessageStatus.SENT, None),  # a type we do not know changes nothing
    ],
)
def test_each_delivery_report_type_lands_on_her_message(
    kannel: TestClient,
    session: Session,
    clock: FixedClock,
    kind: int,
    answer: str,
    status: MessageStatus,
    code: str | None,
) -> None:
    tip = sent_tip(session, clock)
    dlr(kannel, tip, kind, answer)
    session.refresh(tip)
    assert (tip.status, tip.error_code) == (status, code)


def test_a_late_or_repeated_report_never_moves_a_message_back(
    kannel: TestClient, session: Session, clock: FixedClock
) -> None:
    tip = sent_tip(session, clock)
    for kind in (1, 8, 4, 1):
        dlr(kannel, tip, kind)
    session.refresh(tip)
    assert tip.status is MessageStatus.DELIVERED and tip.delivered_at is not None
