"""The simulator shared fairly: one user posting without the simulator's cookie again and again
replaces her own simulations instead of taking every slot from the others."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.admin.test_pages import sign_in
from text4baby_ru.admin.pages.simulation import MAX_PER_USER, MAX_SIMULATIONS, Simulator
from text4baby_ru.admin.pages.simulator import SIM_COOKIE
from text4baby_ru.auth.models import Role
from text4baby_ru.clock import FixedClock


def test_a_viewer_cannot_exhaust_the_simulator(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    simulator: Simulator = client.app.state.simulator  # type: ignore[attr-defined]
    csrf = sign_in(client, session, clock, Role.VIEWER)
    for _ in range(MAX_SIMULATIONS + 2):
        client.cookies.delete(SIM_COOKIE)  # a fresh start each time
        answer = client.post(
            "/admin/simulator/text", json={"text": ""}, headers={"X-CSRF-Token": csrf}
        )
        assert answer.status_code == 200, answer.text
    assert simulator.count() == MAX_PER_USER
    # her latest simulation still answers to its cookie
    answer = client.post(
        "/admin/simulator/text", json={"text": "МАМА"}, headers={"X-CSRF-Token": csrf}
    )
    assert answer.status_code == 200 and answer.json()["lines"]
    # and everyone else still gets one
    client.cookies.clear()
    other = sign_in(client, session, clock, Role.EDITOR)
    answer = client.post(
        "/admin/simulator/text", json={"text": ""}, headers={"X-CSRF-Token": other}
    )
    assert answer.status_code == 200, answer.text
    assert simulator.count() == MAX_PER_USER + 1
