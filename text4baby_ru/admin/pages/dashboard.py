"""The dashboard: every role, aggregates only (never a phone number). The summary is drawn from
the same function as GET /api/v1/metrics/summary; the charts over time and by week are fetched
by the page from the metrics API and show "no data yet" where it has none."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from text4baby_ru.admin.pages.web import PageDep, PageReadDep
from text4baby_ru.deps import ANY_ROLE, ClockDep
from text4baby_ru.metrics.days import EPOCH, LAST_DAY, REPORT_ZONE
from text4baby_ru.metrics.summary import summary

router = APIRouter(prefix="/admin", include_in_schema=False)
DEFAULT_DAYS = 28
MAX_DAYS = 3 * 366


def _range(start: str | None, end: str | None, today: date) -> tuple[date, date, str | None]:
    """The chosen dates, or the last four weeks; a problem to show instead of a 4xx page."""
    fallback = today - timedelta(days=DEFAULT_DAYS - 1), today
    try:
        high = date.fromisoformat(end) if end else today
        low = date.fromisoformat(start) if start else high - timedelta(days=DEFAULT_DAYS - 1)
    except ValueError:
        return *fallback, "YYYY-MM-DD"
    except OverflowError:  # 0001-01-01 minus four weeks
        low = date.min
    if not EPOCH <= low <= LAST_DAY or not EPOCH <= high <= LAST_DAY:
        return *fallback, f"{EPOCH} … {LAST_DAY}"
    if low > high or (high - low).days > MAX_DAYS:
        return *fallback, f"{low} > {high} / ≤ {MAX_DAYS}"
    return low, high, None


def _chosen(
    page: PageDep, clock: ClockDep, start: str | None, end: str | None
) -> tuple[date, date, str | None]:
    """Any role; the dates of the report (Moscow days)."""
    page.need(*ANY_ROLE)
    return _range(start, end, clock.now().astimezone(REPORT_ZONE).date())


def _figures(session: Session, low: date, high: date) -> dict[str, Any]:
    totals = summary(session, start=low, end=high)
    by_track = totals["subscribers"].pop("by_track")
    return {
        "messages": totals["messages"],
        "subscribers": totals["subscribers"],
        "by_track": by_track,
    }


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    page: PageDep,
    session: PageReadDep,
    clock: ClockDep,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    low, high, problem = _chosen(page, clock, start, end)
    return page.render(
        "dashboard.html",
        start=low.isoformat(),
        end=high.isoformat(),
        problem=problem,
        figures=_figures(session, low, high),
    )


@router.get("/dashboard.csv")
def dashboard_csv(
    page: PageDep,
    session: PageReadDep,
    clock: ClockDep,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    low, high, problem = _chosen(page, clock, start, end)
    if problem is not None:  # never a CSV of other dates than those asked for
        return JSONResponse(
            {
                "detail": f"start and end: dates YYYY-MM-DD from {EPOCH} to {LAST_DAY}, start "
                f"not after end, at most {MAX_DAYS} days apart",
                "code": "invalid",
            },
            status_code=422,
        )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["from", "to", "group", "name", "count"])
    for group, counts in _figures(session, low, high).items():
        for name, n in counts.items():
            writer.writerow([low.isoformat(), high.isoformat(), group, name, n])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="summary_{low}_{high}.csv"'},
    )
