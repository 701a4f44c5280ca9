"""Admin API: broadcast alerts (admin only)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select

from text4baby_ru.alerts import service as alerts
from text4baby_ru.audit.service import record_by
from text4baby_ru.clock import DEFAULT_ZONE
from text4baby_ru.delivery.models import Alert, AlertStatus
from text4baby_ru.deps import AdminUser, ClockDep, PathId, SessionDep, SettingsDep
from text4baby_ru.errors import Invalid, NotFound
from text4baby_ru.kit.zones import check_zone

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"])


class AlertIn(BaseModel):
    """An alert: both texts, the audience (blank = everyone active) and when to send."""

    text_ru: str = Field(
        examples=["Внимание: в регионе грипп. Привейтесь, если врач советует. 103/112."]
    )
    text_en: str = Field(
        examples=["Flu is spreading in the region. Ask your doctor about the jab. 103/112."]
    )
    track: str | None = Field(None, examples=["pregnancy"])
    week_from: int | None = Field(None, ge=0, le=52)
    week_to: int | None = Field(None, ge=0, le=52)
    language: str | None = Field(None, examples=["ru"])
    timezone: str | None = Field(None, examples=[DEFAULT_ZONE])
    send_at: datetime = Field(description="with its offset; no later than a year from now")

    def audience(self, now: datetime) -> alerts.Audience:
        if self.track not in (None, "pregnancy", "baby"):
            raise Invalid("track must be pregnancy or baby")
        if self.language not in (None, "ru", "en"):
            raise Invalid("language must be ru or en")
        if self.send_at.tzinfo is None:
            raise Invalid("send_at needs a time zone, e.g. 2026-12-01T10:00:00+03:00")
        alerts.check_send_at(self.send_at, now=now)
        if self.timezone is not None:
            try:
                check_zone(self.timezone)
            except ValueError as error:
                raise Invalid(f"timezone: {error}") from None
        return alerts.Audience(
            self.track, self.week_from, self.week_to, self.language, self.timezone
        )


class AlertOut(BaseModel):
    """A stored alert."""

    id: int
    status: AlertStatus
    send_at: datetime
    recipients: int
    text_ru: str
    text_en: str


def _out(alert: Alert) -> AlertOut:
    return AlertOut(
        id=alert.id,
        status=alert.status,
        send_at=alert.send_at,
        recipients=alert.recipients,
        text_ru=alert.text_ru,
        text_en=alert.text_en,
    )


def _alert(session: SessionDep, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound(f"no alert {alert_id}")
    return alert


@router.post("/dry-run", summary="Recipients, segments and cost of an alert, without saving it")
def dry_run(
    body: AlertIn, session: SessionDep, settings: SettingsDep, clock: ClockDep, _: AdminUser
) -> dict[str, object]:
    return alerts.dry_run(
        session,
        body.audience(clock.now()),
        text_ru=body.text_ru,
        text_en=body.text_en,
        send_at=body.send_at,
        price=settings.segment_price,
    )


@router.post("", status_code=201, summary="Save an alert as a draft (admin)")
def create(body: AlertIn, session: SessionDep, clock: ClockDep, admin: AdminUser) -> AlertOut:
    body.audience(clock.now())
    alerts.validate(body.text_ru, body.text_en)
    alert = Alert(
        text_ru=body.text_ru.strip(),
        text_en=body.text_en.strip(),
        track=body.track,
        week_from=body.week_from,
        week_to=body.week_to,
        language=body.language,
        timezone=body.timezone,
        send_at=body.send_at,
        status=AlertStatus.DRAFT,
        created_by=admin.id,
        created_at=clock.now(),
    )
    session.add(alert)
    session.flush()
    record_by(
        session,
        admin,
        at=clock.now(),
        action="alert.create",
        entity="alert",
        entity_id=alert.id,
        after=body.model_dump(mode="json"),
    )
    return _out(alert)


@router.get("", summary="Every alert, newest first (admin)")
def list_alerts(session: SessionDep, _: AdminUser) -> list[AlertOut]:
    return [_out(a) for a in session.scalars(select(Alert).order_by(Alert.id.desc()))]


@router.post("/{alert_id}/send", summary="Queue it for its audience, once each (admin)")
def send(
    alert_id: PathId, session: SessionDep, clock: ClockDep, settings: SettingsDep, admin: AdminUser
) -> AlertOut:
    alert = _alert(session, alert_id)
    queued = alerts.schedule(session, alert, now=clock.now(), quiet=settings.quiet_window)
    record_by(
        session,
        admin,
        at=clock.now(),
        action="alert.send",
        entity="alert",
        entity_id=alert.id,
        after={"queued": queued},
    )
    return _out(alert)


@router.post("/{alert_id}/cancel", summary="Cancel what has not gone yet (admin)")
def cancel(alert_id: PathId, session: SessionDep, clock: ClockDep, admin: AdminUser) -> AlertOut:
    alert = _alert(session, alert_id)
    cancelled = alerts.cancel(session, alert, now=clock.now())
    record_by(
        session,
        admin,
        at=clock.now(),
        action="alert.cancel",
        entity="alert",
        entity_id=alert.id,
        after={"cancelled": cancelled},
    )
    return _out(alert)
