"""Broadcast alerts (admin only): compose in both languages, a dry run with count and cost,
schedule, cancel. The page lists the alerts; every change goes through the audited alert API."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from text4baby_ru.admin import alerts_router as api
from text4baby_ru.admin.pages.web import PageDep
from text4baby_ru.auth.models import Role, User
from text4baby_ru.deps import SessionDep
from text4baby_ru.kit.formats import ZONES

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(page: PageDep, session: SessionDep) -> Response:
    admin = session.get_one(User, page.need(Role.ADMIN).id)
    return page.render("alerts.html", alerts=api.list_alerts(session, admin), zones=ZONES)
