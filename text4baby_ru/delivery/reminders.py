"""Queuing appointment reminders at their instants: one INSERT ... SELECT per kind of text (the
evening before, the day itself), idempotent by (reminder, key); then the few new rows are
rendered with her appointment's date and time."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, literal, select
from sqlalchemy.orm import Session

from text4baby_ru.content.live import MissingContent, render_live
from text4baby_ru.content.models import ContentRevision, RevisionStatus
from text4baby_ru.content.templates import TemplateProblem
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.delivery.planner import insert_new
from text4baby_ru.delivery.schedule import next_allowed
from text4baby_ru.enrollment.appointments import Visit, describe
from text4baby_ru.enrollment.models import (
    Enrollment,
    Person,
    Reminder,
    ReminderStatus,
    SubscriberStatus,
)
from text4baby_ru.enrollment.reminders import EVENING_KEY, MORNING_KEY
from text4baby_ru.enrollment.service import local_today, stage_of

log = logging.getLogger(__name__)
LATE = timedelta(hours=6)  # after downtime, a reminder this late still goes (if before the visit)
# She still gets reminders while her tips are paused: she asked for them herself.
RECEIVING = (SubscriberStatus.ACTIVE, SubscriberStatus.PAUSED)


def _due_by_zone(session: Session, now: datetime, quiet: tuple[time, time]) -> Any:
    """When a text planned now may go, by her zone: now, or the end of her quiet hours."""
    zones = session.scalars(
        select(Person.timezone)
        .join(Reminder, Reminder.person_id == Person.id)
        .where(Reminder.status == ReminderStatus.ACTIVE, Reminder.appointment_at > now)
        .distinct()
    )
    values = {
        zone: literal(next_allowed(now, timezone=zone, quiet=quiet), OutboundMessage.due_at.type)
        for zone in zones
    }
    if not values:
        return None
    return case(values, value=Person.timezone, else_=literal(now, OutboundMessage.due_at.type))


def _queue(session: Session, key: str, instant: Any, due: Any, now: datetime) -> int:
    stamp = OutboundMessage.created_at.type
    rows = (
        select(
            literal(MessageKind.REMINDER.value).label("kind"),
            Reminder.person_id,
            Reminder.enrollment_id,
            Reminder.id.label("reminder_id"),
            literal(key).label("content_key"),
            ContentRevision.id.label("revision_id"),
            Person.language,
            literal(MessageStatus.QUEUED.value).label("status"),
            due.label("due_at"),
            Reminder.appointment_at.label("expires_at"),
            literal(0).label("attempts"),
            literal(0).label("segments"),
            literal(now, stamp).label("created_at"),
            literal(now, stamp).label("updated_at"),
        )
        .select_from(Reminder)
        .join(Person, Person.id == Reminder.person_id)
        .join(Enrollment, Enrollment.id == Reminder.enrollment_id)
        .join(
            ContentRevision,
            and_(
                ContentRevision.key == key,
                ContentRevision.language == Person.language,
                ContentRevision.status == RevisionStatus.LIVE,
            ),
        )
        .where(
            Reminder.status == ReminderStatus.ACTIVE,
            instant <= now,
            instant > now - LATE,
            Reminder.appointment_at > now,
            Enrollment.status.in_(RECEIVING),
            Person.phone.is_not(None),
        )
    )
    return insert_new(session, rows, key=("reminder_id", "content_key"), where="kind = 'reminder'")


def _render_new(session: Session, now: datetime) -> None:
    """Give the reminder rows queued now their text: her appointment's date and time."""
    rows = session.execute(
        select(OutboundMessage, Reminder, Person, Enrollment)
        .join(Reminder, Reminder.id == OutboundMessage.reminder_id)
        .join(Person, Person.id == OutboundMessage.person_id)
        .join(Enrollment, Enrollment.id == Reminder.enrollment_id)
        .where(
            OutboundMessage.kind == MessageKind.REMINDER,
            OutboundMessage.status == MessageStatus.QUEUED,
            OutboundMessage.body.is_(None),
        )
    ).all()
    for message, reminder, person, enrollment in rows:
        at = time.fromisoformat(reminder.at) if reminder.at else None
        visit = describe(Visit(reminder.day, at), message.language)
        stage = stage_of(enrollment, local_today(now, person.timezone))
        message.track = stage.track
        message.week = stage.week if stage.track else None
        message.updated_at = now
        try:
            rendered = render_live(
                session, message.content_key or "", message.language, stage, {"visit": visit}
            )
        except (MissingContent, TemplateProblem) as error:
            log.error("reminder %s not sent: %s", reminder.id, error)
            message.status, message.error_code = MessageStatus.FAILED, "render"
            continue
        message.revision_id = rendered.revision_id
        message.body, message.segments = rendered.text, rendered.segments
        message.encoding = rendered.encoding
    session.flush()


def plan_reminders(session: Session, *, now: datetime, quiet: tuple[time, time]) -> int:
    """Queue every reminder text whose instant has come (never inside her quiet hours, never
    after her appointment); the number of new rows."""
    due = _due_by_zone(session, now, quiet)
    if due is None:
        return 0
    queued = _queue(session, EVENING_KEY, Reminder.evening_at, due, now)
    queued += _queue(session, MORNING_KEY, Reminder.morning_at, due, now)
    if queued:
        _render_new(session, now)
        log.info("queued %d appointment reminders", queued)
    return queued
