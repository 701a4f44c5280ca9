"""What support staff do for one woman: stop, restart, correct her dates."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from text4baby_ru.enrollment.dates import MAX_DUE_AHEAD
from text4baby_ru.enrollment.models import Enrollment, Person, SubscriberStatus, Track
from text4baby_ru.enrollment.queries import latest_enrollment
from text4baby_ru.enrollment.service import current_enrollment, local_today, suppress
from text4baby_ru.enrollment.stage import position_on
from text4baby_ru.errors import Conflict, Invalid

OLDEST = timedelta(days=2 * 366)  # no date in the programme lies further back than this


def _current(session: Session, person: Person) -> Enrollment:
    enrollment = current_enrollment(session, person.id)
    if enrollment is None:
        raise Conflict("she has no current enrollment")
    return enrollment


def opt_out(session: Session, person: Person, *, now: datetime) -> Enrollment:
    """Stop her messages as if she had texted STOP."""
    enrollment = _current(session, person)
    enrollment.status, enrollment.updated_at = SubscriberStatus.OPTED_OUT, now
    suppress(session, person.phone_hash, reason="opted_out", now=now)
    return enrollment


def reactivate(session: Session, person: Person, *, now: datetime) -> Enrollment:
    """Start her messages again, if her dates still lead somewhere."""
    enrollment = _current(session, person)
    if enrollment.status not in (SubscriberStatus.OPTED_OUT, SubscriberStatus.PAUSED):
        raise Conflict(f"she is {enrollment.status}, not opted out or paused")
    today = local_today(now, person.timezone)
    if position_on(today, due_date=enrollment.due_date, birth_date=enrollment.birth_date) is None:
        raise Conflict("her dates are outside the programme: correct them first")
    enrollment.status, enrollment.updated_at = SubscriberStatus.ACTIVE, now
    enrollment.activated_at, enrollment.failures_in_a_row = now, 0
    return enrollment


def correct_dates(
    session: Session,
    person: Person,
    *,
    due_date: date | None,
    birth_date: date | None,
    now: datetime,
) -> Enrollment:
    """Set her due date or her baby's birth date, checked like an SMS date."""
    if (due_date is None) == (birth_date is None):
        raise Invalid("give exactly one of due_date and birth_date")
    enrollment = current_enrollment(session, person.id) or latest_enrollment(session, person.id)
    if enrollment is None:
        raise Conflict("she has no enrollment")
    today = local_today(now, person.timezone)
    if (due_date or birth_date or today) < today - OLDEST:  # 0001-01-01 would overflow below
        raise Invalid("the date is outside the programme (pregnancy to the first birthday)")
    if birth_date is not None and birth_date > today:
        raise Invalid("birth_date is in the future")
    if due_date is not None and due_date - today > MAX_DUE_AHEAD:
        raise Invalid("due_date is more than 37 weeks ahead")
    where = position_on(today, due_date=due_date, birth_date=birth_date)
    if where is None:
        raise Invalid("the date is outside the programme (pregnancy to the first birthday)")
    enrollment.due_date = due_date if due_date else enrollment.due_date
    enrollment.birth_date = birth_date
    enrollment.track, enrollment.updated_at = Track(where.track), now
    return enrollment
