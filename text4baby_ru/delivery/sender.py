"""Sending what is due: claim rows, commit them as `sending`, call the gateway, record."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.clock import Clock
from text4baby_ru.content.models import ContentRevision
from text4baby_ru.content.templates import Stage, TemplateProblem, render
from text4baby_ru.delivery.failures import record_permanent_failure
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.delivery.ratelimit import reserve
from text4baby_ru.delivery.statuses import apply_early_reports
from text4baby_ru.enrollment.models import Enrollment, Person, SubscriberStatus
from text4baby_ru.gateways.base import (
    AmbiguousGatewayError,
    Gateway,
    OutgoingSms,
    PermanentGatewayError,
    TransientGatewayError,
)
from text4baby_ru.kit.segments import count

log = logging.getLogger(__name__)

_PROVIDER_STATUS = {
    "delivered": MessageStatus.DELIVERED,
    "sent": MessageStatus.SENT,
    "queued": MessageStatus.SENT,
    "accepted": MessageStatus.SENT,
    "sending": MessageStatus.SENT,
}


@dataclass(frozen=True)
class SendPolicy:
    """How the sender behaves: pause after failures, a shared rate, and how to wait for it."""

    max_failures: int = 3
    rate: float | None = None  # segments per second for all workers together; None: no limit
    pace: Callable[[float], None] = time.sleep


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
    session: Session,
    *,
    worker: str,
    gateway: str,
    now: datetime,
    limit: int,
    only: list[int] | None = None,
) -> list[int]:
    """Mark up to limit due rows (of `only`, if given) as `sending` for this worker, in one
    UPDATE ... RETURNING (over FOR UPDATE SKIP LOCKED on PostgreSQL); the caller commits at once."""
    skip_locked = session.get_bind().dialect.name == "postgresql"
    due = _due(now, limit, skip_locked, only).scalar_subquery()
    claimed = session.scalars(
        update(OutboundMessage)
        .where(OutboundMessage.id.in_(due), OutboundMessage.status == MessageStatus.QUEUED)
        .values(
            status=MessageStatus.SENDING,
            claimed_by=worker,
            claimed_at=now,
            gateway=gateway,
            attempts=OutboundMessage.attempts + 1,
            updated_at=now,
        )
        .returning(OutboundMessage.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(claimed)


def backoff(attempts: int, *, base: float = 30.0, cap: float = 3600.0) -> timedelta:
    """Exponential backoff with full jitter."""
    return timedelta(seconds=random.uniform(0, min(cap, base * 2 ** max(0, attempts - 1))))


def _render(session: Session, message: OutboundMessage) -> str:
    """The text a planned row carries: its recorded revision rendered for her stage that week."""
    revision = session.get_one(ContentRevision, message.revision_id)
    enrollment = session.get(Enrollment, message.enrollment_id) if message.enrollment_id else None
    stage = Stage(
        message.track,
        message.week or 0,
        enrollment.due_date if enrollment else None,
        enrollment.birth_date if enrollment else None,
    )
    return render(revision.text, stage.context())


def _still_wanted(session: Session, message: OutboundMessage) -> bool:
    """A tip goes only to an active enrollment; a notice not after a stop, a loss or a pause."""
    if message.kind not in (MessageKind.TIP, MessageKind.NOTICE) or message.enrollment_id is None:
        return True
    status = session.scalar(select(Enrollment.status).where(Enrollment.id == message.enrollment_id))
    if message.kind is MessageKind.TIP:
        return status is SubscriberStatus.ACTIVE
    return status in (SubscriberStatus.ACTIVE, SubscriberStatus.COMPLETED)


def _prepare(session: Session, message: OutboundMessage, now: datetime) -> OutgoingSms | None:
    """The SMS to send for a claimed row, or None after settling the row (cancelled, expired,
    unrenderable)."""
    phone = session.scalar(select(Person.phone).where(Person.id == message.person_id))
    if not phone or not _still_wanted(session, message):
        message.status = MessageStatus.CANCELLED
        return None
    if message.expires_at is not None and message.expires_at <= now:
        message.status = MessageStatus.EXPIRED
        return None
    if message.body is None and message.revision_id is not None:
        try:
            message.body = _render(session, message)
        except TemplateProblem as error:
            log.error("message %s: %s", message.id, error)
            message.status, message.error_code = MessageStatus.FAILED, "render"
            return None
        parts = count(message.body)
        message.segments, message.encoding = parts.segments, parts.encoding
    if not message.body or not message.body.strip():
        message.status, message.error_code = MessageStatus.FAILED, "empty"
        return None
    return OutgoingSms(message.id, phone, message.body, message.expires_at)


def _call(gateway: Gateway, sms: OutgoingSms, report: SendReport) -> dict[str, object]:
    """Hand one SMS to the gateway; the row's new values."""
    try:
        receipt = gateway.send(sms)
    except TransientGatewayError as error:
        report.retried += 1
        return {"status": MessageStatus.QUEUED, "error_code": error.code, "claimed_by": None}
    except PermanentGatewayError as error:
        report.failed += 1
        return {"status": MessageStatus.FAILED, "error_code": error.code}
    except AmbiguousGatewayError as error:
        report.unknown += 1
        return {"status": MessageStatus.UNKNOWN, "error_code": error.code}
    report.sent += 1
    report.ids.append(sms.message_id)
    status = _PROVIDER_STATUS.get(receipt.status, MessageStatus.SENT)
    return {"status": status, "provider_sid": receipt.provider_sid}


