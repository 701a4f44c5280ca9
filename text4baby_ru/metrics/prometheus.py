"""Prometheus gauges computed at scrape time from the rollups, so every process that
answers /metrics tells the same story (no counters kept in one process's memory)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry
from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.delivery.prepare import PAST_DEADLINE
from text4baby_ru.delivery.ratelimit import RateSlot, effective
from text4baby_ru.enrollment.models import SET_ASIDE, InboundMessage, SubscriberStatus
from text4baby_ru.metrics.models import EnrollmentDay, MessageDay

# Messages with a final status are history (the API's metrics count them); the counts come from
# the daily rollup, a few rows per day whatever the size of the outbox.
IN_FLIGHT = (
    MessageStatus.QUEUED,
    MessageStatus.SENDING,
    MessageStatus.SENT,
    MessageStatus.UNKNOWN,
)


class DatabaseCollector(Collector):
    """Enrollments by status and track, the outbox by status, the age of the oldest message
    due but still queued, and when the planner last queued a tip."""

    def __init__(
        self, sessions: sessionmaker[Session], *, now: datetime, rate: float | None = None
    ) -> None:
        self.sessions = sessions
        self.now = now
        self.rate = rate

    def collect(self) -> Iterator[Metric]:
        with self.sessions() as session:
            yield from self._enrollments(session)
            yield from self._outbox(session)
            yield from self._inbound(session)
            yield from self._routes(session)

    def _inbound(self, session: Session) -> Iterator[Metric]:
        waiting = session.scalar(select(func.count()).where(InboundMessage.processed_at.is_(None)))
        aside = session.scalar(
            select(func.count()).where(InboundMessage.outcome == literal_column(f"'{SET_ASIDE}'"))
        )
        yield GaugeMetricFamily(
            "t4b_inbound_waiting",
            "Texts stored by a webhook and not yet handled (the handlers' backlog)",
            value=waiting or 0,
        )
        yield GaugeMetricFamily(
            "t4b_inbound_set_aside",
            "Texts set aside after their handling failed repeatedly; an operator retries them "
            "through POST /api/v1/inbound/{id}/retry",
            value=aside or 0,
        )

    def _routes(self, session: Session) -> Iterator[Metric]:
        """Each route's send rate now (lower than configured after throttling), the answers it
        throttled, and the messages that expired past their deadline."""
        rate = GaugeMetricFamily(
            "t4b_route_rate_segments_per_second",
            "The send rate each SMS route uses now, shared by all workers (slowed when the "
            "provider throttles)",
            labels=["gateway"],
        )
        throttled = CounterMetricFamily(
            "t4b_route_throttled",
            "Sends the provider refused for speed (HTTP 429, Twilio 20429/14107, Kannel queue "
            "full), retried in their turn",
            labels=["gateway"],
        )
        for slot in session.scalars(select(RateSlot).order_by(RateSlot.gateway)):
            if self.rate is not None:
                rate.add_metric([slot.gateway], effective(slot, self.rate))
            throttled.add_metric([slot.gateway], slot.throttled or 0)
        yield rate
        yield throttled
        expired = session.scalar(
            select(func.count()).where(
                # Literals, so SQLite sees the partial index's own condition (a bound value
                # hides it) and counts the expired rows without reading the outbox.
                OutboundMessage.status == literal_column(f"'{MessageStatus.EXPIRED.value}'"),
                OutboundMessage.error_code == literal_column(f"'{PAST_DEADLINE}'"),
            )
        )
        yield CounterMetricFamily(
            "t4b_messages_expired_past_deadline",
            "Messages that expired before they could go (past their deadline or into her quiet "
            "hours)",
            value=expired or 0,
        )

    def _enrollments(self, session: Session) -> Iterator[Metric]:
        gauge = GaugeMetricFamily(
            "t4b_enrollments",
            "Enrollments by current status and track (none: no dates yet)",
            labels=["status", "track"],
        )
        counts = {(s.value, t): 0 for s in SubscriberStatus for t in ("pregnancy", "baby", "none")}
        e = EnrollmentDay
        for status, track, n in session.execute(
            select(e.status, e.track, func.sum(e.enrollments)).group_by(e.status, e.track)
        ):
            counts[(status, track or "none")] = int(n)
        for (status_name, track_name), n in sorted(counts.items()):
            gauge.add_metric([status_name, track_name], n)
        yield gauge

    def _outbox(self, session: Session) -> Iterator[Metric]:
        gauge = GaugeMetricFamily(
            "t4b_outbox_messages",
            "Messages still in the outbox (queued, sending, sent awaiting a delivery report, "
            "unknown) by status",
            labels=["status"],
        )
        counts = dict.fromkeys(IN_FLIGHT, 0)
        m = MessageDay
        for status, n in session.execute(
            select(m.status, func.sum(m.messages))
            .where(m.status.in_([s.value for s in IN_FLIGHT]))
            .group_by(m.status)
        ):
            counts[MessageStatus(status)] = int(n)
        for status, n in counts.items():
            gauge.add_metric([status.value], n)
        yield gauge
        oldest = session.scalar(
            select(func.min(OutboundMessage.due_at)).where(
                OutboundMessage.status == MessageStatus.QUEUED,
                OutboundMessage.due_at <= self.now,
            )
        )
        yield GaugeMetricFamily(
            "t4b_outbox_oldest_queued_age_seconds",
            "Seconds since the oldest message that is due and still queued was due (0: none)",
            value=max(0.0, (self.now - oldest).total_seconds()) if oldest else 0.0,
        )
        # The newest tip by id (the primary key, read backwards: tips are most of the outbox).
        last = session.scalar(
            select(OutboundMessage.created_at)
            .where(OutboundMessage.kind == MessageKind.TIP)
            .order_by(OutboundMessage.id.desc())
            .limit(1)
        )
        yield GaugeMetricFamily(
            "t4b_last_tip_planned_timestamp_seconds",
            "Unix time the planner last queued a tip (0: never)",
            value=last.timestamp() if last else 0.0,
        )


def registry_for(
    sessions: sessionmaker[Session], *, now: datetime, rate: float | None = None
) -> CollectorRegistry:
    """A registry holding only the database's gauges (no process metrics: several processes
    would each report their own)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(sessions, now=now, rate=rate))
    return registry
