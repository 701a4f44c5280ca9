"""Reading a due date, a birth date or a week of pregnancy from what she typed: pure functions."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta

from text4baby_ru.enrollment.text import fold

MAX_DUE_AHEAD = timedelta(weeks=37)  # further ahead, no pregnancy could be known yet
OVERDUE_QUESTION = timedelta(days=14)  # a date this recent may be an overdue due date
BABY_TRACK_DAYS = 365  # the baby track ends at the first birthday

_MONTHS = [
    ("январ", "jan"),
    ("феврал", "feb"),
    ("март", "mar"),
    ("апрел", "apr"),
    ("ма", "may"),
    ("июн", "jun"),
    ("июл", "jul"),
    ("август", "aug"),
    ("сентябр", "sep"),
    ("октябр", "oct"),
    ("ноябр", "nov"),
    ("декабр", "dec"),
]
_RU_MONTH = re.compile(
    r"^(январ|феврал|март|апрел|ма[йяею]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-я]*$"
)
_EN_MONTH = re.compile(r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*$")
_PREFIXES = re.compile(
    r"^(?:(?:пдр|пдд|срок|дата|родов|родила|родился|родилась|рожд[а-я]*|мой|у меня|мне|"
    r"предполагаемая|due|date|my|is|on|i am|im|i m|born|baby|was|it s|its|г|год[а]?|числа)\s+)+"
)
_WEEKS = re.compile(
    r"^(?:срок\s+|i am\s+|im\s+|i m\s+|at\s+)?(\d{1,2})\s*(?:-?\s*(?:я|й|ая))?\s*"
    r"(?:недел[а-я]*|нед|н|weeks?|wks?|wk|w)(?:\s+(?:беременности|pregnant))?$"
)
_NUMERIC = re.compile(r"^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?(?:\s*г(?:ода?)?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_MONTH = re.compile(
    r"^(\d{1,2})(?:-?(?:е|го|st|nd|rd|th))?\s+([a-zа-я]+)\.?(?:\s+(\d{4}|\d{2}))?(?:\s*г(?:ода?)?)?$"
)
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:\s+(\d{4}))?$")


class DateError(enum.StrEnum):
    """Why a text gave no usable date."""

    NOT_UNDERSTOOD = "not_understood"
    OUT_OF_RANGE = "out_of_range"
    NO_SUCH_DATE = "no_such_date"  # a calendar date that does not exist: 31.02, 15.13


@dataclass(frozen=True)
class DateText:
    """A date read from a text, and whether it came as a week of pregnancy."""

    day: date | None
    from_weeks: bool = False
    year_given: bool = True
    impossible: bool = False
    nonexistent: bool = False  # day and month given, but no calendar has them (15.13, 31.02)


def _month(word: str) -> int | None:
    if _RU_MONTH.match(word):
        stem = _RU_MONTH.match(word).group(1)  # type: ignore[union-attr]
        return next(i for i, (ru, _) in enumerate(_MONTHS, 1) if stem.startswith(ru))
    if _EN_MONTH.match(word):
        return next(i for i, (_, en) in enumerate(_MONTHS, 1) if word.startswith(en))
    return None


def _year(raw: str | None) -> int | None:
    if raw is None:
        return None
    value = int(raw)
    return 2000 + value if value < 100 else value


def _make(year: int | None, month: int | None, day: int) -> DateText:
    if month is None:
        return DateText(None)
    try:
        return DateText(date(year or 2000, month, day), year_given=year is not None)
    except ValueError:
        # 29.02 without a year may still exist in the year it resolves to.
        if year is None and month == 2 and day == 29:
            return DateText(date(2000, 2, 29), year_given=False)
        return DateText(None, impossible=True, nonexistent=True)


def read(text: str, *, today: date) -> DateText:
    """A date in the common forms people type: 15.03.2027, 15.3, 2027-03-15, 15 марта, 20 недель."""
    cleaned = _PREFIXES.sub("", fold(text).replace(",", " ")).strip()
    cleaned = " ".join(cleaned.split())
    if m := _WEEKS.match(cleaned):
        weeks = int(m.group(1))
        if not 1 <= weeks <= 42:
            return DateText(None, from_weeks=True, impossible=True)
        return DateText(today + timedelta(weeks=40 - weeks), from_weeks=True)
    if m := _ISO.match(cleaned):
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _NUMERIC.match(cleaned):
        return _make(_year(m.group(3)), int(m.group(2)), int(m.group(1)))
    if m := _DAY_MONTH.match(cleaned):
        return _make(_year(m.group(3)), _month(m.group(2)), int(m.group(1)))
    if m := _MONTH_DAY.match(cleaned):
        return _make(_year(m.group(3)), _month(m.group(1)), int(m.group(2)))
    return DateText(None)


def resolve_year(found: DateText, *, today: date, birth: bool) -> date | None:
    """The date with its year: as given, else the next such day (a due date) or the last one
    (a birth date)."""
    if found.day is None:
        return None
    if found.year_given or found.from_weeks:
        return found.day
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidate = found.day.replace(year=year)
        except ValueError:
            continue
        if birth and candidate <= today and today - candidate < timedelta(days=366):
            return candidate
        if not birth and candidate >= today:
            return candidate
    return None


class Stage(enum.StrEnum):
    """What a date means for her enrollment."""

    PREGNANCY = "pregnancy"
    BABY = "baby"
    ASK_IF_BORN = "ask_if_born"


@dataclass(frozen=True)
class Dated:
    """The outcome of reading a date: a track and its anchor, a question, or an error."""

    stage: Stage | None
    day: date | None = None
    error: DateError | None = None


def classify(text: str, *, today: date, birth_word: bool) -> Dated:
    """Turn the date in text into a track: future (up to 37 weeks) = pregnancy; a birth word or a
    date 2 weeks to 12 months ago = baby; the last 2 weeks without a birth word = a question."""
    found = read(text, today=today)
    if found.nonexistent:
        return Dated(None, error=DateError.NO_SUCH_DATE)
    if found.impossible:
        return Dated(None, error=DateError.OUT_OF_RANGE)
    day = resolve_year(found, today=today, birth=birth_word)
    if day is None:
        error = DateError.OUT_OF_RANGE if found.day else DateError.NOT_UNDERSTOOD
        return Dated(None, error=error)
    age = (today - day).days
    if birth_word:
        if 0 <= age < BABY_TRACK_DAYS:
            return Dated(Stage.BABY, day)
        return Dated(None, error=DateError.OUT_OF_RANGE)
    if age <= 0:
        if -age <= MAX_DUE_AHEAD.days:
            return Dated(Stage.PREGNANCY, day)
        return Dated(None, error=DateError.OUT_OF_RANGE)
    if age <= OVERDUE_QUESTION.days:
        return Dated(Stage.ASK_IF_BORN, day)
    if age < BABY_TRACK_DAYS:
        return Dated(Stage.BABY, day)
    return Dated(None, error=DateError.OUT_OF_RANGE)
