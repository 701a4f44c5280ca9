"""Programme totals from SQL aggregates: read-only, no phone number, no message text."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from text4baby_ru.delivery.models import MessageStatus, OutboundMessage
from text4baby_ru.enrollment.models import Enrollment, SubscriberStatus

REPORT_ZONE = ZoneInfo("Europe/Moscow")  # a day of the report is a Moscow calendar day


def _bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    low = datetime.combine(start, time(), REPORT_ZONE) if start else None
    high = datetime.combine(end + timedelta(days=1), time(), REPORT_ZONE) if end else None
    return low, high


def summary(
    session: Session, *, start: date | None = None, end: date | None = None
) -> dict[str, Any]:
    """Enrollments by status and track (created in the range), and messages by status (created
    in the range). Every status appears, with 0 where there is none."""
    low, high = _bounds(start, end)
    enrollments = select(Enrollment.status, Enrollment.track, func.count()).group_by(
        Enrollment.status, Enrollment.track
    )
    messages = select(OutboundMessage.status, func.count()).group_by(OutboundMessage.status)
    if low:
        enrollments = enrollments.where(Enrollment.created_at >= low)
        messages = messages.where(OutboundMessage.created_at >= low)
    if high:
        enrollments = enrollments.where(Enrollment.created_at < high)
        messages = messages.where(OutboundMessage.created_at < high)
    by_status: dict[str, Any] = {s.value: 0 for s in SubscriberStatus}
    by_track: dict[str, int] = {"pregnancy": 0, "baby": 0, "none": 0}
    for status, track, n in session.execute(enrollments):
        by_status[status.value] += n
        if status in (SubscriberStatus.ACTIVE, SubscriberStatus.PAUSED):
            by_track[str(track) if track else "none"] += n
    by_status["by_track"] = by_track
    by_message: dict[str, int] = {s.value: 0 for s in MessageStatus}
    for message_status, n in session.execute(messages):
        by_message[message_status.value] += n
    return {
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "subscribers": by_status,
        "messages": by_message,
    }
