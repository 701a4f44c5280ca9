"""Failure reports through a real SMPP link: Debian's bearerbox binds with the shipped SMSC
settings to a small SMPP SMSC (devtools/smpp_smsc.py) that, unlike Kannel's fakesmsc, can
fail a message, and that carries her Cyrillic as UCS-2 both ways."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from devtools.smpp_smsc import UCS2, SmppSmsc
from tests.delivery.test_kannel_delivery import MONDAY_0600_UTC, kannel_runtime
from tests.kannel_box import running_kannel
from tests.live import free_port, serving
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.models import MessageStatus, OutboundMessage
from text4baby_ru.enrollment.models import Person

pytestmark = pytest.mark.slow  # starts Kannel; once, on SQLite, is enough
DELIVERED, UNDELIVERABLE, REJECTED = "+79160000311", "+79160000312", "+79160000313"


def statuses(sessions: sessionmaker[Session], phone: str) -> list[tuple[MessageStatus, str | None]]:
    with sessions() as session:
        query = (
            select(OutboundMessage.status, OutboundMessage.error_code)
            .join(Person)
            .where(Person.phone == phone)
            .order_by(OutboundMessage.id)
        )
        return [(s, e) for s, e in session.execute(query)]


def joined(smsc: SmppSmsc, phone: str) -> list[str]:
    """The texts submitted to her number, long ones joined from their UDH parts."""
    texts, parts = [], b""
    for sms in smsc.submitted:
        if sms.destination.lstrip("+") != phone.lstrip("+"):
            continue
        assert sms.data_coding == UCS2  # Cyrillic goes as UCS-2
        data = sms.short_message
        if sms.esm_class & 0x40:  # a UDH: its length first; the last part ends the text
            udh, data = data[: data[0] + 1], data[data[0] + 1 :]
            parts += data
            if udh[-1] == udh[-2]:
                texts.append(parts.decode("utf-16-be"))
                parts = b""
        else:
            texts.append(data.decode("utf-16-be"))
    return texts


def test_undeliverable_and_rejected_messages_come_back_as_undelivered_and_failed(
    fresh_database_url: str, tmp_path: Path
) -> None:
    clock = FixedClock(MONDAY_0600_UTC)
    port, smpp_port = free_port(), free_port()
    smsc = SmppSmsc(smpp_port).start()
    smsc.fates = {UNDELIVERABLE.lstrip("+"): "undeliverable", REJECTED.lstrip("+"): "rejected"}
    with running_kannel(tmp_path / "kannel", f"http://127.0.0.1:{port}", smpp_port) as kannel:
        assert smsc.bound.wait(20), kannel.logs()
        runtime = kannel_runtime(fresh_database_url, port, kannel, clock)
        with serving(runtime, port):
            for phone in (DELIVERED, UNDELIVERABLE, REJECTED):
                smsc.mo(phone, "3443", "МАМА 15.03.2027")
            deadline = time.monotonic() + 30
            wanted = {
                DELIVERED: [(MessageStatus.DELIVERED, None)] * 2,
                UNDELIVERABLE: [(MessageStatus.UNDELIVERED, "001")] * 2,
                # Kannel 1.4.5 reports a rejection as "NACK/", without the SMPP status.
                REJECTED: [(MessageStatus.FAILED, "dlr16")] * 2,
            }
            while {p: statuses(runtime.sessions, p) for p in wanted} != wanted:
                seen = {p: statuses(runtime.sessions, p) for p in wanted}
                assert time.monotonic() < deadline, f"{seen}\n{kannel.logs()}"
                time.sleep(0.2)
        with runtime.sessions() as session:
            bodies = session.scalars(
                select(OutboundMessage.body)
                .join(Person)
                .where(Person.phone == DELIVERED)
                .order_by(OutboundMessage.id)
            ).all()
        assert joined(smsc, DELIVERED) == list(bodies)  # every Cyrillic letter, both ways
        runtime.engine.dispose()
    smsc.stop()
