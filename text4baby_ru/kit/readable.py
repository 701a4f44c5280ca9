"""Numbers, money and dates as a reader of the page's language writes them: Russian "1 234,5",
"12,50 руб.", "30.11.2026"; English "1,234.5", "RUB 12.50", "30 Nov 2026"."""

from __future__ import annotations

from datetime import date

NBSP = "\u00a0"  # Russian thousands are grouped by a (non-breaking) space
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def number(value: float, language: str, decimals: int = 0) -> str:
    """value with grouped thousands and the language's decimal mark."""
    text = f"{value:,.{decimals}f}"
    if language == "ru":
        return text.replace(",", NBSP).replace(".", ",")
    return text


def money(roubles: float, language: str) -> str:
    """An amount in roubles with kopecks."""
    if language == "ru":
        return f"{number(roubles, language, 2)}{NBSP}руб."
    return f"RUB{NBSP}{number(roubles, language, 2)}"


def percent(share: float, language: str, decimals: int = 1) -> str:
    """A share (0 to 1) as a percentage."""
    return f"{number(share * 100, language, decimals)}{NBSP}%"


def day(value: date, language: str) -> str:
    """A calendar date: 30.11.2026 in Russian, 30 Nov 2026 in English."""
    if language == "ru":
        return value.strftime("%d.%m.%Y")
    return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"


def parse_day(text: str) -> date:
    """A date typed as 30.11.2026 (or 30/11/2026) or 2026-11-30; ValueError otherwise."""
    text = text.strip()
    for mark in (".", "/"):
        parts = text.split(mark)
        if len(parts) == 3 and len(parts[2]) == 4:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
    return date.fromisoformat(text)
