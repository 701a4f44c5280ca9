"""Admin API: the audit log (admin only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import select

from text4baby_ru.audit.models import AuditEvent
from text4baby_ru.deps import AdminUser, SessionDep

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


class AuditOut(BaseModel):
    """Who did what, when, with the values before and after."""

    id: int
    at: datetime
    actor_id: int | None
    actor: str
    action: str
    entity: str
    entity_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@router.get("", summary="The audit log, newest first (admin)")
def audit_log(
    session: SessionDep,
    _: AdminUser,
    entity: str | None = None,
    action: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list[AuditOut]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if entity:
        query = query.where(AuditEvent.entity == entity)
    if action:
        query = query.where(AuditEvent.action == action)
    return [
        AuditOut(
            id=e.id,
            at=e.at,
            actor_id=e.actor_id,
            actor=e.actor_label,
            action=e.action,
            entity=e.entity,
            entity_id=e.entity_id,
            before=e.before,
            after=e.after,
        )
        for e in session.scalars(query)
    ]
