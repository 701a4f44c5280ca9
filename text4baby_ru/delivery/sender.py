"""Sending what is due: claim rows, commit them as `sending`, call the gateway, record."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.clock import Clock
from text4baby_ru.content.models import ContentRevision
from text4baby_ru.content.templates import Stage, TemplateProblem, render
from text4baby_ru.delivery.failover import Failover, Route, observe, pick
from text4baby_ru.delivery.failures import record_permanent_failure
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.delivery.ratelimit import reserve
from text4baby_ru.delivery.statuses import apply_early_reports
from text4baby_ru.enrollment.models import Enrollment, Person, SubscriberStatus
from text4baby_ru.gateways.base import (
    AmbiguousGatewayError,
    Gateway,
    OutgoingSms,
    PermanentGatewayError,
    TransientGatewayError,
)
from text4baby_ru.kit.segments import count

log = logging.getLogger(__name__)

_PROVIDER_STATUS = {
    "delivered": MessageStatus.DELIVERED,
    "sent": MessageStatus.SENT,
    "queued": MessageStatus.SENT,
    "accepted": MessageStatus.SENT,
    "sending": MessageStatus.SENT,
}


@dataclass(frozen=True)
class SendPolicy:
    """How the sender behaves: pause after failures, a shared rate, and how to wait for it."""

    max_failures: int = 3
    rate: float | None = None  # segments per second for all workers together; None: no limit
    pace: Callable[[float], None] = time.sleep


@dataclass
class SendReport:
    """What one sending pass did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    unknown: int = 0
    skipped: int = 0
    ids: list[int] = field(default_factory=list)


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


def _render(message: OutboundMessage, revision_text: str, enrollment: Enrollment | None) -> str:
    """The text a planned row carries: its recorded revision rendered for her stage that week."""
    stage = Stage(
        message.track,
        message.week or 0,
        enrollment.due_date if enrollment else None,
        enrollment.birth_date if enrollment else None,
    )
    return render(revision_text, stage.context())


def _still_wanted(message: OutboundMessage, enrollment: Enrollment | None) -> bool:
    """A tip goes only to an active enrollment; a notice not after a stop, a loss or a pause;
    a reminder she asked for also while her tips are paused, never after a stop or a loss."""
    if enrollment is None:
        return True
    if message.kind is MessageKind.REMINDER:
        return enrollment.status in (SubscriberStatus.ACTIVE, SubscriberStatus.PAUSED)
    if message.kind not in (MessageKind.TIP, MessageKind.NOTICE):
        return True
    if message.kind is MessageKind.TIP:
        return enrollment.status is SubscriberStatus.ACTIVE
    return enrollment.status in (SubscriberStatus.ACTIVE, SubscriberStatus.COMPLETED)


def _prepare_one(
    message: OutboundMessage,
    phone: str | None,
    enrollment: Enrollment | None,
    revision_text: str | None,
    now: datetime,
) -> OutgoingSms | None:
    """The SMS to send for a claimed row, or None after settling the row (cancelled, expired,
    unrenderable)."""
    message.updated_at = now
    if not phone or not _still_wanted(message, enrollment):
        message.status = MessageStatus.CANCELLED
        return None
    if message.expires_at is not None and message.expires_at <= now:
        message.status = MessageStatus.EXPIRED
        return None
    if message.body is None and revision_text is not None:
        try:
            message.body = _render(message, revision_text, enrollment)
        except TemplateProblem as error:
            log.error("message %s: %s", message.id, error)
            message.status, message.error_code = MessageStatus.FAILED, "render"
            return None
        parts = count(message.body)
        message.segments, message.encoding = parts.segments, parts.encoding
    if not message.body or not message.body.strip():
        message.status, message.error_code = MessageStatus.FAILED, "empty"
        return None
    return OutgoingSms(message.id, phone, message.body, message.expires_at)


