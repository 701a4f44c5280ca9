"""Planning modules' questions: on a send day at her send hour, beside that day's tip.

A question rides as one more text of the send day (kind `notice`, once per enrollment and key)
rather than taking a tip's place: each tip carries that week's guidance, and a module asks her
once. Her arm is drawn and recorded with the question, in the same pass."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from text4baby_ru.content.models import ContentRevision, RevisionStatus
from text4baby_ru.delivery.models import (
    ONCE_PER_ENROLLMENT,
    MessageKind,
    MessageStatus,
    OutboundMessage,
)
from text4baby_ru.delivery.planner import IdRange, ZoneSlots, eligible_where
from text4baby_ru.enrollment.models import Enrollment, Person
from text4baby_ru.modules import store
from text4baby_ru.modules.conversation import arm_for
from text4baby_ru.modules.definition import ModuleDef
from text4baby_ru.modules.models import Module, ModuleAssignment, ModuleStatus, Step


def in_window(day: date, months: tuple[int, int] | None) -> bool:
    """Whether a day falls in a calendar window of months (10 to 2 runs over the new year)."""
    if months is None:
        return True
    first, last = months
    if first <= last:
        return first <= day.month <= last
    return day.month >= first or day.month <= last


def _insert(session: Session, model: Any, rows: list[dict[str, Any]], **conflict: Any) -> int:
    if not rows:
        return 0
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = module.insert(model).values(rows).on_conflict_do_nothing(**conflict)
    result = session.execute(statement, execution_options={"preserve_rowcount": True})
    return int(result.rowcount)  # type: ignore[attr-defined]


def _notice(row: Any, key: str, track: str, week: int, now: datetime) -> dict[str, Any]:
    return {
        "kind": MessageKind.NOTICE.value,
        "person_id": row.person_id,
        "enrollment_id": row.enrollment_id,
        "content_key": key,
        "revision_id": row.revision_id,
        "language": row.language,
        "track": track,
        "week": week,
        "status": MessageStatus.QUEUED.value,
        "due_at": row.due_at,
        "expires_at": row.expires_at,
        "attempts": 0,
        "segments": 0,
        "created_at": now,
        "updated_at": now,
    }


_ONCE = {
    "index_elements": ["enrollment_id", "content_key"],
    "index_where": text(ONCE_PER_ENROLLMENT),
}


def _columns(slots: ZoneSlots, key: str) -> tuple[Any, ...]:
    track, week = slots.position()
    return (
        Enrollment.id.label("enrollment_id"),
        Enrollment.person_id,
        ContentRevision.id.label("revision_id"),
        Person.language,
        track.label("track"),
        week.label("week"),
        slots.when("due_at").label("due_at"),
        slots.when("expires_at").label("expires_at"),
    )


def _live(key: str) -> Any:
    return and_(
        ContentRevision.key == key,
        ContentRevision.language == Person.language,
        ContentRevision.status == RevisionStatus.LIVE,
    )


def _ask(
    session: Session, module: ModuleDef, seed: str, slots: ZoneSlots, now: datetime, ids: IdRange
) -> int:
    """The question to every woman of the audience not asked before; her arm recorded with it."""
    key = f"module.{module.id}.question"
    track, week = slots.position()
    asked = exists().where(
        ModuleAssignment.module_id == module.id, ModuleAssignment.enrollment_id == Enrollment.id
    )
    rows = session.execute(
        select(*_columns(slots, key))
        .select_from(Enrollment)
        .join(Person, Person.id == Enrollment.person_id)
        .join(ContentRevision, _live(key))
        .where(
            *eligible_where(slots, ids),
            Enrollment.activated_at < slots.when("instant"),
            track == module.track,
            week.between(module.week_from, module.week_to),
            ~asked,
        )
    ).all()
    hours = timedelta(hours=module.open_hours)
    assignments = [
        {
            "module_id": module.id,
            "enrollment_id": r.enrollment_id,
            "person_id": r.person_id,
            "arm": arm_for(seed, r.enrollment_id, module.arms),
            "assigned_at": now,
            "step": Step.QUESTION.value,
            "open_until": r.due_at + hours,
            "nudged": False,
            "reminder_offered": False,
            "followups": 0,
        }
        for r in rows
    ]
    _insert(session, ModuleAssignment, assignments, index_elements=["module_id", "enrollment_id"])
    return _insert(
        session, OutboundMessage, [_notice(r, key, r.track, r.week, now) for r in rows], **_ONCE
    )


def _ask_outcome(
    session: Session, module: ModuleDef, slots: ZoneSlots, now: datetime, ids: IdRange
) -> int:
    """The outcome question, the module's set number of days after her question."""
    if module.outcome_after_days is None:
        return 0
    key = f"module.{module.id}.outcome"
    rows = session.execute(
        select(*_columns(slots, key), ModuleAssignment.id.label("assignment_id"))
        .select_from(ModuleAssignment)
        .join(Enrollment, Enrollment.id == ModuleAssignment.enrollment_id)
        .join(Person, Person.id == Enrollment.person_id)
        .join(ContentRevision, _live(key))
        .where(
            *eligible_where(slots, ids),
            ModuleAssignment.module_id == module.id,
            ModuleAssignment.outcome_asked_at.is_(None),
            ModuleAssignment.assigned_at <= now - timedelta(days=module.outcome_after_days),
        )
    ).all()
    hours = timedelta(hours=module.open_hours)
    for r in rows:
        assignment = session.get_one(ModuleAssignment, r.assignment_id)
        assignment.outcome_asked_at, assignment.step = now, Step.OUTCOME
        assignment.open_until, assignment.nudged = r.due_at + hours, False
    session.flush()
    return _insert(
        session, OutboundMessage, [_notice(r, key, r.track, r.week, now) for r in rows], **_ONCE
    )


def plan_questions(session: Session, slots: ZoneSlots, now: datetime, ids: IdRange) -> int:
    """Queue the questions of running modules (and outcome questions of paused ones too, so
    their evaluation completes) due in this pass; the number of texts queued."""
    queued = 0
    modules = session.scalars(
        select(Module).where(Module.status.in_([ModuleStatus.RUNNING, ModuleStatus.PAUSED]))
    ).all()
    for row in modules:
        module = store.load(session, row.id)
        if module is None:
            continue
        if row.status is ModuleStatus.RUNNING:
            window = {z: s for z, s in slots.slots.items() if in_window(s.day, module.months)}
            if window:
                queued += _ask(
                    session, module, row.seed, ZoneSlots(window, slots.dialect), now, ids
                )
        queued += _ask_outcome(session, module, slots, now, ids)
    return queued
