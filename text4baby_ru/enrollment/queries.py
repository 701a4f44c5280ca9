"""Reading one subscriber for support staff."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from text4baby_ru.enrollment.models import Enrollment, Person


def find_person(session: Session, phone: str) -> Person | None:
    """The person with this E.164 number."""
    return session.scalar(select(Person).where(Person.phone == phone))


def latest_enrollment(session: Session, person_id: int) -> Enrollment | None:
    """Her current enrollment, or the last one if all are over."""
    return session.scalar(
        select(Enrollment).where(Enrollment.person_id == person_id).order_by(Enrollment.id.desc())
    )
