"""Delivery end to end: a live server, the real twilio client, and a local Twilio-compatible
server that calls back with signed status reports."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from twilio.request_validator import RequestValidator

from devtools.twilio_mock import TwilioMock
from tests.live import free_port, serving
from text4baby_ru.clock import FixedClock
from text4baby_ru.db import make_engine, session_factory
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.delivery.sender import SendPolicy
from text4baby_ru.delivery.service import run_pass
from text4baby_ru.enrollment.models import Enrollment, InboundMessage, SubscriberStatus
from text4baby_ru.gateways.twilio import TwilioGateway
from text4baby_ru.runtime import Runtime
from text4baby_ru.settings import Settings

TOKEN = "mock-token-not-a-secret"
ACCOUNT = "AC" + "1" * 32
MONDAY_0600_UTC = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # 09:00 Moscow: before the tips
_sids = itertools.count(1)


@dataclass
class Programme:
    runtime: Runtime
    mock: TwilioMock
    clock: FixedClock
    url: str

    def text(self, phone: str, body: str) -> None:
        path = "/sms/twilio/inbound"
        params = {
            "From": phone,
            "Body": body,
            "MessageSid": f"SM{next(_sids):032d}",
            "To": "+79160009999",
        }
        signature = RequestValidator(TOKEN).compute_signature(self.url + path, params)
        response = httpx.post(
            self.url + path, data=params, headers={"X-Twilio-Signature": signature}
        )
        assert response.status_code == 200
        deadline = time.monotonic() + 10
        while self.waiting():  # the handler takes it right after the answer
            assert time.monotonic() < deadline, "the text was not handled"
            time.sleep(0.02)

    def settle(self) -> None:
        """Wait until the handler has handled every text and her replies are out."""
        deadline = time.monotonic() + 10
        busy = (MessageStatus.QUEUED, MessageStatus.SENDING)
        while self.waiting() or any(
            m.status in busy and m.kind is MessageKind.REPLY for m in self.messages()
        ):
            assert time.monotonic() < deadline, "replies still in flight"
            time.sleep(0.05)
        self.mock.wait_for_callbacks()

    def run(self) -> None:
        run_pass(
            sessions=self.runtime.sessions,
            gateway=self.runtime.gateway,
            clock=self.clock,
            rules=self.runtime.rules(),
            policy=SendPolicy(),
            worker="test",
        )
        self.mock.wait_for_callbacks()

    def waiting(self) -> int:
        with self.runtime.sessions() as session:
            return (
                session.scalar(select(func.count()).where(InboundMessage.processed_at.is_(None)))
                or 0
            )

    def messages(self, kind: MessageKind | None = None) -> list[OutboundMessage]:
        with self.runtime.sessions() as session:
            query = select(OutboundMessage).order_by(OutboundMessage.id)
            if kind:
                query = query.where(OutboundMessage.kind == kind)
            return list(session.scalars(query))

    def to(self, phone: str) -> list[str]:
        return [body for number, body in self.mock.sent_bodies() if number == phone]


@pytest.fixture
def programme(fresh_database_url: str) -> Iterator[Programme]:
    clock = FixedClock(MONDAY_0600_UTC)
    mock = TwilioMock(token=TOKEN, now=lambda: clock.now().timestamp()).start()
    port = free_port()
    settings = Settings(  # type: ignore[call-arg]
        T4B_DATABASE_URL=fresh_database_url,
        T4B_SMS_GATEWAY="twilio",
        T4B_PUBLIC_URL=f"http://127.0.0.1:{port}",
        TWILIO_ACCOUNT_SID=ACCOUNT,
        TWILIO_AUTH_TOKEN=TOKEN,
        TWILIO_FROM_NUMBER="+79160009999",
        T4B_TWILIO_API_BASE=mock.url,
        T4B_SECRET_KEY="test-hash-key",
    )
    engine = make_engine(fresh_database_url)
    gateway = TwilioGateway(
        account_sid=ACCOUNT,
        auth_token=TOKEN,
        api_base=mock.url,
        status_callback=f"http://127.0.0.1:{port}/sms/twilio/status",
        from_number="+79160009999",
        clock=clock,
        timeout=2,
    )
    runtime = Runtime(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        clock=clock,
        gateway=gateway,
    )
    with serving(runtime, port) as url:
        yield Programme(runtime, mock, clock, url)
    mock.stop()
    engine.dispose()


MOSCOW, VLADIVOSTOK, KALININGRAD = "+79160000101", "+79160000102", "+79160000103"


def enrol_three(p: Programme) -> None:
    p.text(MOSCOW, "МАМА 15.03.2027")
    p.text(VLADIVOSTOK, "BABY 15.03.2027")
    p.text(VLADIVOSTOK, "Vladivostok")
    p.text(KALININGRAD, "МАМА 15.03.2027")
    p.text(KALININGRAD, "Калининград")
    p.settle()
    # her enrollment is older than the send time: move the clock past it
    with p.runtime.sessions() as s, s.begin():
        for e in s.scalars(select(Enrollment)):
            e.activated_at = datetime(2026, 11, 20, tzinfo=UTC)


def test_tips_reach_each_zone_at_ten_local_in_her_language_once_with_delivery_reports(
    programme: Programme,
) -> None:
    p = programme
    enrol_three(p)
    p.mock.wait_for_callbacks()
    assert len(p.to(MOSCOW)) == 2 and len(p.to(VLADIVOSTOK)) == 3  # replies went out at once
    p.clock.set(datetime(2026, 11, 30, 7, 5, tzinfo=UTC))  # Mon 10:05 Moscow, 17:05 Vladivostok
    p.run()
    tips = p.messages(MessageKind.TIP)
    assert {(m.content_key, m.language) for m in tips} == {
        ("pregnancy.w25.1", "ru"),
        ("pregnancy.w25.1", "en"),
    }
    moscow_tip = next(m for m in tips if m.language == "ru")  # Kaliningrad's is not due yet
    assert p.to(MOSCOW)[-1] == moscow_tip.body and "{{" not in (moscow_tip.body or "")
    assert all(m.status is MessageStatus.DELIVERED for m in p.messages())  # callbacks arrived
    sent_before = len(p.mock.sent_bodies())
    p.run()  # a rerun sends nothing
    assert len(p.mock.sent_bodies()) == sent_before
    p.clock.advance(timedelta(hours=1))  # 10:05 in Kaliningrad
    p.run()
    assert [m.content_key for m in p.messages(MessageKind.TIP)][-1] == "pregnancy.w25.1"
    assert len(p.to(KALININGRAD)) == 4  # three replies, then her tip


def test_an_outage_delays_but_neither_loses_nor_doubles(programme: Programme) -> None:
    p = programme
    enrol_three(p)
    p.mock.wait_for_callbacks()
    p.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))  # everyone past 10:00
    p.mock.stop()  # connection refused: never reached the provider
    p.run()
    assert {m.status for m in p.messages(MessageKind.TIP)} == {MessageStatus.QUEUED}
    p.mock.start()
    p.clock.advance(timedelta(minutes=2))  # past the backoff
    p.run()
    tips = p.messages(MessageKind.TIP)
    seen = [(m.status, m.error_code, m.attempts) for m in tips]
    assert len(tips) == 3 and {m.status for m in tips} == {MessageStatus.DELIVERED}, seen
    assert sum(1 for _, body in p.mock.sent_bodies() if body in {m.body for m in tips}) == 3


def test_a_tip_held_up_until_her_quiet_hours_expires_instead_of_arriving_at_night(
    programme: Programme,
) -> None:
    p = programme
    enrol_three(p)
    p.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))  # 19:00 in Vladivostok
    p.mock.stop()
    p.run()
    p.mock.start()
    p.clock.set(datetime(2026, 11, 30, 11, 0, tzinfo=UTC))  # 21:00 there: quiet hours
    p.run()
    by_zone = {m.language: m.status for m in p.messages(MessageKind.TIP)}
    assert by_zone["en"] is MessageStatus.EXPIRED  # Vladivostok, in English
    assert by_zone["ru"] is MessageStatus.DELIVERED
    assert len(p.to(VLADIVOSTOK)) == 3  # her three replies; no tip at night


@pytest.mark.parametrize("provider_kept_it", [True, False])
def test_a_5xx_is_settled_with_the_providers_list_before_any_resend(
    programme: Programme, provider_kept_it: bool
) -> None:
    p = programme
    p.text(MOSCOW, "МАМА 15.03.2027")
    p.settle()
    with p.runtime.sessions() as s, s.begin():
        s.execute(select(Enrollment)).scalar_one().activated_at = datetime(2026, 11, 20, tzinfo=UTC)
    p.clock.set(datetime(2026, 11, 30, 7, 5, tzinfo=UTC))
    p.mock.faults.error_share = {500: 1.0}
    p.mock.faults.commit_then_fail = provider_kept_it
    p.run()
    [tip] = p.messages(MessageKind.TIP)
    assert tip.status is MessageStatus.UNKNOWN
    p.mock.faults.error_share = {}
    p.clock.advance(timedelta(minutes=5))
    p.run()
    [tip] = p.messages(MessageKind.TIP)
    assert tip.status is MessageStatus.DELIVERED or (
        provider_kept_it and tip.status is MessageStatus.SENT
    )
    assert p.to(MOSCOW).count(tip.body or "") == 1


def test_a_number_the_carrier_reports_unsubscribed_is_opted_out(programme: Programme) -> None:
    p = programme
    p.text(MOSCOW, "МАМА 15.03.2027")
    p.settle()
    with p.runtime.sessions() as s, s.begin():
        s.execute(select(Enrollment)).scalar_one().activated_at = datetime(2026, 11, 20, tzinfo=UTC)
    p.mock.faults.rejected[MOSCOW] = 21610
    p.clock.set(datetime(2026, 11, 30, 7, 5, tzinfo=UTC))
    p.run()
    [tip] = p.messages(MessageKind.TIP)
    assert (tip.status, tip.error_code) == (MessageStatus.FAILED, "21610")
    with p.runtime.sessions() as s:
        assert s.execute(select(Enrollment.status)).scalar_one() is SubscriberStatus.OPTED_OUT


def test_callbacks_out_of_order_twice_or_for_strangers_never_move_a_message_back(
    programme: Programme,
) -> None:
    p = programme
    p.text(MOSCOW, "ПОМОЩЬ")
    p.settle()
    [reply] = p.messages()
    assert reply.status is MessageStatus.DELIVERED
    path = "/sms/twilio/status"
    for params in (
        {"MessageSid": reply.provider_sid or "", "MessageStatus": "sent"},
        {"MessageSid": reply.provider_sid or "", "MessageStatus": "delivered"},
        {"MessageSid": "SM" + "9" * 32, "MessageStatus": "delivered"},
    ):
        signature = RequestValidator(TOKEN).compute_signature(p.url + path, params)
        response = httpx.post(p.url + path, data=params, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 204
    assert (
        httpx.post(p.url + path, data={"MessageSid": "x", "MessageStatus": "failed"}).status_code
        == 403
    )
    [reply] = p.messages()
    assert reply.status is MessageStatus.DELIVERED


@pytest.mark.parametrize("provider_took_it", [True, False])
def test_a_worker_that_died_mid_call_leaves_nothing_doubled_or_lost(
    programme: Programme, provider_took_it: bool
) -> None:
    p = programme
    p.text(MOSCOW, "ПОМОЩЬ")
    p.settle()
    [reply] = p.messages()
    with p.runtime.sessions() as s, s.begin():  # as if a worker claimed the tip and was killed
        row = s.get_one(OutboundMessage, reply.id)
        row.status, row.provider_sid, row.claimed_at = MessageStatus.SENDING, None, p.clock.now()
        row.gateway = "twilio"
    if not provider_took_it:
        p.mock.messages.clear()
    p.clock.advance(timedelta(minutes=6))  # past the lease: the row is now `unknown`
    p.run()
    p.clock.advance(timedelta(minutes=1))  # settled with the provider's list
    p.run()
    [reply] = p.messages()
    assert reply.status in (MessageStatus.SENT, MessageStatus.DELIVERED)
    assert p.to(MOSCOW).count(reply.body or "") == 1


def test_on_a_gateway_that_cannot_list_an_interrupted_send_stays_unknown_and_is_never_resent(
    session: Session, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    from tests.factories import make_enrollment
    from text4baby_ru.delivery.planner import Rules
    from text4baby_ru.gateways.console import ConsoleGateway

    enrollment = make_enrollment(session)
    session.add(
        OutboundMessage(
            kind=MessageKind.TIP,
            person_id=enrollment.person_id,
            enrollment_id=enrollment.id,
            content_key="pregnancy.w20.1",
            language="ru",
            body="текст",
            status=MessageStatus.SENDING,
            due_at=clock.now(),
            claimed_at=clock.now(),
            gateway="console",
            created_at=clock.now(),
            updated_at=clock.now(),
        )
    )
    session.commit()
    clock.advance(timedelta(minutes=10))
    for _ in range(2):
        report = run_pass(
            sessions=sessions,
            gateway=ConsoleGateway(),
            clock=clock,
            rules=Rules((0, 2, 4), 10, (clock_time(21), clock_time(9))),
            policy=SendPolicy(),
            worker="t",
            plan_tips=False,
        )
        clock.advance(timedelta(minutes=10))
    assert report.sent.sent == 0
    session.expire_all()
    assert session.scalars(select(OutboundMessage.status)).all() == [MessageStatus.UNKNOWN]


def test_a_mix_of_500_503_429_and_timeouts_ends_with_every_message_sent_once(
    programme: Programme,
) -> None:
    from collections import Counter

    from tests.factories import queue_replies

    p = programme
    queue_replies(p.runtime.settings.database_url, 60)
    p.mock.faults.error_share = {500: 0.1, 503: 0.1, 429: 0.15}
    # Some answers come after the client's 2 s timeout, though the provider kept the message.
    p.mock.faults.slow_every, p.mock.faults.slow_seconds = 12, 2.5
    p.mock.faults.callbacks = False
    for _ in range(12):  # passes a few minutes apart (fixed clock): backoff and settling elapse
        p.run()
        p.clock.advance(timedelta(minutes=20))
        if {m.status for m in p.messages()} == {MessageStatus.SENT}:
            break
    sends = Counter(body for _, body in p.mock.sent_bodies())
    assert {m.status for m in p.messages()} == {MessageStatus.SENT}
    assert len(sends) == 60 and max(sends.values()) == 1
    assert p.mock.creates > 60 and p.mock.slow > 0  # the faults really hit
