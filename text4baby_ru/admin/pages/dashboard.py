"""The dashboard: every role, aggregates only (never a phone number). The headline figures come
from the metrics functions behind the API (see dashboard_figures); the charts are drawn by the
page from the metrics API, and every CSV link on the page is the API's own CSV, so counts of 1
to 4 people are written <5 exactly as the API writes them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from text4baby_ru.admin.pages.dashboard_figures import Period, cards, figures
from text4baby_ru.admin.pages.dashboard_words import definition, names, words
from text4baby_ru.admin.pages.web import PageDep, PageReadDep
from text4baby_ru.deps import ANY_ROLE, ClockDep, RuntimeDep, SettingsDep
from text4baby_ru.kit import formats
from text4baby_ru.metrics.days import EPOCH, LAST_DAY, REPORT_ZONE
from text4baby_ru.metrics.timeseries import MAX_DAYS

router = APIRouter(prefix="/admin", include_in_schema=False)
API = "/api/v1/metrics"


def month_of(today: date) -> tuple[date, date]:
    """From the first of today's month to today."""
    return today.replace(day=1), today


def _range(start: str | None, end: str | None, today: date) -> tuple[date, date, str | None]:
    """The chosen dates (30.11.2026 or 2026-11-30), or this month and the word key of the
    problem to show instead of an error page."""
    try:
        high = formats.parse_day(end) if end else today
        low = formats.parse_day(start) if start else high.replace(day=1)
    except (ValueError, OverflowError):
        return (*month_of(today), "bad_dates")
    if not EPOCH <= low <= LAST_DAY or not EPOCH <= high <= LAST_DAY:  # 0001-01-01, 9999-12-31
        return (*month_of(today), "out_of_range")
    if low > high or (high - low).days + 1 > MAX_DAYS:
        return (*month_of(today), "bad_order")
    return low, high, None


def _presets(today: date) -> list[tuple[str, date, date]]:
    first = today.replace(day=1)
    before = first - timedelta(days=1)
    return [
        ("this_month", first, today),
        ("last_month", before.replace(day=1), before),
        ("last_28", today - timedelta(days=27), today),
    ]


def _charts(low: date, high: date, weekly: bool) -> list[dict[str, Any]]:
    """Each chart: its title word, how it is drawn, the API URL of its numbers, its CSV."""
    span = {"from": low.isoformat(), "to": high.isoformat()}
    interval = "week" if weekly else "day"

    def series(metric: str, every: str = interval) -> str:
        return f"{API}/timeseries?" + urlencode({"metric": metric, **span, "interval": every})

    def spread(metric: str) -> str:
        return f"{API}/distribution?metric={metric}"

    return [
        {"name": "enrollments_by_language", "kind": "lines", "url": series("enrollments"),
         "pick": "ru,en", "meaning": "enrollments", "daily": True},
        {"name": "enrollments_by_channel", "kind": "lines", "url": series("enrollments"),
         "pick": "sms,clinic,web", "meaning": "enrollments", "daily": True},
        {"name": "messages_over_time", "kind": "lines", "url": series("messages"),
         "pick": "", "meaning": "messages", "daily": True},
        {"name": "messages_by_status", "kind": "status", "url": f"{API}/summary?"
         + urlencode(span), "pick": "messages", "meaning": "messages", "daily": False},
        {"name": "subscribers_by_status", "kind": "status", "url": f"{API}/summary?"
         + urlencode(span), "pick": "subscribers", "meaning": "subscribers", "daily": False},
        {"name": "optouts_over_time", "kind": "lines", "url": series("optouts", "week"),
         "pick": "", "meaning": "optouts", "daily": True},
        {"name": "active_pregnancy", "kind": "weeks", "url": spread("active_by_week"),
         "pick": "pregnancy", "meaning": "active_by_week", "daily": False},
        {"name": "active_baby", "kind": "weeks", "url": spread("active_by_week"),
         "pick": "baby", "meaning": "active_by_week", "daily": False},
        {"name": "optouts_pregnancy", "kind": "weeks", "url": spread("optouts_by_week"),
         "pick": "pregnancy", "meaning": "optouts_by_week", "daily": False},
        {"name": "optouts_baby", "kind": "weeks", "url": spread("optouts_by_week"),
         "pick": "baby", "meaning": "optouts_by_week", "daily": False},
        {"name": "dose_by_cohort", "kind": "dose", "url": f"{API}/dose?", "pick": "",
         "meaning": "dose", "daily": False},
    ]  # fmt: skip


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    page: PageDep,
    session: PageReadDep,  # a long read: no write lock held meanwhile (SQLite)
    clock: ClockDep,
    settings: SettingsDep,
    runtime: RuntimeDep,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    page.need(*ANY_ROLE)
    language = page.language
    today = clock.now().astimezone(REPORT_ZONE).date()
    low, high, problem = _range(start, end, today)
    period = Period(
        start=low,
        end=high,
        today=today,
        segment_price=settings.segment_price,
    )
    numbers = figures(session, period, lambda metric: runtime.served_metric(session, metric, 1))
    weekly = (high - low).days > 92
    charts = _charts(low, high, weekly)
    for chart in charts:
        chart["title"] = words(language)[chart["name"]]
        chart["definition"] = definition(chart["meaning"], language, daily=chart["daily"])
        chart["csv"] = chart["url"] + ("&" if "?" in chart["url"] else "?") + "format=csv"
    return page.render(
        "dashboard.html",
        w=words(language),
        start=formats.day(low, "ru"),
        end=formats.day(high, "ru"),
        period=f"{formats.day(low, language)} – {formats.day(high, language)}",
        presets=[
            (key, formats.day(a, "ru"), formats.day(b, "ru")) for key, a, b in _presets(today)
        ],
        problem=problem
        and words(language)[problem].format(
            first=formats.day(EPOCH, language), last=formats.day(LAST_DAY, language)
        ),
        cards=cards(numbers, language),
        summary=numbers["summary"],
        answers={
            f"{API}/dose?": numbers["answers"]["dose"],
            f"{API}/distribution?metric=active_by_week": numbers["answers"]["active_by_week"],
            # the daily enrollments the headline counted (charts of a long period are weekly)
            **({} if weekly else {charts[0]["url"]: numbers["answers"]["enrollments"]}),
        },
        charts=charts,
        summary_csv=f"{API}/summary?"
        + urlencode({"from": low.isoformat(), "to": high.isoformat(), "format": "csv"}),
        names=names(language),
    )


@router.get("/dashboard.csv")
def dashboard_csv(
    page: PageDep, clock: ClockDep, start: str | None = None, end: str | None = None
) -> Response:
    """The old link of the page's CSV: the API's summary CSV (people under 5 written <5)."""
    page.need(*ANY_ROLE)
    low, high, problem = _range(start, end, clock.now().astimezone(REPORT_ZONE).date())
    if problem is not None:  # never a CSV of other dates than those asked for
        return JSONResponse(
            {
                "detail": f"start and end: dates from {EPOCH} to {LAST_DAY}, start not after "
                f"end, at most {MAX_DAYS} days apart",
                "code": "invalid",
            },
            status_code=422,
        )
    query = urlencode({"from": low.isoformat(), "to": high.isoformat(), "format": "csv"})
    return RedirectResponse(f"{API}/summary?{query}", status_code=303)
