"""The public page at /join (Russian) and /en/join (English): plain forms, no JavaScript."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from text4baby_ru.clock import DEFAULT_ZONE
from text4baby_ru.db import unit_of_work
from text4baby_ru.deps import RuntimeDep
from text4baby_ru.enrollment.service import local_today
from text4baby_ru.intake.join import Limits, Verdict, ask, confirm
from text4baby_ru.public.forms import read_code, read_request
from text4baby_ru.public.texts import TEXTS
from text4baby_ru.runtime import Runtime

log = logging.getLogger(__name__)
router = APIRouter(tags=["public page"], include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
T = TypeVar("T")


def _language(request: Request) -> str:
    return "en" if request.url.path.startswith("/en/") else "ru"


def _page(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    language = _language(request)
    base = "/en/join" if language == "en" else "/join"
    context = {"t": TEXTS[language], "lang": language, "base": base, **values}
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def _same_site(request: Request) -> bool:
    """Cross-site forms are refused: the Origin (or Referer) must name this host, when sent."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null":
        return source is None  # old browsers send neither; "null" is an opaque origin
    return urlsplit(source).netloc == request.headers.get("host", "")


async def _form(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


async def _in_thread(runtime: Runtime, work: Callable[[Session, bytes], T]) -> T:
    """Run work in one unit of work, off the event loop, with the key for keyed hashes."""

    def run() -> T:
        with unit_of_work(runtime.sessions) as session:
            return work(session, runtime.hash_key(session))

    return await run_in_threadpool(run)


@router.get("/join", response_class=HTMLResponse)
@router.get("/en/join", response_class=HTMLResponse)
def join_form(request: Request) -> Response:
    return _page(request, "join.html", form={}, problems=[])


@router.post("/join", response_class=HTMLResponse)
@router.post("/en/join", response_class=HTMLResponse)
async def join_request(request: Request, runtime: RuntimeDep, tasks: BackgroundTasks) -> Response:
    if not _same_site(request):
        return _page(request, "message.html", 403, text_key="forbidden")
    form = await _form(request)
    found = read_request(form, today=local_today(runtime.clock.now(), DEFAULT_ZONE))
    action = found.action
    if found.problems or action is None:
        return _page(request, "join.html", 422, form=form, problems=found.problems)
    client = request.client.host if request.client else "unknown"

    language = _language(request)
    asked = await _in_thread(
        runtime,
        lambda session, key: ask(
            session,
            phone=found.phone,
            action=action,
            join=found.join,
            language=language,
            client=client,
            now=runtime.clock.now(),
            hash_key=key,
            countries=runtime.settings.countries,
            limits=Limits(
                codes_per_hour=runtime.settings.join_codes_per_hour,
                codes_per_day=runtime.settings.join_codes_per_day,
            ),
        ),
    )
    if asked.token is None:
        return _page(request, "message.html", 429, text_key="limited")
    if asked.send:
        tasks.add_task(runtime.send_now, asked.send)
    return _page(request, "code.html", token=asked.token, problem=None)


@router.post("/join/confirm", response_class=HTMLResponse)
@router.post("/en/join/confirm", response_class=HTMLResponse)
async def join_confirm(request: Request, runtime: RuntimeDep, tasks: BackgroundTasks) -> Response:
    if not _same_site(request):
        return _page(request, "message.html", 403, text_key="forbidden")
    form = await _form(request)
    token = form.get("token", "")[:64]
    code = read_code(form.get("code", ""))
    if code is None:
        return _page(request, "code.html", 422, token=token, problem="bad_code", left=None)

    confirmed = await _in_thread(
        runtime,
        lambda session, key: confirm(
            session, token=token, code=code, now=runtime.clock.now(), hash_key=key
        ),
    )
    if confirmed.verdict is Verdict.WRONG:
        return _page(request, "code.html", 422, token=token, problem="wrong", left=confirmed.left)
    if confirmed.verdict is Verdict.SPENT:
        return _page(request, "message.html", 410, text_key="spent", again=True)
    if confirmed.send:
        tasks.add_task(runtime.send_now, confirmed.send)
    return _page(request, "message.html", text_key=f"done_{confirmed.action.value}")
