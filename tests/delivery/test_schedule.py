from datetime import UTC, date, datetime

import pytest

from text4baby_ru.delivery.schedule import send_days
from text4baby_ru.enrollment.stage import Position, position_on


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 7, 24), Position("pregnancy", 0)),  # due - 280 days
        (date(2026, 9, 20), Position("pregnancy", 8)),
        (date(2027, 4, 30), Position("pregnancy", 40)),  # the due date itself
        (date(2027, 5, 13), Position("pregnancy", 41)),  # 41+6
        (date(2027, 5, 14), Position("baby", 2)),  # 42+0: baby track counted from the due date
        (date(2028, 4, 28), Position("baby", 52)),
        (date(2028, 5, 5), None),  # past the first birthday
    ],
)
def test_position_counts_completed_weeks_from_the_due_date(
    day: date, expected: Position | None
) -> None:
    assert position_on(day, due_date=date(2027, 4, 30), birth_date=None) == expected


def test_a_birth_date_re_anchors_the_baby_track() -> None:
    assert position_on(
        date(2027, 4, 30), due_date=date(2027, 4, 30), birth_date=date(2027, 4, 16)
    ) == Position("baby", 2)


def test_tips_fall_on_monday_wednesday_friday_at_ten_local_time() -> None:
    start = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # Monday 09:00 in Moscow
    days = list(
        send_days(start, date(2026, 12, 6), weekdays=(0, 2, 4), hour=10, timezone="Europe/Moscow")
    )
    assert [(d.day.isoformat(), d.slot) for d in days] == [
        ("2026-11-30", 1),
        ("2026-12-02", 2),
        ("2026-12-04", 3),
    ]
    assert days[0].due_at == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def test_vladivostok_gets_its_tip_at_ten_its_own_time() -> None:
    start = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    first = next(
        send_days(
            start, date(2026, 12, 6), weekdays=(0, 2, 4), hour=10, timezone="Asia/Vladivostok"
        )
    )
    assert first.day == date(2026, 11, 30)
    assert first.due_at == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # 10:00 at UTC+10


def test_an_instant_already_past_today_is_not_a_send_day() -> None:
    start = datetime(
        2026, 11, 30, 8, 0, tzinfo=UTC
    )  # Monday 11:00 Moscow: today's tip time is past
    first = next(
        send_days(start, date(2026, 12, 6), weekdays=(0, 2, 4), hour=10, timezone="Europe/Moscow")
    )
    assert first.day == date(2026, 12, 2)
