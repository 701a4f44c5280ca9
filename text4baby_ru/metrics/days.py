"""Calendar days as whole numbers in SQL, the same on SQLite and PostgreSQL.

A day is counted from Monday 3 January 2000 (day 0), so `n % 7` is its weekday (0 = Monday) and
`n - n % 7` its week's Monday. Timestamps become Moscow calendar days: the reports' day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Integer, cast, func, literal, text
from sqlalchemy.sql.elements import ColumnElement

from text4baby_ru.clock import DEFAULT_ZONE

REPORT_ZONE = ZoneInfo(DEFAULT_ZONE)  # a day of the report is a Moscow calendar day
EPOCH = date(2000, 1, 3)  # a Monday
LAST_DAY = date(2999, 12, 31)  # the last day a report may name
_EPOCH_JULIAN = 2451546.5  # julianday('2000-01-03') in SQLite
_EPOCH_UNIX_DAY = 10959  # days from 1970-01-01 to 2000-01-03
MOSCOW_OFFSET = 3 * 3600  # Moscow has kept UTC+3 all year since 2014


def number(day: date) -> int:
    """The day's number."""
    return (day - EPOCH).days


def from_number(n: int) -> date:
    """The date of a day number."""
    return EPOCH + timedelta(days=n)


def monday(n: int) -> int:
    """The number of the Monday of day n's week."""
    return n - n % 7


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants that open start and close end (both Moscow days included)."""
    return (
        datetime.combine(start, time(), REPORT_ZONE),
        datetime.combine(end + timedelta(days=1), time(), REPORT_ZONE),
    )


def of_date(column: Any, dialect: str) -> ColumnElement[int]:
    """A DATE column (or expression) as a day number."""
    if dialect == "postgresql":
        return cast(column - literal(EPOCH, Date), Integer)
    return cast(func.julianday(column) - _EPOCH_JULIAN, Integer)


def local_date(column: Any, dialect: str) -> ColumnElement[Any]:
    """A UTC timestamp column as its Moscow calendar date (a DATE; ISO text on SQLite)."""
    if dialect == "postgresql":
        return cast(func.timezone(text(f"'{DEFAULT_ZONE}'"), column), Date)
    # SQLite has no zone database; Moscow's offset is fixed.
    return func.date(column, "+3 hours")


def of_instant(column: Any, dialect: str) -> ColumnElement[int]:
    """A UTC timestamp column as the number of its Moscow calendar day."""
    if dialect == "postgresql":
        # Arithmetic on the Unix time (UTC+3, as on SQLite): a third cheaper per row than a
        # zone conversion, which counts over millions of messages.
        seconds = func.date_part("epoch", column) + MOSCOW_OFFSET
        return cast(func.floor(seconds / 86400), Integer) - _EPOCH_UNIX_DAY
    return of_date(local_date(column, dialect), dialect)


def greatest(dialect: str, *values: Any) -> ColumnElement[int]:
    """The largest of the values (GREATEST on PostgreSQL, MAX(a, b, ...) on SQLite)."""
    return func.greatest(*values) if dialect == "postgresql" else func.max(*values)


def least(dialect: str, *values: Any) -> ColumnElement[int]:
    """The smallest of the values."""
    return func.least(*values) if dialect == "postgresql" else func.min(*values)


def weekdays_between(low: Any, high: Any, weekdays: tuple[int, ...]) -> ColumnElement[int]:
    """How many days n with low <= n < high fall on the given weekdays (0 = Monday); 0 when
    high <= low. Day numbers are positive, so integer division truncates as floor would."""
    total: ColumnElement[int] = literal(0)
    for w in weekdays:
        # days d = w (mod 7) below x: (x - 1 - w) // 7 + 1 for x > w
        total = total + ((high - 1 - w + 7) // 7 - (low - 1 - w + 7) // 7)
    return total
