"""A send rate in segments per second that holds for all workers together: each send reserves
its slot in one row of the database, in the transaction that prepares it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from text4baby_ru.db import Base, UTCDateTime


class RateSlot(Base):
    """The earliest instant the next segment of a gateway may go."""

    __tablename__ = "rate_slots"

    gateway: Mapped[str] = mapped_column(String(16), primary_key=True)
    next_free_at: Mapped[datetime] = mapped_column(UTCDateTime())


def reserve(
    session: Session, *, gateway: str, segments: int, rate: float, now: datetime
) -> datetime:
    """Reserve time for `segments` at `rate` per second; the instant this send may start."""
    query = select(RateSlot).where(RateSlot.gateway == gateway)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    slot = session.scalar(query)
    if slot is None:
        slot = RateSlot(gateway=gateway, next_free_at=now)
        session.add(slot)
    start = max(slot.next_free_at, now)
    slot.next_free_at = start + timedelta(seconds=max(1, segments) / rate)
    session.flush()
    return start
