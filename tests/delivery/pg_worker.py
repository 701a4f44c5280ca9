"""A sending process for the multi-worker test (run with multiprocessing's spawn)."""

from __future__ import annotations

from sqlalchemy import select, update

from text4baby_ru.clock import Clock, SystemClock
from text4baby_ru.db import make_engine, session_factory
from text4baby_ru.delivery.models import MessageStatus, OutboundMessage
from text4baby_ru.delivery.sender import SendPolicy, send_due
from text4baby_ru.enrollment.models import Person
from text4baby_ru.gateways.base import OutgoingSms
from text4baby_ru.gateways.twilio import TwilioGateway


def twilio_gateway(api_base: str, token: str, account: str, clock: Clock) -> TwilioGateway:
    """The Twilio gateway to the Twilio-compatible server of a test (no status callbacks)."""
    return TwilioGateway(
        account_sid=account,
        auth_token=token,
        api_base=api_base,
        status_callback="http://127.0.0.1:9/sms/twilio/status",
        from_number="+79160009999",
        clock=clock,
    )


def work(url: str, api_base: str, token: str, account: str, claiming: bool, name: str) -> None:
    """Send until the queue is empty: with the real claim, or (negative control) without."""
    engine = make_engine(url)
    sessions = session_factory(engine)
    clock = SystemClock()
    gateway = twilio_gateway(api_base, token, account, clock)
    if claiming:
        send_due(
            sessions=sessions,
            gateway=gateway,
            clock=clock,
            worker=name,
            policy=SendPolicy(rate=None),
        )
    else:
        _send_without_claiming(sessions, gateway)
    engine.dispose()


def _send_without_claiming(sessions, gateway) -> None:  # type: ignore[no-untyped-def]
    """What a sender without claiming does: read what is queued, send it, mark it sent."""
    while True:
        with sessions() as session:
            rows = session.execute(
                select(OutboundMessage.id, OutboundMessage.body, Person.phone)
                .join(Person, Person.id == OutboundMessage.person_id)
                .where(OutboundMessage.status == MessageStatus.QUEUED)
                .order_by(OutboundMessage.id)
                .limit(100)
            ).all()
        if not rows:
            return
        for message_id, body, phone in rows:
            receipt = gateway.send(OutgoingSms(message_id, phone, body))
            with sessions() as session, session.begin():
                session.execute(
                    update(OutboundMessage)
                    .where(OutboundMessage.id == message_id)
                    .values(
                        status=MessageStatus.SENT,
                        provider_sid=receipt.provider_sid,
                        gateway="twilio",
                    )
                )


def paced(url: str, api_base: str, token: str, account: str, rate: float, name: str) -> None:
    """Send at the shared rate until nothing is queued, passes one after another as a worker
    does (throttled messages go again in the next batch or pass)."""
    engine = make_engine(url)
    sessions = session_factory(engine)
    clock = SystemClock()
    gateway = twilio_gateway(api_base, token, account, clock)
    while True:
        send_due(
            sessions=sessions,
            gateway=gateway,
            clock=clock,
            worker=name,
            policy=SendPolicy(rate=rate),
        )
        with sessions() as session:
            left = session.scalar(
                select(OutboundMessage.id).where(
                    OutboundMessage.status.in_((MessageStatus.QUEUED, MessageStatus.SENDING))
                )
            )
        if left is None:
            break
    engine.dispose()
