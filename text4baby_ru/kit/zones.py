"""The time zones the product accepts: IANA names from the system's zone database, checked
against that list before anything opens a file by the name."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones


@cache
def supported_zones() -> frozenset[str]:
    """Every IANA zone name the system knows ("Europe/Moscow", "Asia/Vladivostok", ...)."""
    return frozenset(available_timezones())


def check_zone(name: str) -> str:
    """The name if it is a supported IANA zone; ValueError with the reason otherwise."""
    if name not in supported_zones():
        shown = name if len(name) <= 64 else name[:64] + "..."
        raise ValueError(f"{shown!r} is not an IANA time zone such as Europe/Moscow")
    return name
