"""The admin web pages (server-rendered Jinja2, small vendored JavaScript, no CDN)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from text4baby_ru.admin.pages import (
    alerts,
    content,
    dashboard,
    modules,
    review,
    signin,
    simulator,
    support,
)
from text4baby_ru.admin.pages.simulation import Simulator
from text4baby_ru.admin.pages.web import STATIC_DIR, NeedSignIn, PageForbidden

ROUTERS = (
    signin.router,
    dashboard.router,
    content.router,
    review.router,
    support.router,
    alerts.router,
    modules.router,
    simulator.router,
)


def install(app: FastAPI) -> None:
    """Add the pages, their static files, their redirects and the simulator to the app."""
    app.state.simulator = Simulator()

    @app.exception_handler(NeedSignIn)
    async def _sign_in_first(_: Request, error: NeedSignIn) -> Response:
        return RedirectResponse(f"/admin/sign-in?next={quote(error.next_url)}", status_code=303)

    @app.exception_handler(PageForbidden)
    async def _forbidden(_: Request, error: PageForbidden) -> Response:
        return error.page.render("message.html", 403, text=error.page.words["forbidden"])

    for router in ROUTERS:
        app.include_router(router)
    app.mount("/admin/static", StaticFiles(directory=STATIC_DIR), name="admin-static")
