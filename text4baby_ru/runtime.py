"""The parts a running service is made of, put together once by the composition root."""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.clock import Clock
from text4baby_ru.db import unit_of_work
from text4baby_ru.delivery.failover import Failover
from text4baby_ru.delivery.grouping import GroupSender
from text4baby_ru.delivery.planner import Rules
from text4baby_ru.delivery.sender import SendPolicy, send_due
from text4baby_ru.delivery.service import PassReport, run_pass
from text4baby_ru.gateways.base import Gateway, GatewayError, OutgoingSms
from text4baby_ru.intake.handler import BUDGET, InboundHandler, Pipeline
from text4baby_ru.keys import secret_key, stored_key
from text4baby_ru.kit.phones import mask
from text4baby_ru.metrics import snapshots
from text4baby_ru.metrics.days import REPORT_ZONE
from text4baby_ru.metrics.snapshots import Asked
from text4baby_ru.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Settings, database, clock and gateway of one process."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    gateway: Gateway
    failover: Failover | None = None
    _hash_key: bytes | None = field(default=None, init=False, repr=False)

    @cached_property
    def replies(self) -> GroupSender:
        """Sends replies to inbound texts right away, those of concurrent requests together."""
        worker = f"web:{socket.gethostname()}:{os.getpid()}"
        return GroupSender(
            lambda ids: send_due(
                sessions=self.sessions,
                gateway=self.gateway,
                clock=self.clock,
                worker=worker,
                only=ids,
                failover=self.failover,
            )
        )

    @cached_property
    def inbound(self) -> InboundHandler:
        """Stores texts as the webhooks hand them over and handles them in batches."""
        return InboundHandler(
            Pipeline(
                sessions=self.sessions,
                clock=self.clock,
                hash_key=self.hash_key,
                countries=self.settings.countries,
                send_replies=self.send_now,
                send_outside=self.send_outside,
            ),
            # SQLite has one writer: a batch ends in time for the webhooks' stores to go next.
            budget=BUDGET if self.engine.dialect.name == "sqlite" else None,
        )

    def send_outside(self, phone: str, text: str) -> None:
        """The one reply to a number from a country we do not serve: sent, never stored."""
        try:
            self.gateway.send(OutgoingSms(0, phone, text))
        except GatewayError as error:
            log.warning("reply to %s outside the programme not sent: %s", mask(phone), error)

    def hash_key(self, session: Session | None = None) -> bytes:
        """The key of the keyed hashes (pseudonyms, codes, page sessions): configured, or made
        once and stored, then kept in memory. In the caller's session when given; a key that
        session has only just made is not kept, since that transaction may still roll back."""
        if self._hash_key is not None:
            return self._hash_key
        configured = self.settings.secret_key
        if configured is not None:
            self._hash_key = configured.get_secret_value().encode()
        elif session is None:
            with unit_of_work(self.sessions) as own:
                self._hash_key = secret_key(own, configured=None, now=self.clock.now())
        elif (stored := stored_key(session)) is not None:
            self._hash_key = stored
        else:
            return secret_key(session, configured=None, now=self.clock.now())
        return self._hash_key

    def rules(self) -> Rules:
        """When tips go out, from the settings."""
        s = self.settings
        return Rules(
            weekdays=s.send_weekdays,
            hour=s.send_hour,
            quiet=s.quiet_window,
            catchup=s.catchup,
            catchup_max=timedelta(hours=s.catchup_max_hours),
            deadline=timedelta(hours=s.tip_deadline_hours),
        )

    def policy(self) -> SendPolicy:
        """How the sender behaves, from the settings."""
        return SendPolicy(max_failures=self.settings.max_failures, rate=self.settings.send_rate)

    def run_pass(self, worker: str, stop: threading.Event | None = None) -> PassReport:
        """One planning and sending pass with these settings, after handling any texts still
        waiting (those of a process that stopped before it handled them)."""
        self.inbound.drain()
        report = run_pass(
            sessions=self.sessions,
            gateway=self.gateway,
            clock=self.clock,
            rules=self.rules(),
            policy=self.policy(),
            worker=worker,
            stop=stop,
            pending_retention=timedelta(days=self.settings.pending_retention_days),
            lease=timedelta(seconds=self.settings.sending_lease_seconds),
            settle=timedelta(seconds=self.settings.settle_seconds),
            failover=self.failover,
        )
        self.refresh_metrics()
        return report

    def metrics_asked(self) -> Asked:
        """Dose received and who is behind as of the Moscow day now, with these settings."""
        return Asked(
            today=self.clock.now().astimezone(REPORT_ZONE).date(),
            weekdays=self.settings.send_weekdays,
            key=self.hash_key(),
        )

    def served_metric(
        self, session: Session, metric: str, limit: int | None = None
    ) -> dict[str, Any]:
        """Dose received or who is behind as the API and the pages serve it: the result stored
        by the pass, with its `as_of` (see metrics.snapshots)."""
        return snapshots.answer(
            session,
            self.sessions,
            metric,
            self.metrics_asked(),
            now=self.clock.now(),
            every=self._metrics_every(),
            limit=limit,
        )

    def _metrics_every(self) -> timedelta:
        return timedelta(minutes=self.settings.metrics_refresh_minutes)

    def refresh_metrics(self) -> None:
        """Recompute the stored dose received and who is behind when older than
        T4B_METRICS_REFRESH_MINUTES (0: nothing is stored). A failure is logged: the pass's
        sending is done and must not be undone by a report."""
        if not self.settings.metrics_refresh_minutes:
            return
        try:
            snapshots.refresh(
                self.sessions, self.metrics_asked(), self.clock.now(), self._metrics_every()
            )
        except Exception:
            log.exception("metrics refresh failed; the stored results stay as they were")

    def send_now(self, ids: list[int]) -> None:
        """Send these queued messages at once (replies, codes), outside the scheduler's pass,
        together with those of other requests arriving meanwhile."""
        self.replies.send(ids)
