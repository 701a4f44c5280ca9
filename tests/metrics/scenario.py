"""Women in known situations (on track, paused, failing, not yet planned, queued, opted out),
with the tips the sender's own journey says each should have had by today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from tests.factories import make_enrollment, make_person
from tests.metrics.builders import make_message, moscow_day
from text4baby_ru.content.library import load
from text4baby_ru.delivery.journey import journey_for
from text4baby_ru.delivery.models import MessageStatus
from text4baby_ru.enrollment.models import Enrollment, SubscriberStatus, Track
from text4baby_ru.resources import data_dir

WEEKDAYS = (0, 2, 4)
ACTIVATED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)  # Monday, 12:30 in Moscow: after the tip
LATER = datetime(2026, 11, 17, 10, tzinfo=UTC)  # Tuesday of the next cohort


@dataclass
class Woman:
    enrollment: Enrollment
    phone: str
    expected: int
    delivered: int
    sent: int
    reason: str | None  # why she is behind, None when she is not listed


def _tip_days(
    enrollment: Enrollment, today: date, left: date | None, activated: datetime
) -> list[date]:
    """The days of the tips she should have had: the sender's journey, before today and
    before the day she left."""
    items = journey_for(
        load(data_dir("message_library")),
        due_date=enrollment.due_date,
        birth_date=enrollment.birth_date,
        language="ru",
        enrolled_at=activated,
        send_weekdays=WEEKDAYS,
        send_hour=10,
        timezone="Europe/Moscow",
    )
    end = min(today, left) if left else today
    return [i.date for i in items if i.date < end]


def build(session: Session, today: date) -> list[Woman]:
    """The women of the scenario, their rows written and flushed."""
    women = []

    def woman(
        outcomes: list[MessageStatus] | str,
        *,
        reason: str | None,
        activated: datetime = ACTIVATED,
        left: datetime | None = None,
        **fields: Any,
    ) -> None:
        person = make_person(session)
        assert person.phone is not None
        values = {"activated_at": activated, "created_at": activated} | fields
        if left is not None:
            values["updated_at"] = left
        enrollment = make_enrollment(session, person, **values)
        days = _tip_days(enrollment, today, moscow_day(left) if left else None, activated)
        if outcomes == "all delivered":
            outcomes = [MessageStatus.DELIVERED] * len(days)
        assert isinstance(outcomes, list) and len(outcomes) <= len(days)
        for n, (day, status) in enumerate(zip(days, outcomes, strict=False)):
            # a send day may carry two tips (the newborn essentials): the second a second later
            again = days[:n].count(day)
            at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=7, seconds=again)
            make_message(session, enrollment, status=status, created_at=at)
        accepted = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.UNDELIVERED)
        women.append(
            Woman(
                enrollment,
                person.phone,
                expected=len(days),
                delivered=outcomes.count(MessageStatus.DELIVERED),
                sent=sum(1 for s in outcomes if s in accepted),
                reason=reason,
            )
        )

    d, f, q = MessageStatus.DELIVERED, MessageStatus.FAILED, MessageStatus.QUEUED
    common = Enrollment(due_date=date(2027, 5, 1), birth_date=None)  # the factory's dates
    n = len(_tip_days(common, today, None, ACTIVATED))
    woman("all delivered", reason=None)
    woman(
        "all delivered", reason=None, track=Track.BABY, due_date=None, birth_date=date(2026, 10, 1)
    )
    # Enrolled in pregnancy week 2: her tips start in week 4.
    woman("all delivered", reason=None, due_date=date(2027, 7, 26))
    # The baby turned one on 10 November 2026: her programme ended (not yet closed).
    woman(
        "all delivered", reason=None, track=Track.BABY, due_date=None, birth_date=date(2025, 11, 10)
    )
    woman(
        [d] * (n - 3) + [f] * 3,
        reason="paused",
        status=SubscriberStatus.PAUSED,
        failures_in_a_row=3,
    )
    woman([d] * (n - 2) + [f] * 2, reason="failures", failures_in_a_row=2)
    woman([d] * (n - 1) + [q], reason="queued")
    woman([], reason="not_yet_planned")
    woman(
        "all delivered", reason=None, status=SubscriberStatus.OPTED_OUT,
        left=datetime(2026, 11, 16, 12, tzinfo=UTC),
    )  # fmt: skip
    woman([], reason="not_yet_planned", activated=LATER)
    session.flush()
    return women
