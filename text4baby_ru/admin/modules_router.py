"""Admin API: interactive modules, their results (any role) and their control (admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import PlainTextResponse
from sqlalchemy import select

from text4baby_ru.alerts import service as alerts
from text4baby_ru.audit.service import record_by
from text4baby_ru.content.live import MissingContent, live_revision
from text4baby_ru.deps import AdminUser, AnyUser, ClockDep, SessionDep, SettingsDep
from text4baby_ru.errors import Conflict, NotFound
from text4baby_ru.metrics.modules import as_csv, results
from text4baby_ru.modules.models import Module, ModuleStatus
from text4baby_ru.modules.store import BadTransition, change_status

router = APIRouter(prefix="/api/v1/modules", tags=["modules"])
ModuleId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")]
_ACTIONS = {
    "start": ModuleStatus.RUNNING,
    "pause": ModuleStatus.PAUSED,
    "stop": ModuleStatus.STOPPED,
}


def _module(session: SessionDep, module_id: str) -> Module:
    module = session.get(Module, module_id)
    if module is None:
        raise NotFound(f"no module {module_id!r}")
    return module


def _summary(m: Module) -> dict[str, Any]:
    return {
        "id": m.id,
        "title": m.title,
        "status": m.status.value,
        "track": m.track,
        "week_from": m.week_from,
        "week_to": m.week_to,
        "months": [m.month_from, m.month_to] if m.month_from is not None else None,
        "open_hours": m.open_hours,
        "outcome_after_days": m.outcome_after_days,
        "outcome_success": m.outcome_success,
        "started_at": m.started_at,
        "stopped_at": m.stopped_at,
    }


@router.get("", summary="The modules of the library and where each stands")
def list_modules(session: SessionDep, _: AnyUser) -> dict[str, Any]:
    rows = session.scalars(select(Module).order_by(Module.id))
    return {"items": [_summary(m) for m in rows]}


@router.get("/{module_id}/results", summary="A module's results; cells under 5 as <5; CSV too")
def module_results(
    module_id: ModuleId,
    session: SessionDep,
    _: AnyUser,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> Any:
    result = results(session, _module(session, module_id))
    if format == "csv":
        return PlainTextResponse(
            as_csv(result),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="module-{module_id}.csv"'},
        )
    return result


@router.post("/{module_id}/dry-run", summary="Who the question would reach this week, at what cost")
def dry_run(
    module_id: ModuleId, session: SessionDep, settings: SettingsDep, clock: ClockDep, _: AdminUser
) -> dict[str, object]:
    module = _module(session, module_id)
    key = f"module.{module.id}.question"
    try:
        texts = {lang: live_revision(session, key, lang).text for lang in ("ru", "en")}
    except MissingContent as error:
        raise Conflict(f"the question has no live text: {error}") from None
    audience = alerts.Audience(module.track, module.week_from, module.week_to, None, None)
    estimate = alerts.dry_run(
        session,
        audience,
        text_ru=texts["ru"],
        text_en=texts["en"],
        send_at=clock.now(),
        price=settings.segment_price,
    )
    return {
        **estimate,
        "note": "women of the audience's weeks today; a window of one week "
        "asks about this many each week",
    }


@router.post("/{module_id}/{action}", summary="Start, pause or stop a module (admin)")
def control(
    module_id: ModuleId,
    action: Annotated[str, Path(pattern="^(start|pause|stop)$")],
    session: SessionDep,
    clock: ClockDep,
    admin: AdminUser,
) -> dict[str, Any]:
    module = _module(session, module_id)
    before = module.status.value
    try:
        change_status(session, module, _ACTIONS[action], now=clock.now())
    except BadTransition as error:
        raise Conflict(str(error)) from None
    record_by(
        session,
        admin,
        at=clock.now(),
        action=f"module.{action}",
        entity="module",
        entity_id=module.id,
        before={"status": before},
        after={"status": module.status.value},
    )
    return _summary(module)
