"""Writing to the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from text4baby_ru.audit.models import AuditEvent


def record(
    session: Session,
    *,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    entity: str,
    entity_id: str | int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit event to the session's unit of work."""
    event = AuditEvent(
        at=at,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=before,
        after=after,
    )
    session.add(event)
    return event


class Actor(Protocol):
    """Whoever acts: a user of the admin API."""

    id: int
    name: str


def record_by(
    session: Session,
    actor: Actor,
    *,
    at: datetime,
    action: str,
    entity: str,
    entity_id: str | int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit event done by a user."""
    return record(
        session,
        at=at,
        actor_id=actor.id,
        actor_label=actor.name,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
    )
