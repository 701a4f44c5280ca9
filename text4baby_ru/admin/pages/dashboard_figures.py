"""The dashboard's headline figures for a period, each from the metrics function behind its API
route (summary, timeseries, distribution; dose and behind as the API serves them, stored by the
scheduler's pass with the instant they were counted), so the page and the API agree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from text4baby_ru.admin.pages.dashboard_words import definition, names, words
from text4baby_ru.admin.pages.labels import as_of
from text4baby_ru.kit import formats
from text4baby_ru.kit.plurals import plural
from text4baby_ru.metrics.distribution import distribution
from text4baby_ru.metrics.summary import summary
from text4baby_ru.metrics.timeseries import Range, timeseries


@dataclass(frozen=True)
class Card:
    """One headline figure: its name, the figure, a line under it, and its definition."""

    key: str
    title: str
    value: str
    note: str
    definition: str

    def noted(self, more: str) -> Card:
        """The card with more said under the figure."""
        note = f"{self.note} · {more}" if self.note else more
        return Card(self.key, self.title, self.value, note, self.definition)


@dataclass(frozen=True)
class Period:
    """What the figures are computed from."""

    start: date
    end: date
    today: date
    segment_price: float


def women(n: int, language: str) -> str:
    """n women, the noun in its plural form."""
    if language == "ru":
        return f"{formats.number(n, language)} {plural(n, 'женщина', 'женщины', 'женщин')}"
    return f"{formats.number(n, language)} {plural(n, 'woman', 'women')}"


def _duration(seconds: float | None, language: str) -> str:
    if seconds is None:
        return "—"
    w = words(language)
    if seconds < 120:
        return f"{formats.number(seconds, language)}\u00a0{w['seconds']}"
    if seconds < 2 * 3600:
        return f"{formats.number(seconds / 60, language, 1)}\u00a0{w['minutes']}"
    return f"{formats.number(seconds / 3600, language, 1)}\u00a0{w['hours']}"


def latest_complete_cohort(cohorts: list[dict[str, Any]], today: date) -> dict[str, Any] | None:
    """The newest cohort whose week (Monday to Sunday) has ended before today."""
    done = [c for c in cohorts if date.fromisoformat(c["cohort"]) + timedelta(days=7) <= today]
    return done[-1] if done else None


Served = Callable[[str], dict[str, Any]]  # dose or behind as the API answers it, with as_of


def figures(session: Session, period: Period, served: Served) -> dict[str, Any]:
    """Every number the page shows at the top, before formatting."""
    totals = summary(
        session, start=period.start, end=period.end, segment_price=period.segment_price
    )
    joined = timeseries(
        session,
        metric="enrollments",
        where=Range(period.start, period.end, "day"),
        segment_price=period.segment_price,
    )
    active = distribution(session, metric="active_by_week", today=period.today)
    received, late = served("dose"), served("behind")
    return {
        "summary": totals,
        "enrollments": sum(
            p["value"] for s in joined["series"] if s["name"] in ("ru", "en") for p in s["points"]
        ),
        "active": {s["name"]: sum(p["value"] for p in s["points"]) for s in active["series"]},
        "cohort": latest_complete_cohort(received["cohorts"], period.today),
        "behind": late["total"],
        "as_of": {
            "dose": datetime.fromisoformat(received["as_of"]),
            "behind": datetime.fromisoformat(late["as_of"]),
        },
        # answers the charts would otherwise fetch again: (API path, its JSON)
        "answers": {"dose": received, "active_by_week": active, "enrollments": joined},
    }


def cards(numbers: dict[str, Any], language: str) -> list[Card]:
    """The headline cards in the order a programme manager reads them: what a phone shows
    first is the period's enrollments, delivery rate, cost and opt-outs."""
    w, n = words(language), names(language)
    fmt = formats.number
    totals = numbers["summary"]
    delivery, outcomes = totals["delivery"], totals["outcomes"]
    active = numbers["active"]
    cohort = numbers["cohort"]
    rate = delivery["rate"]

    def card(key: str, value: str, note: str = "", meaning: str | None = None) -> Card:
        return Card(key, w[key], value, note, definition(meaning or key, language))

    return [
        card("new_enrollments", women(numbers["enrollments"], language), meaning="enrollments"),
        card(
            "delivery_rate",
            formats.percent(rate, language) if rate is not None else "—",
            "" if rate is not None else w["no_final"],
        ),
        card(
            "segments_cost",
            formats.money(delivery["cost"], language),
            f"{fmt(delivery['segments'], language)} "
            + (
                plural(delivery["segments"], "сегмент", "сегмента", "сегментов")
                if language == "ru"
                else plural(delivery["segments"], "segment", "segments")
            ),
            "segments",
        ),
        card("optouts", women(outcomes["optouts"], language)),
        card(
            "active_now",
            women(active["pregnancy"] + active["baby"], language),
            f"{n['pregnancy']}: {fmt(active['pregnancy'], language)} · "
            f"{n['baby']}: {fmt(active['baby'], language)}",
            "active_by_week",
        ),
        card("median_to_deliver", _duration(delivery["median_seconds_to_deliver"], language)),
        card("losses", women(outcomes["losses"], language)),
        card("completions", women(outcomes["completions"], language)),
        card(
            "dose",
            formats.percent(cohort["ratio"], language, 0)
            if cohort and cohort["ratio"] is not None
            else "—",
            (
                f"{w['cohort']}: {formats.day(date.fromisoformat(cohort['cohort']), language)}"
                f" · {women(cohort['subscribers'], language)}"
            )
            if cohort
            else w["no_cohort"],
        ).noted(as_of(numbers["as_of"]["dose"], language)),
        card("behind", women(numbers["behind"], language)).noted(
            as_of(numbers["as_of"]["behind"], language)
        ),
    ]
