"""Admin API for a support call (admin only; every read is audited): where she stands (track,
week, status with its reason, the next tip) and both sides of her conversation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from pydantic import BaseModel

from text4baby_ru.admin.subscribers_router import read_of
from text4baby_ru.delivery import standing
from text4baby_ru.deps import AdminUser, ClockDep, RuntimeDep, SessionDep
from text4baby_ru.enrollment.queries import latest_enrollment
from text4baby_ru.enrollment.stage import position_on

router = APIRouter(prefix="/api/v1/subscribers", tags=["subscribers"])


class StandingOut(BaseModel):
    """Her track and week today (in her zone), her status and why, and her next tip."""

    status: str | None
    status_reason: str | None
    failures_in_a_row: int
    track: str | None
    week: int | None
    timezone: str
    next_tip_key: str | None
    next_tip_at: datetime | None


class LineOut(BaseModel):
    """One message of the conversation: `in` from her, `out` to her."""

    direction: str
    at: datetime
    kind: str
    key: str | None
    body: str | None
    status: str
    error_code: str | None
    segments: int


@router.get("/{phone}/standing", summary="Her week, status with reason, next tip (admin)")
def get_standing(
    phone: str, session: SessionDep, clock: ClockDep, runtime: RuntimeDep, admin: AdminUser
) -> StandingOut:
    person = read_of(session, admin, clock, phone, "subscriber.read")
    enrollment = latest_enrollment(session, person.id)
    now = clock.now()
    if enrollment is None:
        return StandingOut(
            status=None,
            status_reason=None,
            failures_in_a_row=0,
            track=None,
            week=None,
            timezone=person.timezone,
            next_tip_key=None,
            next_tip_at=None,
        )
    today = now.astimezone(ZoneInfo(person.timezone)).date()
    where = position_on(today, due_date=enrollment.due_date, birth_date=enrollment.birth_date)
    tip = standing.next_tip(session, person, enrollment, now=now, rules=runtime.rules())
    return StandingOut(
        status=enrollment.status.value,
        status_reason=standing.status_reason(session, person, enrollment),
        failures_in_a_row=enrollment.failures_in_a_row,
        track=where.track if where else enrollment.track,
        week=where.week if where else None,
        timezone=person.timezone,
        next_tip_key=tip.key if tip else None,
        next_tip_at=tip.due_at if tip else None,
    )


@router.get("/{phone}/conversation", summary="Her texts and ours in time order (admin)")
def get_conversation(
    phone: str,
    session: SessionDep,
    clock: ClockDep,
    admin: AdminUser,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[LineOut]:
    person = read_of(session, admin, clock, phone, "subscriber.read_conversation")
    return [
        LineOut(
            direction=line.direction,
            at=line.at,
            kind=line.kind,
            key=line.key,
            body=line.body,
            status=line.status,
            error_code=line.error_code,
            segments=line.segments,
        )
        for line in standing.conversation(session, person.id, limit=limit)
    ]
