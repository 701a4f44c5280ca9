"""Broadcast alerts: an audience, a text per language, a send time; once per person, through the
same outbox as the tips, inside her quiet-hours rules, never to anyone who stopped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, literal, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from text4baby_ru.content.lint import check_text
from text4baby_ru.content.templates import Stage
from text4baby_ru.delivery.models import (
    Alert,
    AlertStatus,
    MessageKind,
    MessageStatus,
    OutboundMessage,
)
from text4baby_ru.delivery.planner import zones
from text4baby_ru.delivery.schedule import next_allowed
from text4baby_ru.enrollment.models import Enrollment, Person, SubscriberStatus
from text4baby_ru.enrollment.stage import day_literal, position_sql
from text4baby_ru.errors import Conflict, Invalid
from text4baby_ru.kit.segments import count
from text4baby_ru.kit.zones import supported_zones


@dataclass(frozen=True)
class Audience:
    """Who gets an alert: active subscribers, narrowed by track, weeks, language and zone."""

    track: str | None = None
    week_from: int | None = None
    week_to: int | None = None
    language: str | None = None
    timezone: str | None = None


SEND_WITHIN = timedelta(days=366)  # an alert is news: its time lies within a year of now


def check_send_at(send_at: datetime, *, now: datetime) -> None:
    """Invalid (422) for a send time more than a year away (9999-12-31 would overflow)."""
    if not now - SEND_WITHIN <= send_at <= now + SEND_WITHIN:
        raise Invalid("send_at must lie within a year of now")


def validate(text_ru: str, text_en: str) -> None:
    """Invalid (422) naming the first problem of either text (no template variables allowed)."""
    for language, body in (("ru", text_ru), ("en", text_en)):
        if not body.strip():
            raise Invalid(f"the {language} text is empty")
        errors = [
            d
            for sev, _, d in check_text(
                body, language=language, allowed=(), stages=[Stage(None, 0)]
            )
            if sev == "error"
        ]
        if errors:
            raise Invalid(f"{language}: {errors[0]}")


def _who(audience: Audience, zone: str, day: datetime, dialect: str) -> list[ColumnElement[bool]]:
    track, week = position_sql(day_literal(day.date(), dialect), dialect)
    conditions: list[ColumnElement[bool]] = [
        Enrollment.status == SubscriberStatus.ACTIVE,
        Person.timezone == zone,
        Person.phone.is_not(None),
    ]
    if audience.track:
        conditions.append(track == audience.track)
    if audience.week_from is not None:
        conditions.append(week >= audience.week_from)
    if audience.week_to is not None:
        conditions.append(week <= audience.week_to)
    if audience.language:
        conditions.append(Person.language == audience.language)
    return conditions


def _zones(session: Session, audience: Audience) -> list[str]:
    return [audience.timezone] if audience.timezone else zones(session)


def dry_run(
    session: Session,
    audience: Audience,
    *,
    text_ru: str,
    text_en: str,
    send_at: datetime,
    price: float,
) -> dict[str, object]:
    """How many would get it, in how many segments, at what cost."""
    validate(text_ru, text_en)
    dialect = session.get_bind().dialect.name
    parts = {"ru": count(text_ru).segments, "en": count(text_en).segments}
    recipients, segments = 0, 0
    for zone in _zones(session, audience):
        local = send_at.astimezone(ZoneInfo(zone))
        rows = session.execute(
            select(Person.language, func.count())
            .select_from(Enrollment)
            .join(Person, Person.id == Enrollment.person_id)
            .where(*_who(audience, zone, local, dialect))
            .group_by(Person.language)
        ).all()
        for language, n in rows:
            recipients += n
            segments += n * parts[str(language)]
    return {
        "recipients": recipients,
        "segments": segments,
        "cost": round(segments * price, 2),
        "currency": "RUB",
    }


def schedule(session: Session, alert: Alert, *, now: datetime, quiet: tuple[time, time]) -> int:
    """Queue the alert for its audience (once per person); the number of messages queued."""
    if alert.status is not AlertStatus.DRAFT:
        raise Conflict(f"the alert is {alert.status}")
    audience = Audience(alert.track, alert.week_from, alert.week_to, alert.language, alert.timezone)
    if alert.timezone is not None and alert.timezone not in supported_zones():
        # stored before zones were checked at the edge
        raise Invalid(f"the alert's zone {alert.timezone!r} is not an IANA zone: cancel it")
    check_send_at(alert.send_at, now=now)
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    queued = 0
    for zone in _zones(session, audience):
        start = max(alert.send_at, now)
        due = next_allowed(start, timezone=zone, quiet=quiet)
        local_due = due.astimezone(ZoneInfo(zone))
        expires = datetime.combine(local_due.date(), quiet[0], ZoneInfo(zone))
        if expires <= local_due:
            expires += timedelta(days=1)
        for language, body in (("ru", alert.text_ru), ("en", alert.text_en)):
            parts = count(body)
            rows = (
                select(
                    literal(MessageKind.ALERT.value).label("kind"),
                    Enrollment.person_id,
                    Enrollment.id.label("enrollment_id"),
                    literal(alert.id).label("alert_id"),
                    literal(language).label("language"),
                    literal(body).label("body"),
                    literal(parts.segments).label("segments"),
                    literal(parts.encoding).label("encoding"),
                    literal(MessageStatus.QUEUED.value).label("status"),
                    literal(due, OutboundMessage.due_at.type).label("due_at"),
                    literal(expires, OutboundMessage.expires_at.type).label("expires_at"),
                    literal(0).label("attempts"),
                    literal(now, OutboundMessage.created_at.type).label("created_at"),
                    literal(now, OutboundMessage.updated_at.type).label("updated_at"),
                )
                .select_from(Enrollment)
                .join(Person, Person.id == Enrollment.person_id)
                .where(and_(*_who(audience, zone, local_due, dialect)), Person.language == language)
            )
            statement = (
                module.insert(OutboundMessage)
                .from_select([c.name for c in rows.selected_columns], rows)
                .on_conflict_do_nothing(
                    index_elements=["alert_id", "person_id"], index_where=text("kind = 'alert'")
                )
            )
            result = session.execute(statement, execution_options={"preserve_rowcount": True})
            queued += int(result.rowcount)  # type: ignore[attr-defined]
    alert.status, alert.recipients = AlertStatus.SCHEDULED, queued
    return queued


def cancel(session: Session, alert: Alert, *, now: datetime) -> int:
    """Cancel what has not gone yet; the number of messages cancelled."""
    if alert.status is AlertStatus.CANCELLED:
        raise Conflict("the alert is already cancelled")
    alert.status = AlertStatus.CANCELLED
    result = session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.alert_id == alert.id, OutboundMessage.status == MessageStatus.QUEUED)
        .values(status=MessageStatus.CANCELLED, updated_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
