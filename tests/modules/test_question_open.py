"""The README's conversation table, column "active, question open": each cell a test. A command
wins over the open question; words of a loss are never taken for an answer; an option is."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.modules.test_flow import asked, assignment, keys, phone_of  # noqa: F401
from tests.twilio_signing import sms
from text4baby_ru.delivery.models import MessageKind
from text4baby_ru.enrollment.models import Enrollment, SubscriberStatus

CELLS = [
    # (she sends, the reply it gets, her status after, the question still open)
    ("МАМА", "reply.already_pregnancy", SubscriberStatus.ACTIVE, True),
    ("МАМА 15.03.2027", "reply.already_pregnancy", SubscriberStatus.ACTIVE, True),
    ("СТОП", "reply.stop", SubscriberStatus.OPTED_OUT, False),
    ("UNSTOP", "reply.already_pregnancy", SubscriberStatus.ACTIVE, True),
    ("ПОМОЩЬ", "reply.help", SubscriberStatus.ACTIVE, True),
    ("РОДИЛА 28.11.2026", "reply.birth_recorded", SubscriberStatus.ACTIVE, True),
    ("ПОТЕРЯ", "reply.loss", SubscriberStatus.ENDED, False),
    ("ENGLISH", "reply.language_set", SubscriberStatus.ACTIVE, True),
    ("ДАТА 20.06.2027", "reply.date_changed", SubscriberStatus.ACTIVE, True),
    ("15.06.2027", "reply.module_please_answer", SubscriberStatus.ACTIVE, True),
    ("Казань", "reply.module_please_answer", SubscriberStatus.ACTIVE, True),
    ("у меня выкидыш", "reply.loss_suspected", SubscriberStatus.ACTIVE, True),
    ("сколько стоит?", "reply.module_please_answer", SubscriberStatus.ACTIVE, True),
    ("2", "module.registration.answer.not_yet", SubscriberStatus.ACTIVE, False),
    ("ytn", "module.registration.answer.not_yet", SubscriberStatus.ACTIVE, False),
]


@pytest.mark.parametrize(("text", "reply", "status", "still_open"), CELLS)
def test_with_a_question_open(
    session: Session,
    client: TestClient,
    asked: Enrollment,  # noqa: F811
    text: str,
    reply: str,
    status: SubscriberStatus,
    still_open: bool,
) -> None:
    sms(client, phone_of(session, asked), text)
    assert keys(session, asked, MessageKind.REPLY)[0] == reply
    session.expire_all()
    assert session.get_one(Enrollment, asked.id).status is status
    assert (assignment(session, asked).step is not None) is still_open