def _prepare(session: Session, ids: list[int], now: datetime) -> list[tuple[OutgoingSms, int]]:
    """Load a claimed batch in one query, render what needs it; (SMS, segments) to send."""
    rows = session.execute(
        select(OutboundMessage, Person.phone, Enrollment, ContentRevision.text)
        .join(Person, Person.id == OutboundMessage.person_id)
        .outerjoin(Enrollment, Enrollment.id == OutboundMessage.enrollment_id)
        .outerjoin(ContentRevision, ContentRevision.id == OutboundMessage.revision_id)
        .where(OutboundMessage.id.in_(ids), OutboundMessage.status == MessageStatus.SENDING)
        .order_by(OutboundMessage.id)
    ).all()
    ready = []
    for message, phone, enrollment, revision_text in rows:
        sms = _prepare_one(message, phone, enrollment, revision_text, now)
        if sms is not None:
            ready.append((sms, message.segments or 1))
    return ready


def _call(gateway: Gateway, sms: OutgoingSms, report: SendReport) -> dict[str, object]:
    """Hand one SMS to the gateway; the row's new values."""
    try:
        receipt = gateway.send(sms)
    except TransientGatewayError as error:
        report.retried += 1
        return {"status": MessageStatus.QUEUED, "error_code": error.code, "claimed_by": None}
    except PermanentGatewayError as error:
        report.failed += 1
        return {"status": MessageStatus.FAILED, "error_code": error.code}
    except AmbiguousGatewayError as error:
        report.unknown += 1
        return {"status": MessageStatus.UNKNOWN, "error_code": error.code}
    report.sent += 1
    report.ids.append(sms.message_id)
    status = _PROVIDER_STATUS.get(receipt.status, MessageStatus.SENT)
    return {"status": status, "provider_sid": receipt.provider_sid}


def _record(
    sessions: sessionmaker[Session],
    gateway: str,
    outcomes: list[tuple[int, dict[str, object]]],
    clock: Clock,
    policy: SendPolicy,
) -> None:
    """Write a run of outcomes in one transaction: the sent ones in one bulk UPDATE, the rest
    one by one (they need her enrollment or a backoff); then apply any early reports."""
    if not outcomes:
        return
    now = clock.now()
    done = {MessageStatus.SENT, MessageStatus.DELIVERED}
    sent = [(i, o) for i, o in outcomes if o["status"] in done]
    other = [(i, o) for i, o in outcomes if o["status"] not in done]
    with sessions() as session, session.begin():
        if sent:
            session.execute(
                update(OutboundMessage),
                [
                    {"id": i, "updated_at": now, "sent_at": now, **o}
                    | ({"delivered_at": now} if o["status"] is MessageStatus.DELIVERED else {})
                    for i, o in sent
                ],
            )
        for message_id, outcome in other:
            message = session.get_one(OutboundMessage, message_id)
            for name, value in outcome.items():
                setattr(message, name, value)
            message.updated_at = now
            if outcome["status"] is MessageStatus.QUEUED:
                message.next_attempt_at = now + backoff(message.attempts)
            if outcome["status"] is MessageStatus.FAILED:
                record_permanent_failure(
                    session, message, now=now, max_failures=policy.max_failures
                )
    for message_id, outcome in outcomes:
        _log_outcome(gateway, message_id, outcome)
    sids = [str(o["provider_sid"]) for _, o in sent if o.get("provider_sid")]
    with sessions() as session, session.begin():
        apply_early_reports(session, gateway, sids, now=now, max_failures=policy.max_failures)


def _log_outcome(gateway: str, message_id: int, outcome: dict[str, object]) -> None:
    """One line per send attempt, with the ids an operator follows a message by."""
    status = outcome["status"]
    assert isinstance(status, MessageStatus)
    error = f" (error {outcome['error_code']})" if outcome.get("error_code") else ""
    worrying = status in (MessageStatus.FAILED, MessageStatus.UNKNOWN)
    log.log(
        logging.WARNING if worrying else logging.INFO,
        "message %s via %s: %s%s",
        message_id,
        gateway,
        status.value,
        error,
        extra={"message_id": message_id, "provider_sid": outcome.get("provider_sid")},
    )


RECORD_EVERY = 50  # outcomes written per transaction: fewer commits, a short window of doubt
_DOWN = (MessageStatus.QUEUED, MessageStatus.UNKNOWN)  # the provider did not answer


