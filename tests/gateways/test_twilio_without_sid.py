"""A Twilio-compatible API that answers 200 without a message id: the messages are `sent` with
no provider id (NULL, not "None"), however many such answers come."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.delivery.test_twilio_delivery import Programme, programme  # noqa: F401 (fixture)
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage


def test_answers_without_a_sid_leave_every_message_sent_with_no_provider_id(
    programme: Programme,  # noqa: F811
) -> None:
    programme.mock.faults.omit_sid = True
    for phone in ("+79160000201", "+79160000202", "+79160000203"):
        programme.text(phone, "МАМА 15.03.2027")
    programme.settle()
    replies = programme.messages(MessageKind.REPLY)
    assert len(replies) >= 3
    assert {m.status for m in replies} == {MessageStatus.SENT}
    assert {m.provider_sid for m in replies} == {None}
    with programme.runtime.sessions() as session:
        spelled = session.scalar(select(func.count()).where(OutboundMessage.provider_sid == "None"))
    assert spelled == 0
    assert len(programme.mock.sent_bodies()) == len(replies)
