"""Dose received and who is behind, served from a stored result. Both count every activated
enrollment against today (her send days so far), so no rollup can keep them; the scheduler's pass
computes them every T4B_METRICS_REFRESH_MINUTES and stores the result for that Moscow day
(table metric_snapshots), and a read returns the stored result with its `as_of` instant. A read
for a day with no stored result computes it then (the first read of the day, or no pass running)
and stores it; a result of another day is never served. Minutes = 0 turns the store off: every
read computes (the figures of this very instant)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.db import read_only, unit_of_work
from text4baby_ru.metrics import days
from text4baby_ru.metrics.behind import behind
from text4baby_ru.metrics.dose import dose
from text4baby_ru.metrics.models import MetricSnapshot

LISTED = 1000  # who is behind keeps the first 1000 by tips missing (a larger limit reads live)
METRICS = ("dose", "behind")


@dataclass(frozen=True)
class Asked:
    """What a result is computed for: her Moscow today, the send weekdays, the pseudonyms' key."""

    today: date
    weekdays: tuple[int, ...]
    key: bytes

    @property
    def weekday_key(self) -> str:
        return ",".join(str(d) for d in self.weekdays)


def compute(session: Session, metric: str, asked: Asked, limit: int = LISTED) -> dict[str, Any]:
    """The metric counted now from the enrollments and their tip counters (who is behind
    listing the first `limit`)."""
    if metric == "dose":
        return dose(session, today=asked.today, weekdays=asked.weekdays)
    return behind(session, today=asked.today, weekdays=asked.weekdays, key=asked.key, limit=limit)


def stored(session: Session, metric: str, asked: Asked) -> tuple[dict[str, Any], datetime] | None:
    """The stored result for exactly this day and weekdays, and when it was computed."""
    row = session.execute(
        select(MetricSnapshot.result, MetricSnapshot.computed_at).where(
            MetricSnapshot.metric == metric,
            MetricSnapshot.day == days.number(asked.today),
            MetricSnapshot.weekdays == asked.weekday_key,
        )
    ).first()
    return None if row is None else (json.loads(row.result), row.computed_at)


def save(session: Session, metric: str, asked: Asked, result: dict[str, Any], at: datetime) -> None:
    """Store (or replace) the result, and drop those of earlier days."""
    day = days.number(asked.today)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    values = {"metric": metric, "day": day, "weekdays": asked.weekday_key}
    body = {"computed_at": at, "result": json.dumps(result, ensure_ascii=False)}
    session.execute(
        insert(MetricSnapshot)
        .values(**values, **body)
        .on_conflict_do_update(index_elements=list(values), set_=body)
    )
    session.execute(
        delete(MetricSnapshot).where(MetricSnapshot.metric == metric, MetricSnapshot.day < day)
    )


def refresh(
    sessions: sessionmaker[Session], asked: Asked, now: datetime, every: timedelta
) -> list[str]:
    """The pass's step: recompute each metric whose stored result for today is older than
    `every` (or missing). The metrics it refreshed."""
    done = []
    for metric in METRICS:
        # Counted in a read (on SQLite it holds no write lock meanwhile), stored in a short write.
        with read_only(sessions) as session:
            got = stored(session, metric, asked)
            if got is not None and got[1] > now - every:
                continue
            result = compute(session, metric, asked)
        with unit_of_work(sessions) as writer:
            save(writer, metric, asked, result, now)
        done.append(metric)
    return done


def answer(
    session: Session,
    sessions: sessionmaker[Session],
    metric: str,
    asked: Asked,
    *,
    now: datetime,
    every: timedelta,
    limit: int | None = None,
) -> dict[str, Any]:
    """The metric as a read serves it: the stored result of today with its `as_of`, or computed
    now (and stored, unless the store is off: `every` of zero) when there is none; who is behind
    with a `limit` beyond what is stored is computed now."""
    live = not every or (limit is not None and limit > LISTED)
    got = None if live else stored(session, metric, asked)
    if got is not None:
        result, as_of = got
    else:
        # What is stored lists LISTED; what is not stored lists what was asked.
        result = compute(session, metric, asked, limit if live and limit else LISTED)
        as_of = now
        if not live:
            with unit_of_work(sessions) as writer:
                save(writer, metric, asked, result, now)
    if limit is not None and "enrollments" in result:
        result["enrollments"] = result["enrollments"][:limit]
    return result | {"as_of": as_of.astimezone(UTC).isoformat(timespec="seconds")}
