"""Who is behind: enrollments whose expected tips exceed the tips sent, and the likely reason.
For operators; no phone number, only the enrollment id and a keyed-hash pseudonym."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Subquery, case, func, literal, select
from sqlalchemy.orm import Session

from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.enrollment.models import Enrollment, SubscriberStatus
from text4baby_ru.keys import keyed_hash
from text4baby_ru.metrics.definitions import DEFINITIONS
from text4baby_ru.metrics.expected import expected_of, tip_counts, zero

REASONS = ("paused", "unknown", "queued", "failures", "expired", "not_yet_planned", "missed")


def pseudonym(key: bytes, person_id: int) -> str:
    """A stable id for her that cannot be turned back into her record without the key."""
    return keyed_hash(key, f"person:{person_id}")[:16]


def waiting_tips() -> Subquery:
    """Her tips queued or sending, one row per enrollment that has any: asked of the outbox
    (metric_tips counts only the tips that left the queue) through its index on (status,
    due_at), so the cost follows the queue, not the programme."""
    m = OutboundMessage
    return (
        select(m.enrollment_id.label("enrollment_id"), func.count().label("tips"))
        .where(
            m.status.in_((MessageStatus.QUEUED, MessageStatus.SENDING)),
            m.kind == MessageKind.TIP,
            m.enrollment_id.is_not(None),
        )
        .group_by(m.enrollment_id)
        .subquery("waiting")
    )


def behind(
    session: Session, *, today: date, weekdays: tuple[int, ...], key: bytes, limit: int = 100
) -> dict[str, Any]:
    """Counts by reason, and the `limit` enrollments missing the most tips."""
    dialect = session.get_bind().dialect.name
    tips, waiting = tip_counts(), waiting_tips()
    expected = expected_of(tips, today, weekdays, dialect).label("expected")
    sent = zero(tips.c.sent)
    reason = case(
        (Enrollment.status == SubscriberStatus.PAUSED, literal("paused")),
        (zero(tips.c.unknown) > 0, literal("unknown")),
        (zero(waiting.c.tips) > 0, literal("queued")),
        (Enrollment.failures_in_a_row > 0, literal("failures")),
        (zero(tips.c.expired) > 0, literal("expired")),  # past the deadline (a slow route)
        # None waiting (the case above), so none gone means none planned.
        (zero(tips.c.gone) == 0, literal("not_yet_planned")),
        else_=literal("missed"),
    ).label("reason")
    rows = (
        select(
            Enrollment.id.label("enrollment_id"),
            Enrollment.person_id.label("person_id"),
            Enrollment.status.label("status"),
            Enrollment.track.label("track"),
            expected,
            sent.label("sent"),
            reason,
        )
        .select_from(Enrollment)
        .outerjoin(tips, tips.c.enrollment_id == Enrollment.id)
        .outerjoin(waiting, waiting.c.enrollment_id == Enrollment.id)
        .where(
            Enrollment.status.in_((SubscriberStatus.ACTIVE, SubscriberStatus.PAUSED)),
            Enrollment.activated_at.is_not(None),
        )
        .cte("candidates")
    )
    late = rows.c.expected > rows.c.sent
    by_reason = dict.fromkeys(REASONS, 0)
    for name, n in session.execute(
        select(rows.c.reason, func.count()).where(late).group_by(rows.c.reason)
    ):
        by_reason[name] = n
    listed = session.execute(
        select(rows)
        .where(late)
        .order_by((rows.c.expected - rows.c.sent).desc(), rows.c.enrollment_id)
        .limit(limit)
    )
    return {
        "metric": "behind",
        "definition": DEFINITIONS["behind"],
        "total": sum(by_reason.values()),
        "by_reason": by_reason,
        "enrollments": [
            {
                "enrollment_id": r.enrollment_id,
                "subscriber": pseudonym(key, r.person_id),
                "status": str(r.status),
                "track": r.track and str(r.track),
                "expected": int(r.expected),
                "sent": int(r.sent),
                "missing": int(r.expected) - int(r.sent),
                "reason": r.reason,
            }
            for r in listed
        ],
    }
