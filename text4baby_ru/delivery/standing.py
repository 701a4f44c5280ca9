"""Where one woman stands, for support staff: her week, why her status is what it is, the next
tip with its time, and both sides of her conversation in time order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from text4baby_ru.content.library import tip_key
from text4baby_ru.content.models import ContentRevision, RevisionStatus
from text4baby_ru.delivery.models import OutboundMessage
from text4baby_ru.delivery.planner import Rules
from text4baby_ru.delivery.schedule import send_days
from text4baby_ru.enrollment.models import (
    Enrollment,
    InboundMessage,
    Person,
    SubscriberStatus,
    Suppression,
)
from text4baby_ru.enrollment.stage import position_on

_LAST = 2**62  # sorts a message that answers no text of hers after those that do


@dataclass(frozen=True)
class NextTip:
    """The next weekly tip she is due: its key and when it goes (UTC)."""

    key: str
    due_at: datetime


@dataclass(frozen=True)
class Line:
    """One message of the conversation, hers or ours."""

    direction: str  # "in" (from her) or "out" (to her)
    at: datetime
    kind: str
    key: str | None
    body: str | None
    status: str
    error_code: str | None
    segments: int


def status_reason(session: Session, person: Person, enrollment: Enrollment) -> str | None:
    """Why she is not receiving tips, as a code (None when she is)."""
    if enrollment.status is SubscriberStatus.OPTED_OUT:
        suppressed = session.get(Suppression, person.phone_hash)
        return suppressed.reason if suppressed else "opted_out"
    if enrollment.status is SubscriberStatus.PAUSED:
        return "failures" if enrollment.failures_in_a_row else "paused"
    if enrollment.status is SubscriberStatus.PENDING:
        return "needs_details"
    if enrollment.status in (SubscriberStatus.ENDED, SubscriberStatus.COMPLETED):
        return enrollment.end_reason or enrollment.status.value
    return None


def next_tip(
    session: Session, person: Person, enrollment: Enrollment, *, now: datetime, rules: Rules
) -> NextTip | None:
    """Her next tip on the send rules, if she is active and the library has one for her."""
    if enrollment.status is not SubscriberStatus.ACTIVE:
        return None
    horizon = now.date() + timedelta(days=15)
    for send in send_days(
        now, horizon, weekdays=rules.weekdays, hour=rules.hour, timezone=person.timezone
    ):
        where = position_on(
            send.day, due_date=enrollment.due_date, birth_date=enrollment.birth_date
        )
        if where is None:
            continue
        key = tip_key(where.track, where.week, send.slot)
        live = session.scalar(
            select(ContentRevision.id).where(
                ContentRevision.key == key,
                ContentRevision.language == person.language.value,
                ContentRevision.status == RevisionStatus.LIVE,
            )
        )
        if live is not None:
            return NextTip(key, send.due_at)
    return None


def conversation(session: Session, person_id: int, *, limit: int) -> list[Line]:
    """Her texts and ours, oldest first (the newest `limit` of each side)."""
    inbound = session.scalars(
        select(InboundMessage)
        .where(InboundMessage.person_id == person_id)
        .order_by(InboundMessage.id.desc())
        .limit(limit)
    )
    outbound = session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.person_id == person_id)
        .order_by(OutboundMessage.id.desc())
        .limit(limit)
    )
    # At the same instant her text comes before the replies it caused, in their order.
    keyed = [
        (
            (m.received_at, m.id, 0, 0),
            Line("in", m.received_at, "inbound", None, m.body, "received", None, 0),
        )
        for m in inbound
    ] + [
        (
            (m.sent_at or m.due_at, m.inbound_id or _LAST, 1, m.position or m.id),
            Line(
                "out",
                m.sent_at or m.due_at,
                m.kind.value,
                m.content_key,
                m.body,
                m.status.value,
                m.error_code,
                m.segments,
            ),
        )
        for m in outbound
    ]
    return [line for _, line in sorted(keyed, key=lambda pair: pair[0])]
