"""Metrics for everyone signed in, viewers included: aggregates only. `format=csv` gives any of
them as CSV, with counts of fewer than 5 people written as <5. Operators' lists (who is
behind) and the evaluators' export are admin only."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from text4baby_ru.deps import AdminUser, AnyUser, ClockDep, ReadSessionDep, RuntimeDep, SettingsDep
from text4baby_ru.metrics import tables
from text4baby_ru.metrics.days import REPORT_ZONE
from text4baby_ru.metrics.definitions import DAY, DEFINITIONS, SUPPRESSION
from text4baby_ru.metrics.distribution import distribution
from text4baby_ru.metrics.summary import summary
from text4baby_ru.metrics.timeseries import METRICS, check_dates, check_range, timeseries

router = APIRouter(prefix="/api/v1/metrics", tags=["metrics"])
Format = Literal["json", "csv"]
FORMAT = Query(
    "json", description=f"`json`, or `csv`: a header row, then the figures. {SUPPRESSION}"
)


AS_OF = (
    "Counted from every enrollment, so the scheduler's pass computes it every "
    "T4B_METRICS_REFRESH_MINUTES and the answer is the stored result: `as_of` is the instant "
    "it was computed (UTC), always on the current Moscow day; with none yet for the day, the "
    "request computes it."
)


def _answer(result: dict[str, Any], fmt: Format, name: str, to_csv: Any) -> Response:
    # A stored result says when it was counted: in a header, and in the CSV's file name
    # (Moscow time), since a CSV has no place for it beside its figures.
    as_of = result.get("as_of")
    headers = {"X-As-Of": as_of} if as_of else {}
    if fmt == "csv":
        if as_of:
            name += datetime.fromisoformat(as_of).astimezone(REPORT_ZONE).strftime("_%Y-%m-%d_%H%M")
        return Response(
            to_csv(result),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'} | headers,
        )
    return JSONResponse(result, headers=headers)


def _defined(*names: str) -> str:
    return "\n\n".join(f"- `{n}`: {DEFINITIONS[n]}" for n in names)


@router.get(
    "/summary",
    summary="Subscribers by status and track, messages by status, outcomes, delivery (any role)",
    response_model=None,
    description=(
        "`subscribers`: enrollments created in the range, by their current status; `by_track` "
        "counts the active and paused ones by track. `messages`: outbound messages created in "
        "the range, by their current status (`delivered` = the provider reported delivery to "
        "the phone). `outcomes`: completions, losses and opt-outs that happened in the range "
        "(completions and losses on the day they ended, opt-outs on the day she stopped). "
        "`delivery`: `rate` = delivered / (delivered + undelivered + failed); "
        "`median_seconds_to_deliver` = the median of delivered minus sent time over delivered "
        "messages; `error_codes` = the provider's codes behind undelivered and failed messages; "
        "`segments` = SMS segments of messages the provider accepted (sent, delivered, "
        "undelivered) and `cost` = segments x T4B_SEGMENT_PRICE roubles. Dates are Moscow "
        f"calendar days, both ends included; no range = all time. {SUPPRESSION}"
    ),
)
def get_summary(
    session: ReadSessionDep,
    settings: SettingsDep,
    _: AnyUser,
    start: date | None = Query(None, alias="from"),
    end: date | None = Query(None, alias="to"),
    format: Format = FORMAT,
) -> Response:
    check_dates(start, end)
    result = summary(session, start=start, end=end, segment_price=settings.segment_price)
    return _answer(result, format, "summary", tables.summary_csv)


@router.get(
    "/timeseries",
    summary="One metric per day or week, a point for every day of the range (any role)",
    response_model=None,
    description=(
        f"`metric`: one of {', '.join(f'`{m}`' for m in METRICS)}. `from`, `to`: "
        "YYYY-MM-DD, both included, at most 400 days; `interval`: `day` or `week`. "
        f"Definitions:\n\n{_defined(*METRICS)}\n\n{DAY} {SUPPRESSION}"
    ),
)
def get_timeseries(
    session: ReadSessionDep,
    settings: SettingsDep,
    _: AnyUser,
    metric: str = Query(..., max_length=40),
    start: date = Query(..., alias="from"),
    end: date = Query(..., alias="to"),
    interval: str = Query("day", max_length=10),
    format: Format = FORMAT,
) -> Response:
    where = check_range(start, end, interval)
    result = timeseries(session, metric=metric, where=where, segment_price=settings.segment_price)
    return _answer(result, format, f"{metric}-{start}-{end}", tables.timeseries_csv)


@router.get(
    "/distribution",
    summary="Active enrollments or opt-outs by track and week of the journey (any role)",
    response_model=None,
    description=_defined("active_by_week", "optouts_by_week") + f"\n\n{SUPPRESSION}",
)
def get_distribution(
    session: ReadSessionDep,
    clock: ClockDep,
    _: AnyUser,
    metric: Literal["active_by_week", "optouts_by_week"] = Query(...),
    format: Format = FORMAT,
) -> Response:
    today = clock.now().astimezone(REPORT_ZONE).date()
    result = distribution(session, metric=metric, today=today)
    return _answer(result, format, metric, tables.distribution_csv)


@router.get(
    "/dose",
    summary="Dose received: tips expected against tips delivered, by cohort (any role)",
    response_model=None,
    description=_defined("dose") + f"\n\n{SUPPRESSION} A cohort of fewer than 5 women "
    "shows `<5` and no other figure in CSV. " + AS_OF,
)
def get_dose(
    session: ReadSessionDep,
    runtime: RuntimeDep,
    _: AnyUser,
    format: Format = FORMAT,
) -> Response:
    result = runtime.served_metric(session, "dose")
    return _answer(result, format, "dose", tables.dose_csv)


@router.get(
    "/behind",
    summary="Who is behind: enrollments missing tips, with the reason (admin)",
    response_model=None,
    description=_defined("behind")
    + "\n\nEach enrollment is named by its id and `subscriber`, a keyed-hash pseudonym (never "
    "a phone number). `limit` caps the list (most tips missing first); `total` and "
    "`by_reason` count them all. " + AS_OF + " A `limit` above 1000 is counted at the request.",
)
def get_behind(
    session: ReadSessionDep,
    runtime: RuntimeDep,
    _: AdminUser,
    limit: int = Query(100, ge=1, le=5000),
    format: Format = FORMAT,
) -> Response:
    result = runtime.served_metric(session, "behind", limit)
    return _answer(result, format, "behind", tables.behind_csv)
