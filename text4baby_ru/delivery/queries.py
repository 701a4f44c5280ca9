"""Reading the outbox for support staff."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from text4baby_ru.delivery.models import OutboundMessage


def messages_of(session: Session, person_id: int, *, limit: int) -> list[OutboundMessage]:
    """Her outbound messages, newest first."""
    return list(
        session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.person_id == person_id)
            .order_by(OutboundMessage.id.desc())
            .limit(limit)
        )
    )
