"""Writing to the outbox: replies to a text, and cancelling what a STOP or a loss must stop."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from text4baby_ru.content.live import LiveTexts, MissingContent, render_live
from text4baby_ru.content.templates import TemplateProblem
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.enrollment.service import Handled

log = logging.getLogger(__name__)


def enqueue_replies(
    session: Session,
    handled: Handled,
    *,
    inbound_id: int,
    now: datetime,
    texts: LiveTexts | None = None,
) -> list[int]:
    """Queue her replies, due now, keyed by (inbound message, position), in one statement;
    their ids. With `texts`, live texts already read in this transaction are not read again."""
    if handled.person_id is None:
        return []
    rows = []
    for position, reply in enumerate(handled.replies):
        try:
            rendered = render_live(
                session, reply.key, handled.language, handled.stage, reply.values, texts=texts
            )
        except (MissingContent, TemplateProblem) as error:
            log.error("reply %s not sent: %s", reply.key, error)
            continue
        rows.append(
            {
                "kind": MessageKind.REPLY,
                "person_id": handled.person_id,
                "enrollment_id": handled.enrollment_id,
                "inbound_id": inbound_id,
                "position": position,
                "content_key": reply.key,
                "revision_id": rendered.revision_id,
                "language": handled.language,
                "track": handled.stage.track,
                "week": handled.stage.week if handled.stage.track else None,
                "body": rendered.text,
                "segments": rendered.segments,
                "encoding": rendered.encoding,
                "status": MessageStatus.QUEUED,
                "due_at": now,
                "created_at": now,
                "updated_at": now,
            }
        )
    if not rows:
        return []
    table: Any = OutboundMessage.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))


def cancel_unsent(session: Session, *, enrollment_id: int, now: datetime) -> int:
    """Cancel her tips, notices and alerts not yet handed to a gateway (a STOP wins over them)."""
    result = session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.enrollment_id == enrollment_id,
            OutboundMessage.kind != MessageKind.REPLY,
            OutboundMessage.status == MessageStatus.QUEUED,
        )
        .values(status=MessageStatus.CANCELLED, updated_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def cancel_reminder_texts(session: Session, *, person_id: int, now: datetime) -> int:
    """Cancel her reminder texts not yet handed to a gateway (ВИЗИТ ОТМЕНА)."""
    result = session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.person_id == person_id,
            OutboundMessage.kind == MessageKind.REMINDER,
            OutboundMessage.status == MessageStatus.QUEUED,
        )
        .values(status=MessageStatus.CANCELLED, updated_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
