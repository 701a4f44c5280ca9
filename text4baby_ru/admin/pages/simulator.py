"""The simulator's page and its three actions: she texts, the clock moves, start over."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from text4baby_ru.admin.pages.simulation import Simulation, Simulator, SimulatorFull
from text4baby_ru.admin.pages.web import Page, PageDep
from text4baby_ru.deps import ANY_ROLE, CSRF_HEADER, RuntimeDep, SessionDep
from text4baby_ru.kit.formats import zone_name

router = APIRouter(prefix="/admin/simulator", include_in_schema=False)
SIM_COOKIE = "t4b_sim"
STEPS = {"day": timedelta(days=1), "week": timedelta(weeks=1)}


def get_simulator(request: Request) -> Simulator:
    """The process's simulations (made with the app)."""
    simulator: Simulator = request.app.state.simulator
    return simulator


SimulatorDep = Annotated[Simulator, Depends(get_simulator)]


class TextIn(BaseModel):
    """What she types."""

    text: str = Field(max_length=320)


class ClockIn(BaseModel):
    """How far the clock moves."""

    step: Literal["day", "week", "monday"]


WEEKDAYS = {
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def _state(sim: Simulation | None, language: str) -> dict[str, Any]:
    if sim is None:
        return {"clock": None, "lines": []}
    zone = sim.zone()

    def when(at: datetime, form: str) -> str:
        local = at.astimezone(zone)
        return f"{WEEKDAYS[language][local.weekday()]} {local.strftime(form)}"

    return {
        "clock": f"{when(sim.clock.now(), '%d.%m.%Y %H:%M')} ({zone_name(zone.key, language)})",
        "zone": zone.key,
        "lines": [
            {"incoming": line.incoming, "text": line.text, "at": when(line.at, "%d.%m %H:%M")}
            for line in sim.screen.lines
        ],
    }


def _writer(page: Page) -> int | None:
    """The user id of a signed-in page write with its CSRF token; else None."""
    user = page.need(*ANY_ROLE)
    sent = page.request.headers.get(CSRF_HEADER, "")
    return user.id if page.csrf and sent == page.csrf else None


def _own(
    page: Page, simulator: Simulator, runtime: RuntimeDep, session: Session
) -> tuple[Simulation, str | None]:
    """The caller's simulation, started when she has none (the new id to set as a cookie)."""
    user = page.need(*ANY_ROLE)
    sim_id = page.request.cookies.get(SIM_COOKIE)
    sim = simulator.get(sim_id, user.id)
    if sim is not None:
        return sim, None
    new_id, sim = simulator.start(owner_id=user.id, settings=runtime.settings, library=session)
    return sim, new_id


def _answer(page: Page, sim: Simulation, new_id: str | None) -> Response:
    response = JSONResponse(_state(sim, page.language))
    if new_id:
        response.set_cookie(SIM_COOKIE, new_id, httponly=True, samesite="strict")
    return response


def _refused(page: Page, status_code: int, word: str) -> Response:
    return JSONResponse({"detail": page.words[word], "code": word}, status_code=status_code)


@router.get("", response_class=HTMLResponse)
def simulator_page(page: PageDep, simulator: SimulatorDep) -> Response:
    user = page.need(*ANY_ROLE)
    sim = simulator.get(page.request.cookies.get(SIM_COOKIE), user.id)
    return page.render("simulator.html", state=_state(sim, page.language))


def _act(
    page: Page,
    simulator: Simulator,
    runtime: RuntimeDep,
    session: Session,
    action: Callable[[Simulation], None],
) -> Response:
    """Run action on the caller's simulation (started if she has none) and answer its screen."""
    if _writer(page) is None:
        return _refused(page, 403, "bad_form")
    try:
        sim, new_id = _own(page, simulator, runtime, session)
    except SimulatorFull:
        return _refused(page, 503, "sim_busy")
    # Done with the real database (the library is copied): end its transaction now, so a long
    # simulated week never holds SQLite's write lock while webhooks wait.
    session.commit()
    with sim.lock:
        action(sim)
    return _answer(page, sim, new_id)


@router.post("/text")
def text(
    page: PageDep,
    body: TextIn,
    simulator: SimulatorDep,
    runtime: RuntimeDep,
    session: SessionDep,
) -> Response:
    return _act(page, simulator, runtime, session, lambda sim: sim.send(body.text))


def _until(sim: Simulation, step: str) -> datetime:
    return sim.next_monday() if step == "monday" else sim.clock.now() + STEPS[step]


@router.post("/clock")
def move_clock(
    page: PageDep,
    body: ClockIn,
    simulator: SimulatorDep,
    runtime: RuntimeDep,
    session: SessionDep,
) -> Response:
    return _act(page, simulator, runtime, session, lambda sim: sim.advance(_until(sim, body.step)))


@router.post("/reset")
def reset(page: PageDep, simulator: SimulatorDep) -> Response:
    if _writer(page) is None:
        return _refused(page, 403, "bad_form")
    sim_id = page.request.cookies.get(SIM_COOKIE)
    if sim_id and simulator.get(sim_id, page.need(*ANY_ROLE).id) is not None:
        simulator.stop(sim_id)
    response = JSONResponse(_state(None, page.language))
    response.delete_cookie(SIM_COOKIE, httponly=True, samesite="strict")
    return response
