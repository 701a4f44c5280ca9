"""Outbox rows for metrics tests, and the helpers every metrics test shares."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.enrollment.models import Enrollment

MOSCOW = ZoneInfo("Europe/Moscow")


def moscow_day(at: datetime) -> date:
    return at.astimezone(MOSCOW).date()


def make_message(
    session: Session,
    enrollment: Enrollment,
    *,
    status: MessageStatus,
    created_at: datetime,
    kind: MessageKind = MessageKind.TIP,
    key: str | None = None,
    **overrides: Any,
) -> OutboundMessage:
    """One outbound message of hers; tips get a unique key from their creation time."""
    values: dict[str, Any] = {
        "kind": kind,
        "person_id": enrollment.person_id,
        "enrollment_id": enrollment.id,
        "content_key": key or f"pregnancy.t{created_at:%Y%m%d%H%M%S%f}",
        "language": "ru",
        "track": "pregnancy",
        "week": 20,
        "slot": 1,
        "segments": 2,
        "status": status,
        "due_at": created_at,
        "created_at": created_at,
        "updated_at": created_at,
        "body": "Текст совета",
    }
    message = OutboundMessage(**(values | overrides))
    session.add(message)
    session.flush()
    return message
