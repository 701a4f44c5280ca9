"""Metrics over time, computed from data the test builds: every figure is recomputed here
from the rows written, on the Moscow calendar day the definition names."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.admin.test_content_api import bearer
from tests.factories import make_enrollment, make_person
from tests.metrics.builders import make_message, moscow_day
from text4baby_ru.auth.models import Role
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.models import MessageStatus
from text4baby_ru.enrollment.models import Channel, Language, SubscriberStatus
from text4baby_ru.enrollment.stage import position_on

START, END = date(2026, 11, 2), date(2026, 11, 15)
CHANNELS = {Channel.SMS: "sms", Channel.IMPORT: "clinic", Channel.WEB: "web"}


def _url(metric: str, interval: str = "day", fmt: str = "json") -> str:
    return (
        f"/api/v1/metrics/timeseries?metric={metric}&from={START}&to={END}"
        f"&interval={interval}&format={fmt}"
    )


def _series(body: dict[str, object]) -> dict[str, dict[str, float]]:
    return {
        s["name"]: {p["date"]: p["value"] for p in s["points"]}  # type: ignore[index]
        for s in body["series"]  # type: ignore[attr-defined]
    }


def _enroll_some(session: Session) -> list[tuple[date, str, str]]:
    """Enrollments created at random instants around the range; what each counts as."""
    rng = random.Random(4)
    counted = []
    for _ in range(40):
        at = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 16 * 24 * 60))
        language = rng.choice([Language.RU, Language.RU, Language.EN])
        channel = rng.choice(list(Channel))
        activated = rng.random() < 0.85
        person = make_person(session, language=language)
        make_enrollment(
            session,
            person,
            channel=channel,
            created_at=at,
            activated_at=at if activated else None,
            status=SubscriberStatus.ACTIVE if activated else SubscriberStatus.PENDING,
        )
        if activated and START <= moscow_day(at) <= END:
            counted.append((moscow_day(at), language.value, CHANNELS[channel]))
    # 21:30 UTC on 10 November is 00:30 on 11 November in Moscow: it counts on the 11th.
    late = datetime(2026, 11, 10, 21, 30, tzinfo=UTC)
    make_enrollment(session, make_person(session), created_at=late, activated_at=late)
    counted.append((date(2026, 11, 11), "ru", "sms"))
    session.commit()
    return counted


def test_enrollments_per_moscow_day_by_language_and_channel(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    counted = _enroll_some(session)
    viewer = bearer(session, clock, Role.VIEWER)
    body = client.get(_url("enrollments"), headers=viewer).json()
    series = _series(body)
    assert set(series) == {"ru", "en", "sms", "clinic", "web"}
    assert body["definition"] and body["interval"] == "day"
    for name in series:
        expected = Counter(day.isoformat() for day, lang, ch in counted if name in (lang, ch))
        days = [(START + timedelta(days=i)).isoformat() for i in range((END - START).days + 1)]
        assert series[name] == {d: expected.get(d, 0) for d in days}, name
    assert (
        series["ru"]["2026-11-11"] >= 1
        and series["ru"]["2026-11-10"]
        == Counter(d for d, lang, _ in counted if lang == "ru")[date(2026, 11, 10)]
    )

    weekly = _series(client.get(_url("enrollments", "week"), headers=viewer).json())
    for name in weekly:
        by_week = Counter(
            (d - timedelta(days=d.weekday())).isoformat()
            for d, lang, ch in counted
            if name in (lang, ch)
        )
        assert weekly[name] == {
            "2026-11-02": by_week["2026-11-02"],
            "2026-11-09": by_week["2026-11-09"],
        }


def test_the_csv_of_a_people_count_writes_small_cells_as_under_five(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    counted = _enroll_some(session)
    response = client.get(
        _url("enrollments", fmt="csv"), headers=bearer(session, clock, Role.VIEWER)
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows[0]["date"] == START.isoformat() and len(rows) == 14
    by_day = Counter((d.isoformat(), lang) for d, lang, _ in counted)
    for row in rows:
        n = by_day[(row["date"], "ru")]
        assert row["ru"] == ("<5" if 0 < n < 5 else str(n))
    assert any(r["ru"] == "<5" for r in rows)


def _messages(session: Session) -> list[tuple[date, MessageStatus, int]]:
    enrollment = make_enrollment(session)
    rng = random.Random(9)
    made = []
    for i in range(120):
        at = datetime(2026, 11, 1, 12, tzinfo=UTC) + timedelta(hours=3 * i + rng.randint(0, 2))
        status = rng.choice(list(MessageStatus))
        segments = rng.randint(1, 3)
        make_message(
            session, enrollment, status=status, created_at=at, segments=segments, error_code=(
                "30003" if status in (MessageStatus.FAILED, MessageStatus.UNDELIVERED) else None
            ),
        )  # fmt: skip
        if START <= moscow_day(at) <= END:
            made.append((moscow_day(at), status, segments))
    session.commit()
    return made


def test_messages_delivery_rate_and_segments_per_day(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    made = _messages(session)
    viewer = bearer(session, clock, Role.VIEWER)
    messages = _series(client.get(_url("messages"), headers=viewer).json())
    assert set(messages) == {s.value for s in MessageStatus}
    for status in MessageStatus:
        counts = Counter(d.isoformat() for d, s, _ in made if s is status)
        assert {d: v for d, v in messages[status.value].items() if v} == dict(counts)

    rate = _series(client.get(_url("delivery_rate"), headers=viewer).json())["delivery_rate"]
    final = {MessageStatus.DELIVERED, MessageStatus.UNDELIVERED, MessageStatus.FAILED}
    for day, value in rate.items():
        of_day = [s for d, s, _ in made if d.isoformat() == day and s in final]
        if not of_day:
            assert value is None
        else:
            assert value == round(of_day.count(MessageStatus.DELIVERED) / len(of_day), 4)

    price = client.app.state.runtime.settings.segment_price  # type: ignore[attr-defined]
    segments = _series(client.get(_url("segments"), headers=viewer).json())
    accepted = {MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.UNDELIVERED}
    total = Counter()
    for d, s, n in made:
        if s in accepted:
            total[d.isoformat()] += n
    assert {d: v for d, v in segments["segments"].items() if v} == dict(total)
    assert segments["cost"]["2026-11-05"] == pytest.approx(total["2026-11-05"] * price)

    summary = client.get(f"/api/v1/metrics/summary?from={START}&to={END}", headers=viewer).json()
    failed = sum(1 for _, s, _ in made if s in (MessageStatus.FAILED, MessageStatus.UNDELIVERED))
    assert summary["delivery"]["error_codes"] == {"30003": failed}
    assert summary["delivery"]["segments"] == sum(total.values())
    assert summary["messages"]["delivered"] == sum(
        1 for _, s, _ in made if s is MessageStatus.DELIVERED
    )


def test_the_median_time_to_delivery(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    enrollment = make_enrollment(session)
    waits = [4, 9, 30, 61, 600]
    for i, seconds in enumerate(waits):
        sent = datetime(2026, 11, 3, 7, tzinfo=UTC) + timedelta(minutes=i)
        make_message(
            session, enrollment, status=MessageStatus.DELIVERED, created_at=sent, sent_at=sent,
            delivered_at=sent + timedelta(seconds=seconds),
        )  # fmt: skip
    session.commit()
    summary = client.get(
        "/api/v1/metrics/summary", headers=bearer(session, clock, Role.VIEWER)
    ).json()
    assert summary["delivery"]["median_seconds_to_deliver"] == pytest.approx(30, abs=0.1)
    assert summary["delivery"]["rate"] == 1.0


def test_opt_outs_completions_and_losses_count_on_the_day_they_happened(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    stopped = datetime(2026, 11, 4, 22, tzinfo=UTC)  # 5 November in Moscow
    for _ in range(3):
        make_enrollment(session, status=SubscriberStatus.OPTED_OUT, updated_at=stopped)
    ended = datetime(2026, 11, 6, 9, tzinfo=UTC)
    make_enrollment(session, status=SubscriberStatus.ENDED, end_reason="loss", ended_at=ended)
    make_enrollment(session, status=SubscriberStatus.ENDED, end_reason="erased", ended_at=ended)
    make_enrollment(session, status=SubscriberStatus.COMPLETED, ended_at=ended)
    session.commit()
    viewer = bearer(session, clock, Role.VIEWER)
    optouts = _series(client.get(_url("optouts"), headers=viewer).json())["optouts"]
    assert optouts["2026-11-05"] == 3 and sum(optouts.values()) == 3
    losses = _series(client.get(_url("losses"), headers=viewer).json())["losses"]
    assert losses["2026-11-06"] == 1 and sum(losses.values()) == 1
    completions = _series(client.get(_url("completions"), headers=viewer).json())["completions"]
    assert completions["2026-11-06"] == 1 and sum(completions.values()) == 1
    summary = client.get("/api/v1/metrics/summary", headers=viewer).json()
    assert summary["outcomes"] == {"completions": 1, "losses": 1, "optouts": 3}


def test_distributions_agree_with_the_pure_stage_function(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    today = moscow_day(clock.now())
    rng = random.Random(2)
    active, stopped = Counter(), Counter()
    for _ in range(30):
        due = today + timedelta(days=rng.randint(-200, 250))
        where = position_on(today, due_date=due, birth_date=None)
        if where is None or (where.track == "pregnancy" and where.week < 4):
            continue
        make_enrollment(session, due_date=due)
        active[(where.track, where.week)] += 1
    for _ in range(12):
        due = today + timedelta(days=rng.randint(-100, 200))
        at = datetime(2026, 11, 20, 22, tzinfo=UTC) + timedelta(hours=rng.randint(0, 100))
        where = position_on(moscow_day(at), due_date=due, birth_date=None)
        assert where is not None and not (where.track == "pregnancy" and where.week < 4)
        make_enrollment(session, due_date=due, status=SubscriberStatus.OPTED_OUT, updated_at=at)
        stopped[(where.track, where.week)] += 1
    session.commit()
    viewer = bearer(session, clock, Role.VIEWER)
    for metric, expected in (("active_by_week", active), ("optouts_by_week", stopped)):
        body = client.get(f"/api/v1/metrics/distribution?metric={metric}", headers=viewer).json()
        got = {(s["name"], p["week"]): p["value"] for s in body["series"] for p in s["points"]}
        assert len(got) == 38 + 53 and body["definition"]
        assert {k: v for k, v in got.items() if v} == dict(expected), metric
        rows = list(
            csv.DictReader(
                io.StringIO(
                    client.get(
                        f"/api/v1/metrics/distribution?metric={metric}&format=csv", headers=viewer
                    ).text
                )
            )
        )
        for row in rows:
            n = expected[(row["track"], int(row["week"]))]
            assert row["value"] == ("<5" if 0 < n < 5 else str(n))


@pytest.mark.parametrize(
    "query",
    [
        "metric=nonsense&from=2026-11-01&to=2026-11-02",
        "metric=enrollments&from=2026-11-31&to=2026-12-02",
        "metric=enrollments&from=2026-12-02&to=2026-11-01",
        "metric=enrollments&from=2025-01-01&to=2026-11-01",
        "metric=enrollments&from=2026-11-01&to=2026-11-02&interval=month",
        "metric=enrollments&to=2026-11-02",
        "metric=enrollments&from=9999-12-30&to=9999-12-31",
        "metric=enrollments&from=1999-12-30&to=2000-01-02",
    ],
)
def test_bad_requests_get_a_422_with_the_reason(
    client: TestClient, session: Session, clock: FixedClock, query: str
) -> None:
    response = client.get(
        f"/api/v1/metrics/timeseries?{query}", headers=bearer(session, clock, Role.VIEWER)
    )
    assert response.status_code == 422 and response.json()["detail"]


def test_a_summary_of_impossible_dates_is_a_422(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    viewer = bearer(session, clock, Role.VIEWER)
    response = client.get("/api/v1/metrics/summary?to=9999-12-31", headers=viewer)
    assert response.status_code == 422 and "between" in response.json()["detail"]