def _send_one(
    sessions: sessionmaker[Session],
    gateway: Gateway,
    clock: Clock,
    message_id: int,
    report: SendReport,
    policy: SendPolicy,
) -> None:
    start = None
    with sessions() as session, session.begin():
        message = session.get(OutboundMessage, message_id)
        if message is None or message.status is not MessageStatus.SENDING:
            return
        sms = _prepare(session, message, clock.now())
        if sms is None:
            message.updated_at = clock.now()
            report.skipped += 1
            return
        if policy.rate is not None:
            start = reserve(
                session,
                gateway=gateway.name,
                segments=message.segments or 1,
                rate=policy.rate,
                now=clock.now(),
            )
    if start is not None and start > clock.now():
        policy.pace((start - clock.now()).total_seconds())
    # No transaction is open across the gateway call: the row is already committed as `sending`.
    outcome = _call(gateway, sms, report)
    with sessions() as session, session.begin():
        message = session.get_one(OutboundMessage, message_id)
        now = clock.now()
        outcome |= {"updated_at": now, "gateway": gateway.name}
        if outcome["status"] in (MessageStatus.SENT, MessageStatus.DELIVERED):
            outcome["sent_at"] = now
        if outcome["status"] is MessageStatus.DELIVERED:
            outcome["delivered_at"] = now
        if outcome["status"] is MessageStatus.QUEUED:
            outcome["next_attempt_at"] = now + backoff(message.attempts)
        for name, value in outcome.items():
            setattr(message, name, value)
        if outcome["status"] is MessageStatus.FAILED:
            record_permanent_failure(session, message, now=now, max_failures=policy.max_failures)
        elif message.provider_sid:
            session.flush()
            apply_early_reports(session, message, now=now, max_failures=policy.max_failures)


def send_due(
    *,
    sessions: sessionmaker[Session],
    gateway: Gateway,
    clock: Clock,
    worker: str,
    batch: int = 200,
    only: list[int] | None = None,
    policy: SendPolicy = SendPolicy(),
    stop: threading.Event | None = None,
) -> SendReport:
    """Send every message that is due now (or just those of `only`), batch by batch. When stop
    is set, the rows claimed but not yet sent go back to the queue for another worker."""
    report = SendReport()
    while not (stop and stop.is_set()):
        with sessions() as session, session.begin():
            ids = claim(
                session,
                worker=worker,
                gateway=gateway.name,
                now=clock.now(),
                limit=batch,
                only=only,
            )
        if not ids:
            return report
        for position, message_id in enumerate(ids):
            if stop is not None and stop.is_set():
                release(sessions, ids[position:], now=clock.now())
                return report
            _send_one(sessions, gateway, clock, message_id, report, policy)
    return report


def release(sessions: sessionmaker[Session], ids: list[int], *, now: datetime) -> None:
    """Give claimed rows that were never handed to a gateway back to the queue."""
    with sessions() as session, session.begin():
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id.in_(ids), OutboundMessage.status == MessageStatus.SENDING)
            .values(
                status=MessageStatus.QUEUED,
                claimed_by=None,
                updated_at=now,
                attempts=OutboundMessage.attempts - 1,
            )
            .execution_options(synchronize_session=False)
        )
