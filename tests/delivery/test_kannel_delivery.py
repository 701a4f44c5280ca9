"""The Russian route end to end through a real Kannel (Debian's bearerbox and smsbox on the
shipped deploy/kannel/kannel.conf, Kannel's test SMSC as the operator): she texts МАМА and her
date, gets the confirmation in Russian, a Monday tip goes out, and the delivery reports come
back into her message statuses."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.kannel_box import PASSWORD, SECRET, SENDER, USER, Kannel, running_kannel, wait_for
from tests.live import free_port, serving
from text4baby_ru.auth.models import Role
from text4baby_ru.auth.service import create_user
from text4baby_ru.clock import FixedClock
from text4baby_ru.db import make_engine, session_factory, unit_of_work
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.enrollment.models import Enrollment, InboundMessage
from text4baby_ru.gateways.factory import build_gateway
from text4baby_ru.gateways.kannel import KannelGateway
from text4baby_ru.runtime import Runtime
from text4baby_ru.settings import Settings

pytestmark = pytest.mark.slow  # starts Kannel; once, on SQLite, is enough
MONDAY_0600_UTC = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # 09:00 in Moscow: before the tips
PHONE = "+79160000301"


@dataclass
class Programme:
    runtime: Runtime
    kannel: Kannel
    clock: FixedClock
    url: str

    def messages(self, kind: MessageKind | None = None) -> list[OutboundMessage]:
        with self.runtime.sessions() as session:
            query = select(OutboundMessage).order_by(OutboundMessage.id)
            if kind is not None:
                query = query.where(OutboundMessage.kind == kind)
            return list(session.scalars(query))

    def wait_for_statuses(self, wanted: MessageStatus, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while {m.status for m in self.messages()} != {wanted}:
            seen = [(m.content_key, m.status) for m in self.messages()]
            assert time.monotonic() < deadline, f"{seen}\n{self.kannel.logs()}"
            time.sleep(0.1)

    def api(self, path: str) -> list[dict[str, object]]:
        with unit_of_work(self.runtime.sessions) as session:
            _, token = create_user(session, name="support", role=Role.ADMIN, now=self.clock.now())
        response = httpx.get(self.url + path, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        return list(response.json())


def kannel_runtime(database_url: str, port: int, kannel: Kannel, clock: FixedClock) -> Runtime:
    """The programme on the Kannel gateway, built by the factory from its settings."""
    settings = Settings(  # type: ignore[call-arg]
        T4B_DATABASE_URL=database_url,
        T4B_SMS_GATEWAY="kannel",
        T4B_PUBLIC_URL=f"http://127.0.0.1:{port}",
        T4B_KANNEL_SENDSMS_URL=kannel.sendsms_url,
        T4B_KANNEL_USER=USER,
        T4B_KANNEL_PASSWORD=PASSWORD,
        T4B_KANNEL_SENDER=SENDER,
        T4B_INBOUND_SECRET=SECRET,
        T4B_SECRET_KEY="test-hash-key",
        T4B_SEND_RATE=10_000,
    )
    engine = make_engine(database_url)
    gateway = build_gateway(settings, clock)
    assert isinstance(gateway, KannelGateway)
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        clock=clock,
        gateway=gateway,
    )


@pytest.fixture
def programme(fresh_database_url: str, tmp_path: Path) -> Iterator[Programme]:
    clock = FixedClock(MONDAY_0600_UTC)
    port = free_port()
    with running_kannel(tmp_path / "kannel", f"http://127.0.0.1:{port}") as kannel:
        runtime = kannel_runtime(fresh_database_url, port, kannel, clock)
        with serving(runtime, port) as url:
            yield Programme(runtime, kannel, clock, url)
        runtime.engine.dispose()


def test_a_russian_enrollment_its_confirmation_a_monday_tip_and_its_delivery_report(
    programme: Programme,
) -> None:
    p = programme
    p.kannel.text(PHONE, "МАМА 15.03.2027")
    confirmation, ask_city = wait_for(p.kannel, PHONE, 2)
    replies = {m.content_key: m.body for m in p.messages(MessageKind.REPLY)}
    assert confirmation == replies["reply.confirm_pregnancy"]  # every Cyrillic letter intact
    assert ask_city == replies["reply.ask_city"]
    assert "15.03.2027" in confirmation and "СТОП" in confirmation
    p.wait_for_statuses(MessageStatus.DELIVERED)  # fakesmsc's delivery reports came back
    with p.runtime.sessions() as session:
        [inbound] = session.scalars(select(InboundMessage)).all()
        assert inbound.body == "МАМА 15.03.2027" and inbound.provider == "kannel"

    with p.runtime.sessions() as s, s.begin():  # she joined before this Monday's send time
        s.execute(select(Enrollment)).scalar_one().activated_at = datetime(2026, 11, 20, tzinfo=UTC)
    p.clock.set(datetime(2026, 11, 30, 7, 5, tzinfo=UTC))  # Monday 10:05 in Moscow
    p.runtime.run_pass("test")
    [tip] = p.messages(MessageKind.TIP)
    assert tip.content_key == "pregnancy.w25.1" and tip.segments >= 2  # a long Cyrillic tip
    assert wait_for(p.kannel, PHONE, 3)[2] == tip.body  # concatenated parts joined
    p.wait_for_statuses(MessageStatus.DELIVERED)

    phone = PHONE.replace("+", "%2B")
    rows = {m["key"]: m for m in p.api(f"/api/v1/subscribers/{phone}/messages")}
    assert rows["pregnancy.w25.1"]["status"] == "delivered"
    assert rows["pregnancy.w25.1"]["provider_sid"] == f"kannel-{tip.id}"
    assert {m["status"] for m in rows.values()} == {"delivered"}


def test_a_text_sent_while_the_programme_is_down_is_retried_by_kannel_and_handled_once(
    fresh_database_url: str, tmp_path: Path
) -> None:
    clock = FixedClock(MONDAY_0600_UTC)
    port = free_port()
    with running_kannel(tmp_path / "kannel", f"http://127.0.0.1:{port}") as kannel:
        runtime = kannel_runtime(fresh_database_url, port, kannel, clock)
        kannel.text(PHONE, "ПОМОЩЬ")  # nobody listens on the port yet
        time.sleep(2.5)  # Kannel fails, waits, tries again
        assert kannel.handset.texts_to(PHONE) == []  # and texts her none of its errors
        with serving(runtime, port):
            [help_text] = wait_for(kannel, PHONE, 1)
            time.sleep(2)  # time for any duplicate retry to arrive
        with runtime.sessions() as session:
            assert len(session.scalars(select(InboundMessage)).all()) == 1
            [reply] = session.scalars(select(OutboundMessage)).all()
        assert reply.content_key == "reply.help" and help_text == reply.body
        assert kannel.handset.texts_to(PHONE) == [help_text]
        runtime.engine.dispose()
