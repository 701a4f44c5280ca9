"""The pseudonymous export for evaluators: one row per enrollment and one per message, with
keyed-hash ids, stages, dates and statuses; no number, no text, no city, no exact due date."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from text4baby_ru.delivery.models import OutboundMessage
from text4baby_ru.enrollment.models import Enrollment, Person
from text4baby_ru.enrollment.stage import position_on
from text4baby_ru.metrics.behind import pseudonym
from text4baby_ru.metrics.days import REPORT_ZONE
from text4baby_ru.modules.models import ModuleAssignment

COLUMNS = (
    "record",
    "subscriber",
    "enrollment",
    "language",
    "channel",
    "status",
    "track",
    "week",
    "enrolled_on",
    "due_week",
    "birth_week",
    "ended_on",
    "end_reason",
    "kind",
    "key",
    "created_on",
    "sent_on",
    "delivered_on",
    "error_code",
    "module",
    "arm",
    "answer",
    "reason",
    "reminder_offered",
    "outcome",
    "answered_on",
    "outcome_on",
)
BATCH = 5_000
DEFINITION = (
    "One `enrollment` row per enrollment (her pseudonym, language, channel, status, today's "
    "track and week, the Moscow day she enrolled, the ISO week of her due and birth dates, the "
    "day and reason she left), then one `message` row per outbound message (pseudonym, "
    "enrollment, kind, library key, track, week, status, the Moscow days it was created, sent "
    "and delivered, the error code), then one `module` row per woman asked a module's "
    "question (pseudonym, enrollment, module, her arm, the Moscow day she was asked, her "
    "answer, reason, whether she was offered a reminder, her outcome answer and the days she "
    "answered), so an evaluator can redo the module's analysis. The pseudonym is a keyed hash "
    "of her internal id: stable "
    "across exports, useless without the service's secret key. No number, text or city."
)


def _iso_week(day: date | None) -> str | None:
    if day is None:
        return None
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _day(at: datetime | None) -> str | None:
    return at.astimezone(REPORT_ZONE).date().isoformat() if at else None


def _line(values: dict[str, Any]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(["" if values.get(c) is None else values[c] for c in COLUMNS])
    return out.getvalue()


def _enrollments(session: Session, key: bytes, today: date) -> Iterator[str]:
    query = (
        select(Enrollment, Person.language)
        .join(Person, Person.id == Enrollment.person_id)
        .order_by(Enrollment.id)
        .execution_options(yield_per=BATCH)
    )
    for e, language in session.execute(query):
        where = position_on(today, due_date=e.due_date, birth_date=e.birth_date)
        yield _line(
            {
                "record": "enrollment",
                "subscriber": pseudonym(key, e.person_id),
                "enrollment": e.id,
                "language": str(language),
                "channel": str(e.channel),
                "status": str(e.status),
                "track": where.track if where else (e.track and str(e.track)),
                "week": where.week if where else None,
                "enrolled_on": _day(e.created_at),
                "due_week": _iso_week(e.due_date),
                "birth_week": _iso_week(e.birth_date),
                "ended_on": _day(e.ended_at),
                "end_reason": e.end_reason,
            }
        )


def _messages(session: Session, key: bytes) -> Iterator[str]:
    m = OutboundMessage
    query = (
        select(
            m.person_id, m.enrollment_id, m.kind, m.content_key, m.track, m.week, m.status,
            m.created_at, m.sent_at, m.delivered_at, m.error_code,
        )
        .order_by(m.id)
        .execution_options(yield_per=BATCH)
    )  # fmt: skip
    for r in session.execute(query):
        yield _line(
            {
                "record": "message",
                "subscriber": pseudonym(key, r.person_id),
                "enrollment": r.enrollment_id,
                "kind": str(r.kind),
                "key": r.content_key,
                "track": r.track,
                "week": r.week,
                "status": str(r.status),
                "created_on": _day(r.created_at),
                "sent_on": _day(r.sent_at),
                "delivered_on": _day(r.delivered_at),
                "error_code": r.error_code,
            }
        )


def _modules(session: Session, key: bytes) -> Iterator[str]:
    query = (
        select(ModuleAssignment).order_by(ModuleAssignment.id).execution_options(yield_per=BATCH)
    )
    for a in session.scalars(query):
        yield _line(
            {
                "record": "module",
                "subscriber": pseudonym(key, a.person_id),
                "enrollment": a.enrollment_id,
                "module": a.module_id,
                "arm": a.arm,
                "created_on": _day(a.assigned_at),
                "answer": a.answer,
                "reason": a.reason,
                "reminder_offered": int(a.reminder_offered),
                "outcome": a.outcome,
                "answered_on": _day(a.answered_at),
                "outcome_on": _day(a.outcome_at),
            }
        )


def pseudonymous_csv(session: Session, *, key: bytes, today: date) -> Iterator[str]:
    """The export as CSV lines, read in batches from session (a read-only one that lives until
    the response has streamed)."""
    yield _line({c: c for c in COLUMNS})
    yield from _enrollments(session, key, today)
    yield from _messages(session, key)
    yield from _modules(session, key)
