"""The newborn essentials: every mother gets the baby track's week 0-1 tips (danger signs for
the baby and for her, the hospital vaccine check, safe sleep), also when she never reported the
birth (the automatic switch at 42+0 starts at baby week 2) or reported it late.

While she is in baby weeks 2-5 (the six weeks after birth) and some of those tips never reached
her on an earlier send day, each send day carries the next two of them, in their order, instead
of the regular tip; the regular track resumes once she has them all. The rule is written once in
Python (for `journey`) and once as SQL conditions (for the planner); both count a tip as given
when a row for it was planned before this send day, so a second pass on the same day plans
nothing new.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, text
from sqlalchemy.sql.elements import ColumnElement

from text4baby_ru.content.models import ContentKind
from text4baby_ru.delivery.models import ONCE_PER_ENROLLMENT, OutboundMessage
from text4baby_ru.enrollment.models import Enrollment
from text4baby_ru.enrollment.stage import Position

ESSENTIAL_WEEKS = (0, 1)  # the baby track's weeks whose tips every mother must get
CATCH_UP_FROM, CATCH_UP_TO = 2, 5  # missed essentials still go in the first 6 weeks after birth
PER_SEND_DAY = 2  # essentials per send day while catching up


def catching_up(where: Position) -> bool:
    """Whether her position is one where missed essentials are sent."""
    return where.track == "baby" and CATCH_UP_FROM <= where.week <= CATCH_UP_TO


def catch_up(where: Position, essentials: Sequence[str], given: Collection[str]) -> list[str]:
    """The essentials to send on this send day (in order), or [] for the regular tip.

    `essentials`: the essential keys she could get (live in her language), in track order;
    `given`: the keys planned for her on earlier send days."""
    if not catching_up(where):
        return []
    return [key for key in essentials if key not in given][:PER_SEND_DAY]


def is_essential(key: Any) -> ColumnElement[bool]:
    """SQL: the content key is one of the essentials (a tip of baby weeks 0-1)."""
    return and_(
        key.kind == ContentKind.TIP, key.track == "baby", key.week.in_(list(ESSENTIAL_WEEKS))
    )


def in_catch_up(track: ColumnElement[str], week: ColumnElement[int]) -> ColumnElement[bool]:
    """SQL twin of `catching_up`, on the planner's position expressions."""
    return and_(track == "baby", week >= CATCH_UP_FROM, week <= CATCH_UP_TO)


def given_before(key: Any, instant: ColumnElement[datetime]) -> ColumnElement[bool]:
    """SQL: a row for this key was planned for her on an earlier send day (due before this
    send day's instant: a row of this day is due at the instant or later)."""
    return exists().where(
        # The unique index's own predicate, word for word: SQLite uses a partial index only
        # when the query repeats it (without it, each test scanned the whole outbox).
        text(ONCE_PER_ENROLLMENT),
        OutboundMessage.enrollment_id == Enrollment.id,
        OutboundMessage.content_key == key,
        OutboundMessage.due_at < instant,
    )


def essentials_today(instant: ColumnElement[datetime]) -> ColumnElement[bool]:
    """SQL: essentials were planned for her on this send day (the planner plans them before the
    regular tips, so this is "she is owed some"): one probe of the outbox's unique index."""
    return exists().where(
        text(ONCE_PER_ENROLLMENT),
        OutboundMessage.enrollment_id == Enrollment.id,
        OutboundMessage.track == "baby",
        OutboundMessage.week.in_(list(ESSENTIAL_WEEKS)),
        OutboundMessage.due_at >= instant,
    )
