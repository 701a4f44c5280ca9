"""Where a subscription should be on a date: a pure function of her dates and the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

PREGNANCY_DAYS = 280
LAST_PREGNANCY_WEEK = 41  # a pregnancy may run to 41+6
LAST_BABY_WEEK = 52
FIRST_PREGNANCY_WEEK = 4


@dataclass(frozen=True)
class Position:
    """Her track and week on a date."""

    track: str
    week: int


def position_on(day: date, *, due_date: date | None, birth_date: date | None) -> Position | None:
    """Her track and week on day; None before the programme starts or after the first birthday.

    Pregnancy week = completed weeks since (due date - 280 days); at 42+0 with no birth
    reported she moves to the baby track counted from the due date; a birth date re-anchors it.
    """
    if birth_date is not None:
        days = (day - birth_date).days
        if days < 0:
            return None
        week = days // 7
        return Position("baby", week) if week <= LAST_BABY_WEEK else None
    if due_date is None:
        return None
    week = (day - (due_date - timedelta(days=PREGNANCY_DAYS))).days // 7
    if week <= LAST_PREGNANCY_WEEK:
        return Position("pregnancy", week) if week >= 0 else None
    baby_week = (day - due_date).days // 7
    return Position("baby", baby_week) if baby_week <= LAST_BABY_WEEK else None


def programme_end(*, due_date: date | None, birth_date: date | None) -> date | None:
    """The last day that still has a position (the day before the baby is 53 weeks old)."""
    anchor = birth_date or due_date
    return anchor + timedelta(days=(LAST_BABY_WEEK + 1) * 7 - 1) if anchor else None


def in_programme(day: date, *, due_date: date | None, birth_date: date | None) -> bool:
    """True while her dates still give her a track and week (pregnancy to the first birthday)."""
    return position_on(day, due_date=due_date, birth_date=birth_date) is not None
