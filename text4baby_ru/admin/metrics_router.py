"""Metrics for everyone signed in, viewers included: aggregates only."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query

from text4baby_ru.deps import AnyUser, SessionDep
from text4baby_ru.errors import Invalid
from text4baby_ru.metrics.summary import summary

router = APIRouter(prefix="/api/v1/metrics", tags=["metrics"])


@router.get(
    "/summary",
    summary="Subscribers by status and track, messages by status (any role)",
    description=(
        "`subscribers`: enrollments created in the range, by their current status; `by_track` "
        "counts the active and paused ones by track. `messages`: outbound messages created in "
        "the range, by their current status (`delivered` = the provider reported delivery to "
        "the phone). Dates are Moscow calendar days, both ends included; no range = all time."
    ),
)
def get_summary(
    session: SessionDep,
    _: AnyUser,
    start: date | None = Query(None, alias="from"),
    end: date | None = Query(None, alias="to"),
) -> dict[str, Any]:
    if start and end and start > end:
        raise Invalid("`from` is after `to`")
    return summary(session, start=start, end=end)
