"""Dose received: for each cohort of enrollment weeks, the tips she should have had by now
against the tips delivered."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from text4baby_ru.enrollment.models import Enrollment
from text4baby_ru.metrics import days
from text4baby_ru.metrics.definitions import DEFINITIONS
from text4baby_ru.metrics.expected import expected_of, tip_counts, zero


def dose(session: Session, *, today: date, weekdays: tuple[int, ...]) -> dict[str, Any]:
    """One row per cohort (the Monday of the week she was activated), oldest first."""
    dialect = session.get_bind().dialect.name
    activated = days.of_instant(Enrollment.activated_at, dialect)
    cohort = (activated - activated % 7).label("cohort")
    tips = tip_counts()
    query = (
        select(
            cohort,
            func.count(),
            func.sum(expected_of(tips, today, weekdays, dialect)),
            func.sum(zero(tips.c.delivered)),
        )
        .select_from(Enrollment)
        .outerjoin(tips, tips.c.enrollment_id == Enrollment.id)
        .where(Enrollment.activated_at.is_not(None))
        .group_by(cohort)
        .order_by(cohort)
    )
    cohorts = [
        {
            "cohort": days.from_number(int(n)).isoformat(),
            "subscribers": int(subscribers),
            "expected": int(expected or 0),
            "delivered": int(delivered or 0),
            "ratio": round(int(delivered or 0) / int(expected), 4) if expected else None,
        }
        for n, subscribers, expected, delivered in session.execute(query)
    ]
    return {"metric": "dose", "definition": DEFINITIONS["dose"], "cohorts": cohorts}
