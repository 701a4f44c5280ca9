from datetime import UTC, date, datetime, timedelta

import pytest

from text4baby_ru.content import library
from text4baby_ru.delivery.journey import journey_for
from text4baby_ru.resources import data_dir

ENROLLED = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def shipped() -> library.Library:
    return library.load(data_dir("message_library"))


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_woman_enrolling_at_week_four_gets_three_tips_a_week_to_the_first_birthday(
    shipped: library.Library, language: str
) -> None:
    due = ENROLLED.date() + timedelta(days=280 - 4 * 7)  # week 4 today
    items = journey_for(
        shipped,
        due_date=due,
        birth_date=None,
        language=language,
        enrolled_at=ENROLLED,
        send_weekdays=(0, 2, 4),
        send_hour=10,
        timezone="Europe/Moscow",
    )
    weeks = (items[-1].date - items[0].date).days / 7
    assert items[0].track == "pregnancy" and items[0].week == 4
    assert items[-1].track == "baby" and items[-1].week == 52
    assert len(items) >= 3 * int(weeks)
    assert len({i.key for i in items}) == len(items)  # nothing twice
    assert {i.date.weekday() for i in items} == {0, 2, 4}
    assert all(i.text and "{{" not in i.text for i in items)


def test_a_screening_reminder_arrives_before_the_screening_window_closes(
    shipped: library.Library,
) -> None:
    due = date(2027, 7, 1)
    items = journey_for(
        shipped,
        due_date=due,
        birth_date=None,
        language="ru",
        enrolled_at=ENROLLED,
        send_weekdays=(0, 2, 4),
        send_hour=10,
        timezone="Europe/Moscow",
    )
    by_key = shipped.by_key()
    for item in items:
        window = by_key[item.key].window
        if window:
            assert item.week <= window.last, item.key


def test_a_baby_born_last_month_starts_on_the_baby_track(shipped: library.Library) -> None:
    items = journey_for(
        shipped,
        due_date=None,
        birth_date=ENROLLED.date() - timedelta(days=30),
        language="en",
        enrolled_at=ENROLLED,
        send_weekdays=(0, 2, 4),
        send_hour=10,
        timezone="Europe/Moscow",
    )
    assert items[0].track == "baby" and items[0].week == 4
