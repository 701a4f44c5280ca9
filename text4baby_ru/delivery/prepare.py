"""Turning claimed rows into texts: render each planned tip for her stage, and settle at once
the rows that must not go (she stopped, it is past its deadline, it cannot be rendered)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.content.models import ContentRevision
from text4baby_ru.content.templates import Stage, TemplateProblem, render
from text4baby_ru.db import read_only
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.enrollment.models import Enrollment, Person, SubscriberStatus
from text4baby_ru.gateways.base import OutgoingSms
from text4baby_ru.kit.segments import count

log = logging.getLogger(__name__)
PAST_DEADLINE = "deadline"  # the error code of a message that expired before it could go


def _render(message: OutboundMessage, revision_text: str, enrollment: Enrollment | None) -> str:
    """The text a planned row carries: its recorded revision rendered for her stage that week."""
    stage = Stage(
        message.track,
        message.week or 0,
        enrollment.due_date if enrollment else None,
        enrollment.birth_date if enrollment else None,
    )
    return render(revision_text, stage.context())


@dataclass(frozen=True)
class Ready:
    """A claimed row ready for the gateway; `stoppable` when a STOP or a loss handled before
    the call must still keep it back (every kind but a reply)."""

    sms: OutgoingSms
    segments: int
    stoppable: bool


def _wanted(kind: MessageKind, status: SubscriberStatus | None) -> bool:
    """A tip goes only to an active enrollment; a notice not after a stop, a loss or a pause;
    a reminder she asked for also while her tips are paused, never after a stop or a loss; an
    alert never after a stop or a loss; a reply always."""
    if status is None or kind is MessageKind.REPLY:
        return True
    if kind is MessageKind.REMINDER:
        return status in (SubscriberStatus.ACTIVE, SubscriberStatus.PAUSED)
    if kind is MessageKind.ALERT:
        return status not in (SubscriberStatus.OPTED_OUT, SubscriberStatus.ENDED)
    if kind is MessageKind.TIP:
        return status is SubscriberStatus.ACTIVE
    return status in (SubscriberStatus.ACTIVE, SubscriberStatus.COMPLETED)


def _still_wanted(message: OutboundMessage, enrollment: Enrollment | None) -> bool:
    return _wanted(message.kind, enrollment.status if enrollment else None)


def _prepare_one(
    message: OutboundMessage,
    phone: str | None,
    enrollment: Enrollment | None,
    revision_text: str | None,
    now: datetime,
) -> OutgoingSms | None:
    """The SMS to send for a claimed row, or None after settling the row (cancelled, expired,
    unrenderable)."""
    message.updated_at = now
    if not phone or not _still_wanted(message, enrollment):
        message.status = MessageStatus.CANCELLED
        return None
    if message.expires_at is not None and message.expires_at <= now:
        message.status, message.error_code = MessageStatus.EXPIRED, PAST_DEADLINE
        return None
    if message.body is None and revision_text is not None:
        try:
            message.body = _render(message, revision_text, enrollment)
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


def prepare(session: Session, ids: list[int], now: datetime) -> list[Ready]:
    """Load a claimed batch in one query, render what needs it; what to send."""
    rows = session.execute(
        select(OutboundMessage, Person.phone, Enrollment, ContentRevision.text)
        .join(Person, Person.id == OutboundMessage.person_id)
        .outerjoin(Enrollment, Enrollment.id == OutboundMessage.enrollment_id)
        .outerjoin(ContentRevision, ContentRevision.id == OutboundMessage.revision_id)
        .where(OutboundMessage.id.in_(ids), OutboundMessage.status == MessageStatus.SENDING)
        .order_by(OutboundMessage.id)
    ).all()
    ready = []
    for message, phone, enrollment, revision_text in rows:
        sms = _prepare_one(message, phone, enrollment, revision_text, now)
        if sms is not None:
            stoppable = message.kind is not MessageKind.REPLY
            ready.append(Ready(sms, message.segments or 1, stoppable))
    return ready


def withdraw_if_unwanted(sessions: sessionmaker[Session], message_id: int, now: datetime) -> bool:
    """As its turn comes (before its slot and its gateway call): cancel a claimed row that a
    STOP, a loss or an erasure handled since its batch was prepared no longer wants (True), so
    none of her texts still in a sender's hands goes after it. One read by primary key; a
    write only to cancel."""
    with read_only(sessions) as session:
        found = session.execute(
            select(OutboundMessage.kind, Enrollment.status, Person.phone)
            .join(Person, Person.id == OutboundMessage.person_id)
            .outerjoin(Enrollment, Enrollment.id == OutboundMessage.enrollment_id)
            .where(OutboundMessage.id == message_id)
        ).one_or_none()
    if found is not None and found.phone and _wanted(found.kind, found.status):
        return False
    with sessions() as session, session.begin():
        session.execute(
            update(OutboundMessage)
            .where(
                OutboundMessage.id == message_id, OutboundMessage.status == MessageStatus.SENDING
            )
            .values(status=MessageStatus.CANCELLED, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return True


def expire_overdue(session: Session, *, now: datetime) -> int:
    """Queued messages past their deadline (a retry wait, a slow route) expire with their
    reason, so none waits on past it and an operator sees them counted."""
    result = session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.status == MessageStatus.QUEUED,
            OutboundMessage.expires_at <= now,
        )
        .values(status=MessageStatus.EXPIRED, error_code=PAST_DEADLINE, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    expired = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if expired:
        log.warning("%d queued messages expired: past their deadline before they could go", expired)
    return expired
