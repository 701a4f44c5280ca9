"""Every rollup recounted from the raw rows, written independently of the triggers that keep
them (SQLAlchemy and Python here, trigger SQL in the migration), and compared row by row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.enrollment.models import Enrollment, Person, SubscriberStatus
from text4baby_ru.metrics import days
from text4baby_ru.metrics.journey import bucket_seconds, journey_week
from text4baby_ru.metrics.models import (
    NO_DAY,
    ROLLUPS,
    ActiveDates,
    DeliveryTime,
    EnrollmentDay,
    MessageDay,
    OptoutWeek,
    OutcomeDay,
    OutcomeTotal,
    TipCounts,
)

Key = tuple[Any, ...]
Counts = dict[Key, tuple[int, ...]]
S, M = SubscriberStatus, MessageStatus


@dataclass(frozen=True)
class Difference:
    """A rollup row that does not match the recount."""

    table: str
    key: dict[str, Any]
    stored: dict[str, int]
    recounted: dict[str, int]

    def __str__(self) -> str:
        key = " ".join(f"{k}={v}" for k, v in self.key.items())
        stored = " ".join(f"{k}={v}" for k, v in self.stored.items())
        recounted = " ".join(f"{k}={v}" for k, v in self.recounted.items())
        return f"{self.table} {key}: stored {stored}; recounted {recounted}"


def _columns(model: Any) -> tuple[list[str], list[str]]:
    table = model.__table__
    keys = [c.name for c in table.primary_key.columns]
    return keys, [c.name for c in table.columns if c.name not in keys]


def _stored(session: Session, model: Any) -> Counts:
    keys, values = _columns(model)
    table = model.__table__
    rows = session.execute(select(*(table.c[k] for k in keys), *(table.c[v] for v in values)))
    return {tuple(r[: len(keys)]): tuple(int(v) for v in r[len(keys) :]) for r in rows}


def _add(out: dict[Key, list[int]], key: Key, *values: int) -> None:
    current = out.setdefault(key, [0] * len(values))
    for i, v in enumerate(values):
        current[i] += int(v)


def _messages(session: Session, dialect: str) -> Counts:
    m = OutboundMessage
    error = case(
        (m.status.in_((M.FAILED, M.UNDELIVERED)), func.coalesce(m.error_code, "")), else_=""
    )
    day = days.of_instant(m.created_at, dialect)
    query = select(day, m.kind, m.status, error, func.count(), func.sum(m.segments)).group_by(
        day, m.kind, m.status, error
    )
    return {
        (d, str(k), str(s), e): (n, int(seg or 0)) for d, k, s, e, n, seg in session.execute(query)
    }


def _delivery_times(session: Session, dialect: str) -> Counts:
    m = OutboundMessage
    if dialect == "postgresql":
        seconds: Any = func.extract("epoch", m.delivered_at - m.sent_at)
    else:
        seconds = (func.julianday(m.delivered_at) - func.julianday(m.sent_at)) * 86400.0
    day = days.of_instant(m.created_at, dialect)
    whole = func.round(seconds, 3)
    query = (
        select(day, whole, func.count())
        .where(m.status == M.DELIVERED, m.sent_at.is_not(None), m.delivered_at.is_not(None))
        .group_by(day, whole)
    )
    out: dict[Key, list[int]] = {}
    for d, s, n in session.execute(query):
        _add(out, (d, bucket_seconds(float(s))), n)
    return {k: tuple(v) for k, v in out.items()}


def _tips(session: Session, _: str) -> Counts:
    m = OutboundMessage

    def of(*statuses: MessageStatus) -> Any:
        return func.count().filter(m.status.in_(statuses))

    query = (
        select(
            m.enrollment_id, func.count().filter(m.status.not_in((M.QUEUED, M.SENDING))),
            of(M.SENT, M.DELIVERED, M.UNDELIVERED), of(M.DELIVERED), of(M.FAILED, M.UNDELIVERED),
            of(M.UNKNOWN), of(M.EXPIRED),
        )
        .where(m.kind == MessageKind.TIP, m.enrollment_id.is_not(None))
        .group_by(m.enrollment_id)
    )  # fmt: skip
    return {(r[0],): tuple(int(v) for v in r[1:]) for r in session.execute(query)}


def _enrollments(session: Session, dialect: str) -> Counts:
    e = Enrollment
    day = days.of_instant(e.created_at, dialect)
    activated = e.activated_at.is_not(None)
    query = (
        select(day, e.status, e.track, Person.language, e.channel, activated, func.count())
        .join(Person, Person.id == e.person_id)
        .group_by(day, e.status, e.track, Person.language, e.channel, activated)
    )
    out: dict[Key, list[int]] = {}
    for d, status, track, language, channel, active, n in session.execute(query):
        key = (d, str(status), str(track or ""), str(language), str(channel), bool(active))
        _add(out, key, n)
    return {k: tuple(v) for k, v in out.items()}


def _outcomes(session: Session, dialect: str) -> Counts:
    e = Enrollment
    left = e.status.in_((S.OPTED_OUT, S.COMPLETED)) | and_(
        e.status == S.ENDED, e.end_reason == "loss"
    )
    columns = (
        e.status,
        days.of_instant(e.updated_at, dialect),
        days.of_instant(e.ended_at, dialect),
        e.track.is_not(None),
        days.of_date(e.due_date, dialect),
        days.of_date(e.birth_date, dialect),
    )
    query = select(*columns, func.count()).where(left).group_by(*columns)
    out: dict[Key, list[int]] = {}
    names = {S.OPTED_OUT: "optout", S.COMPLETED: "completion", S.ENDED: "loss"}
    for status, updated, ended, has_track, due, birth, n in session.execute(query):
        if status == S.OPTED_OUT:
            track, week = journey_week(updated, due, birth) if has_track else ("", 0)
            key: Key = ("optout", updated, track, week)
        else:
            key = (names[status], NO_DAY if ended is None else ended, "", 0)
        _add(out, key, n)
    return {k: tuple(v) for k, v in out.items()}


def _outcome_days(session: Session, dialect: str) -> Counts:
    out: dict[Key, list[int]] = {}
    for (outcome, day, _, _), (n,) in _outcomes(session, dialect).items():
        _add(out, (outcome, day), n)
    return {k: tuple(v) for k, v in out.items()}


def _optout_weeks(session: Session, dialect: str) -> Counts:
    out: dict[Key, list[int]] = {}
    for (outcome, _, track, week), (n,) in _outcomes(session, dialect).items():
        if outcome == "optout" and track:
            _add(out, (track, week), n)
    return {k: tuple(v) for k, v in out.items()}


def _active(session: Session, dialect: str) -> Counts:
    e = Enrollment
    due, birth = days.of_date(e.due_date, dialect), days.of_date(e.birth_date, dialect)
    query = (
        select(due, birth, func.count())
        .where(e.status == S.ACTIVE, e.track.is_not(None))
        .group_by(due, birth)
    )
    return {
        (NO_DAY if u is None else u, NO_DAY if b is None else b): (n,)
        for u, b, n in session.execute(query)
    }


RECOUNTS = {
    MessageDay: _messages,
    DeliveryTime: _delivery_times,
    TipCounts: _tips,
    EnrollmentDay: _enrollments,
    OutcomeDay: _outcomes,
    OutcomeTotal: _outcome_days,
    OptoutWeek: _optout_weeks,
    ActiveDates: _active,
}
assert set(RECOUNTS) == set(ROLLUPS)


def differences(session: Session) -> Iterator[Difference]:
    """Every rollup row whose counts differ from the raw rows' (a missing row counts as 0)."""
    dialect = session.get_bind().dialect.name
    for model, recount in RECOUNTS.items():
        keys, values = _columns(model)
        stored = _stored(session, model)
        fresh = recount(session, dialect)
        zero = (0,) * len(values)
        for key in sorted(set(stored) | set(fresh), key=repr):
            have, want = stored.get(key, zero), fresh.get(key, zero)
            if have != want:
                yield Difference(
                    model.__tablename__,
                    dict(zip(keys, key, strict=True)),
                    dict(zip(values, have, strict=True)),
                    dict(zip(values, want, strict=True)),
                )


def counts_by_table(session: Session) -> dict[str, int]:
    """How many rows each rollup holds (for the report of a clean check)."""
    return {
        m.__tablename__: int(session.scalar(select(func.count()).select_from(m)) or 0)
        for m in ROLLUPS
    }
