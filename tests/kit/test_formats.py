from datetime import UTC, date, datetime

from text4baby_ru.kit.formats import NBSP, count_of, day, moment, money, number


def test_russian_numbers_have_a_decimal_comma_and_spaced_thousands() -> None:
    assert number(7500, "ru") == f"7{NBSP}500"
    assert number(2.5, "ru", 2) == "2,50"
    assert number(1234567.891, "ru", 2) == f"1{NBSP}234{NBSP}567,89"
    assert number(7500, "en") == "7,500"


def test_money_reads_as_roubles() -> None:
    assert money(12.5, "ru") == f"12,50{NBSP}руб."
    assert money(12.5, "en") == f"12.50{NBSP}RUB"


def test_counts_take_the_russian_plural() -> None:
    forms = ("получатель", "получателя", "получателей")
    assert count_of(3, "ru", forms, ("recipient", "recipients")) == f"3{NBSP}получателя"
    assert count_of(5, "ru", forms, ("recipient", "recipients")) == f"5{NBSP}получателей"
    assert count_of(21, "ru", forms, ("recipient", "recipients")) == f"21{NBSP}получатель"
    assert count_of(1, "en", forms, ("recipient", "recipients")) == f"1{NBSP}recipient"


def test_dates_and_times_as_a_russian_writes_them_in_a_named_zone() -> None:
    assert day(date(2026, 11, 30), "ru") == "30.11.2026"
    at = datetime(2026, 11, 30, 11, 5, tzinfo=UTC)
    assert moment(at, "ru") == "30.11.2026 14:05 (Москва)"
    assert moment(at, "ru", "Asia/Yekaterinburg") == "30.11.2026 16:05 (Екатеринбург)"
    assert moment(at, "en") == "30 Nov 2026 14:05 (Moscow)"
    assert moment(None, "ru") == "—"
