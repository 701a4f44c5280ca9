"""Failover: the primary (Twilio, against the local mock) goes down, traffic moves to the
secondary after the configured time and back when the primary answers again; every message
goes out exactly once across both, and ambiguous sends stay `unknown` until the primary settles
them."""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from devtools.twilio_mock import TwilioMock
from tests.factories import make_person
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.failover import Failover, Route, observe, pick
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage, RouteHealth
from text4baby_ru.delivery.sender import SendPolicy
from text4baby_ru.delivery.service import run_pass
from text4baby_ru.gateways.console import ConsoleGateway
from text4baby_ru.gateways.twilio import TwilioGateway
from text4baby_ru.main import build_runtime
from text4baby_ru.runtime import Runtime
from text4baby_ru.settings import Settings

TOKEN, ACCOUNT = "failover-token", "AC" + "7" * 32
AFTER, RETRY = timedelta(seconds=300), timedelta(seconds=120)
SWITCHED = "traffic moves to the secondary"
BACK = "answers again"


@dataclass
class Routes:
    sessions: sessionmaker[Session]
    session: Session
    clock: FixedClock
    runtime: Runtime
    mock: TwilioMock
    primary: TwilioGateway
    console: io.StringIO
    failover: Failover
    queued: int = 0

    def queue(self, n: int) -> list[int]:
        """n replies due now, each with a body of its own."""
        person = make_person(self.session)
        ids = []
        for _ in range(n):
            self.queued += 1
            message = OutboundMessage(
                kind=MessageKind.REPLY,
                person_id=person.id,
                position=self.queued,
                language="ru",
                body=f"сообщение {self.queued}",
                segments=1,
                status=MessageStatus.QUEUED,
                due_at=self.clock.now(),
                created_at=self.clock.now(),
                updated_at=self.clock.now(),
            )
            self.session.add(message)
            self.session.flush()
            ids.append(message.id)
        self.session.commit()
        return ids

    def run(self) -> None:
        """One pass without planning: settle ambiguous sends, then send what is due."""
        run_pass(
            sessions=self.sessions,
            gateway=self.primary,
            clock=self.clock,
            rules=self.runtime.rules(),
            policy=SendPolicy(),
            worker="test",
            plan_tips=False,
            settle=timedelta(seconds=30),
            failover=self.failover,
        )

    def rows(self, ids: list[int]) -> list[OutboundMessage]:
        self.session.expire_all()
        query = select(OutboundMessage).where(OutboundMessage.id.in_(ids))
        return list(self.session.scalars(query.order_by(OutboundMessage.id)))

    def at_primary(self) -> Counter[str]:
        return Counter(body for _, body in self.mock.sent_bodies())

    def at_secondary(self) -> Counter[int]:
        return Counter(int(i) for i in re.findall(r"--- SMS #(\d+) ", self.console.getvalue()))

    def health(self) -> RouteHealth | None:
        self.session.expire_all()
        return self.session.get(RouteHealth, "twilio")


@pytest.fixture
def routes(
    sessions: sessionmaker[Session], session: Session, clock: FixedClock, runtime: Runtime
) -> Iterator[Routes]:
    mock = TwilioMock(token=TOKEN, now=lambda: clock.now().timestamp()).start()
    mock.faults.callbacks = False
    primary = TwilioGateway(
        account_sid=ACCOUNT,
        auth_token=TOKEN,
        api_base=mock.url,
        status_callback="http://127.0.0.1:9/sms/twilio/status",
        from_number="+79160009999",
        clock=clock,
        timeout=2,
    )
    console = io.StringIO()
    failover = Failover(secondary=ConsoleGateway(console), after=AFTER, retry=RETRY)
    yield Routes(sessions, session, clock, runtime, mock, primary, console, failover)
    mock.stop()


