"""When her tips fall: the send days and instants in her zone, a pure function of time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class SendDay:
    """A local send date, its slot (1-3) and the instant the tip is due."""

    day: date
    slot: int
    due_at: datetime


def send_days(
    start: datetime,
    end: date,
    *,
    weekdays: tuple[int, int, int],
    hour: int,
    timezone: str,
) -> Iterator[SendDay]:
    """Every send instant after start up to the local date end, in her zone."""
    zone = ZoneInfo(timezone)
    day = start.astimezone(zone).date()
    while day <= end:
        if day.weekday() in weekdays:
            due_at = datetime.combine(day, time(hour), zone)
            if due_at > start:
                yield SendDay(day, weekdays.index(day.weekday()) + 1, due_at)
        day += timedelta(days=1)


def next_allowed(at: datetime, *, timezone: str, quiet: tuple[time, time]) -> datetime:
    """at, or the end of her quiet hours if at falls inside them (quiet hours may wrap midnight)."""
    zone = ZoneInfo(timezone)
    local = at.astimezone(zone)
    start, end = quiet
    now_t = local.time()
    inside = (start <= now_t or now_t < end) if start > end else (start <= now_t < end)
    if not inside:
        return at
    day = local.date() if now_t < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, zone).astimezone(at.tzinfo)
