"""Appointment reminders she asks for: storing them with the instants of their texts, counting
and cancelling them. The delivery planner queues the texts; this module only keeps the rows."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from text4baby_ru.enrollment.appointments import Visit
from text4baby_ru.enrollment.conversation import Outcome, Reply, State, ask_reminder
from text4baby_ru.enrollment.models import (
    Enrollment,
    Person,
    Reminder,
    ReminderStatus,
    SubscriberStatus,
    Track,
)

EVENING = time(18)  # the evening before, her time
MORNING = time(9)  # the earliest text on the day itself (the end of the usual quiet hours)
LEAD = timedelta(hours=2)  # on the day, two hours before when that is later than MORNING
EVENING_KEY = "reply.reminder_evening"
MORNING_KEY = "reply.reminder_today"


@dataclass(frozen=True)
class Instants:
    """When an appointment is (or its day ends, without a time) and when its texts go."""

    appointment_at: datetime
    evening_at: datetime | None
    morning_at: datetime | None


def instants(visit: Visit, *, timezone: str, now: datetime) -> Instants:
    """The evening before at 18:00 and, with a time, max(09:00, two hours before) that day, in
    her zone; a text whose instant has already passed (she asked late) is not sent at all."""
    zone = ZoneInfo(timezone)
    if visit.at is None:
        appointment = datetime.combine(visit.day + timedelta(days=1), time(0), zone)
    else:
        appointment = datetime.combine(visit.day, visit.at, zone)
    evening: datetime | None = datetime.combine(visit.day - timedelta(days=1), EVENING, zone)
    morning: datetime | None = None
    if visit.at is not None:
        morning = max(datetime.combine(visit.day, MORNING, zone), appointment - LEAD)
        if morning >= appointment:  # an appointment before 09:00: the evening text only
            morning = None
    if evening is not None and evening <= now:
        evening = None
    if morning is not None and morning <= now:
        morning = None
    utc = now.tzinfo
    return Instants(
        appointment.astimezone(utc),
        evening.astimezone(utc) if evening else None,
        morning.astimezone(utc) if morning else None,
    )


def too_soon(outcome: Outcome, *, timezone: str, now: datetime) -> Outcome:
    """An appointment too close for any reminder text (later today, or today's time has passed)
    is not stored, and she is told so rather than promised a text that will never come."""
    if outcome.visit is None:
        return outcome
    when = instants(outcome.visit, timezone=timezone, now=now)
    if when.evening_at or when.morning_at:
        return outcome
    state = outcome.state and replace(outcome.state, reminders=outcome.state.reminders - 1)
    return replace(outcome, replies=(Reply("reply.reminder_too_soon"),), state=state, visit=None)


def _waiting(person_id: int, now: datetime) -> list[object]:
    return [
        Reminder.person_id == person_id,
        Reminder.status == ReminderStatus.ACTIVE,
        Reminder.appointment_at > now,
    ]


def pending_count(session: Session, person_id: int, *, now: datetime) -> int:
    """Her reminders whose appointment is still ahead."""
    query = select(func.count()).select_from(Reminder).where(*_waiting(person_id, now))  # type: ignore[arg-type]
    return int(session.scalar(query) or 0)


def add(
    session: Session,
    *,
    person: Person,
    enrollment_id: int,
    visit: Visit,
    now: datetime,
    source: str = "sms",
) -> Reminder:
    """Store a reminder for her appointment, its texts' instants fixed in her zone now."""
    when = instants(visit, timezone=person.timezone, now=now)
    reminder = Reminder(
        person_id=person.id,
        enrollment_id=enrollment_id,
        day=visit.day,
        at=f"{visit.at:%H:%M}" if visit.at else None,
        appointment_at=when.appointment_at,
        evening_at=when.evening_at,
        morning_at=when.morning_at,
        status=ReminderStatus.ACTIVE,
        source=source,
        created_at=now,
    )
    session.add(reminder)
    session.flush()
    return reminder


def cancel_all(session: Session, *, person_id: int, now: datetime) -> int:
    """Cancel her reminders still waiting (ВИЗИТ ОТМЕНА, a STOP, a loss); how many."""
    result = session.execute(
        update(Reminder)
        .where(*_waiting(person_id, now))  # type: ignore[arg-type]
        .values(status=ReminderStatus.CANCELLED, cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def reminders_of(session: Session, person_id: int) -> list[Reminder]:
    """Her reminders, the latest appointment first."""
    return list(
        session.scalars(
            select(Reminder)
            .where(Reminder.person_id == person_id)
            .order_by(Reminder.appointment_at.desc(), Reminder.id.desc())
        )
    )


def erase_all(session: Session, *, person_id: int) -> None:
    """Delete her reminders: the dates of her appointments go with her number."""
    session.execute(delete(Reminder).where(Reminder.person_id == person_id))


def request_reminder(
    session: Session,
    *,
    person: Person,
    enrollment: Enrollment,
    text: str,
    today: date,
    now: datetime,
    source: str,
) -> Reply:
    """For a module's reminder offer ("Напомнить? Пришлите дату, например 15.11"): read her
    answer as a date [and time], store the reminder when it is usable, and return the reply to
    send her (confirmation, or why not: past, too far, too many, not understood)."""
    state = State(
        SubscriberStatus(enrollment.status),
        person.language.value,
        Track(enrollment.track) if enrollment.track else None,
        enrollment.due_date,
        enrollment.birth_date,
        reminders=pending_count(session, person.id, now=now),
    )
    outcome = too_soon(ask_reminder(text, state, today), timezone=person.timezone, now=now)
    if outcome.visit is not None:
        add(
            session,
            person=person,
            enrollment_id=enrollment.id,
            visit=outcome.visit,
            now=now,
            source=source,
        )
    elif outcome.cancel_reminders:
        cancel_all(session, person_id=person.id, now=now)
    return outcome.replies[0]
