"""Subscriber support (admin only): look her up by number, read her history, opt her out or erase
her. The page is a shell; every read and change goes through the audited subscriber API."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from text4baby_ru.admin.pages.web import PageDep
from text4baby_ru.auth.models import Role

router = APIRouter(prefix="/admin", include_in_schema=False)
FACTS = (
    "status",
    "language",
    "track",
    "due_date",
    "birth_date",
    "timezone",
    "city",
    "channel",
    "enrolled_at",
    "end_reason",
)


@router.get("/subscribers", response_class=HTMLResponse)
def support(page: PageDep) -> Response:
    page.need(Role.ADMIN)
    labels = [[name, page.words[f"fact_{name}"]] for name in FACTS]
    return page.render("support.html", labels=labels)
