"""A person (her number), her enrollments, what she sent us, and numbers never to enroll."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from text4baby_ru.clock import DEFAULT_ZONE
from text4baby_ru.db import Base, UTCDateTime, enum_column, partial_index, partial_unique


class SubscriberStatus(enum.StrEnum):
    """Where an enrollment stands."""

    PENDING = "pending"
    ACTIVE = "active"
    PAUSED = "paused"
    OPTED_OUT = "opted_out"
    COMPLETED = "completed"
    ENDED = "ended"


CLOSED_STATUSES = (SubscriberStatus.COMPLETED, SubscriberStatus.ENDED)


class Track(enum.StrEnum):
    """Which series of tips she is on."""

    PREGNANCY = "pregnancy"
    BABY = "baby"


class Language(enum.StrEnum):
    """The language she reads her messages in."""

    RU = "ru"
    EN = "en"


class Channel(enum.StrEnum):
    """How she came to the programme."""

    SMS = "sms"
    IMPORT = "import"
    WEB = "web"


_lang_type, _lang_check = enum_column(Language, "language")
_status_type, _status_check = enum_column(SubscriberStatus, "status")
_track_type, _track_check = enum_column(Track, "track")
_channel_type, _channel_check = enum_column(Channel, "channel")


class Person(Base):
    """A phone number and what belongs to her rather than to one pregnancy."""

    __tablename__ = "people"
    __table_args__ = (_lang_check,)

    id: Mapped[int] = mapped_column(primary_key=True)
    # E.164; NULL once she has been erased (the row stays, pseudonymous, for the metrics).
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[Language] = mapped_column(_lang_type)
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_ZONE)
    city: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Enrollment(Base):
    """One pregnancy (or one baby) of hers: a second pregnancy is a new enrollment."""

    __tablename__ = "enrollments"
    __table_args__ = (
        _status_check,
        _track_check,
        _channel_check,
        # At most one enrollment per person that is not over.
        partial_unique(
            "uq_enrollments_open_person", "person_id", where="status NOT IN ('completed', 'ended')"
        ),
        Index("ix_enrollments_status_track", "status", "track"),
        Index("ix_enrollments_created_at", "created_at"),  # enrollments per day (metrics)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[SubscriberStatus] = mapped_column(_status_type)
    track: Mapped[Track | None] = mapped_column(_track_type)
    due_date: Mapped[date | None] = mapped_column(Date)
    birth_date: Mapped[date | None] = mapped_column(Date)
    channel: Mapped[Channel] = mapped_column(_channel_type)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str | None] = mapped_column(String(32))
    failures_in_a_row: Mapped[int] = mapped_column(default=0)


SET_ASIDE = "failed"  # an inbound text's outcome once its handling failed too often


class InboundMessage(Base):
    """A text she sent, stored before any work so a provider's retry is handled once. Until it is
    handled (processed_at NULL) it keeps the sender's number; handling replaces the number with
    her person id, or with nothing (a stranger's STOP, a country we do not serve)."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("provider", "provider_id"),
        # The handlers' queue: texts not yet handled, per number in arrival order.
        partial_index("ix_inbound_messages_pending", "sender", "id", where="processed_at IS NULL"),
        # Set-aside texts, counted at every Prometheus scrape.
        partial_index("ix_inbound_messages_set_aside", "id", where="outcome = 'failed'"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    provider_id: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    body: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(32))
    sender: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(String(200))


class Suppression(Base):
    """A keyed hash of a number that opted out or was erased: never enrolled by an import."""

    __tablename__ = "suppressions"

    phone_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReplyCounter(Base):
    """Automatic replies sent to one number on one day, by keyed hash: a cap against loops
    with auto-responders and SMS pumping."""

    __tablename__ = "reply_counters"

    phone_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    replies: Mapped[int] = mapped_column(default=0)
    automatic: Mapped[int] = mapped_column(default=0)


class ReminderStatus(enum.StrEnum):
    """An appointment reminder's life: waiting (until its appointment has passed) or cancelled."""

    ACTIVE = "active"
    CANCELLED = "cancelled"


_reminder_status_type, _reminder_status_check = enum_column(ReminderStatus, "status")


class Reminder(Base):
    """An appointment she asked to be reminded of. The instants of its texts are fixed when she
    asks, in her zone then: the evening before at 18:00 and, with a time, that morning."""

    __tablename__ = "reminders"
    __table_args__ = (
        _reminder_status_check,
        # The planner's two questions: whose evening text and whose morning text is due.
        partial_index("ix_reminders_evening", "evening_at", where="status = 'active'"),
        partial_index("ix_reminders_morning", "morning_at", where="status = 'active'"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"))
    day: Mapped[date] = mapped_column(Date)  # the appointment's local date
    at: Mapped[str | None] = mapped_column(String(5))  # its local time "HH:MM", if she gave one
    appointment_at: Mapped[datetime] = mapped_column(UTCDateTime())  # or the end of that day
    evening_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    morning_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[ReminderStatus] = mapped_column(_reminder_status_type)
    source: Mapped[str] = mapped_column(String(64))  # "sms", or the module that offered it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
