"""Numbers, money and dates as the page's reader writes them."""

from __future__ import annotations

from datetime import date

import pytest

from text4baby_ru.kit.formats import day, money, number, parse_day, percent


def test_russian_groups_thousands_with_a_space_and_uses_a_decimal_comma() -> None:
    assert number(1234567, "ru") == "1\u00a0234\u00a0567"
    assert number(1234.5, "ru", 1) == "1\u00a0234,5"
    assert number(1234.5, "en", 1) == "1,234.5"
    assert number(7, "ru") == "7"


def test_money_reads_12_50_roubles_in_russian() -> None:
    assert money(12.5, "ru") == "12,50\u00a0руб."
    assert money(7500, "ru") == "7\u00a0500,00\u00a0руб."
    assert money(12.5, "en") == "12.50\u00a0RUB"


def test_a_share_is_a_percentage_with_a_comma() -> None:
    assert percent(0.929, "ru") == "92,9\u00a0%"
    assert percent(1.0, "en", 0) == "100\u00a0%"


def test_dates_read_30_11_2026_in_russian() -> None:
    assert day(date(2026, 11, 30), "ru") == "30.11.2026"
    assert day(date(2026, 3, 1), "ru") == "01.03.2026"
    assert day(date(2026, 11, 30), "en") == "30 Nov 2026"


@pytest.mark.parametrize("typed", ["30.11.2026", " 30.11.2026 ", "30/11/2026", "2026-11-30"])
def test_a_date_is_read_as_a_russian_or_iso_writer_types_it(typed: str) -> None:
    assert parse_day(typed) == date(2026, 11, 30)


@pytest.mark.parametrize("typed", ["hello", "31.02.2026", "30.11.26", ""])
def test_a_date_that_is_not_one_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_day(typed)
