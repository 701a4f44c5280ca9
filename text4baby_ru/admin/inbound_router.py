"""Admin API: texts whose handling kept failing, set aside for an operator (admin only)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, BackgroundTasks, Query
from pydantic import BaseModel
from sqlalchemy import select

from text4baby_ru.audit.service import record_by
from text4baby_ru.deps import AdminUser, ClockDep, PathId, RuntimeDep, SessionDep
from text4baby_ru.enrollment.models import SET_ASIDE, InboundMessage
from text4baby_ru.errors import NotFound
from text4baby_ru.intake.inbound import requeue
from text4baby_ru.kit.phones import mask

router = APIRouter(prefix="/api/v1/inbound", tags=["inbound"])


class SetAsideOut(BaseModel):
    """A text that was stored but could not be handled, with the last error."""

    id: int
    provider: str
    sender: str | None  # masked: +7916*****01
    received_at: datetime
    attempts: int
    error: str | None


class SetAsideList(BaseModel):
    """The texts set aside, oldest first."""

    items: list[SetAsideOut]


@router.get("/set-aside", summary="Texts set aside after repeated handling failures (admin)")
def set_aside(
    session: SessionDep, _: AdminUser, limit: int = Query(100, ge=1, le=1000)
) -> SetAsideList:
    rows = session.scalars(
        select(InboundMessage)
        .where(InboundMessage.outcome == SET_ASIDE)
        .order_by(InboundMessage.id)
        .limit(limit)
    )
    return SetAsideList(
        items=[
            SetAsideOut(
                id=r.id,
                provider=r.provider,
                sender=mask(r.sender) if r.sender else None,
                received_at=r.received_at,
                attempts=r.attempts,
                error=r.error,
            )
            for r in rows
        ]
    )


class Retried(BaseModel):
    """The text is queued again; the handler takes it within seconds."""

    id: int
    queued: bool


@router.post("/{inbound_id}/retry", summary="Queue a set-aside text for handling again (admin)")
def retry(
    session: SessionDep,
    admin: AdminUser,
    clock: ClockDep,
    runtime: RuntimeDep,
    tasks: BackgroundTasks,
    inbound_id: PathId,
) -> Retried:
    if not requeue(session, inbound_id):
        raise NotFound("no text with this id is set aside")
    record_by(
        session,
        admin,
        at=clock.now(),
        action="inbound.retry",
        entity="inbound",
        entity_id=inbound_id,
    )
    tasks.add_task(runtime.inbound.handled)
    return Retried(id=inbound_id, queued=True)
