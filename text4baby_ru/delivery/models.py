"""The outbox: every message we send, keyed by what it is so it can never be sent twice."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from text4baby_ru.db import Base, UTCDateTime, enum_column, partial_index, partial_unique


class MessageStatus(enum.StrEnum):
    """An outbound message's life: queued -> sending -> sent -> delivered/undelivered/failed."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


class MessageKind(enum.StrEnum):
    """Why the message exists; each kind has its own uniqueness rule."""

    TIP = "tip"  # once per (enrollment, library key)
    NOTICE = "notice"  # a one-off system text, once per (enrollment, reply key)
    REPLY = "reply"  # an answer, once per (inbound message, position)
    ALERT = "alert"  # a broadcast, once per (alert, person)
    REMINDER = "reminder"  # an appointment reminder, once per (reminder, reply key)


# The predicate of the partial unique index on (enrollment_id, content_key).
ONCE_PER_ENROLLMENT = "kind IN ('tip', 'notice')"

_status_type, _status_check = enum_column(MessageStatus, "status")
_kind_type, _kind_check = enum_column(MessageKind, "kind")


class OutboundMessage(Base):
    """One text to one person, from the moment it is planned to its final delivery status."""

    __tablename__ = "outbound_messages"
    __table_args__ = (
        _status_check,
        _kind_check,
        partial_unique(
            "uq_outbound_once_per_enrollment",
            "enrollment_id",
            "content_key",
            where=ONCE_PER_ENROLLMENT,
        ),
        partial_unique("uq_outbound_reply", "inbound_id", "position", where="kind = 'reply'"),
        partial_unique("uq_outbound_alert", "alert_id", "person_id", where="kind = 'alert'"),
        partial_unique(
            "uq_outbound_reminder", "reminder_id", "content_key", where="kind = 'reminder'"
        ),
        # Prometheus counts the expired ones at every scrape (only they are in the index).
        partial_index("ix_outbound_messages_expired", "error_code", where="status = 'expired'"),
        UniqueConstraint("gateway", "provider_sid"),
        # The metrics read rollups kept by triggers (text4baby_ru.metrics.models), not this table.
        Index("ix_outbound_messages_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MessageKind] = mapped_column(_kind_type)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"))
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    position: Mapped[int | None]
    alert_id: Mapped[int | None]
    # No foreign key: erasure deletes her reminders, the pseudonymous outbox row stays.
    reminder_id: Mapped[int | None]
    content_key: Mapped[str | None] = mapped_column(String(64))
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("content_revisions.id"))
    language: Mapped[str] = mapped_column(String(2))
    track: Mapped[str | None] = mapped_column(String(16))
    week: Mapped[int | None]
    slot: Mapped[int | None]
    # The rendered text; replaced by NULL when she is erased.
    body: Mapped[str | None] = mapped_column(Text)
    segments: Mapped[int] = mapped_column(default=0)
    encoding: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[MessageStatus] = mapped_column(_status_type)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    gateway: Mapped[str | None] = mapped_column(String(16))
    provider_sid: Mapped[str | None] = mapped_column(String(64))
    error_code: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class EarlyReport(Base):
    """A provider's status report that arrived before we had recorded the message's id (the
    provider can call back faster than our write): applied as soon as the id is recorded."""

    __tablename__ = "early_reports"

    gateway: Mapped[str] = mapped_column(String(16), primary_key=True)
    provider_sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[MessageStatus] = mapped_column(_status_type, primary_key=True)
    error_code: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AlertStatus(enum.StrEnum):
    """A broadcast's life."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


_alert_status_type, _alert_status_check = enum_column(AlertStatus, "status")


class Alert(Base):
    """An urgent message to an audience, through the same outbox as the tips."""

    __tablename__ = "alerts"
    __table_args__ = (_alert_status_check,)

    id: Mapped[int] = mapped_column(primary_key=True)
    text_ru: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    track: Mapped[str | None] = mapped_column(String(16))
    week_from: Mapped[int | None]
    week_to: Mapped[int | None]
    language: Mapped[str | None] = mapped_column(String(2))
    timezone: Mapped[str | None] = mapped_column(String(64))
    send_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[AlertStatus] = mapped_column(_alert_status_type)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recipients: Mapped[int] = mapped_column(default=0)


class RouteHealth(Base):
    """Whether the primary gateway is failing and since when, shared by every worker: while
    `on_secondary` is set, new sends go through the secondary gateway until `retry_at`, when the
    next batch tries the primary again."""

    __tablename__ = "route_health"

    primary_gateway: Mapped[str] = mapped_column(String(16), primary_key=True)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    on_secondary: Mapped[bool] = mapped_column(default=False)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
