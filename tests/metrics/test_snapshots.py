"""Dose received and who is behind are served from the result the scheduler's pass stores: a
stale one with the instant it was counted, a fresh one after the pass, never one of another day."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.admin.test_content_api import bearer
from tests.admin.test_pages import sign_in
from tests.metrics.builders import make_message, moscow_day
from tests.metrics.scenario import build
from text4baby_ru.auth.models import Role
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.models import MessageStatus
from text4baby_ru.metrics.behind import behind
from text4baby_ru.metrics.dose import dose
from text4baby_ru.metrics.models import MetricSnapshot
from text4baby_ru.runtime import Runtime

DOSE, BEHIND = "/api/v1/metrics/dose", "/api/v1/metrics/behind"


def _live(session: Session, runtime: Runtime) -> tuple[dict, dict]:
    """Both metrics counted now from the raw rows, as the pass counts them."""
    session.expire_all()
    asked = runtime.metrics_asked()
    return (
        dose(session, today=asked.today, weekdays=asked.weekdays),
        behind(session, today=asked.today, weekdays=asked.weekdays, key=asked.key, limit=100),
    )


def _without_as_of(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "as_of"}


def test_a_stale_result_is_served_with_its_time_until_the_pass_refreshes_it(
    client: TestClient, session: Session, clock: FixedClock, runtime: Runtime
) -> None:
    women = build(session, moscow_day(clock.now()))
    session.commit()
    admin = bearer(session, clock, Role.ADMIN)
    counted_at = clock.now()
    runtime.refresh_metrics()  # the pass (the tests' requests cannot commit from a read)
    first = client.get(DOSE, headers=admin).json()
    first_behind = client.get(BEHIND, headers=admin).json()
    assert first["as_of"] == first_behind["as_of"] == counted_at.isoformat()
    assert _without_as_of(first) == _live(session, runtime)[0]

    # One more delivered tip for a woman behind; five minutes on, the stored result stays.
    late = next(w for w in women if w.reason == "failures")
    make_message(session, late.enrollment, status=MessageStatus.DELIVERED, created_at=clock.now())
    session.commit()
    clock.advance(timedelta(minutes=5))
    runtime.refresh_metrics()  # not yet due (T4B_METRICS_REFRESH_MINUTES = 10)
    stale = client.get(DOSE, headers=admin).json()
    assert stale == first
    now_dose, now_behind = _live(session, runtime)
    assert _without_as_of(stale) != now_dose  # the figures moved; the page says as of when

    clock.advance(timedelta(minutes=6))
    runtime.refresh_metrics()
    fresh = client.get(DOSE, headers=admin).json()
    fresh_behind = client.get(BEHIND, headers=admin).json()
    assert fresh["as_of"] == fresh_behind["as_of"] == clock.now().isoformat()
    sheet = client.get(f"{DOSE}?format=csv", headers=admin)
    assert sheet.headers["x-as-of"] == fresh["as_of"]  # 07:11 UTC is 10:11 in Moscow
    assert 'filename="dose_2026-11-30_1011.csv"' in sheet.headers["content-disposition"]
    assert _without_as_of(fresh) == now_dose
    assert _without_as_of(fresh_behind) == now_behind


def test_a_result_of_another_day_is_never_served(
    client: TestClient, session: Session, clock: FixedClock, runtime: Runtime
) -> None:
    build(session, moscow_day(clock.now()))
    session.commit()
    admin = bearer(session, clock, Role.ADMIN)
    runtime.refresh_metrics()
    yesterday = client.get(DOSE, headers=admin).json()
    clock.advance(timedelta(days=1))  # no pass ran since: the read counts it
    today = client.get(DOSE, headers=admin).json()
    assert today["as_of"] == clock.now().isoformat() != yesterday["as_of"]
    assert _without_as_of(today) == _live(session, runtime)[0] != _without_as_of(yesterday)
    runtime.refresh_metrics()
    days = session.scalars(select(MetricSnapshot.day).where(MetricSnapshot.metric == "dose"))
    assert len(list(days)) == 1  # yesterday's is gone


def test_the_stored_list_names_no_phone_and_a_longer_list_is_counted_at_the_request(
    client: TestClient, session: Session, clock: FixedClock, runtime: Runtime
) -> None:
    women = build(session, moscow_day(clock.now()))
    session.commit()
    runtime.refresh_metrics()
    stored = session.scalars(select(MetricSnapshot.result)).all()
    assert len(stored) == 2
    for woman in women:
        assert all(woman.phone not in text for text in stored)
    admin = bearer(session, clock, Role.ADMIN)
    clock.advance(timedelta(minutes=1))
    assert client.get(BEHIND, headers=admin).json()["as_of"] != clock.now().isoformat()
    longer = client.get(f"{BEHIND}?limit=1001", headers=admin).json()
    assert longer["as_of"] == clock.now().isoformat()


def test_the_dashboard_says_when_dose_and_behind_were_counted(
    client: TestClient, session: Session, clock: FixedClock, runtime: Runtime
) -> None:
    build(session, moscow_day(clock.now()))
    session.commit()
    runtime.refresh_metrics()  # at 07:00 UTC, 10:00 in Moscow
    clock.advance(timedelta(minutes=3))
    sign_in(client, session, clock, Role.VIEWER)
    russian = unescape(client.get("/admin/dashboard").text)
    english = unescape(client.get("/admin/dashboard?lang=en").text)
    assert russian.count("по состоянию на 10:00 (Москва)") == 2
    assert english.count("as of 10:00 (Moscow)") == 2


def test_with_no_store_every_read_counts_afresh(
    client: TestClient, session: Session, clock: FixedClock, runtime: Runtime
) -> None:
    runtime.settings.metrics_refresh_minutes = 0
    build(session, moscow_day(clock.now()))
    session.commit()
    runtime.refresh_metrics()
    admin = bearer(session, clock, Role.ADMIN)
    assert client.get(DOSE, headers=admin).json()["as_of"] == clock.now().isoformat()
    assert session.scalars(select(MetricSnapshot.metric)).all() == []
