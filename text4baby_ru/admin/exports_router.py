"""The pseudonymous export for evaluators (admin only, every export audited), and the
Prometheus gauges for operators."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response, StreamingResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.orm import Session

from text4baby_ru.audit.service import record_by
from text4baby_ru.deps import AdminUser, ClockDep, RuntimeDep, SessionDep, end_and_read
from text4baby_ru.metrics.days import REPORT_ZONE
from text4baby_ru.metrics.export import DEFINITION, pseudonymous_csv
from text4baby_ru.metrics.prometheus import registry_for

router = APIRouter(tags=["metrics"])


def _recorded(session: SessionDep, clock: ClockDep, admin: AdminUser) -> datetime:
    """Record the export in the request's transaction; the instant it was asked for."""
    now = clock.now()
    record_by(session, admin, at=now, action="export", entity="pseudonymous_export")
    return now


def _export_session(
    now: Annotated[datetime, Depends(_recorded)], session: SessionDep, runtime: RuntimeDep
) -> Iterator[tuple[datetime, Session]]:
    """Commit the audit record, then read in a transaction that takes no write lock, so
    webhooks keep their speed however long the download takes."""
    for read in end_and_read(session, runtime):
        yield now, read


@router.get(
    "/api/v1/exports/pseudonymous",
    summary="Pseudonymous CSV of enrollments and messages, for evaluators (admin, audited)",
    response_class=StreamingResponse,
    description=DEFINITION + " Streamed; each export is recorded in the audit log.",
)
def pseudonymous_export(
    runtime: RuntimeDep,
    _: AdminUser,
    export: Annotated[tuple[datetime, Session], Depends(_export_session)],
) -> StreamingResponse:
    now, read = export
    today = now.astimezone(REPORT_ZONE).date()
    lines = pseudonymous_csv(read, key=runtime.hash_key(), today=today)
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="text4baby-{today}.csv"'},
    )


@router.get(
    "/metrics",
    tags=["operations"],
    summary="Prometheus gauges: enrollments, the outbox, the oldest queued message (no token)",
    response_class=Response,
    description=(
        "Prometheus text exposition, computed at each scrape from SQL aggregates: "
        "`t4b_enrollments{status,track}`, `t4b_outbox_messages{status}` (queued, sending, sent, "
        "unknown), "
        "`t4b_outbox_oldest_queued_age_seconds` (how long the oldest message that is due has "
        "waited in the queue), `t4b_last_tip_planned_timestamp_seconds`. Aggregates only, never "
        "a number or a text, so it takes no token, as Prometheus scrapes; keep it off the "
        "public internet with the reverse proxy if the totals are not to be public."
    ),
)
def prometheus_metrics(runtime: RuntimeDep, clock: ClockDep) -> Response:
    registry = registry_for(runtime.sessions, now=clock.now(), rate=runtime.settings.send_rate)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
