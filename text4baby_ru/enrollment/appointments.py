"""Reading an appointment she wants a reminder for ("12.12 14:30", "Dec 12"): pure functions."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from text4baby_ru.enrollment.dates import read, resolve_year
from text4baby_ru.enrollment.text import fold

MAX_AHEAD = timedelta(days=365)  # further ahead, a reminder by SMS is more likely a typo
MAX_PENDING = 3  # reminders she may have waiting at once
CANCEL_WORDS = {"отмена", "отменить", "отменяю", "cancel"}
# A time after the date (folded: "14:30" arrives as "14 30"), also 14.30, 14-30, 9ч, 9 ч 30;
# "в" or "at" may come before it.
_TIME = re.compile(r"(?:^|\s)(?:в\s+|at\s+)?(\d{1,2})(?:[\s.-](\d{2})|\s*ч(?:\s*(\d{2}))?)$")
_MONTHS_RU = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class VisitError(enum.StrEnum):
    """Why a text gave no usable appointment."""

    NOT_UNDERSTOOD = "not_understood"
    PAST = "past"
    TOO_FAR = "too_far"


@dataclass(frozen=True)
class Visit:
    """An appointment on a local day, at a local time when she gave one."""

    day: date
    at: time | None = None


def _split_time(text: str) -> tuple[str, time | None] | None:
    """The text without its trailing time, and the time; None for an impossible time."""
    m = _TIME.search(text)
    if m is None:
        return text, None
    head = text[: m.start()].strip()
    if not head:  # "12.12" alone is a date, not a time
        return text, None
    hour, minute = int(m.group(1)), int(m.group(2) or m.group(3) or 0)
    if hour > 23 or minute > 59:
        return None
    return head, time(hour, minute)


def read_visit(text: str, *, today: date) -> Visit | VisitError:
    """The appointment in text (a date in the forms enrollment reads, then an optional time);
    without a year, the next such day."""
    folded = fold(text.replace(",", " "))
    split = _split_time(folded)
    if split is None:
        return VisitError.NOT_UNDERSTOOD
    head, at = split
    found = read(head, today=today)
    if found.from_weeks or found.day is None:
        return VisitError.NOT_UNDERSTOOD
    day = resolve_year(found, today=today, birth=False)
    if day is None or day < today:
        return VisitError.PAST
    if day - today > MAX_AHEAD:
        return VisitError.TOO_FAR
    return Visit(day, at)


def describe(visit: Visit, language: str) -> str:
    """The appointment as she would write it: "12 декабря в 14:30", "12 December at 14:30"."""
    if language == "ru":
        text = f"{visit.day.day} {_MONTHS_RU[visit.day.month - 1]}"
        return f"{text} в {visit.at:%H:%M}" if visit.at else text
    text = f"{visit.day.day} {_MONTHS_EN[visit.day.month - 1]}"
    return f"{text} at {visit.at:%H:%M}" if visit.at else text
