"""Sign-in with a token, sign-out, and the front door of the pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from text4baby_ru.admin.pages.web import PageDep
from text4baby_ru.auth.sessions import (
    SESSION_COOKIE,
    SESSION_TTL,
    close_session,
    csrf_ok,
    open_session,
)
from text4baby_ru.deps import RuntimeDep, SessionDep, SigningKeyDep

router = APIRouter(prefix="/admin", include_in_schema=False)
HOME = "/admin/dashboard"


def same_origin(request: Request, public_url: str) -> bool:
    """A form posted from our own pages: the browser's Origin (when it sends one) is ours."""
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.url.netloc}"
    return origin is None or origin in (own, public_url.rstrip("/"))


def _safe_next(target: str | None) -> str:
    """Only a path of our pages: never another site."""
    if target and target.startswith("/admin/") and not target.startswith("//"):
        return target
    return HOME


@router.get("", response_class=HTMLResponse)
@router.get("/", response_class=HTMLResponse)
def front(page: PageDep) -> Response:
    return RedirectResponse(HOME if page.user else "/admin/sign-in", status_code=303)


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(page: PageDep, next: str | None = None) -> Response:
    return page.render("sign_in.html", next=_safe_next(next), error=None)


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(
    page: PageDep,
    session: SessionDep,
    runtime: RuntimeDep,
    token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=300)] = HOME,
) -> Response:
    if not same_origin(page.request, runtime.settings.public_url):
        return page.render("sign_in.html", 403, next=HOME, error=page.words["bad_form"])
    cookie = open_session(session, token, now=runtime.clock.now())
    if cookie is None:
        error = page.words["bad_token"]
        return page.render("sign_in.html", 401, next=_safe_next(next), error=error)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=int(SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=page.request.url.scheme == "https",
    )
    return response


@router.post("/sign-out", response_class=HTMLResponse)
def sign_out(
    page: PageDep,
    session: SessionDep,
    key: SigningKeyDep,
    runtime: RuntimeDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    cookie = page.request.cookies.get(SESSION_COOKIE, "")
    if not same_origin(page.request, runtime.settings.public_url) or not csrf_ok(
        cookie, csrf, key=key
    ):
        return page.render("sign_in.html", 403, next=HOME, error=page.words["bad_form"])
    close_session(session, cookie, now=runtime.clock.now())
    response = RedirectResponse("/admin/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict")
    return response
