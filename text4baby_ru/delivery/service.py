"""One pass of the programme: plan what is due, settle ambiguous sends, send. The scheduler,
`dispatch` and `worker` all run this."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.clock import Clock
from text4baby_ru.delivery.erasure import expire_pending
from text4baby_ru.delivery.failover import Failover
from text4baby_ru.delivery.models import MessageStatus, OutboundMessage
from text4baby_ru.delivery.planner import PlanReport, Rules, plan, zones
from text4baby_ru.delivery.prepare import expire_overdue
from text4baby_ru.delivery.reminders import plan_reminders
from text4baby_ru.delivery.sender import SendPolicy, SendReport, send_due
from text4baby_ru.delivery.statuses import apply_early_reports
from text4baby_ru.enrollment.models import Enrollment, Person
from text4baby_ru.gateways.base import Gateway, GatewayError, ListingGateway, OutgoingSms

log = logging.getLogger(__name__)
SQLITE_CHUNK = 5_000  # enrollments per planning transaction on SQLite
PG_CHUNK = 50_000  # and on PostgreSQL
PLANNER_LOCK = 7_151_004  # pg advisory lock key: one planner per pass across all workers
LEASE = timedelta(minutes=5)  # a row `sending` this long belongs to a worker that died
RECONCILE_BATCH = 500
SETTLE = timedelta(seconds=30)  # give the provider time to list a message before asking


@dataclass
class PassReport:
    """What a pass did."""

    planned: PlanReport | None
    stale: int
    reconciled: int
    sent: SendReport
    expired: int = 0

    def summary(self) -> str:
        """One line for the log and `dispatch`."""
        planned = f"{self.planned.tips} tips planned" if self.planned else "planning skipped"
        if self.planned and self.planned.reminders:
            planned += f", {self.planned.reminders} reminders queued"
        s = self.sent
        return (
            f"{planned}; {s.sent} sent, {s.retried} to retry, {s.throttled} throttled, "
            f"{s.failed} failed, {s.unknown + self.stale} unknown, "
            f"{s.skipped + self.expired} cancelled or expired; "
            f"{self.reconciled} settled with the provider"
        )

    def idle(self) -> bool:
        """Nothing planned, sent or settled: a pass an operator need not read about."""
        s = self.sent
        moved = s.sent + s.retried + s.throttled + s.failed + s.unknown + s.skipped + self.stale
        moved += self.expired
        return not (self.planned and self.planned.tips) and not moved and not self.reconciled


def plan_once(
    sessions: sessionmaker[Session], *, now: datetime, rules: Rules, chunk: int | None = None
) -> PlanReport | None:
    """Plan, unless another process is planning right now (PostgreSQL advisory lock), in chunks
    of enrollment ids, each its own short transaction: on SQLite the only write lock is never
    held long enough to make a webhook or a STOP wait; on PostgreSQL no transaction grows with
    the programme (cost stays linear, and a STOP's cancellation never waits on a whole pass)."""
    with sessions() as session:
        bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    if engine.dialect.name != "postgresql":
        return _plan_chunks(sessions, now=now, rules=rules, chunk=chunk or SQLITE_CHUNK)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as guard:
        if not guard.scalar(select(func.pg_try_advisory_lock(PLANNER_LOCK))):
            return None
        try:
            return _plan_chunks(sessions, now=now, rules=rules, chunk=chunk or PG_CHUNK)
        finally:
            guard.scalar(select(func.pg_advisory_unlock(PLANNER_LOCK)))


def _plan_chunks(
    sessions: sessionmaker[Session], *, now: datetime, rules: Rules, chunk: int
) -> PlanReport:
    with sessions() as session:
        in_zones = zones(session)
        highest = session.scalar(select(func.max(Enrollment.id))) or 0
    report = PlanReport()
    for low in range(0, highest + 1, chunk):
        with sessions() as session, session.begin():
            plan(
                session,
                now=now,
                rules=rules,
                in_zones=in_zones,
                ids=(low, low + chunk),
                report=report,
            )
    with sessions() as session, session.begin():
        report.reminders = plan_reminders(session, now=now, quiet=rules.quiet)
    # Every 30 s: at INFO only when something was planned, so the console's messages stand out.
    level = logging.INFO if report.tips or report.questions or report.reminders else logging.DEBUG
    log.log(level, "planned %d tips in %d zones", report.tips, len(report.zones))
    return report


def mark_stale(sessions: sessionmaker[Session], *, now: datetime, lease: timedelta = LEASE) -> int:
    """Rows left `sending` by a worker that died mid-call: we cannot know, so `unknown`."""
    with sessions() as session, session.begin():
        result = session.execute(
            update(OutboundMessage)
            .where(
                OutboundMessage.status == MessageStatus.SENDING,
                OutboundMessage.claimed_at < now - lease,
            )
            .values(status=MessageStatus.UNKNOWN, error_code="lease", updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def reconcile(
    sessions: sessionmaker[Session],
    gateway: ListingGateway,
    *,
    now: datetime,
    max_failures: int = 3,
    settle: timedelta = SETTLE,
) -> int:
    """Ask the provider about `unknown` messages: adopt its id if it has the message, else queue
    it again. Gateways that cannot list leave `unknown` alone: never resent."""
    settled = 0
    while True:
        batch = _reconcile_batch(
            sessions, gateway, now=now, max_failures=max_failures, settle=settle
        )
        settled += batch
        if batch < RECONCILE_BATCH:
            return settled


def _reconcile_batch(
    sessions: sessionmaker[Session],
    gateway: ListingGateway,
    *,
    now: datetime,
    max_failures: int,
    settle: timedelta,
) -> int:
    with sessions() as session, session.begin():
        rows = session.execute(
            select(
                OutboundMessage.id, OutboundMessage.body, OutboundMessage.claimed_at, Person.phone
            )
            .join(Person, Person.id == OutboundMessage.person_id)
            .where(
                OutboundMessage.status == MessageStatus.UNKNOWN,
                OutboundMessage.gateway == gateway.name,
                OutboundMessage.updated_at <= now - settle,
            )
            .limit(RECONCILE_BATCH)
        ).all()
    settled = 0
    for message_id, body, claimed_at, phone in rows:
        if not phone or not body:
            continue
        try:
            sid = gateway.find_sent(OutgoingSms(message_id, phone, body), since=claimed_at or now)
        except GatewayError as error:
            log.warning("reconciliation paused: %s", error)
            break
        values: dict[str, object] = (
            {"status": MessageStatus.SENT, "provider_sid": sid, "sent_at": now}
            if sid
            else {"status": MessageStatus.QUEUED, "claimed_by": None, "next_attempt_at": now}
        )
        with sessions() as session, session.begin():
            message = session.get_one(OutboundMessage, message_id)
            if message.status is not MessageStatus.UNKNOWN:
                continue
            for name, value in values.items():
                setattr(message, name, value)
            message.updated_at = now
        if sid:
            with sessions() as session, session.begin():
                apply_early_reports(
                    session, gateway.name, [sid], now=now, max_failures=max_failures
                )
        settled += 1
    return settled


def run_pass(
    *,
    sessions: sessionmaker[Session],
    gateway: Gateway,
    clock: Clock,
    rules: Rules,
    policy: SendPolicy,
    worker: str,
    plan_tips: bool = True,
    stop: threading.Event | None = None,
    pending_retention: timedelta | None = None,
    lease: timedelta = LEASE,
    settle: timedelta = SETTLE,
    failover: Failover | None = None,
) -> PassReport:
    """Plan (one process at a time), settle stale and ambiguous sends, then send what is due."""
    planned = plan_once(sessions, now=clock.now(), rules=rules) if plan_tips else None
    if plan_tips and pending_retention is not None:
        with sessions() as session, session.begin():
            expired = expire_pending(session, now=clock.now(), older_than=pending_retention)
        if expired:
            log.info("erased %d enrollments left pending past the retention period", expired)
    stale = mark_stale(sessions, now=clock.now(), lease=lease)
    with sessions() as session, session.begin():
        expired = expire_overdue(session, now=clock.now())
    # Each ambiguous send is settled with the gateway that was asked (its name is on the row).
    routes = [gateway] if failover is None else [gateway, failover.secondary]
    reconciled = sum(
        reconcile(sessions, route, now=clock.now(), max_failures=policy.max_failures, settle=settle)
        for route in routes
        if isinstance(route, ListingGateway)
    )
    sent = send_due(
        sessions=sessions,
        gateway=gateway,
        clock=clock,
        worker=worker,
        policy=policy,
        stop=stop,
        failover=failover,
    )
    report = PassReport(planned, stale, reconciled, sent, expired)
    log.log(logging.DEBUG if report.idle() else logging.INFO, "pass: %s", report.summary())
    return report
