"""The outbox rows a sender works on: claimed before the gateway call, recorded after it, given
back when never sent. Every status change is an UPDATE of the row's `status`."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.delivery.failures import record_permanent_failure
from text4baby_ru.delivery.models import MessageStatus, OutboundMessage
from text4baby_ru.delivery.outcomes import DONE, Outcome, log_outcome
from text4baby_ru.delivery.ratelimit import Answer, hear
from text4baby_ru.delivery.statuses import apply_early_reports


def _due(now: datetime, limit: int, skip_locked: bool, only: list[int] | None) -> Select[int]:
    query = (
        select(OutboundMessage.id)
        .where(
            OutboundMessage.status == MessageStatus.QUEUED,
            OutboundMessage.due_at <= now,
            (OutboundMessage.next_attempt_at.is_(None)) | (OutboundMessage.next_attempt_at <= now),
        )
        .order_by(OutboundMessage.due_at, OutboundMessage.id)
        .limit(limit)
    )
    if only is not None:
        query = query.where(OutboundMessage.id.in_(only))
    return query.with_for_update(skip_locked=True) if skip_locked else query


def claim(
    session: Session,
    *,
    worker: str,
    gateway: str,
    now: datetime,
    limit: int,
    only: list[int] | None = None,
) -> list[int]:
    """Mark up to limit due rows (of `only`, if given) as `sending` for this worker, in one
    UPDATE ... RETURNING (over FOR UPDATE SKIP LOCKED on PostgreSQL); the caller commits at once."""
    skip_locked = session.get_bind().dialect.name == "postgresql"
    # A MATERIALIZED CTE on PostgreSQL: as a plain IN (subquery) the planner may run the
    # SKIP LOCKED subquery again and again while the update locks rows, claiming far more
    # than `limit` (a SIGKILL test found one worker holding 1,550 rows of a batch of 200).
    due = _due(now, limit, skip_locked, only).cte("due")
    if skip_locked:
        due = due.prefix_with("MATERIALIZED")
    claimed = session.scalars(
        update(OutboundMessage)
        .where(
            OutboundMessage.id.in_(select(due.c.id)),
            OutboundMessage.status == MessageStatus.QUEUED,
        )
        .values(
            status=MessageStatus.SENDING,
            claimed_by=worker,
            claimed_at=now,
            gateway=gateway,
            attempts=OutboundMessage.attempts + 1,
            updated_at=now,
        )
        .returning(OutboundMessage.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(claimed)


def backoff(attempts: int, *, base: float = 30.0, cap: float = 3600.0) -> timedelta:
    """Exponential backoff with full jitter."""
    return timedelta(seconds=random.uniform(0, min(cap, base * 2 ** max(0, attempts - 1))))


@dataclass(frozen=True)
class Recording:
    """How outcomes are written: the planning instant, the wall-clock instant (the route's
    shared rate lives in real time), the failures that pause her, the configured rate."""

    now: datetime
    wall: datetime
    max_failures: int
    ceiling: float | None


def _values(outcome: Outcome, now: datetime) -> dict[str, object]:
    values: dict[str, object] = {"id": outcome.message_id, "status": outcome.status}
    values["updated_at"] = now
    if outcome.status in DONE:
        values |= {"sent_at": now, "provider_sid": outcome.provider_sid}
        if outcome.status is MessageStatus.DELIVERED:
            values["delivered_at"] = now
    if outcome.error_code is not None:
        values["error_code"] = outcome.error_code
    if outcome.throttled:  # back in its turn, the attempt not counted: the route was busy
        values |= {"claimed_by": None, "next_attempt_at": None}
    return values


def record(
    sessions: sessionmaker[Session], gateway: str, outcomes: list[Outcome], how: Recording
) -> bool:
    """Write a run of outcomes in one transaction: the sent and throttled ones in one bulk
    UPDATE, the rest one by one (they need her enrollment or a backoff); the route's rate;
    then apply any early reports. True when the route must hold back (it slowed, or the
    provider named a time to come back)."""
    if not outcomes:
        return False
    bulk = [o for o in outcomes if o.status in DONE or o.throttled]
    other = [o for o in outcomes if not (o.status in DONE or o.throttled)]
    with sessions() as session, session.begin():
        if bulk:
            session.execute(update(OutboundMessage), [_values(o, how.now) for o in bulk])
        throttled = [o.message_id for o in bulk if o.throttled]
        if throttled:
            session.execute(
                update(OutboundMessage)
                .where(OutboundMessage.id.in_(throttled))
                .values(attempts=OutboundMessage.attempts - 1)
                .execution_options(synchronize_session=False)
            )
        for outcome in other:
            message = session.get_one(OutboundMessage, outcome.message_id)
            message.status, message.error_code = outcome.status, outcome.error_code
            message.updated_at = how.now
            if outcome.status is MessageStatus.QUEUED:
                message.claimed_by = None
                message.next_attempt_at = how.now + backoff(message.attempts)
            if outcome.status is MessageStatus.FAILED:
                record_permanent_failure(
                    session, message, now=how.now, max_failures=how.max_failures
                )
        hold = _pace(session, gateway, outcomes, how)
    for outcome in outcomes:
        log_outcome(gateway, outcome)
    sids = [o.provider_sid for o in bulk if o.provider_sid]
    with sessions() as session, session.begin():
        apply_early_reports(session, gateway, sids, now=how.now, max_failures=how.max_failures)
    return hold


def _pace(session: Session, gateway: str, outcomes: list[Outcome], how: Recording) -> bool:
    """Tell the route's shared rate what the provider said (slower when it throttles, a little
    faster for each segment it took)."""
    answers = [
        Answer(o.throttled, o.segments, o.sent_at or how.wall, o.retry_after)
        for o in outcomes
        if o.throttled or o.status in DONE
    ]
    return hear(session, gateway=gateway, ceiling=how.ceiling, answers=answers, now=how.wall)


def retry_now(sessions: sessionmaker[Session], ids: list[int]) -> None:
    """Make rows that went back to the queue due again without their backoff."""
    with sessions() as session, session.begin():
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id.in_(ids), OutboundMessage.status == MessageStatus.QUEUED)
            .values(next_attempt_at=None)
            .execution_options(synchronize_session=False)
        )


def release(sessions: sessionmaker[Session], ids: list[int], *, now: datetime) -> None:
    """Give claimed rows that were never handed to a gateway back to the queue."""
    with sessions() as session, session.begin():
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id.in_(ids), OutboundMessage.status == MessageStatus.SENDING)
            .values(
                status=MessageStatus.QUEUED,
                claimed_by=None,
                updated_at=now,
                attempts=OutboundMessage.attempts - 1,
            )
            .execution_options(synchronize_session=False)
        )
