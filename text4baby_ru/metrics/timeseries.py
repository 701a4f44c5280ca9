"""Metrics over time from the daily rollups (at most a row per day and key), by day or week."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from text4baby_ru.delivery.models import MessageStatus
from text4baby_ru.enrollment.models import Channel
from text4baby_ru.errors import Invalid
from text4baby_ru.metrics import days
from text4baby_ru.metrics.definitions import DAY, DEFINITIONS
from text4baby_ru.metrics.models import EnrollmentDay, MessageDay, OutcomeTotal

Interval = Literal["day", "week"]
MAX_DAYS = 400
CHANNEL_NAMES = {Channel.SMS: "sms", Channel.IMPORT: "clinic", Channel.WEB: "web"}
FINAL = (MessageStatus.DELIVERED, MessageStatus.UNDELIVERED, MessageStatus.FAILED)
ACCEPTED = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.UNDELIVERED)
Daily = dict[str, dict[int, float]]  # series -> day number -> value


@dataclass(frozen=True)
class Range:
    """A checked range of Moscow days."""

    start: date
    end: date
    interval: Interval

    def buckets(self) -> list[int]:
        """The day numbers of each point: every day, or every week's Monday."""
        first, last = days.number(self.start), days.number(self.end)
        if self.interval == "day":
            return list(range(first, last + 1))
        return list(range(days.monday(first), last + 1, 7))

    def bucket(self, n: int) -> int:
        return n if self.interval == "day" else days.monday(n)


def check_dates(start: date | None, end: date | None) -> None:
    """A 422 with the reason for dates out of order or outside the years reports can cover."""
    for day in (start, end):
        if day is not None and not days.EPOCH <= day <= days.LAST_DAY:
            raise Invalid(f"dates must lie between {days.EPOCH} and {days.LAST_DAY}")
    if start and end and start > end:
        raise Invalid("`from` is after `to`")


def check_range(start: date, end: date, interval: str) -> Range:
    """The range, or a 422 with the reason."""
    if interval not in ("day", "week"):
        raise Invalid("`interval` must be day or week")
    check_dates(start, end)
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid(f"the range is longer than {MAX_DAYS} days")
    return Range(start, end, interval)  # type: ignore[arg-type]


def _in_range(column: Any, where: Range) -> Any:
    return column.between(days.number(where.start), days.number(where.end))


def _enrollments(session: Session, where: Range, _: float) -> Daily:
    e = EnrollmentDay
    query = (
        select(e.day, e.language, e.channel, func.sum(e.enrollments))
        .where(_in_range(e.day, where), e.activated.is_(True))
        .group_by(e.day, e.language, e.channel)
    )
    out: Daily = defaultdict(lambda: defaultdict(float))
    for n, language, channel, count in session.execute(query):
        out[language][n] += int(count)
        out[CHANNEL_NAMES[Channel(channel)]][n] += int(count)
    return out


def _leavers(name: str, outcome: str) -> Callable[[Session, Range, float], Daily]:
    def daily(session: Session, where: Range, _: float) -> Daily:
        o = OutcomeTotal
        query = select(o.day, o.enrollments).where(
            o.outcome == outcome, _in_range(o.day, where), o.enrollments != 0
        )
        return {name: {n: int(count) for n, count in session.execute(query)}}

    return daily


def _messages_by_status(session: Session, where: Range) -> Daily:
    m = MessageDay
    query = (
        select(m.day, m.status, func.sum(m.messages), func.sum(m.segments))
        .where(_in_range(m.day, where))
        .group_by(m.day, m.status)
    )
    out: Daily = defaultdict(dict)
    for n, status, count, segments in session.execute(query):
        out[status][n] = int(count)
        if status in ACCEPTED:
            out["segments"][n] = out["segments"].get(n, 0) + int(segments or 0)
    return out


def _messages(session: Session, where: Range, _: float) -> Daily:
    by_status = _messages_by_status(session, where)
    return {s.value: by_status.get(s.value, {}) for s in MessageStatus}


def _segments(session: Session, where: Range, price: float) -> Daily:
    segments = _messages_by_status(session, where).get("segments", {})
    return {"segments": segments, "cost": {n: v * price for n, v in segments.items()}}


def _delivery_parts(session: Session, where: Range, _: float) -> Daily:
    by_status = _messages_by_status(session, where)
    final: dict[int, float] = defaultdict(float)
    for status in FINAL:
        for n, count in by_status.get(status.value, {}).items():
            final[n] += count
    return {"delivered": by_status.get(MessageStatus.DELIVERED.value, {}), "final": final}


@dataclass(frozen=True)
class Metric:
    """How to compute a metric's daily figures and the names of its series."""

    series: tuple[str, ...]
    daily: Callable[[Session, Range, float], Daily]


METRICS: dict[str, Metric] = {
    "enrollments": Metric(("ru", "en", "sms", "clinic", "web"), _enrollments),
    "optouts": Metric(("optouts",), _leavers("optouts", "optout")),
    "completions": Metric(("completions",), _leavers("completions", "completion")),
    "losses": Metric(("losses",), _leavers("losses", "loss")),
    "messages": Metric(tuple(s.value for s in MessageStatus), _messages),
    "delivery_rate": Metric(("delivery_rate",), _delivery_parts),
    "segments": Metric(("segments", "cost"), _segments),
}


def _bucketed(values: dict[int, float], where: Range) -> dict[int, float]:
    out: dict[int, float] = defaultdict(float)
    for n, v in values.items():
        out[where.bucket(n)] += v
    return out


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 4)


def timeseries(
    session: Session, *, metric: str, where: Range, segment_price: float
) -> dict[str, Any]:
    """The metric's series with a point for every day or week of the range (zeros included)."""
    spec = METRICS.get(metric)
    if spec is None:
        raise Invalid(f"unknown metric {metric!r}; one of: {', '.join(METRICS)}")
    daily = spec.daily(session, where, segment_price)
    buckets = where.buckets()
    series = []
    if metric == "delivery_rate":
        delivered = _bucketed(daily["delivered"], where)
        final = _bucketed(daily["final"], where)
        points = [
            {
                "date": days.from_number(b).isoformat(),
                "value": round(delivered.get(b, 0) / final[b], 4) if final.get(b) else None,
            }
            for b in buckets
        ]
        series.append({"name": "delivery_rate", "points": points})
    else:
        for name in spec.series:
            values = _bucketed(daily.get(name, {}), where)
            points = [
                {"date": days.from_number(b).isoformat(), "value": _number(values.get(b, 0))}
                for b in buckets
            ]
            series.append({"name": name, "points": points})
    return {
        "metric": metric,
        "interval": where.interval,
        "from": where.start.isoformat(),
        "to": where.end.isoformat(),
        "definition": f"{DEFINITIONS[metric]} {DAY}",
        "series": series,
    }
