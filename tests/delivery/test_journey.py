from datetime import UTC, date, datetime, timedelta

import pytest

from text4baby_ru.content import library
from text4baby_ru.delivery import newborn
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
    timed = [(item, by_key[item.key].window) for item in items if by_key[item.key].window]
    screenings = {w.event for _, w in timed if w and "screening" in w.event}
    assert len(timed) >= 5 and screenings  # the checks below run on real reminders
    # Her week on the day the text reaches her, counted here from her due date (not the tip's
    # own week, which says nothing of when it went): the window is still open. The newborn
    # essentials are the exception by design: with no birth reported they come at 42+0.
    anchor = {"pregnancy": due - timedelta(days=280), "baby": due}
    checked = 0
    for item, window in timed:
        assert window is not None
        if item.track == "baby" and item.week in newborn.ESSENTIAL_WEEKS:
            continue
        week_on_arrival = (item.date - anchor[item.track]).days // 7
        assert week_on_arrival <= window.last, (item.key, item.date, window)
        checked += 1
    assert checked >= 5


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
    # At 4 weeks she is still owed the newborn essentials: they come first, two a send day.
    assert [i.key for i in items[:6]] == [f"baby.w0{w}.{s}" for w in (0, 1) for s in (1, 2, 3)]
    assert items[6].track == "baby" and items[6].week == 5
    assert len({i.date for i in items[:6]}) == 3


def journey_of(shipped: library.Library, **dates: date | None) -> list[str]:
    return [
        item.key
        for item in journey_for(
            shipped,
            language="ru",
            enrolled_at=ENROLLED,
            send_weekdays=(0, 2, 4),
            send_hour=10,
            timezone="Europe/Moscow",
            **{"due_date": None, "birth_date": None, **dates},
        )
    ]


def test_a_woman_who_never_reports_the_birth_gets_the_newborn_essentials_first(
    shipped: library.Library,
) -> None:
    keys = journey_of(shipped, due_date=date(2027, 3, 15))
    first_baby = next(i for i, key in enumerate(keys) if key.startswith("baby."))
    assert keys[first_baby - 1] == "pregnancy.w41.3"
    essentials = [f"baby.w0{w}.{s}" for w in (0, 1) for s in (1, 2, 3)]
    assert keys[first_baby : first_baby + 6] == essentials
    assert not any(key.startswith("baby.w02.") for key in keys)  # their days carried these
    assert keys[-1] == "baby.w52.3"


def test_a_mother_who_reports_the_birth_in_time_gets_the_essentials_in_their_own_weeks(
    shipped: library.Library,
) -> None:
    keys = journey_of(shipped, birth_date=date(2026, 11, 29))  # a Sunday: week 0 starts Monday
    assert keys[:9] == [f"baby.w0{w}.{s}" for w in (0, 1, 2) for s in (1, 2, 3)]


def test_a_mother_who_joins_after_six_weeks_gets_no_newborn_tips(
    shipped: library.Library,
) -> None:
    keys = journey_of(shipped, birth_date=date(2026, 10, 12))  # 7 weeks old on 30.11
    assert keys[0] == "baby.w07.1" and not any(k.startswith("baby.w00") for k in keys)
