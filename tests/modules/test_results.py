"""Arms and results: a woman in the flu window is drawn into an arm; a module run over a few
thousand simulated women reports each arm's rate, interval and odds ratio exactly as a
recomputation from the raw rows gives them, small cells as <5."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from tests.modules.test_flow import MONDAY_10_MSK, keys, start, woman
from tests.twilio_signing import sms
from text4baby_ru.auth.models import Role
from text4baby_ru.auth.service import create_user
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.delivery.planner import plan
from text4baby_ru.enrollment.models import Enrollment, Person, SubscriberStatus
from text4baby_ru.modules import store
from text4baby_ru.modules.conversation import arm_for, read_answer
from text4baby_ru.modules.models import Module, ModuleAssignment, Step
from text4baby_ru.runtime import Runtime

WEEK_20_DUE = date(2027, 4, 19)  # pregnancy week 20 on Monday 30 November 2026


def _token(session: Session, role: Role) -> dict[str, str]:
    _, token = create_user(session, name=f"{role}-user", role=role, now=MONDAY_10_MSK)
    return {"Authorization": f"Bearer {token}"}


def test_a_woman_in_the_flu_window_is_drawn_into_an_arm_that_decides_the_reminder_offer(
    session: Session, client: TestClient, runtime: Runtime
) -> None:
    module = start(session, "flu")
    women = [woman(session, due=WEEK_20_DUE) for _ in range(6)]
    plan(session, now=MONDAY_10_MSK, rules=runtime.rules())
    session.commit()
    for her in women:
        [record] = session.scalars(
            select(ModuleAssignment).where(ModuleAssignment.enrollment_id == her.id)
        )
        assert record.arm == arm_for(module.seed, her.id, store.load(session, "flu").arms)  # type: ignore[union-attr]
        phone = session.get_one(Person, her.person_id).phone
        assert phone is not None
        sms(client, phone, "1")
        replies = keys(session, her, MessageKind.REPLY)
        if record.arm == "reminder":
            assert replies == ["module.flu.answer.planning", "module.flu.reminder_offer"]
        else:
            assert replies == ["module.flu.answer.planning"]
    arms = {a.arm for a in session.scalars(select(ModuleAssignment))}
    assert arms <= {"reminder", "no_reminder"}


def test_women_offered_a_reminder_send_a_date_and_are_reminded_the_evening_before(
    session: Session, client: TestClient, runtime: Runtime
) -> None:
    from text4baby_ru.clock import FixedClock
    from text4baby_ru.enrollment.models import Reminder

    start(session, "flu")
    women = [woman(session, due=WEEK_20_DUE) for _ in range(16)]
    plan(session, now=MONDAY_10_MSK, rules=runtime.rules())
    session.commit()
    offered = []
    for her in women:
        phone = session.get_one(Person, her.person_id).phone
        assert phone is not None
        sms(client, phone, "1")  # planning to get the shot
        if "module.flu.reminder_offer" in keys(session, her, MessageKind.REPLY):
            offered.append(her)
            sms(client, phone, "15.12")  # the offer's answer: just the date
            assert keys(session, her, MessageKind.REPLY)[-1] == "reply.reminder_set"
    assert len(offered) >= 5, "the draw put fewer than five women in the reminder arm"
    session.expire_all()
    sources = session.scalars(select(Reminder.source)).all()
    assert sources == ["module:flu"] * len(offered)
    clock = runtime.clock
    assert isinstance(clock, FixedClock)
    clock.set(datetime(2026, 12, 14, 15, 0, tzinfo=UTC))  # 18:00 in Moscow, the evening before
    runtime.run_pass("test")
    for her in offered:
        assert keys(session, her, MessageKind.REMINDER) == ["reply.reminder_evening"]
    result = client.get("/api/v1/modules/flu/results", headers=_token(session, Role.VIEWER))
    body = result.json()
    assert body["reminders_offered"] == body["reminders_asked"] == len(offered)
    assert body["reminders_sent"] == len(offered)


def _asked_about_flu(session: Session, runtime: Runtime) -> tuple[Enrollment, str]:
    """One woman in week 20 whose flu module's question went out; her enrollment and number."""
    start(session, "flu")
    her = woman(session, due=WEEK_20_DUE)
    plan(session, now=MONDAY_10_MSK, rules=runtime.rules())
    session.commit()
    phone = session.get_one(Person, her.person_id).phone
    assert phone is not None
    return her, phone


def test_cost_as_the_reason_gets_the_text_that_the_vaccine_is_free(
    session: Session, client: TestClient, runtime: Runtime
) -> None:
    her, phone = _asked_about_flu(session, runtime)
    sms(client, phone, "нет")
    sms(client, phone, "дорого")
    assert keys(session, her, MessageKind.REPLY) == [
        "module.flu.answer.not_planning",
        "module.flu.reason",
        "module.flu.reason.cost",
    ]
    body = session.scalars(
        select(OutboundMessage.body).where(OutboundMessage.content_key == "module.flu.reason.cost")
    ).one()
    assert "бесплатна" in body


