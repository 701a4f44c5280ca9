import pytest

from text4baby_ru.enrollment.cities import find


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Москва", "Europe/Moscow"),
        ("г. Москва", "Europe/Moscow"),
        ("moskva", "Europe/Moscow"),
        ("в Москве", "Europe/Moscow"),
        ("Калининград", "Europe/Kaliningrad"),
        ("Самара", "Europe/Samara"),
        ("Екатеринбург", "Asia/Yekaterinburg"),
        ("Yekaterinburg", "Asia/Yekaterinburg"),
        ("Омск", "Asia/Omsk"),
        ("из Новосибирска", "Asia/Novosibirsk"),
        ("Красноярский край", "Asia/Krasnoyarsk"),
        ("Иркутск", "Asia/Irkutsk"),
        ("республика Саха (Якутия)", "Asia/Yakutsk"),
        ("Владивосток", "Asia/Vladivostok"),
        ("Магадан", "Asia/Magadan"),
        ("Petropavlovsk-Kamchatsky", "Asia/Kamchatka"),
        ("Чукотка", "Asia/Anadyr"),
        ("СПб", "Europe/Moscow"),
        ("Ростов на Дону", "Europe/Moscow"),
    ],
)
def test_cities_and_regions_map_to_their_zone_in_either_alphabet(text: str, zone: str) -> None:
    place = find(text)
    assert place is not None and place.zone == zone


def test_all_eleven_russian_offsets_are_reachable() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from text4baby_ru.enrollment.cities import _PLACES

    offsets = {datetime(2026, 1, 15, tzinfo=ZoneInfo(z)).utcoffset() for z in _PLACES}
    assert len(offsets) == 11


@pytest.mark.parametrize("text", ["привет", "да", "Нью-Йорк", "15.03.2027", "мне плохо"])
def test_other_text_is_not_a_place(text: str) -> None:
    assert find(text) is None
