"""What permanent failures mean for her enrollment: an unsubscribed number opts out; a number
that keeps failing is paused and counted, not texted forever."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from text4baby_ru.delivery.models import MessageKind, OutboundMessage
from text4baby_ru.delivery.outbox import cancel_unsent
from text4baby_ru.enrollment.models import Enrollment, Person, SubscriberStatus
from text4baby_ru.enrollment.service import suppress

log = logging.getLogger(__name__)
UNSUBSCRIBED = {"21610"}  # Twilio: the recipient replied STOP to the carrier


def record_permanent_failure(
    session: Session, message: OutboundMessage, *, now: datetime, max_failures: int
) -> None:
    """Count a failure against her enrollment; pause it after max_failures in a row."""
    if message.enrollment_id is None:
        return
    enrollment = session.get_one(Enrollment, message.enrollment_id)
    if message.error_code in UNSUBSCRIBED:
        if enrollment.status in (
            SubscriberStatus.ACTIVE,
            SubscriberStatus.PAUSED,
            SubscriberStatus.PENDING,
        ):
            enrollment.status, enrollment.updated_at = SubscriberStatus.OPTED_OUT, now
            person = session.get_one(Person, enrollment.person_id)
            suppress(session, person.phone_hash, reason="carrier_stop", now=now)
            cancel_unsent(session, enrollment_id=enrollment.id, now=now)
            log.info(
                "enrollment %s opted out: the carrier reports the number unsubscribed",
                enrollment.id,
            )
        return
    if message.kind not in (MessageKind.TIP, MessageKind.NOTICE):
        return
    enrollment.failures_in_a_row += 1
    if (
        enrollment.failures_in_a_row >= max_failures
        and enrollment.status is SubscriberStatus.ACTIVE
    ):
        enrollment.status, enrollment.updated_at = SubscriberStatus.PAUSED, now
        log.warning(
            "enrollment %s paused after %d failed messages in a row",
            enrollment.id,
            enrollment.failures_in_a_row,
        )


def record_delivery(session: Session, message: OutboundMessage) -> None:
    """A delivered message resets her failure count."""
    if message.enrollment_id is not None:
        enrollment = session.get_one(Enrollment, message.enrollment_id)
        enrollment.failures_in_a_row = 0
