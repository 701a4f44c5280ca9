"""Numbers, money, dates and times as a reader of the page's language writes them: in Russian a
decimal comma, a space between thousands, "12,50 руб.", 30.11.2026 and the zone named."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from text4baby_ru.clock import DEFAULT_ZONE
from text4baby_ru.kit.plurals import plural

NBSP = "\u00a0"  # keeps "1 000" and "12,50 руб." on one line
# The eleven zones of Russia by the city a Russian reader knows them by (ru, en).
ZONES: tuple[tuple[str, str, str], ...] = (
    ("Europe/Kaliningrad", "Калининград", "Kaliningrad"),
    ("Europe/Moscow", "Москва", "Moscow"),
    ("Europe/Samara", "Самара", "Samara"),
    ("Asia/Yekaterinburg", "Екатеринбург", "Yekaterinburg"),
    ("Asia/Omsk", "Омск", "Omsk"),
    ("Asia/Krasnoyarsk", "Красноярск", "Krasnoyarsk"),
    ("Asia/Irkutsk", "Иркутск", "Irkutsk"),
    ("Asia/Yakutsk", "Якутск", "Yakutsk"),
    ("Asia/Vladivostok", "Владивосток", "Vladivostok"),
    ("Asia/Magadan", "Магадан", "Magadan"),
    ("Asia/Kamchatka", "Петропавловск-Камчатский", "Petropavlovsk-Kamchatsky"),
)


def number(value: float, language: str, decimals: int = 0) -> str:
    """1 000 / 2,50 in Russian; 1,000 / 2.50 in English."""
    text = f"{value:,.{decimals}f}"
    if language != "ru":
        return text
    return text.replace(",", NBSP).replace(".", ",")


def money(value: float, language: str) -> str:
    """12,50 руб. in Russian; 12.50 RUB in English."""
    amount = number(value, language, 2)
    return f"{amount}{NBSP}руб." if language == "ru" else f"{amount}{NBSP}RUB"


def percent(share: float, language: str, decimals: int = 1) -> str:
    """A share (0 to 1) as a percentage: 92,9 % in Russian, 92.9 % in English."""
    return f"{number(share * 100, language, decimals)}{NBSP}%"


def count_of(n: int, language: str, ru: tuple[str, str, str], en: tuple[str, str]) -> str:
    """A number with its noun in the right form: 3 получателя, 1 recipient."""
    forms = ru if language == "ru" else en
    return f"{number(n, language)}{NBSP}{plural(n, *forms)}"


def day(value: date | None, language: str) -> str:
    """30.11.2026 in Russian; 30 Nov 2026 in English; a dash for none."""
    if value is None:
        return "—"
    return value.strftime("%d.%m.%Y") if language == "ru" else value.strftime("%d %b %Y")


def parse_day(text: str) -> date:
    """A date typed as 30.11.2026 (or 30/11/2026) or 2026-11-30; ValueError otherwise."""
    text = text.strip()
    for mark in (".", "/"):
        parts = text.split(mark)
        if len(parts) == 3 and len(parts[2]) == 4:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
    return date.fromisoformat(text)


def zone_name(zone: str, language: str) -> str:
    """The zone by its city (Москва), or the zone's own name when it is not a Russian one."""
    for name, ru, en in ZONES:
        if name == zone:
            return ru if language == "ru" else en
    return zone


def moment(value: datetime | None, language: str, zone: str = DEFAULT_ZONE) -> str:
    """A stored UTC time in a zone, labelled: 30.11.2026 14:05 (Москва)."""
    if value is None:
        return "—"
    local = value.astimezone(ZoneInfo(zone))
    shown = local.strftime("%d.%m.%Y %H:%M" if language == "ru" else "%d %b %Y %H:%M")
    return f"{shown} ({zone_name(zone, language)})"


def clock(value: datetime, zone: str = DEFAULT_ZONE) -> str:
    """The time of day of a stored UTC time in a zone, hours and minutes: 04:30."""
    return value.astimezone(ZoneInfo(zone)).strftime("%H:%M")
