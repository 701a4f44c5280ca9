"""A module's structure (audience, options, arms, timings) and each woman's assignment to it.

Its texts are library content keys (`module.<id>.question`, ...); only the structure is here."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from text4baby_ru.db import Base, JSONType, UTCDateTime, enum_column


class ModuleStatus(enum.StrEnum):
    """Whether a module's question goes out."""

    DRAFT = "draft"  # imported, never started
    RUNNING = "running"
    PAUSED = "paused"  # no new questions; open questions are still read
    STOPPED = "stopped"  # over for good


class Step(enum.StrEnum):
    """Which of a module's questions an option answers."""

    QUESTION = "question"
    REASON = "reason"
    OUTCOME = "outcome"
    REMINDER = "reminder"  # the reminder offer: her date, or ВИЗИТ + date, is her answer


_status_type, _status_check = enum_column(ModuleStatus, "status")
_step_type, _step_check = enum_column(Step, "step")
_open_type, _open_check = enum_column(Step, "step")


class Module(Base):
    """One interactive module: who is asked, when, and what counts as its outcome."""

    __tablename__ = "modules"
    __table_args__ = (_status_check,)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    status: Mapped[ModuleStatus] = mapped_column(_status_type)
    track: Mapped[str] = mapped_column(String(16))
    week_from: Mapped[int]
    week_to: Mapped[int]
    # Calendar window by month (10 to 2 wraps over the new year); NULL: all year.
    month_from: Mapped[int | None]
    month_to: Mapped[int | None]
    open_hours: Mapped[int]
    outcome_after_days: Mapped[int | None]
    outcome_success: Mapped[str | None] = mapped_column(String(32))  # the outcome option counted
    seed: Mapped[str] = mapped_column(String(32))  # keys the arm hash: stable, not guessable
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ModuleArm(Base):
    """One arm of a module's randomised evaluation."""

    __tablename__ = "module_arms"

    module_id: Mapped[str] = mapped_column(ForeignKey("modules.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int]
    offer_reminder: Mapped[bool] = mapped_column(Boolean)
    tailored: Mapped[bool] = mapped_column(Boolean)


class ModuleOption(Base):
    """An answer option of one of a module's questions: its number, its words, what follows."""

    __tablename__ = "module_options"
    __table_args__ = (_step_check, UniqueConstraint("module_id", "step", "number"))

    module_id: Mapped[str] = mapped_column(ForeignKey("modules.id"), primary_key=True)
    step: Mapped[Step] = mapped_column(_step_type, primary_key=True)
    value: Mapped[str] = mapped_column(String(32), primary_key=True)
    number: Mapped[int]
    words: Mapped[list[str]] = mapped_column(JSONType, default=list)
    ask_reason: Mapped[bool] = mapped_column(Boolean)
    offer_reminder: Mapped[bool] = mapped_column(Boolean)


class ModuleAssignment(Base):
    """A woman asked a module's question: her arm (drawn once), her answers, what is open."""

    __tablename__ = "module_assignments"
    __table_args__ = (
        _open_check,
        UniqueConstraint("module_id", "enrollment_id"),
        Index("ix_module_assignments_open", "enrollment_id", "open_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[str] = mapped_column(ForeignKey("modules.id"))
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    arm: Mapped[str] = mapped_column(String(32))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The question she may answer now, and until when; NULL when none is open.
    step: Mapped[Step | None] = mapped_column(_open_type)
    open_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    nudged: Mapped[bool] = mapped_column(Boolean, default=False)
    answer: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(String(32))
    reason_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminder_offered: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(32))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    followups: Mapped[int] = mapped_column(default=0)
