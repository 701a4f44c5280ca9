"""Sending what is due: claim rows, commit them as `sending`, call the gateway, record."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.clock import Clock
from text4baby_ru.delivery.models import MessageStatus, OutboundMessage
from text4baby_ru.enrollment.models import Person
from text4baby_ru.gateways.base import (
    AmbiguousGatewayError,
    Gateway,
    OutgoingSms,
    PermanentGatewayError,
    TransientGatewayError,
)

log = logging.getLogger(__name__)

_PROVIDER_STATUS = {
    "delivered": MessageStatus.DELIVERED,
    "sent": MessageStatus.SENT,
    "queued": MessageStatus.SENT,
    "accepted": MessageStatus.SENT,
    "sending": MessageStatus.SENT,
}


@dataclass
class SendReport:
    """What one sending pass did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    unknown: int = 0
    skipped: int = 0
    ids: list[int] = field(default_factory=list)


def _due(now: datetime, limit: int, skip_locked: bool, only: list[int] | None) -> Select[int]:
    query = (
        select(OutboundMessage.id)
        .where(
            OutboundMessage.status == MessageStatus.QUEUED,
            OutboundMessage.due_at <= now,
            (OutboundMessage.next_attempt_at.is_(None)) | (OutboundMessage.next_attempt_at <= now),
        )
        .order_by(OutboundMessage.due_at, OutboundMessage.id)
        .limit(limit)
    )
    if only is not None:
        query = query.where(OutboundMessage.id.in_(only))
    return query.with_for_update(skip_locked=True) if skip_locked else query


def claim(
    session: Session, *, worker: str, now: datetime, limit: int, only: list[int] | None = None
) -> list[int]:
    """Mark up to limit due rows (of `only`, if given) as `sending` for this worker; the caller
    commits at once."""
    skip_locked = session.get_bind().dialect.name == "postgresql"
    ids = list(session.scalars(_due(now, limit, skip_locked, only)))
    if not ids:
        return []
    session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id.in_(ids), OutboundMessage.status == MessageStatus.QUEUED)
        .values(
            status=MessageStatus.SENDING,
            claimed_by=worker,
            claimed_at=now,
            attempts=OutboundMessage.attempts + 1,
            updated_at=now,
        )
    )
    return ids


def backoff(attempts: int, *, base: float = 30.0, cap: float = 3600.0) -> timedelta:
    """Exponential backoff with full jitter."""
    return timedelta(seconds=random.uniform(0, min(cap, base * 2 ** max(0, attempts - 1))))


def _send_one(
    sessions: sessionmaker[Session],
    gateway: Gateway,
    clock: Clock,
    message_id: int,
    report: SendReport,
) -> None:
    with sessions() as session, session.begin():
        message = session.get(OutboundMessage, message_id)
        if message is None or message.status is not MessageStatus.SENDING:
            return
        phone = session.scalar(select(Person.phone).where(Person.id == message.person_id))
        now = clock.now()
        if not phone or not message.body:
            message.status, message.updated_at = MessageStatus.CANCELLED, now
            report.skipped += 1
            return
        if message.expires_at is not None and message.expires_at <= now:
            message.status, message.updated_at = MessageStatus.EXPIRED, now
            report.skipped += 1
            return
        sms = OutgoingSms(message.id, phone, message.body, message.expires_at)
    # No transaction is open across the gateway call: the row is already committed as `sending`.
    outcome: dict[str, object] = {"updated_at": clock.now(), "gateway": gateway.name}
    try:
        receipt = gateway.send(sms)
    except TransientGatewayError as error:
        outcome |= {"status": MessageStatus.QUEUED, "error_code": error.code, "claimed_by": None}
        report.retried += 1
    except PermanentGatewayError as error:
        outcome |= {"status": MessageStatus.FAILED, "error_code": error.code}
        report.failed += 1
    except AmbiguousGatewayError as error:
        outcome |= {"status": MessageStatus.UNKNOWN, "error_code": error.code}
        report.unknown += 1
    else:
        status = _PROVIDER_STATUS.get(receipt.status, MessageStatus.SENT)
        outcome |= {"status": status, "provider_sid": receipt.provider_sid, "sent_at": clock.now()}
        if status is MessageStatus.DELIVERED:
            outcome["delivered_at"] = clock.now()
        report.sent += 1
        report.ids.append(message_id)
    with sessions() as session, session.begin():
        message = session.get(OutboundMessage, message_id)
        if message is None:
            return
        if outcome["status"] is MessageStatus.QUEUED:
            outcome["next_attempt_at"] = clock.now() + backoff(message.attempts)
        for name, value in outcome.items():
            setattr(message, name, value)


def send_due(
    *,
    sessions: sessionmaker[Session],
    gateway: Gateway,
    clock: Clock,
    worker: str,
    batch: int = 200,
    only: list[int] | None = None,
) -> SendReport:
    """Send every message that is due now (or just those of `only`), batch by batch."""
    report = SendReport()
    while True:
        with sessions() as session, session.begin():
            ids = claim(session, worker=worker, now=clock.now(), limit=batch, only=only)
        if not ids:
            return report
        for message_id in ids:
            _send_one(sessions, gateway, clock, message_id, report)
