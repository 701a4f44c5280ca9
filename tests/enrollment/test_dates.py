from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from text4baby_ru.enrollment.dates import DateError, Stage, classify, read

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    "text",
    [
        "15.03.2027",
        "15.03.27",
        "15/03/2027",
        "15-03-2027",
        "2027-03-15",
        "15.3",
        "15 марта 2027",
        "15 марта",
        "15 март",
        "15 МАРТА 2027 г.",
        "15-го марта",
        "March 15, 2027",
        "15 March",
        "15 mar 2027",
        "mar 15",
        "ПДР 15.03.2027",
        "пдр: 15.03.27",
        "срок 15.03.2027",
        "due 15/03/2027",
        "my due date is 15.03.2027",
    ],
)
def test_every_common_form_of_a_due_date_is_understood(text: str) -> None:
    assert classify(text, today=TODAY, birth_word=False).day == date(2027, 3, 15)


@pytest.mark.parametrize("month", ["мая", "май", "маю", "мае"])
def test_russian_month_names_in_any_grammatical_form(month: str) -> None:
    assert read(f"1 {month} 2027", today=TODAY).day == date(2027, 5, 1)


@pytest.mark.parametrize(
    "text",
    [
        "20 недель",
        "срок 20 недель",
        "20 нед",
        "20-я неделя",
        "I'm 20 weeks",
        "20 weeks pregnant",
        "20w",
    ],
)
def test_a_pregnancy_week_gives_a_due_date(text: str) -> None:
    dated = classify(text, today=TODAY, birth_word=False)
    assert dated.stage is Stage.PREGNANCY
    assert dated.day == TODAY + timedelta(weeks=20)  # today + (40 - 20) weeks


def test_no_year_means_the_next_such_day_for_a_due_date_and_the_last_for_a_birth() -> None:
    assert classify("15.3", today=TODAY, birth_word=False).day == date(2027, 3, 15)
    assert classify("15.3", today=TODAY, birth_word=True).day == date(2026, 3, 15)


def test_a_two_digit_year_is_this_century_not_the_next() -> None:
    # dateparser reads 01/11/26 as 2126; we read it as 1 November 2026
    assert read("01/11/26", today=TODAY).day == date(2026, 11, 1)


@pytest.mark.parametrize(
    ("text", "birth", "stage"),
    [
        ("15.03.2027", False, Stage.PREGNANCY),
        (f"{(TODAY + timedelta(weeks=37)):%d.%m.%Y}", False, Stage.PREGNANCY),
        ("20.11.2026", False, Stage.ASK_IF_BORN),  # a week ago: she may be overdue
        ("01.11.2026", False, Stage.BABY),  # more than two weeks ago
        ("20.11.2026", True, Stage.BABY),  # with a birth word
        ("27.11.2026", True, Stage.BABY),
    ],
)
def test_a_date_decides_the_track(text: str, birth: bool, stage: Stage) -> None:
    assert classify(text, today=TODAY, birth_word=birth).stage is stage


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("31.02.2027", DateError.NO_SUCH_DATE),  # no such day
        ("15.13.2027", DateError.NO_SUCH_DATE),
        ("31 июня", DateError.NO_SUCH_DATE),
        ("15.03.2025", DateError.OUT_OF_RANGE),  # long ago
        (f"{(TODAY + timedelta(weeks=38)):%d.%m.%Y}", DateError.OUT_OF_RANGE),  # too far ahead
        ("15.03.2028", DateError.OUT_OF_RANGE),
        ("50 недель", DateError.OUT_OF_RANGE),
        ("привет", DateError.NOT_UNDERSTOOD),
        ("когда-нибудь весной", DateError.NOT_UNDERSTOOD),
    ],
)
def test_impossible_or_out_of_range_dates_are_refused(text: str, error: DateError) -> None:
    dated = classify(text, today=TODAY, birth_word=False)
    assert dated.stage is None and dated.error is error


def test_a_birth_date_in_the_future_is_refused() -> None:
    assert classify("15.12.2026", today=TODAY, birth_word=True).error is DateError.OUT_OF_RANGE


@given(st.text(max_size=80), st.booleans())
def test_no_text_crashes_the_date_reader(text: str, birth: bool) -> None:
    dated = classify(text, today=TODAY, birth_word=birth)
    assert (dated.stage is None) == (dated.error is not None)
