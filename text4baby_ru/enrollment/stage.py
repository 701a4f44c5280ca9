"""Where a subscription should be on a date: a pure function of her dates and the day, and the
same rule as SQL for the planner's set-based statements (a property test keeps them agreeing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Integer, and_, case, cast, func, literal, null
from sqlalchemy.sql.elements import ColumnElement

from text4baby_ru.enrollment.models import Enrollment

PREGNANCY_DAYS = 280
LAST_PREGNANCY_WEEK = 41  # a pregnancy may run to 41+6
LAST_BABY_WEEK = 52
FIRST_PREGNANCY_WEEK = 4


@dataclass(frozen=True)
class Position:
    """Her track and week on a date."""

    track: str
    week: int


def raw_position(day: date, *, due_date: date | None, birth_date: date | None) -> Position | None:
    """Her track and week on day, before or past the programme too (week -1, baby week 53):
    exactly what `position_sql` computes. None only when she has no date at all.

    Pregnancy week = completed weeks since (due date - 280 days); at 42+0 with no birth
    reported she moves to the baby track counted from the due date; a birth date re-anchors it.
    """
    if birth_date is not None:
        return Position("baby", (day - birth_date).days // 7)
    if due_date is None:
        return None
    week = (day - due_date).days // 7 + PREGNANCY_DAYS // 7
    if week <= LAST_PREGNANCY_WEEK:
        return Position("pregnancy", week)
    return Position("baby", (day - due_date).days // 7)


def position_on(day: date, *, due_date: date | None, birth_date: date | None) -> Position | None:
    """Her track and week on day; None before the programme starts or after the first birthday."""
    where = raw_position(day, due_date=due_date, birth_date=birth_date)
    if where is None or where.week < 0:
        return None
    if where.track == "baby" and where.week > LAST_BABY_WEEK:
        return None
    return where


def day_literal(day: date, dialect: str) -> ColumnElement[Any]:
    """A date as SQL, in the form each database's date arithmetic wants."""
    return literal(day) if dialect == "postgresql" else literal(day.isoformat())


def _days_since(day: ColumnElement[Any], column: Any, dialect: str) -> ColumnElement[int]:
    """Whole days from a date column to the day expression, in SQL, on either database."""
    if dialect == "postgresql":
        return cast(cast(day, Date) - column, Integer)
    return cast(func.julianday(day) - func.julianday(column), Integer)


_SHIFT = 1000  # weeks: 19 years, beyond any date the programme keeps


def _weeks(days: ColumnElement[int]) -> ColumnElement[int]:
    """Completed weeks, rounded down as Python's // does (SQL's division truncates towards 0):
    shifted to positive first, so the day count is computed once (SQLite repeats each use)."""
    return (days + 7 * _SHIFT) // 7 - _SHIFT


def position_sql(
    day: ColumnElement[Any],
    dialect: str,
    *,
    due_date: Any = Enrollment.due_date,
    birth_date: Any = Enrollment.birth_date,
) -> tuple[ColumnElement[str], ColumnElement[int]]:
    """`raw_position` as SQL: her track and week on day (NULL track: no date at all)."""
    baby_week = _weeks(_days_since(day, birth_date, dialect))
    after_due = _weeks(_days_since(day, due_date, dialect))
    pregnancy_week = after_due + PREGNANCY_DAYS // 7
    on_pregnancy = and_(birth_date.is_(None), pregnancy_week <= LAST_PREGNANCY_WEEK)
    track = case(
        (birth_date.is_not(None), literal("baby")),
        (due_date.is_(None), null()),
        (on_pregnancy, literal("pregnancy")),
        else_=literal("baby"),
    )
    week = case(
        (birth_date.is_not(None), baby_week),
        (on_pregnancy, pregnancy_week),
        else_=after_due,
    )
    return track, week


def programme_end(*, due_date: date | None, birth_date: date | None) -> date | None:
    """The last day that still has a position (the day before the baby is 53 weeks old)."""
    anchor = birth_date or due_date
    return anchor + timedelta(days=(LAST_BABY_WEEK + 1) * 7 - 1) if anchor else None


def in_programme(day: date, *, due_date: date | None, birth_date: date | None) -> bool:
    """True while her dates still give her a track and week (pregnancy to the first birthday)."""
    return position_on(day, due_date=due_date, birth_date=birth_date) is not None
