"""Admin API: one subscriber, for support (admin only; every read is audited)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from text4baby_ru.audit.service import Actor, record_by
from text4baby_ru.auth.models import User
from text4baby_ru.clock import Clock
from text4baby_ru.delivery.erasure import ERASED, erase
from text4baby_ru.delivery.outbox import cancel_unsent
from text4baby_ru.delivery.queries import messages_of
from text4baby_ru.deps import AdminUser, ClockDep, SessionDep
from text4baby_ru.enrollment import support
from text4baby_ru.enrollment.models import Enrollment, Person
from text4baby_ru.enrollment.queries import find_person, latest_enrollment
from text4baby_ru.enrollment.reminders import reminders_of
from text4baby_ru.enrollment.service import current_enrollment
from text4baby_ru.errors import NotFound
from text4baby_ru.kit.phones import BadPhoneNumber, normalize

router = APIRouter(prefix="/api/v1/subscribers", tags=["subscribers"])


class ReminderOut(BaseModel):
    """An appointment reminder she asked for and when its texts go (or went)."""

    id: int
    day: date
    time: str | None
    status: str  # active (still ahead), past, or cancelled
    source: str
    evening_at: datetime | None
    morning_at: datetime | None
    created_at: datetime
    cancelled_at: datetime | None


class SubscriberOut(BaseModel):
    """Her number, where her current (or last) enrollment stands, and her settings."""

    phone: str
    status: str | None
    language: str
    track: str | None
    due_date: date | None
    birth_date: date | None
    timezone: str
    city: str | None
    channel: str | None
    enrolled_at: datetime | None
    consent_at: datetime | None
    end_reason: str | None


def person_or_404(session: SessionDep, phone: str) -> Person:
    """The person with this number, or 404 (also for text that is no phone number)."""
    try:
        e164 = normalize(phone)
    except BadPhoneNumber:
        raise NotFound("no subscriber with this number") from None
    person = find_person(session, e164)
    if person is None:
        raise NotFound("no subscriber with this number")
    return person


def read_of(session: Session, admin: Actor, clock: Clock, phone: str, action: str) -> Person:
    """The person with this number (or 404), the read recorded in the audit log."""
    person = person_or_404(session, phone)
    record_by(session, admin, at=clock.now(), action=action, entity="person", entity_id=person.id)
    return person


@router.get("/{phone}", summary="One subscriber by E.164 number (admin)")
def get_subscriber(
    phone: str, session: SessionDep, clock: ClockDep, admin: AdminUser
) -> SubscriberOut:
    person = read_of(session, admin, clock, phone, "subscriber.read")
    person_id = person.id
    enrollment = latest_enrollment(session, person_id)
    return SubscriberOut(
        phone=person.phone or "",
        status=enrollment.status.value if enrollment else None,
        language=person.language.value,
        track=enrollment.track if enrollment else None,
        due_date=enrollment.due_date if enrollment else None,
        birth_date=enrollment.birth_date if enrollment else None,
        timezone=person.timezone,
        city=person.city,
        channel=enrollment.channel.value if enrollment else None,
        enrolled_at=enrollment.created_at if enrollment else None,
        consent_at=enrollment.consent_at if enrollment else None,
        end_reason=enrollment.end_reason if enrollment else None,
    )


class MessageOut(BaseModel):
    """One outbound message to her: what it was, where it stands, what the provider calls it."""

    id: int
    kind: str
    key: str | None
    track: str | None
    week: int | None
    slot: int | None
    language: str
    body: str | None
    status: str
    error_code: str | None
    provider_sid: str | None
    gateway: str | None
    segments: int
    due_at: datetime
    created_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None
    revision_id: int | None


@router.get("/{phone}/messages", summary="Her outbound messages, newest first (admin)")
def get_messages(
    phone: str,
    session: SessionDep,
    clock: ClockDep,
    admin: AdminUser,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[MessageOut]:
    person = read_of(session, admin, clock, phone, "subscriber.read_messages")
    return [
        MessageOut(
            id=m.id,
            kind=m.kind.value,
            key=m.content_key,
            track=m.track,
            week=m.week,
            slot=m.slot,
            language=m.language,
            body=m.body,
            status=m.status.value,
            error_code=m.error_code,
            provider_sid=m.provider_sid,
            gateway=m.gateway,
            segments=m.segments,
            due_at=m.due_at,
            created_at=m.created_at,
            sent_at=m.sent_at,
            delivered_at=m.delivered_at,
            revision_id=m.revision_id,
        )
        for m in messages_of(session, person.id, limit=limit)
    ]


class DatesIn(BaseModel):
    """Exactly one of her due date and her baby's birth date."""

    due_date: date | None = None
    birth_date: date | None = None


