"""Where women are in their journey: active enrollments and opt-outs by track and week."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from text4baby_ru.delivery.planner import day_literal, position_sql
from text4baby_ru.enrollment.models import Enrollment, SubscriberStatus
from text4baby_ru.enrollment.stage import FIRST_PREGNANCY_WEEK, LAST_BABY_WEEK, LAST_PREGNANCY_WEEK
from text4baby_ru.errors import Invalid
from text4baby_ru.metrics import days
from text4baby_ru.metrics.definitions import DEFINITIONS

WEEKS = {
    "pregnancy": range(FIRST_PREGNANCY_WEEK, LAST_PREGNANCY_WEEK + 1),
    "baby": range(0, LAST_BABY_WEEK + 1),
}
DISTRIBUTIONS = ("active_by_week", "optouts_by_week")


def distribution(session: Session, *, metric: str, today: date) -> dict[str, Any]:
    """Counts by track and week, with a point for every week of each track (zeros included);
    weeks outside the programme (before pregnancy week 4) are added to its first week."""
    dialect = session.get_bind().dialect.name
    if metric == "active_by_week":
        day = day_literal(today, dialect)
        status = SubscriberStatus.ACTIVE
    elif metric == "optouts_by_week":
        day = days.local_date(Enrollment.updated_at, dialect)
        status = SubscriberStatus.OPTED_OUT
    else:
        raise Invalid(f"unknown metric {metric!r}; one of: {', '.join(DISTRIBUTIONS)}")
    track, week = position_sql(day, dialect)
    query = (
        select(track, week, func.count())
        .where(Enrollment.status == status, Enrollment.track.is_not(None))
        .group_by(track, week)
    )
    counts: dict[str, dict[int, int]] = {name: {} for name in WEEKS}
    for name, n, count in session.execute(query):
        weeks = WEEKS[name]
        n = min(max(n, weeks.start), weeks.stop - 1)
        counts[name][n] = counts[name].get(n, 0) + count
    return {
        "metric": metric,
        "definition": DEFINITIONS[metric],
        "series": [
            {"name": name, "points": [{"week": w, "value": counts[name].get(w, 0)} for w in weeks]}
            for name, weeks in WEEKS.items()
        ],
    }
