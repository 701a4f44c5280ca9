"""The rollups are right whatever the writers do: random sequences of the programme's own
writers (enrolment, the planner, the sender, delivery reports late, repeated and out of order,
STOP, erasure, alerts, a change of language) and then every rollup against a recount."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, create_engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import make_enrollment, make_person
from tests.metrics.builders import make_message
from text4baby_ru.alerts import service as alerts
from text4baby_ru.auth.models import Role, User
from text4baby_ru.auth.service import create_user
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.erasure import erase
from text4baby_ru.delivery.models import Alert, AlertStatus, MessageStatus, OutboundMessage
from text4baby_ru.delivery.planner import Rules, plan
from text4baby_ru.delivery.sender import SendPolicy, send_due
from text4baby_ru.delivery.statuses import record_status
from text4baby_ru.enrollment.models import Channel, Language, Person, SubscriberStatus
from text4baby_ru.enrollment.service import handle_text
from text4baby_ru.gateways.base import OutgoingSms, SendReceipt
from text4baby_ru.gateways.console import ConsoleGateway
from text4baby_ru.metrics.verify import differences

RULES = Rules(weekdays=(0, 1, 2, 3, 4, 5, 6), hour=10, quiet=(time(21), time(9)))
START = datetime(2026, 11, 30, 7, 5, tzinfo=UTC)  # Monday 10:05 in Moscow
REPORTS = (
    MessageStatus.SENT,
    MessageStatus.DELIVERED,
    MessageStatus.UNDELIVERED,
    MessageStatus.FAILED,
)


class AcceptingGateway(ConsoleGateway):
    """The console gateway, answering "sent" for every other message (the delivery report
    comes later, as from a real provider) and "delivered" for the rest."""

    def send(self, sms: OutgoingSms) -> SendReceipt:
        receipt = super().send(sms)
        status = "sent" if sms.message_id % 2 else "delivered"
        return SendReceipt(provider_sid=receipt.provider_sid, status=status)


steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("enrol"),
            st.integers(-200, 300),  # due date, days from today
            st.sampled_from(list(Language)),
            st.sampled_from(list(Channel)),
            st.booleans(),  # activated
            st.integers(0, 20),  # enrolled so many days ago
        ),
        st.tuples(st.just("plan")),
        st.tuples(st.just("send"), st.integers(1, 6)),
        st.tuples(st.just("report"), st.integers(0, 99), st.sampled_from(REPORTS)),
        st.tuples(st.just("stop"), st.integers(0, 99)),
        st.tuples(st.just("erase"), st.integers(0, 99)),
        st.tuples(st.just("alert")),
        st.tuples(st.just("language"), st.integers(0, 99)),
        st.tuples(st.just("advance"), st.integers(1, 60)),  # hours
    ),
    min_size=5,
    max_size=30,
)


def _pick(rows: list[Any], i: int) -> Any:
    return rows[i % len(rows)] if rows else None


def _play(session: Session, sessions: sessionmaker[Session], clock: FixedClock, step: Any) -> None:
    kind, *args = step
    now = clock.now()
    people = list(
        session.scalars(select(Person).where(Person.phone.is_not(None)).order_by(Person.id))
    )
    if kind == "enrol":
        offset, language, channel, activated, back = args
        at = now - timedelta(days=back)
        person = make_person(session, language=language, created_at=at)
        make_enrollment(
            session,
            person,
            channel=channel,
            due_date=now.date() + timedelta(days=offset),
            status=SubscriberStatus.ACTIVE if activated else SubscriberStatus.PENDING,
            created_at=at,
            updated_at=at,
            activated_at=at if activated else None,
        )
    elif kind == "plan":
        plan(session, now=now, rules=RULES)
    elif kind == "send":
        session.commit()  # the sender's own sessions see what came before
        send_due(
            sessions=sessions,
            gateway=AcceptingGateway(),
            clock=clock,
            worker="w",
            batch=args[0],
            policy=SendPolicy(),
        )
        session.expire_all()
    elif kind == "report":
        sent = list(
            session.scalars(
                select(OutboundMessage)
                .where(OutboundMessage.provider_sid.is_not(None))
                .order_by(OutboundMessage.id)
            )
        )
        message = _pick(sent, args[0])
        if message is not None:
            status = args[1]
            failed = status in (MessageStatus.UNDELIVERED, MessageStatus.FAILED)
            record_status(
                session,
                gateway=str(message.gateway),
                provider_sid=str(message.provider_sid),
                status=status,
                error_code="30003" if failed else None,
                now=now,
                max_failures=3,
            )
    elif kind == "stop":
        person = _pick(people, args[0])
        if person is not None:
            handle_text(session, phone=person.phone, body="СТОП", now=now, hash_key=b"k")
    elif kind == "erase":
        person = _pick(people, args[0])
        if person is not None:
            erase(session, person, now=now)
    elif kind == "alert":
        user = session.scalar(select(User.id).limit(1))
        alert = Alert(
            text_ru="Срочно: проверьте прививки",
            text_en="Urgent: check vaccinations",
            send_at=now,
            status=AlertStatus.DRAFT,
            created_by=user,
            created_at=now,
        )
        session.add(alert)
        session.flush()
        alerts.schedule(session, alert, now=now, quiet=RULES.quiet)
    elif kind == "language":
        person = _pick(people, args[0])
        if person is not None:
            person.language = Language.EN if person.language is Language.RU else Language.RU
    elif kind == "advance":
        clock.advance(timedelta(hours=args[0]))
    session.flush()


@pytest.fixture
def example(connection: Connection) -> Iterator[Any]:
    """Each example in a savepoint of the test's transaction, rolled back after it."""

    def run(steps: list[Any]) -> list[str]:
        savepoint = connection.begin_nested()
        try:
            sessions = sessionmaker(
                bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
            )
            clock = FixedClock(START)
            with sessions() as session:
                create_user(session, name="Администратор", role=Role.ADMIN, now=START)
                for step in steps:
                    _play(session, sessions, clock, step)
                return [str(d) for d in differences(session)]
        finally:
            savepoint.rollback()

    yield run


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_every_rollup_matches_a_recount_after_any_sequence_of_writers(
    example: Any, steps: list[Any]
) -> None:
    assert example(steps) == []