@dataclass
class _Batch:
    """How a batch went: whether the provider answered any call, whether it was cut short
    because the route is down, whether a stop came."""

    called: int = 0
    answered: bool = False
    gave_up: bool = False
    stopped: bool = False


def _send_batch(
    sessions: sessionmaker[Session],
    gateway: Gateway,
    ids: list[int],
    *,
    clock: Clock,
    policy: SendPolicy,
    report: SendReport,
    stop: threading.Event | None,
    give_up: bool,
) -> _Batch:
    """Send one claimed batch. With give_up, a failure before the provider has answered any
    call hands the rest back at once (the route is down: another route may take them)."""
    result = _Batch()
    with sessions() as session, session.begin():
        ready = _prepare(session, ids, clock.now())
        report.skipped += len(ids) - len(ready)
        start = None
        if policy.rate is not None and ready:
            total = sum(segments for _, segments in ready)
            start = reserve(
                session, gateway=gateway.name, segments=total, rate=policy.rate, now=clock.now()
            )
    outcomes: list[tuple[int, dict[str, object]]] = []
    spent = 0
    for position, (sms, segments) in enumerate(ready):
        result.stopped = stop is not None and stop.is_set()
        if result.stopped or result.gave_up:
            release(sessions, [s.message_id for s, _ in ready[position:]], now=clock.now())
            break
        if start is not None and policy.rate is not None:
            due = start + timedelta(seconds=spent / policy.rate)
            if due > clock.now():
                policy.pace((due - clock.now()).total_seconds())
            spent += segments
        outcome = _call(gateway, sms, report)
        result.called += 1
        outcomes.append((sms.message_id, outcome))
        down = outcome["status"] in _DOWN
        result.answered = result.answered or not down
        result.gave_up = give_up and down and not result.answered
        if len(outcomes) >= RECORD_EVERY:
            _record(sessions, gateway.name, outcomes, clock, policy)
            outcomes = []
    _record(sessions, gateway.name, outcomes, clock, policy)
    return result


def send_due(
    *,
    sessions: sessionmaker[Session],
    gateway: Gateway,
    clock: Clock,
    worker: str,
    batch: int = 200,
    only: list[int] | None = None,
    policy: SendPolicy = SendPolicy(),
    stop: threading.Event | None = None,
    failover: Failover | None = None,
) -> SendReport:
    """Send every message that is due now (or just those of `only`), batch by batch. Every row
    is committed as `sending` before its gateway call; outcomes are written every few messages
    (a crash in between leaves rows `sending`, settled later like any ambiguous send). When
    stop is set, the rows claimed but not yet sent go back to the queue for another worker.
    With a failover, each batch goes through the route the shared health state names, and the
    primary's answers update that state."""
    report = SendReport()
    while not (stop and stop.is_set()):
        route = pick(sessions, gateway, failover, clock.now()) if failover else Route(gateway)
        with sessions() as session, session.begin():
            ids = claim(
                session,
                worker=worker,
                gateway=route.gateway.name,
                now=clock.now(),
                limit=1 if route.probe else batch,
                only=only,
            )
        if not ids:
            return report
        on_primary = failover is not None and route.gateway is gateway
        done = _send_batch(
            sessions,
            route.gateway,
            ids,
            clock=clock,
            policy=policy,
            report=report,
            stop=stop,
            give_up=on_primary,
        )
        if failover is not None and on_primary and done.called:
            observe(sessions, gateway, failover, answered=done.answered, now=clock.now())
            if done.gave_up and pick(sessions, gateway, failover, clock.now()).gateway is gateway:
                return report  # still failing, not yet long enough to switch: the next pass
            if route.probe and done.gave_up:
                _retry_now(sessions, ids)  # the secondary takes the probe's message at once
        if done.stopped:
            return report
        if only is not None and len(ids) < batch and not route.probe and not done.gave_up:
            return report  # every listed row was in this batch: no need to ask again
    return report


def _retry_now(sessions: sessionmaker[Session], ids: list[int]) -> None:
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
