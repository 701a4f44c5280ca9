"""How many tips an enrollment should have had by today, and what her outbox holds: SQL
expressions over every enrollment at once (the counting rule of enrollment.stage)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import FromClause, case, func, literal
from sqlalchemy.sql.elements import ColumnElement

from text4baby_ru.enrollment.models import Enrollment, SubscriberStatus
from text4baby_ru.enrollment.stage import FIRST_PREGNANCY_WEEK, LAST_BABY_WEEK, PREGNANCY_DAYS
from text4baby_ru.metrics import days
from text4baby_ru.metrics.models import TipCounts

# The first tip is in pregnancy week 4 (or baby week 0); the last the day before week 53.
FIRST_TIP_BEFORE_DUE = PREGNANCY_DAYS - FIRST_PREGNANCY_WEEK * 7
PROGRAMME_DAYS = (LAST_BABY_WEEK + 1) * 7


def expected_tips(today: date, weekdays: tuple[int, ...], dialect: str) -> ColumnElement[int]:
    """Send days from the day after her activation to yesterday, inside her programme (from
    pregnancy week 4, or the birth, to the day before the baby is 53 weeks old) and before
    the day she left (opted out, completed, ended)."""
    activated = days.of_instant(Enrollment.activated_at, dialect)
    due = days.of_date(Enrollment.due_date, dialect)
    birth = days.of_date(Enrollment.birth_date, dialect)
    start = days.greatest(dialect, activated + 1, func.coalesce(due - FIRST_TIP_BEFORE_DUE, birth))
    left = case(
        (
            Enrollment.status == SubscriberStatus.OPTED_OUT,
            days.of_instant(Enrollment.updated_at, dialect),
        ),
        (
            Enrollment.status.in_((SubscriberStatus.COMPLETED, SubscriberStatus.ENDED)),
            func.coalesce(days.of_instant(Enrollment.ended_at, dialect), days.number(today)),
        ),
        else_=literal(days.number(today)),
    )
    end = days.least(
        dialect, literal(days.number(today)), left, func.coalesce(birth, due) + PROGRAMME_DAYS
    )
    return case((end > start, days.weekdays_between(start, end, weekdays)), else_=literal(0))


def tip_counts() -> FromClause:
    """Her tips that left the queue by what became of them, one row per enrollment that has
    any (the rollup kept by the outbox's triggers)."""
    return TipCounts.__table__.alias("tips")


def expected_of(tips: Any, today: date, weekdays: tuple[int, ...], dialect: str) -> Any:
    """Her expected tips: her send days so far, or the tips that already went to her when more
    (a send day may carry two newborn essentials; today's tip once it went)."""
    return days.greatest(dialect, expected_tips(today, weekdays, dialect), zero(tips.c.gone))


def zero(column: Any) -> ColumnElement[int]:
    """A count from an outer join: 0 where she has no row."""
    return func.coalesce(column, 0)
