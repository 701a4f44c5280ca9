import io
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import make_enrollment
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.delivery.sender import send_due
from text4baby_ru.gateways.base import (
    AmbiguousGatewayError,
    OutgoingSms,
    PermanentGatewayError,
    SendReceipt,
    TransientGatewayError,
)
from text4baby_ru.gateways.console import ConsoleGateway


def _queue(session: Session, clock: FixedClock, key: str, **overrides: object) -> OutboundMessage:
    enrollment = overrides.pop("enrollment", None) or make_enrollment(session)
    message = OutboundMessage(
        kind=MessageKind.TIP,
        person_id=enrollment.person_id,  # type: ignore[attr-defined]
        enrollment_id=enrollment.id,  # type: ignore[attr-defined]
        content_key=key,
        language="ru",
        body="Сегодня отличный день, чтобы выпить воды.",
        status=MessageStatus.QUEUED,
        due_at=clock.now() - timedelta(minutes=1),
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    for name, value in overrides.items():
        setattr(message, name, value)
    session.add(message)
    session.commit()
    return message


class ScriptedGateway:
    """A unit-test gateway that raises the errors it is given, in order, then succeeds."""

    name = "scripted"

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls: list[OutgoingSms] = []

    def send(self, sms: OutgoingSms) -> SendReceipt:
        self.calls.append(sms)
        if self.errors:
            raise self.errors.pop(0)
        return SendReceipt(provider_sid=f"SM{sms.message_id}", status="queued")


def _status(session: Session, message: OutboundMessage) -> OutboundMessage:
    session.expire_all()
    row = session.scalar(select(OutboundMessage).where(OutboundMessage.id == message.id))
    assert row is not None
    return row


def test_console_prints_the_message_with_a_masked_number_and_marks_it_delivered(
    session: Session, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    message = _queue(session, clock, "pregnancy.w20.1")
    out = io.StringIO()
    report = send_due(sessions=sessions, gateway=ConsoleGateway(out), clock=clock, worker="t")
    assert report.sent == 1
    printed = out.getvalue()
    assert "Сегодня отличный день" in printed and "***" in printed and "+7916" not in printed
    row = _status(session, message)
    assert row.status is MessageStatus.DELIVERED and row.provider_sid == f"console-{message.id}"


def test_a_second_pass_sends_nothing_again(
    session: Session, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    _queue(session, clock, "pregnancy.w20.1")
    gateway = ScriptedGateway()
    send_due(sessions=sessions, gateway=gateway, clock=clock, worker="t")
    send_due(sessions=sessions, gateway=gateway, clock=clock, worker="t")
    assert len(gateway.calls) == 1


def test_a_future_message_waits_for_its_time(
    session: Session, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    _queue(session, clock, "pregnancy.w20.1", due_at=clock.now() + timedelta(hours=1))
    gateway = ScriptedGateway()
    send_due(sessions=sessions, gateway=gateway, clock=clock, worker="t")
    assert gateway.calls == []
    clock.advance(timedelta(hours=1))
    send_due(sessions=sessions, gateway=gateway, clock=clock, worker="t")
    assert len(gateway.calls) == 1


def test_transient_errors_are_retried_after_a_backoff_permanent_ones_never(
    session: Session, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    retry = _queue(session, clock, "pregnancy.w20.1")
    gateway = ScriptedGateway(TransientGatewayError("429", code="20429"))
    send_due(sessions=sessions, gateway=gateway, clock=clock, worker="t")
    row = _status(session, retry)
    assert row.status is MessageStatus.QUEUED and row.next_attempt_at is not None
    clock.set(row.next_attempt_at)
    send_due(sessions=sessions, gateway=gateway, clock=clock, worker="t")
    assert _status(session, retry).status is MessageStatus.SENT

    dead = _queue(session, clock, "pregnancy.w20.2")
    gateway = ScriptedGateway(PermanentGatewayError("invalid number", code="21211"))
    send_due(sessions=sessions, gateway=gateway, clock=clock, worker="t")
    clock.advance(timedelta(days=1))
    send_due(sessions=sessions, gateway=gateway, clock=clock, worker="t")
    row = _status(session, dead)
    assert (row.status, row.error_code, len(gateway.calls)) == (MessageStatus.FAILED, "21211", 1)


def test_an_ambiguous_outcome_is_unknown_and_never_resent(
    session: Session, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    message = _queue(session, clock, "pregnancy.w20.1")
    gateway = ScriptedGateway(AmbiguousGatewayError("read timeout"))
    send_due(sessions=sessions, gateway=gateway, clock=clock, worker="t")
    clock.advance(timedelta(days=1))
    send_due(sessions=sessions, gateway=gateway, clock=clock, worker="t")
    assert _status(session, message).status is MessageStatus.UNKNOWN
    assert len(gateway.calls) == 1


def test_an_expired_message_is_not_sent(
    session: Session, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    message = _queue(
        session, clock, "pregnancy.w20.1", expires_at=clock.now() - timedelta(seconds=1)
    )
    gateway = ScriptedGateway()
    send_due(sessions=sessions, gateway=gateway, clock=clock, worker="t")
    assert gateway.calls == [] and _status(session, message).status is MessageStatus.EXPIRED


def test_a_tip_waiting_on_a_retry_past_its_deadline_expires_with_its_reason_never_sent(
    session: Session, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    from datetime import time

    from text4baby_ru.delivery.planner import Rules
    from text4baby_ru.delivery.sender import SendPolicy
    from text4baby_ru.delivery.service import run_pass

    late = _queue(
        session,
        clock,
        "pregnancy.w20.1",
        expires_at=clock.now() + timedelta(hours=1),
        next_attempt_at=clock.now() + timedelta(hours=2),  # a backoff past the deadline
    )
    gateway = ScriptedGateway()
    rules = Rules((0, 2, 4), 10, (time(21), time(9)))
    policy = SendPolicy()

    def one_pass() -> None:
        run_pass(
            sessions=sessions,
            gateway=gateway,
            clock=clock,
            rules=rules,
            policy=policy,
            worker="t",
            plan_tips=False,
        )

    one_pass()
    assert _status(session, late).status is MessageStatus.QUEUED  # still in time
    clock.advance(timedelta(hours=1))
    one_pass()
    row = _status(session, late)
    assert (row.status, row.error_code) == (MessageStatus.EXPIRED, "deadline")
    clock.advance(timedelta(hours=2))
    one_pass()
    assert gateway.calls == []


def test_a_429_keeps_traffic_on_the_primary_but_kannels_503_can_move_it_to_the_secondary(
    session: Session, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    from text4baby_ru.delivery.failover import Failover
    from text4baby_ru.gateways.base import ThrottledGatewayError

    for down, expected_on_secondary in ((False, 0), (True, 1)):
        message = _queue(session, clock, f"pregnancy.w2{int(down)}.1")
        primary = ScriptedGateway(ThrottledGatewayError("busy", code="429", down=down))
        primary.name = f"primary{int(down)}"
        secondary = ScriptedGateway()
        secondary.name = f"secondary{int(down)}"
        send_due(
            sessions=sessions,
            gateway=primary,
            clock=clock,
            worker="t",
            failover=Failover(secondary, after=timedelta(0)),
        )
        assert _status(session, message).status is MessageStatus.SENT
        assert len(secondary.calls) == expected_on_secondary, down
