"""Erasure on request (152-FZ): her number and every text that names her go; her rows stay,
pseudonymous, so the programme's figures still add up."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from text4baby_ru.audit.models import AuditEvent
from text4baby_ru.delivery.models import MessageStatus, OutboundMessage
from text4baby_ru.enrollment.models import (
    CLOSED_STATUSES,
    Enrollment,
    InboundMessage,
    Person,
    SubscriberStatus,
)
from text4baby_ru.enrollment.reminders import erase_all as erase_reminders
from text4baby_ru.enrollment.service import suppress

ERASED = {"erased": True}


def erase(session: Session, person: Person, *, now: datetime, suppress_number: bool = True) -> None:
    """Remove her number, her texts, the bodies sent to her and audit values about her; her
    number joins the suppression list unless she never enrolled (suppress_number False)."""
    if suppress_number:
        suppress(session, person.phone_hash, reason="erased", now=now)
    phone = person.phone
    person.phone, person.city, person.erased_at = None, None, now
    # The keyed hash could still link the row to her number: a random pseudonym replaces it.
    person.phone_hash = "erased:" + secrets.token_hex(16)
    session.execute(
        update(InboundMessage).where(InboundMessage.person_id == person.id).values(body=None)
    )
    if phone is not None:  # texts still waiting, or set aside, hold her number: they go too
        session.execute(
            update(InboundMessage)
            .where(InboundMessage.sender == phone)
            .values(
                body=None,
                sender=None,
                processed_at=func.coalesce(InboundMessage.processed_at, now),
                outcome=func.coalesce(InboundMessage.outcome, "erased"),
            )
        )
    session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.person_id == person.id, OutboundMessage.status == MessageStatus.QUEUED
        )
        .values(status=MessageStatus.CANCELLED, updated_at=now)
    )
    session.execute(
        update(OutboundMessage).where(OutboundMessage.person_id == person.id).values(body=None)
    )
    session.execute(
        update(Enrollment)
        .where(Enrollment.person_id == person.id, Enrollment.status.not_in(CLOSED_STATUSES))
        .values(status=SubscriberStatus.ENDED, end_reason="erased", ended_at=now, updated_at=now)
    )
    erase_reminders(session, person_id=person.id)
    session.execute(
        update(AuditEvent)
        .where(AuditEvent.entity == "person", AuditEvent.entity_id == str(person.id))
        .values(before=None, after=ERASED)
    )
    session.flush()


def expire_pending(session: Session, *, now: datetime, older_than: timedelta) -> int:
    """Erase people who started to enroll long ago and never gave a date, and numbers that never
    enrolled at all (a code asked for on the web page and never typed, a stranger's HELP):
    nothing of an unfinished enrollment is kept for long. The number erased."""
    cutoff = now - older_than
    stale = session.scalars(
        select(Person)
        .join(Enrollment, Enrollment.person_id == Person.id)
        .where(
            Enrollment.status == SubscriberStatus.PENDING,
            Enrollment.created_at < cutoff,
            Person.erased_at.is_(None),
        )
    ).all()
    for person in stale:
        erase(session, person, now=now)
    never = session.scalars(
        select(Person).where(
            Person.erased_at.is_(None),
            Person.created_at < cutoff,
            ~exists().where(Enrollment.person_id == Person.id),
        )
    ).all()
    for person in never:
        erase(session, person, now=now, suppress_number=False)  # she never said stop
    return len(stale) + len(never)
