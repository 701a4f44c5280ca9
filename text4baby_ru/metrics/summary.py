"""Programme totals from SQL aggregates: read-only, no phone number, no message text."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, and_, func, literal_column, select, tablesample
from sqlalchemy.orm import Session, aliased

from text4baby_ru.delivery.models import MessageStatus, OutboundMessage
from text4baby_ru.enrollment.models import Enrollment, SubscriberStatus
from text4baby_ru.metrics import days
from text4baby_ru.metrics.timeseries import ACCEPTED, FINAL

MEDIAN_SAMPLE = 50_000  # delivered messages: the median's error is then far below a second


def _window(column: Any, start: date | None, end: date | None) -> list[Any]:
    if start is None and end is None:
        return []
    low, high = days.bounds(start or date(2000, 1, 3), end or date(9998, 12, 30))
    return [column >= low, column < high]


def _median_seconds_to_deliver(
    session: Session, start: date | None, end: date | None, n: int
) -> float | None:
    """The median of delivered_at - sent_at over the n delivered messages (both recorded); past
    MEDIAN_SAMPLE of them, over a sample: random pages on PostgreSQL, every k-th id on SQLite."""
    postgres = session.get_bind().dialect.name == "postgresql"
    m = (
        aliased(OutboundMessage, tablesample(OutboundMessage, 100.0 * MEDIAN_SAMPLE / n))
        if postgres and n > MEDIAN_SAMPLE
        else aliased(OutboundMessage)
    )
    delivered = [
        m.status == MessageStatus.DELIVERED,
        m.sent_at.is_not(None),
        m.delivered_at.is_not(None),
        *_window(m.created_at, start, end),
    ]
    if postgres:
        interval = func.extract("epoch", m.delivered_at - m.sent_at)
        median = session.scalar(
            select(func.percentile_cont(0.5).within_group(interval)).where(*delivered)
        )
        return None if median is None else round(float(median), 1)
    seconds = (func.julianday(m.delivered_at) - func.julianday(m.sent_at)) * 86400
    if n > MEDIAN_SAMPLE:
        # Every k-th message by id: sorting them all took 23 s at a million.
        delivered.append(m.id % (n // MEDIAN_SAMPLE + 1) == 0)
    n = session.scalar(select(func.count()).where(*delivered)) or 0
    if not n:
        return None
    ordered = select(seconds).where(*delivered).order_by(seconds)
    middle = list(session.scalars(ordered.limit(2 - n % 2).offset((n - 1) // 2)))
    return round(float(sum(middle)) / len(middle), 1) if middle else None


def _delivery(
    session: Session,
    by_message: dict[str, int],
    start: date | None,
    end: date | None,
    price: float,
) -> dict[str, Any]:
    window = _window(OutboundMessage.created_at, start, end)
    final = sum(by_message[s.value] for s in FINAL)
    segments = session.scalar(
        select(func.coalesce(func.sum(OutboundMessage.segments), 0)).where(
            OutboundMessage.status.in_(ACCEPTED), *window
        )
    )
    # Written out as the partial index's own condition, so SQLite can see it applies.
    failed = literal_column("status IN ('failed', 'undelivered')", Boolean)
    errors = session.execute(
        select(func.coalesce(OutboundMessage.error_code, literal_column("'none'")), func.count())
        .where(failed, *window)
        .group_by(OutboundMessage.error_code)
    )
    return {
        "rate": round(by_message[MessageStatus.DELIVERED.value] / final, 4) if final else None,
        "median_seconds_to_deliver": _median_seconds_to_deliver(
            session, start, end, by_message[MessageStatus.DELIVERED.value]
        ),
        "error_codes": {str(code): n for code, n in errors},
        "segments": int(segments or 0),
        "cost": round(int(segments or 0) * price, 2),
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
    enrollments = (
        select(Enrollment.status, Enrollment.track, func.count())
        .where(*_window(Enrollment.created_at, start, end))
        .group_by(Enrollment.status, Enrollment.track)
    )
    message_window = _window(OutboundMessage.created_at, start, end)
    messages = (
        select(OutboundMessage.status, func.count())
        .where(*message_window)
        .group_by(OutboundMessage.status)
    )
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
        "outcomes": _outcomes(session, start, end),
        "delivery": _delivery(session, by_message, start, end, segment_price),
    }


def _outcomes(session: Session, start: date | None, end: date | None) -> dict[str, int]:
    """Completions, losses and opt-outs that happened in the range."""

    def count(column: Any, *conditions: Any) -> int:
        return int(
            session.scalar(
                select(func.count()).where(and_(*conditions, *_window(column, start, end)))
            )
            or 0
        )

    S = SubscriberStatus
    return {
        "completions": count(Enrollment.ended_at, Enrollment.status == S.COMPLETED),
        "losses": count(
            Enrollment.ended_at, Enrollment.status == S.ENDED, Enrollment.end_reason == "loss"
        ),
        "optouts": count(Enrollment.updated_at, Enrollment.status == S.OPTED_OUT),
    }
