"""Programme totals from the rollups: read-only, no phone number, no message text."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from text4baby_ru.delivery.models import MessageStatus
from text4baby_ru.enrollment.models import SubscriberStatus
from text4baby_ru.metrics import days
from text4baby_ru.metrics.journey import median
from text4baby_ru.metrics.models import DeliveryTime, EnrollmentDay, MessageDay, OutcomeTotal
from text4baby_ru.metrics.timeseries import ACCEPTED, FINAL

FAILED = (MessageStatus.FAILED.value, MessageStatus.UNDELIVERED.value)


def _window(column: Any, start: date | None, end: date | None) -> list[Any]:
    """The day numbers of the range; no condition at all when it is open at both ends (rows
    with no date, day -1, then count too)."""
    if start is None and end is None:
        return []
    low = days.number(start or days.EPOCH)
    high = days.number(end or date(9998, 12, 30))
    return [column.between(low, high)]


def _delivery(
    session: Session,
    by_message: dict[str, int],
    start: date | None,
    end: date | None,
    price: float,
) -> dict[str, Any]:
    m = MessageDay
    window = _window(m.day, start, end)
    final = sum(by_message[s.value] for s in FINAL)
    segments = int(
        session.scalar(
            select(func.coalesce(func.sum(m.segments), 0)).where(
                m.status.in_([s.value for s in ACCEPTED]), *window
            )
        )
        or 0
    )
    errors = session.execute(
        select(m.error_code, func.sum(m.messages))
        .where(m.status.in_(FAILED), *window)
        .group_by(m.error_code)
        .having(func.sum(m.messages) > 0)
    )
    t = DeliveryTime
    histogram = session.execute(
        select(t.seconds, func.sum(t.messages))
        .where(*_window(t.day, start, end))
        .group_by(t.seconds)
    )
    seconds = median([(int(s), int(n)) for s, n in histogram])
    return {
        "rate": round(by_message[MessageStatus.DELIVERED.value] / final, 4) if final else None,
        "median_seconds_to_deliver": None if seconds is None else round(seconds, 1),
        "error_codes": {code or "none": int(n) for code, n in errors},
        "segments": segments,
        "cost": round(segments * price, 2),
    }


def summary(
    session: Session,
    *,
    start: date | None = None,
    end: date | None = None,
    segment_price: float = 0.0,
) -> dict[str, Any]:
    """Enrollments by status and track (created in the range); messages by status (created
    in the range) with the delivery rate, the median time to delivery, error codes, segments
    and cost; completions, losses and opt-outs (that happened in the range). Every status
    appears, with 0 where there is none."""
    e, m = EnrollmentDay, MessageDay
    enrollments = (
        select(e.status, e.track, func.sum(e.enrollments))
        .where(*_window(e.day, start, end))
        .group_by(e.status, e.track)
    )
    messages = (
        select(m.status, func.sum(m.messages)).where(*_window(m.day, start, end)).group_by(m.status)
    )
    by_status: dict[str, Any] = {s.value: 0 for s in SubscriberStatus}
    by_track: dict[str, int] = {"pregnancy": 0, "baby": 0, "none": 0}
    for status, track, n in session.execute(enrollments):
        by_status[status] += int(n)
        if status in (SubscriberStatus.ACTIVE, SubscriberStatus.PAUSED):
            by_track[track or "none"] += int(n)
    by_status["by_track"] = by_track
    by_message: dict[str, int] = {s.value: 0 for s in MessageStatus}
    for message_status, n in session.execute(messages):
        by_message[message_status] += int(n)
    return {
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "subscribers": by_status,
        "messages": by_message,
        "outcomes": _outcomes(session, start, end),
        "delivery": _delivery(session, by_message, start, end, segment_price),
    }


def _outcomes(session: Session, start: date | None, end: date | None) -> dict[str, int]:
    """Completions, losses and opt-outs that happened in the range."""
    o = OutcomeTotal
    rows = session.execute(
        select(o.outcome, func.sum(o.enrollments))
        .where(*_window(o.day, start, end))
        .group_by(o.outcome)
    )
    counts = {outcome: n for outcome, n in rows}
    return {
        "completions": int(counts.get("completion", 0)),
        "losses": int(counts.get("loss", 0)),
        "optouts": int(counts.get("optout", 0)),
    }
