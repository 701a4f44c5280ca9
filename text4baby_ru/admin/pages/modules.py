"""Interactive modules: their list with start, pause and stop (admin, with a dry run), and each
module's results (any role). Every change goes through the audited module API."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from text4baby_ru.admin.pages.web import PageDep
from text4baby_ru.auth.models import Role
from text4baby_ru.deps import SessionDep
from text4baby_ru.metrics.modules import results
from text4baby_ru.modules import store
from text4baby_ru.modules.definition import ModuleDef
from text4baby_ru.modules.models import Module

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/modules", response_class=HTMLResponse)
def modules_page(page: PageDep, session: SessionDep) -> Response:
    user = page.need(*Role)
    modules = session.scalars(select(Module).order_by(Module.id)).all()
    return page.render("modules.html", modules=modules, admin=user.role is Role.ADMIN)


@router.get("/modules/{module_id}", response_class=HTMLResponse)
def module_results_page(module_id: str, page: PageDep, session: SessionDep) -> Response:
    page.need(*Role)
    module = session.get(Module, module_id[:32])
    if module is None:
        return page.render("message.html", 404, text=page.words["not_found"])
    return page.render(
        "module_results.html",
        module=module,
        r=results(session, module),
        labels=_labels(store.load(session, module.id), page.language),
    )


def _labels(module: ModuleDef | None, language: str) -> dict[str, dict[str, str]]:
    """Each option as she reads it ("2 — нет"), by step and value: no identifiers on the page."""
    labels: dict[str, dict[str, str]] = {}
    for step, options in (module.options if module else {}).items():
        for o in options:
            cyrillic = [w for w in o.words if any("а" <= c <= "я" for c in w.lower())]
            latin = [w for w in o.words if w not in cyrillic]
            words = cyrillic if language == "ru" else latin
            labels.setdefault(step.value, {})[o.value] = f"{o.number} — {(words or [''])[0]}"
    return labels