def _state(enrollment: Enrollment) -> dict[str, object]:
    return {
        "status": enrollment.status.value,
        "track": enrollment.track,
        "due_date": str(enrollment.due_date) if enrollment.due_date else None,
        "birth_date": str(enrollment.birth_date) if enrollment.birth_date else None,
    }


def _audit_change(
    session: SessionDep,
    clock: ClockDep,
    admin: User,
    action: str,
    person: Person,
    before: dict[str, object] | None,
    after: dict[str, object] | None,
) -> None:
    record_by(
        session,
        admin,
        at=clock.now(),
        action=action,
        entity="person",
        entity_id=person.id,
        before=before,
        after=after,
    )


@router.post("/{phone}/opt-out", summary="Stop her messages, as a STOP would (admin)")
def opt_out(phone: str, session: SessionDep, clock: ClockDep, admin: AdminUser) -> SubscriberOut:
    person = person_or_404(session, phone)
    current = current_enrollment(session, person.id)
    before = _state(current) if current else None
    enrollment = support.opt_out(session, person, now=clock.now())
    cancel_unsent(session, enrollment_id=enrollment.id, now=clock.now())
    _audit_change(session, clock, admin, "subscriber.opt_out", person, before, _state(enrollment))
    return get_subscriber(phone, session, clock, admin)


@router.post("/{phone}/reactivate", summary="Start her messages again (admin)")
def reactivate(phone: str, session: SessionDep, clock: ClockDep, admin: AdminUser) -> SubscriberOut:
    person = person_or_404(session, phone)
    enrollment = support.reactivate(session, person, now=clock.now())
    _audit_change(session, clock, admin, "subscriber.reactivate", person, None, _state(enrollment))
    return get_subscriber(phone, session, clock, admin)


@router.patch("/{phone}", summary="Correct her due date or her baby's birth date (admin)")
def correct_dates(
    phone: str, body: DatesIn, session: SessionDep, clock: ClockDep, admin: AdminUser
) -> SubscriberOut:
    person = person_or_404(session, phone)
    enrollment = support.correct_dates(
        session, person, due_date=body.due_date, birth_date=body.birth_date, now=clock.now()
    )
    _audit_change(session, clock, admin, "subscriber.dates", person, None, _state(enrollment))
    return get_subscriber(phone, session, clock, admin)


@router.delete("/{phone}", status_code=204, summary="Erase her on request, 152-FZ (admin)")
def erase_subscriber(phone: str, session: SessionDep, clock: ClockDep, admin: AdminUser) -> None:
    person = person_or_404(session, phone)
    erase(session, person, now=clock.now())
    record_by(
        session,
        admin,
        at=clock.now(),
        action="subscriber.erase",
        entity="person",
        entity_id=person.id,
        after=ERASED,
    )


@router.get("/{phone}/reminders", summary="Her appointment reminders, latest first (admin)")
def get_reminders(
    phone: str, session: SessionDep, clock: ClockDep, admin: AdminUser
) -> list[ReminderOut]:
    person = read_of(session, admin, clock, phone, "subscriber.read_reminders")
    now = clock.now()
    return [
        ReminderOut(
            id=r.id,
            day=r.day,
            time=r.at,
            status="past"
            if r.status.value == "active" and r.appointment_at <= now
            else r.status.value,
            source=r.source,
            evening_at=r.evening_at,
            morning_at=r.morning_at,
            created_at=r.created_at,
            cancelled_at=r.cancelled_at,
        )
        for r in reminders_of(session, person.id)
    ]
