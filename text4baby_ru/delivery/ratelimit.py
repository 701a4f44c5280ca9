"""A send rate in segments per second that holds for all workers together, and slows down
together when the provider throttles: each send reserves its slot in one row of the database
per route, in the transaction that prepares it, and every throttled answer tightens that row.

The row is in wall-clock time because several processes share it; each process then waits on
its own monotonic clock (`pacing`), never on the instant a pass plans with.

Throttling is about the route, not the message (AIMD, as TCP does it): while most recent
answers are 429s, a 429 multiplies the route's rate by `DECREASE` (once per answer sent at the
rate in force, so a burst of 429s to sends already in flight counts once); every 429 pushes the
next slot past the provider's Retry-After; every segment the provider takes adds `GROWTH` back,
up to the configured rate.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Float, String, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from text4baby_ru.db import Base, UTCDateTime

log = logging.getLogger(__name__)
DECREASE = 0.7  # the rate kept after a throttled answer
GROWTH = 0.05  # segments per second gained per segment the provider takes (about 5% a second)
FLOOR = 0.2  # segments per second: never slower than one segment in five seconds
SMOOTHING = 0.1  # weight of each answer in the route's recent share of throttled answers
SLOW_SHARE = 0.5  # slow down when more than this share of recent answers were throttled


class RateSlot(Base):
    """The earliest instant the next segment of a gateway may go; the route's rate after
    throttling (None: the configured rate), how often it was throttled, when it last slowed."""

    __tablename__ = "rate_slots"

    gateway: Mapped[str] = mapped_column(String(16), primary_key=True)
    next_free_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rate: Mapped[float | None] = mapped_column(Float)
    throttled: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    slowed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refused: Mapped[float] = mapped_column(Float, default=0.0, server_default=text("0"))


@dataclass(frozen=True)
class Reservation:
    """When a reserved run of segments may start, and the rate to space them at."""

    start: datetime
    rate: float


def _slot(session: Session, gateway: str, now: datetime) -> RateSlot:
    query = select(RateSlot).where(RateSlot.gateway == gateway)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    slot = session.scalar(query)
    if slot is None:
        slot = RateSlot(gateway=gateway, next_free_at=now, throttled=0, refused=0.0)
        session.add(slot)
    return slot


def effective(slot: RateSlot | None, ceiling: float) -> float:
    """The rate a route sends at now: the configured one, or lower after throttling."""
    if slot is None or slot.rate is None:
        return ceiling
    return min(ceiling, slot.rate)


def reserve(
    session: Session,
    *,
    gateway: str,
    segments: int,
    rate: float,
    now: datetime,
    after: datetime | None = None,
) -> Reservation:
    """Reserve time for `segments` at the route's rate (at most `rate` per second). `after`:
    the end of this sender's previous reservation; when no one has reserved since, the new one
    follows it directly (a sender slowed by its own calls catches up) instead of starting now."""
    slot = _slot(session, gateway, now)
    pace = effective(slot, rate)
    start = max(slot.next_free_at, now)
    if after is not None and slot.next_free_at == after:
        start = after
    slot.next_free_at = start + timedelta(seconds=max(1, segments) / pace)
    session.flush()
    return Reservation(start, pace)


def give_back(
    session: Session, *, gateway: str, end: datetime, seconds: float, now: datetime
) -> None:
    """Return the unused tail of a reservation that ended at `end` (a batch cut short), unless
    another sender has reserved after it since."""
    slot = _slot(session, gateway, now)
    if slot.next_free_at == end:
        slot.next_free_at = max(now, end - timedelta(seconds=seconds))
    session.flush()


@dataclass(frozen=True)
class Answer:
    """What the provider said to one send: took it (and how many segments), or throttled it
    (the send's wall-clock instant, its Retry-After)."""

    throttled: bool
    segments: int
    sent_at: datetime
    retry_after: float | None = None


def hear(
    session: Session,
    *,
    gateway: str,
    ceiling: float | None,
    answers: list[Answer],
    now: datetime,
) -> bool:
    """Tell the route's shared rate what the provider answered, in order: every segment taken
    gives a slowed route a little rate back; a throttled answer is counted, holds every sender
    back until its Retry-After, and slows the route when throttling has become the rule (over
    `SLOW_SHARE` of recent answers: an occasional 429 costs a retry, not the rate) unless the
    route already slowed after that send left. True when senders must hold back now (the
    route slowed, or the provider named a time to come back)."""
    if not answers:
        return False
    if not any(a.throttled for a in answers):
        row = session.execute(
            select(RateSlot.rate, RateSlot.refused).where(RateSlot.gateway == gateway)
        ).first()
        if row is None or (row.rate is None and row.refused < 0.01):
            return False  # not slowed, nothing refused lately: nothing to write (common case)
    slot = _slot(session, gateway, now)
    hold = False
    for answer in answers:
        slot.refused = (1 - SMOOTHING) * (slot.refused or 0.0) + SMOOTHING * answer.throttled
        if answer.throttled:
            hold = _throttled(slot, gateway, ceiling, answer, now) or hold
        elif ceiling is not None:
            _taken(slot, gateway, ceiling, answer.segments)
    session.flush()
    return hold


def _throttled(
    slot: RateSlot, gateway: str, ceiling: float | None, answer: Answer, now: datetime
) -> bool:
    slot.throttled = (slot.throttled or 0) + 1
    if ceiling is None:  # no configured rate: nothing to slow, only the count
        return answer.retry_after is not None
    old = new = effective(slot, ceiling)
    fresh = slot.slowed_at is None or answer.sent_at >= slot.slowed_at
    if fresh and slot.refused > SLOW_SHARE:
        new = max(FLOOR, old * DECREASE)
        slot.rate, slot.slowed_at = new, now
        log.warning(
            "SMS route %s throttled by the provider: rate %.1f -> %.1f segments/s%s",
            gateway,
            old,
            new,
            f", retry after {answer.retry_after:g} s" if answer.retry_after else "",
        )
    wait = answer.retry_after if answer.retry_after else 1 / new
    slot.next_free_at = max(slot.next_free_at, now + timedelta(seconds=wait))
    return new < old or answer.retry_after is not None


def _step(rate: float) -> int:
    return math.floor(math.log(rate, 1.25))


def _taken(slot: RateSlot, gateway: str, ceiling: float, segments: int) -> None:
    if slot.rate is None:
        return
    old = effective(slot, ceiling)
    new = min(ceiling, old + max(GROWTH * segments, 0.5 * segments / old))
    slot.rate = None if new >= ceiling else new
    if slot.rate is None:
        log.info("SMS route %s: back at its configured rate, %.1f segments/s", gateway, ceiling)
    elif _step(new) != _step(old):
        log.info("SMS route %s: rate %.1f -> %.1f segments/s", gateway, old, new)
