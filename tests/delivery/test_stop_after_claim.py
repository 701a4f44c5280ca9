"""STOP keeps its promise against a sender already at work: a STOP that arrives through the
webhook after the sender claimed her tips (committed as `sending`, some not yet handed to the
gateway) still stops every tip the gateway has not been handed; the one it had is not reported
as cancelled. On SQLite and PostgreSQL (a database of its own: real commits, as in service)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.factories import fixture_phone
from tests.twilio_signing import sms
from text4baby_ru.clock import FixedClock
from text4baby_ru.db import make_engine, session_factory
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.delivery.sender import send_due
from text4baby_ru.enrollment.models import Enrollment, Person, SubscriberStatus
from text4baby_ru.gateways.base import OutgoingSms, SendReceipt
from text4baby_ru.gateways.console import ConsoleGateway
from text4baby_ru.main import create_app
from text4baby_ru.runtime import Runtime
from text4baby_ru.settings import Settings


class _StopDuringTheFirstTip(ConsoleGateway):
    """A provider that, while it takes her first tip, lets her STOP arrive over the webhook."""

    def __init__(self) -> None:
        super().__init__()
        self.tips: set[int] = set()
        self.handed: list[int] = []
        self.stop: tuple[TestClient, str] | None = None

    def send(self, sms_: OutgoingSms) -> SendReceipt:
        self.handed.append(sms_.message_id)
        if sms_.message_id in self.tips and self.stop is not None:
            client, phone = self.stop
            self.stop = None
            # Stored, answered and handled before this call returns (the webhook waits for
            # the handler after its answer).
            assert sms(client, phone, "СТОП").status_code == 200
        return super().send(sms_)


@pytest.fixture
def live(fresh_database_url: str, settings: Settings, clock: FixedClock) -> Iterator[Runtime]:
    """The test settings on a database of its own, whose transactions commit for real."""
    engine = make_engine(fresh_database_url)
    yield Runtime(
        settings=settings.model_copy(update={"database_url": fresh_database_url}),
        engine=engine,
        sessions=session_factory(engine),
        clock=clock,
        gateway=_StopDuringTheFirstTip(),
    )
    engine.dispose()


def _queue_tips(runtime: Runtime, phone: str, weeks: list[int], *, due_in: list[int]) -> list[int]:
    """Her tips in the outbox as the planner writes them (rendered, due at these minutes)."""
    now = runtime.clock.now()
    with runtime.sessions() as session, session.begin():
        person = session.scalars(select(Person).where(Person.phone == phone)).one()
        enrollment = session.scalars(
            select(Enrollment).where(Enrollment.person_id == person.id)
        ).one()
        assert enrollment.status is SubscriberStatus.ACTIVE
        rows = [
            OutboundMessage(
                kind=MessageKind.TIP,
                person_id=person.id,
                enrollment_id=enrollment.id,
                content_key=f"pregnancy.w{week}.1",
                language="ru",
                track="pregnancy",
                week=week,
                slot=1,
                body=f"Совет недели {week}",
                segments=1,
                status=MessageStatus.QUEUED,
                due_at=now + timedelta(minutes=minutes),
                created_at=now,
                updated_at=now,
            )
            for week, minutes in zip(weeks, due_in, strict=True)
        ]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def _statuses(runtime: Runtime, ids: list[int]) -> list[MessageStatus]:
    with runtime.sessions() as session:
        found = dict(
            session.execute(
                select(OutboundMessage.id, OutboundMessage.status).where(
                    OutboundMessage.id.in_(ids)
                )
            ).all()
        )
    return [found[i] for i in ids]


def test_a_stop_after_her_tips_were_claimed_stops_every_tip_not_yet_handed_over(
    live: Runtime,
) -> None:
    gateway = live.gateway
    assert isinstance(gateway, _StopDuringTheFirstTip)
    phone = fixture_phone()
    with TestClient(create_app(live), base_url="https://testserver") as client:
        assert sms(client, phone, "МАМА 15.03.2027").status_code == 200
        # Three tips due now (one batch: all claimed, `sending`, before the first call), one
        # due now that the next batch would claim, one due tomorrow.
        claimed = _queue_tips(live, phone, [20, 21, 22], due_in=[-3, -2, -1])
        later = _queue_tips(live, phone, [23, 24], due_in=[0, 24 * 60])
        gateway.tips = set(claimed + later)
        gateway.stop = (client, phone)
        send_due(
            sessions=live.sessions,
            gateway=gateway,
            clock=live.clock,
            worker="w1",
            batch=3,
            policy=live.policy(),
        )
    first, *rest = claimed
    tips_handed = [i for i in gateway.handed if i in gateway.tips]
    assert tips_handed == [first]  # nothing after her STOP reached the provider
    assert _statuses(live, [first]) == [MessageStatus.DELIVERED]  # not reported as cancelled
    assert _statuses(live, rest + later) == [MessageStatus.CANCELLED] * 4
    with live.sessions() as session:
        keys = session.scalars(
            select(OutboundMessage.content_key)
            .join(Person, Person.id == OutboundMessage.person_id)
            .where(Person.phone == phone, OutboundMessage.kind == MessageKind.REPLY)
            .order_by(OutboundMessage.id)
        ).all()
    assert keys[-1] == "reply.stop"  # her STOP was handled and answered