def test_outside_the_season_nobody_is_asked_about_flu(session: Session, runtime: Runtime) -> None:
    start(session, "flu")
    july_due = date(2027, 11, 23)  # week 20 on Monday 5 July 2027
    her = woman(session, due=july_due)
    plan(session, now=datetime(2027, 7, 5, 7, 0, tzinfo=UTC), rules=runtime.rules())
    assert keys(session, her, MessageKind.NOTICE) == []


# The recomputation: textbook formulas written out here, from the raw rows.
def _wilson(k: int, n: int) -> tuple[float, float, float]:
    z = 1.959963984540054
    p = k / n
    root = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (
        p,
        (p + z * z / (2 * n) - root) / (1 + z * z / n),
        (p + z * z / (2 * n) + root) / (1 + z * z / n),
    )


def _woolf(a: int, b: int, c: int, d: int) -> tuple[float, float, float]:
    z = 1.959963984540054
    log_or = math.log(a) + math.log(d) - math.log(b) - math.log(c)
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return math.exp(log_or), math.exp(log_or - z * se), math.exp(log_or + z * se)


def _women(session: Session, n: int) -> None:
    """n active women at week 20 in Moscow, written in bulk."""
    at = MONDAY_10_MSK - timedelta(days=7)
    first = (session.scalar(select(Person.id).order_by(Person.id.desc()).limit(1)) or 0) + 1
    session.execute(
        insert(Person),
        [
            {
                "phone": f"+7916{500000 + i:06d}",
                "phone_hash": f"sim-{first + i}",
                "language": "ru" if i % 5 else "en",
                "timezone": "Europe/Moscow",
                "created_at": at,
            }
            for i in range(n)
        ],
    )
    ids = session.scalars(select(Person.id).where(Person.phone_hash.like("sim-%"))).all()
    session.execute(
        insert(Enrollment),
        [
            {
                "person_id": pid,
                "status": SubscriberStatus.ACTIVE,
                "track": "pregnancy",
                "due_date": WEEK_20_DUE,
                "channel": "sms",
                "consent_at": at,
                "created_at": at,
                "updated_at": at,
                "activated_at": at,
            }
            for pid in ids
        ],
    )


def _approx(shown: dict[str, float], expected: tuple[float, float, float]) -> None:
    assert math.isclose(shown["value"], expected[0], rel_tol=1e-9)
    assert math.isclose(shown["low"], expected[1], rel_tol=1e-9)
    assert math.isclose(shown["high"], expected[2], rel_tol=1e-9)


def test_results_over_thousands_of_simulated_women_equal_a_recomputation_from_raw_rows(
    session: Session, client: TestClient, runtime: Runtime
) -> None:
    start(session, "flu")
    _women(session, 2400)
    plan(session, now=MONDAY_10_MSK, rules=runtime.rules())
    session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.content_key == "module.flu.question")
        .values(status=MessageStatus.DELIVERED)
    )
    module = store.load(session, "flu")
    assert module is not None
    rng = random.Random(19)
    records = session.scalars(select(ModuleAssignment)).all()
    assert len(records) == 2400
    later = MONDAY_10_MSK + timedelta(hours=5)
    for record in records:
        if rng.random() < 0.35:  # about a third answer, as in Text4baby
            read_answer(record, module, rng.choice(["1", "2", "3"]), language="ru", now=later)
        record.step, record.open_until = Step.OUTCOME, later + timedelta(days=30)
        if rng.random() < 0.6:
            # The reminder arm does better, as in the trial; the test must see that too.
            p = 0.45 if record.arm == "reminder" else 0.3
            answer = "1" if rng.random() < p else "2"
            read_answer(record, module, answer, language="ru", now=later + timedelta(days=28))
    session.commit()
    answer = client.get("/api/v1/modules/flu/results", headers=_token(session, Role.VIEWER))
    assert answer.status_code == 200, answer.text
    shown = answer.json()

    raw = session.execute(
        select(ModuleAssignment.arm, ModuleAssignment.answer, ModuleAssignment.outcome)
    ).all()
    answered = [r for r in raw if r.answer is not None]
    assert shown["questions_sent"] == 2400 and shown["answered"] == len(answered)
    _approx(shown["answer_rate"], _wilson(len(answered), 2400))
    for value in ("planning", "not_planning", "done"):
        count = sum(1 for r in answered if r.answer == value)
        assert shown["answers"][value]["count"] == count
        assert math.isclose(shown["answers"][value]["share"], count / len(answered))
    cells: dict[str, tuple[int, int]] = {}
    for arm in ("no_reminder", "reminder"):
        yes = sum(1 for r in raw if r.arm == arm and r.outcome == "done")
        no = sum(1 for r in raw if r.arm == arm and r.outcome == "not_done")
        cells[arm] = (yes, no)
        [row] = [a for a in shown["arms"] if a["arm"] == arm]
        assert row["outcome_answered"] == yes + no and row["outcome_yes"] == yes
        _approx(row["outcome_rate"], _wilson(yes, yes + no))
    [reminder] = [a for a in shown["arms"] if a["arm"] == "reminder"]
    _approx(reminder["odds_ratio"], _woolf(*cells["reminder"], *cells["no_reminder"]))
    assert reminder["odds_ratio"]["low"] > 1  # the simulated effect is found
    planning_reminder = sum(1 for r in raw if r.arm == "reminder" and r.answer == "planning")
    assert shown["reminders_offered"] == planning_reminder

    csv_answer = client.get(
        "/api/v1/modules/flu/results?format=csv", headers=_token(session, Role.EDITOR)
    )
    assert csv_answer.status_code == 200 and csv_answer.headers["content-type"].startswith(
        "text/csv"
    )
    assert f"odds_ratio,reminder,{reminder['odds_ratio']['value']:.6f}" in csv_answer.text


