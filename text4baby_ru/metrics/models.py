"""Rollups: the counts the dashboard reads, kept by database triggers in the same transaction as
each change to the rows they count (migration `metrics`), so a query reads a few hundred rows
whatever the number of women. Days are Moscow day numbers (`metrics.days`); -1 stands for "no
date" where a key may lack one (a primary key cannot hold NULL)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from text4baby_ru.db import Base, UTCDateTime

NO_DAY = -1  # a key's day or date when the row has none


class MessageDay(Base):
    """Messages and segments by the Moscow day they were created, kind and current status;
    failed and undelivered ones also by error code ('' for none and for other statuses)."""

    __tablename__ = "metric_messages"

    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    status: Mapped[str] = mapped_column(String(12), primary_key=True)
    error_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    messages: Mapped[int] = mapped_column(BigInteger)
    segments: Mapped[int] = mapped_column(BigInteger)


class DeliveryTime(Base):
    """Delivered messages (sent and delivery times both known) by the Moscow day they were
    created and the seconds from sending to delivery: whole seconds under 100, two significant
    figures above (the lower bound of the bucket)."""

    __tablename__ = "metric_delivery_times"

    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    seconds: Mapped[int] = mapped_column(Integer, primary_key=True)
    messages: Mapped[int] = mapped_column(BigInteger)


class EnrollmentDay(Base):
    """Enrollments by the Moscow day they were created, current status, track ('' for none),
    her language, channel and whether she was ever activated."""

    __tablename__ = "metric_enrollments"

    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(12), primary_key=True)
    track: Mapped[str] = mapped_column(String(16), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    activated: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    enrollments: Mapped[int] = mapped_column(BigInteger)


class OutcomeDay(Base):
    """Opt-outs (by the day of her last change, as the opt-out definition says), completions and
    losses (by the day she left), with her track and week of the journey on that day for
    opt-outs ('' and 0 otherwise, and for an opt-out with no track)."""

    __tablename__ = "metric_outcomes"

    outcome: Mapped[str] = mapped_column(String(12), primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    track: Mapped[str] = mapped_column(String(16), primary_key=True)
    week: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrollments: Mapped[int] = mapped_column(BigInteger)


class ActiveDates(Base):
    """Active enrollments with a track, by due date and birth date as day numbers (-1 for
    none): where each stands today is worked out at read time from a few hundred rows."""

    __tablename__ = "metric_active"

    due_day: Mapped[int] = mapped_column(Integer, primary_key=True)
    birth_day: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrollments: Mapped[int] = mapped_column(BigInteger)


class TipCounts(Base):
    """Each enrollment's tips that left the queue, by what became of them (gone: every tip no
    longer queued or sending; sent: accepted by the gateway, that is sent, delivered or
    undelivered; failed: failed or undelivered; expired: could not go before their deadline).
    A queued tip counts nowhere here, so planning one writes no row (who is behind asks the
    outbox for her waiting tips)."""

    __tablename__ = "metric_tips"

    enrollment_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gone: Mapped[int] = mapped_column(Integer)
    sent: Mapped[int] = mapped_column(Integer)
    delivered: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    unknown: Mapped[int] = mapped_column(Integer)
    expired: Mapped[int] = mapped_column(Integer)  # past their deadline (a throttled route)


class OutcomeTotal(Base):
    """Opt-outs, completions and losses by day, all tracks and weeks together (metric_outcomes
    without them, passed on by a trigger on it): what the timeseries and the summary read."""

    __tablename__ = "metric_outcome_days"

    outcome: Mapped[str] = mapped_column(String(12), primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrollments: Mapped[int] = mapped_column(BigInteger)


class OptoutWeek(Base):
    """Opt-outs with a track by her track and week on the day she stopped, all days together
    (metric_outcomes without the day: a trigger on it passes each change on), so opt-outs by
    week reads a row per week however long the programme has run."""

    __tablename__ = "metric_optout_weeks"

    track: Mapped[str] = mapped_column(String(16), primary_key=True)
    week: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrollments: Mapped[int] = mapped_column(BigInteger)


ROLLUPS = (
    MessageDay, DeliveryTime, EnrollmentDay, OutcomeDay, OutcomeTotal, OptoutWeek, ActiveDates,
    TipCounts,
)  # fmt: skip


class MetricSnapshot(Base):
    """Not a rollup: the stored result of a metric that cannot be rolled up (dose received and
    who is behind depend on today and on each woman's dates), for one Moscow day (`day`) and
    send weekdays ("0,2,4"), as JSON, and when it was computed (metrics.snapshots). No phone
    number: who is behind names women by enrollment id and pseudonym."""

    __tablename__ = "metric_snapshots"

    metric: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    weekdays: Mapped[str] = mapped_column(String(16), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    result: Mapped[str] = mapped_column(Text)
