"""SMS pumping through the join page: a budget of codes for the whole programme, per hour and per
day, and X-Forwarded-For believed only from a proxy the operator names."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.admin.browser import Server, served
from tests.public.helpers import ask
from text4baby_ru.clock import FixedClock
from text4baby_ru.db import make_engine
from text4baby_ru.delivery.models import OutboundMessage
from text4baby_ru.runtime import Runtime


def codes_sent(session: Session) -> int:
    session.expire_all()
    query = select(func.count()).where(OutboundMessage.content_key == "reply.web_code")
    return int(session.scalar(query) or 0)


def test_many_numbers_hit_the_programmes_hourly_and_daily_budget(
    client: TestClient, session: Session, clock: FixedClock, runtime: Runtime
) -> None:
    runtime.settings = runtime.settings.model_copy(
        update={"join_codes_per_hour": 3, "join_codes_per_day": 5}
    )
    before = codes_sent(session)
    numbers = iter(f"+7916000{n:04d}" for n in range(9000, 9100))
    answers = [ask(client, next(numbers)).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    assert codes_sent(session) - before == 3
    clock.advance(timedelta(hours=1, minutes=1))  # a new hour: the day has 2 codes left
    answers = [ask(client, next(numbers)).status_code for _ in range(4)]
    assert answers == [200, 200, 429, 429]
    assert codes_sent(session) - before == 5
    clock.advance(timedelta(hours=23))  # the first three are a day old
    assert ask(client, next(numbers)).status_code == 200


def _pump(server: Server, count: int) -> list[int]:
    """count join requests for count numbers, each claiming another client address."""
    answers = []
    for n in range(count):
        spoofed = {"X-Forwarded-For": f"203.0.113.{n + 1}"}
        form = {"phone": f"+7916000{8000 + n:04d}", "action": "join", "date": "2027-03-15"}
        form["consent"] = "yes"
        answers.append(httpx.post(f"{server.url}/join", data=form, headers=spoofed).status_code)
    return answers


def _codes_in(server: Server) -> int:
    engine = make_engine(server.env["T4B_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            query = select(func.count()).where(OutboundMessage.content_key == "reply.web_code")
            return int(connection.scalar(query) or 0)
    finally:
        engine.dispose()


def test_a_spoofed_x_forwarded_for_is_not_believed_by_default(tmp_path: Path) -> None:
    with served(tmp_path) as server:
        answers = _pump(server, 25)
        assert answers == [200] * 20 + [429] * 5  # one client: its hourly limit
        assert _codes_in(server) == 20


def test_behind_a_trusted_proxy_many_clients_still_hit_the_budget(tmp_path: Path) -> None:
    with served(tmp_path, T4B_TRUSTED_PROXIES="127.0.0.1", T4B_JOIN_CODES_PER_HOUR="8") as server:
        answers = _pump(server, 12)  # each a client of its own, as the proxy says
        assert answers == [200] * 8 + [429] * 4
        assert _codes_in(server) == 8