def test_cells_under_five_people_never_leave_the_system(
    session: Session, client: TestClient, runtime: Runtime
) -> None:
    start(session, "flu")
    women = [woman(session, due=WEEK_20_DUE) for _ in range(3)]
    plan(session, now=MONDAY_10_MSK, rules=runtime.rules())
    module = store.load(session, "flu")
    assert module is not None
    for her in women:
        record = session.scalars(
            select(ModuleAssignment).where(ModuleAssignment.enrollment_id == her.id)
        ).one()
        read_answer(record, module, "3", language="ru", now=MONDAY_10_MSK)
    session.commit()
    shown: dict[str, Any] = client.get(
        "/api/v1/modules/flu/results", headers=_token(session, Role.VIEWER)
    ).json()
    assert shown["assigned"] == "<5" and shown["answered"] == "<5"
    assert shown["answers"]["done"] == {"count": "<5", "share": None}
    assert all(a["assigned"] == "<5" and a["outcome_rate"] is None for a in shown["arms"])
    assert ": 3" not in str(shown) and "'answered': 3" not in str(shown)


def test_only_an_admin_starts_pauses_and_stops_a_module_and_a_dry_run_prices_it(
    session: Session, client: TestClient
) -> None:
    woman(session, due=date(2027, 6, 25))  # week 10: the registration audience
    admin, viewer = _token(session, Role.ADMIN), _token(session, Role.VIEWER)
    session.commit()
    listed = client.get("/api/v1/modules", headers=viewer).json()["items"]
    assert {"flu", "registration"} <= {m["id"] for m in listed}
    assert client.post("/api/v1/modules/registration/start", headers=viewer).status_code == 403
    dry = client.post("/api/v1/modules/registration/dry-run", headers=admin).json()
    assert dry["recipients"] >= 1 and dry["cost"] > 0
    started = client.post("/api/v1/modules/registration/start", headers=admin)
    assert started.status_code == 200 and started.json()["status"] == "running"
    assert client.post("/api/v1/modules/registration/start", headers=admin).status_code == 409
    assert (
        client.post("/api/v1/modules/registration/pause", headers=admin).json()["status"]
        == "paused"
    )
    assert (
        client.post("/api/v1/modules/registration/stop", headers=admin).json()["status"]
        == "stopped"
    )
    again = client.post("/api/v1/modules/registration/start", headers=admin)
    assert again.status_code == 409 and "stopped" in again.json()["detail"]
    assert client.get("/api/v1/modules/nope/results", headers=viewer).status_code == 404
    session.expire_all()
    assert session.get_one(Module, "registration").stopped_at is not None


def test_assignments_and_answers_are_in_the_pseudonymous_export(
    session: Session, client: TestClient, runtime: Runtime
) -> None:
    import csv
    import io

    her, phone = _asked_about_flu(session, runtime)
    sms(client, phone, "2")
    sms(client, phone, "3")
    response = client.get("/api/v1/exports/pseudonymous", headers=_token(session, Role.ADMIN))
    rows = [r for r in csv.DictReader(io.StringIO(response.text)) if r["record"] == "module"]
    [row] = [r for r in rows if r["enrollment"] == str(her.id)]
    record = session.scalars(
        select(ModuleAssignment).where(ModuleAssignment.enrollment_id == her.id)
    ).one()
    assert (row["module"], row["arm"], row["answer"], row["reason"]) == (
        "flu",
        record.arm,
        "not_planning",
        "time",
    )
    assert (
        row["created_on"] == "2026-11-30" and row["subscriber"] and phone[1:] not in response.text
    )