def test_a_repeated_or_late_report_moves_no_count(session: Session, clock: FixedClock) -> None:
    enrollment = make_enrollment(session)
    message = make_message(
        session, enrollment, status=MessageStatus.SENT, created_at=clock.now(),
        gateway="console", provider_sid="console-1",
    )  # fmt: skip
    for status in (MessageStatus.DELIVERED, MessageStatus.DELIVERED, MessageStatus.SENT):
        record_status(
            session, gateway="console", provider_sid="console-1", status=status,
            error_code=None, now=clock.now(), max_failures=3,
        )  # fmt: skip
    session.flush()
    rows = session.execute(
        text("SELECT status, messages FROM metric_messages WHERE messages <> 0")
    ).all()
    assert rows == [("delivered", 1)]
    tips = session.execute(
        text("SELECT gone, sent, delivered FROM metric_tips WHERE enrollment_id = :e"),
        {"e": message.enrollment_id},
    ).one()
    assert tuple(tips) == (1, 1, 1)
    assert list(differences(session)) == []


def _cli(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("T4B_", "TWILIO_"))}
    return subprocess.run(
        [sys.executable, "-m", "text4baby_ru", *args],
        env=env | {"T4B_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_metrics_verify_passes_then_names_a_count_that_drifted(fresh_database_url: str) -> None:
    engine = create_engine(fresh_database_url)
    with Session(engine) as session:
        person = make_person(session)
        enrollment = make_enrollment(session, person, created_at=START)
        make_message(session, enrollment, status=MessageStatus.QUEUED, created_at=START)
        session.commit()
    clean = _cli("metrics", "verify", url=fresh_database_url)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "match" in clean.stdout
    with engine.begin() as conn:
        conn.execute(text("UPDATE metric_messages SET messages = messages + 2"))
    drifted = _cli("metrics", "verify", url=fresh_database_url)
    engine.dispose()
    assert drifted.returncode == 1
    day = (date(2026, 11, 30) - date(2000, 1, 3)).days
    assert f"metric_messages day={day} kind=tip status=queued" in drifted.stdout
    assert "stored messages=3" in drifted.stdout and "recounted messages=1" in drifted.stdout
    assert "Traceback" not in drifted.stderr
