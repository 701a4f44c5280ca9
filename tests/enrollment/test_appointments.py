"""Reading an appointment and fixing the instants of its reminders: pure, no database."""

from datetime import UTC, date, datetime, time

import pytest

from text4baby_ru.enrollment.appointments import Visit, VisitError, describe, read_visit
from text4baby_ru.enrollment.reminders import instants

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.12", Visit(date(2026, 12, 12))),
        ("12.12 14:30", Visit(date(2026, 12, 12), time(14, 30))),
        ("12.12.2026 в 9:05", Visit(date(2026, 12, 12), time(9, 5))),
        ("12 декабря 14.30", Visit(date(2026, 12, 12), time(14, 30))),
        ("12 декабря 10ч", Visit(date(2026, 12, 12), time(10))),
        ("Dec 12", Visit(date(2026, 12, 12))),
        ("dec 12 at 08-15", Visit(date(2026, 12, 12), time(8, 15))),
        ("2027-01-15 11:00", Visit(date(2027, 1, 15), time(11))),
        ("15.01", Visit(date(2027, 1, 15))),  # no year: the next such day
        ("27.11", Visit(TODAY)),  # today is not in the past
    ],
)
def test_the_date_forms_of_enrollment_and_a_time_are_read(text: str, expected: Visit) -> None:
    assert read_visit(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", VisitError.NOT_UNDERSTOOD),
        ("завтра", VisitError.NOT_UNDERSTOOD),
        ("20 недель", VisitError.NOT_UNDERSTOOD),
        ("12.12 25:00", VisitError.NOT_UNDERSTOOD),
        ("31.02.2027", VisitError.NOT_UNDERSTOOD),  # no such day
        ("20.11.2026", VisitError.PAST),
        ("01.12.2027", VisitError.TOO_FAR),
    ],
)
def test_a_bad_date_gets_its_reason(text: str, error: VisitError) -> None:
    assert read_visit(text, today=TODAY) is error


def test_the_appointment_is_written_as_a_russian_or_an_english_reader_writes_it() -> None:
    visit = Visit(date(2026, 12, 2), time(14, 30))
    assert describe(visit, "ru") == "2 декабря в 14:30"
    assert describe(visit, "en") == "2 December at 14:30"
    assert describe(Visit(date(2027, 5, 1)), "ru") == "1 мая"


NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "evening_utc"),
    [
        ("Asia/Vladivostok", datetime(2026, 12, 1, 8, 0, tzinfo=UTC)),  # 18:00 at UTC+10
        ("Europe/Moscow", datetime(2026, 12, 1, 15, 0, tzinfo=UTC)),  # 18:00 at UTC+3
        ("Europe/Kaliningrad", datetime(2026, 12, 1, 16, 0, tzinfo=UTC)),  # 18:00 at UTC+2
    ],
)
def test_the_evening_reminder_is_at_18_00_her_time_the_day_before(
    zone: str, evening_utc: datetime
) -> None:
    when = instants(Visit(date(2026, 12, 2)), timezone=zone, now=NOW)
    assert when.evening_at == evening_utc
    assert when.morning_at is None  # no time given: no text that day


@pytest.mark.parametrize(
    ("at", "morning_local"),
    [
        (time(14, 30), time(12, 30)),  # two hours before
        (time(10, 0), time(9, 0)),  # two hours before is inside the night: 09:00
        (time(9, 30), time(9, 0)),
        (time(8, 30), None),  # before 09:00: the evening text only
    ],
)
def test_the_day_reminder_is_two_hours_before_but_not_before_nine(
    at: time, morning_local: time | None
) -> None:
    when = instants(Visit(date(2026, 12, 2), at), timezone="Europe/Moscow", now=NOW)
    if morning_local is None:
        assert when.morning_at is None
    else:
        assert when.morning_at == datetime.combine(date(2026, 12, 2), morning_local).replace(
            tzinfo=UTC
        ) - (datetime(2026, 1, 1, 3) - datetime(2026, 1, 1, 0))


def test_asked_after_the_evening_before_only_the_day_text_is_left() -> None:
    late = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 20:00 in Moscow on the evening before
    when = instants(Visit(date(2026, 12, 2), time(14, 30)), timezone="Europe/Moscow", now=late)
    assert when.evening_at is None
    assert when.morning_at == datetime(2026, 12, 2, 9, 30, tzinfo=UTC)  # 12:30 in Moscow