def _warnings(caplog: pytest.LogCaptureFixture, text: str) -> int:
    return sum(text in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


def test_traffic_moves_to_the_secondary_and_back_and_nothing_goes_out_twice(
    routes: Routes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    r = routes
    healthy = r.queue(4)
    r.run()
    assert [m.gateway for m in r.rows(healthy)] == ["twilio"] * 4
    assert r.health() is not None and not r.health().on_secondary  # type: ignore[union-attr]

    # The primary answers 500 after keeping the message: ambiguous, so `unknown`.
    r.mock.faults.error_share, r.mock.faults.commit_then_fail = {500: 1.0}, True
    ambiguous = r.queue(2)
    r.run()
    r.clock.advance(timedelta(seconds=10))
    r.run()
    assert {m.status for m in r.rows(ambiguous)} == {MessageStatus.UNKNOWN}

    # Then it is down altogether (connection refused: the provider never takes anything).
    r.mock.stop()
    r.mock.faults.error_share = {}
    during = r.queue(6)
    r.clock.advance(timedelta(seconds=200))
    r.run()
    assert r.at_secondary() == Counter(), "switched before T4B_FAILOVER_AFTER_SECONDS"
    assert _warnings(caplog, SWITCHED) == 0

    r.clock.advance(timedelta(seconds=100))  # 310 s since the first failure
    r.run()
    assert _warnings(caplog, SWITCHED) == 1
    assert r.health().on_secondary  # type: ignore[union-attr]
    for _ in range(4):  # past every backoff; a failed probe of the primary on the way
        r.clock.advance(timedelta(hours=1))
        r.run()
    assert {m.status for m in r.rows(during)} == {MessageStatus.DELIVERED}
    assert {m.gateway for m in r.rows(during)} == {"console"}
    assert {m.status for m in r.rows(ambiguous)} == {MessageStatus.UNKNOWN}  # never resent
    assert not set(ambiguous) & set(r.at_secondary())
    assert _warnings(caplog, SWITCHED) == 1  # one line per switch, not per batch

    # The primary is back: the next probe succeeds and traffic returns.
    r.mock.start()
    after = r.queue(5)
    r.clock.advance(RETRY + timedelta(seconds=1))
    r.run()
    assert _warnings(caplog, BACK) == 1
    assert not r.health().on_secondary  # type: ignore[union-attr]
    assert {m.gateway for m in r.rows(after)} == {"twilio"}
    assert {m.status for m in r.rows(after)} == {MessageStatus.SENT}
    # The ambiguous ones are settled with the primary that took them: adopted, not resent.
    settled = r.rows(ambiguous)
    assert {m.status for m in settled} == {MessageStatus.SENT} and all(
        m.provider_sid for m in settled
    )

    everything = r.rows(healthy + ambiguous + during + after)
    primary, secondary = r.at_primary(), r.at_secondary()
    for message in everything:
        copies = primary[message.body or ""] + secondary[message.id]
        assert copies == 1, (message.id, message.gateway, copies)
    assert sum(primary.values()) + sum(secondary.values()) == len(everything)


def test_every_worker_follows_the_switch_one_of_them_made(
    sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    def route_pair() -> tuple[ConsoleGateway, Failover]:
        primary = ConsoleGateway(io.StringIO())
        primary.name = "twilio"  # the same primary, as another process builds it
        return primary, Failover(secondary=ConsoleGateway(io.StringIO()), after=AFTER)

    (one, one_failover), (other, other_failover) = route_pair(), route_pair()
    observe(sessions, one, one_failover, answered=False, now=clock.now())
    assert pick(sessions, other, other_failover, clock.now()).gateway is other
    clock.advance(AFTER)
    observe(sessions, one, one_failover, answered=False, now=clock.now())
    assert pick(sessions, other, other_failover, clock.now()).gateway is other_failover.secondary
    clock.advance(RETRY)
    probe = pick(sessions, other, other_failover, clock.now())
    assert probe.gateway is other and probe.probe
    observe(sessions, other, other_failover, answered=True, now=clock.now())
    assert pick(sessions, one, one_failover, clock.now()) == Route(one)


def test_a_secondary_route_is_checked_like_the_primary_and_a_route_abroad_is_announced(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    base = {"T4B_DATABASE_URL": database_url, "T4B_SECRET_KEY": "k"}
    with pytest.raises(ValidationError, match="must differ"):
        Settings(**base, T4B_SMS_GATEWAY_SECONDARY="console")  # type: ignore[arg-type]
    with pytest.raises(
        ValidationError, match="TWILIO_ACCOUNT_SID: required when T4B_SMS_GATEWAY_SECONDARY=twilio"
    ):
        Settings(**base, T4B_SMS_GATEWAY_SECONDARY="twilio")  # type: ignore[arg-type]
    assert Settings(**base, T4B_SMS_GATEWAY_SECONDARY="").sms_gateway_secondary is None  # type: ignore[arg-type]
    settings = Settings(  # type: ignore[call-arg]
        **base,
        T4B_SMS_GATEWAY_SECONDARY="twilio",
        T4B_FAILOVER_AFTER_SECONDS="60",
        TWILIO_ACCOUNT_SID=ACCOUNT,
        TWILIO_AUTH_TOKEN=TOKEN,
        TWILIO_FROM_NUMBER="+79160009999",
    )
    with caplog.at_level(logging.WARNING):
        runtime = build_runtime(settings)
    runtime.engine.dispose()
    assert runtime.failover is not None and runtime.failover.secondary.name == "twilio"
    assert runtime.failover.after == timedelta(seconds=60)
    abroad = [r.getMessage() for r in caplog.records if "outside Russia" in r.getMessage()]
    assert len(abroad) == 1 and "secondary" in abroad[0] and "sender" in abroad[0]
