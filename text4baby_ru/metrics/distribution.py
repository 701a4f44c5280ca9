"""Where women are in their journey: active enrollments and opt-outs by track and week."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from text4baby_ru.enrollment.stage import FIRST_PREGNANCY_WEEK, LAST_BABY_WEEK, LAST_PREGNANCY_WEEK
from text4baby_ru.errors import Invalid
from text4baby_ru.metrics import days
from text4baby_ru.metrics.definitions import DEFINITIONS
from text4baby_ru.metrics.journey import journey_week
from text4baby_ru.metrics.models import ActiveDates, OptoutWeek

WEEKS = {
    "pregnancy": range(FIRST_PREGNANCY_WEEK, LAST_PREGNANCY_WEEK + 1),
    "baby": range(0, LAST_BABY_WEEK + 1),
}
DISTRIBUTIONS = ("active_by_week", "optouts_by_week")


def _counts(session: Session, metric: str, today: date) -> list[tuple[str, int, int]]:
    """(track, week, women) from the rollups, weeks not yet clamped."""
    if metric == "active_by_week":
        a, n = ActiveDates, days.number(today)
        rows = session.execute(
            select(a.due_day, a.birth_day, a.enrollments).where(a.enrollments > 0)
        )
        return [(*journey_week(n, due, birth), count) for due, birth, count in rows]
    if metric == "optouts_by_week":
        w = OptoutWeek
        query = select(w.track, w.week, w.enrollments).where(w.enrollments != 0)
        return [(track, week, int(count)) for track, week, count in session.execute(query)]
    raise Invalid(f"unknown metric {metric!r}; one of: {', '.join(DISTRIBUTIONS)}")


def distribution(session: Session, *, metric: str, today: date) -> dict[str, Any]:
    """Counts by track and week, with a point for every week of each track (zeros included);
    weeks outside the programme (before pregnancy week 4) are added to its first week."""
    counts: dict[str, dict[int, int]] = {name: {} for name in WEEKS}
    for name, n, count in _counts(session, metric, today):
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
