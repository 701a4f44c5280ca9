"""The inbound pipeline: the webhook only stores and answers; handlers drain stored texts in
batches, in arrival order per number, each text once; a text that breaks the handler is set
aside for an operator and blocks nothing behind it."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from twilio.request_validator import RequestValidator

from tests.conftest import PG_URL, PUBLIC_URL, TWILIO_TOKEN
from tests.factories import fixture_phone
from tests.live import free_port, serving
from tests.twilio_signing import sms
from text4baby_ru.clock import FixedClock
from text4baby_ru.db import make_engine, session_factory
from text4baby_ru.delivery.models import OutboundMessage
from text4baby_ru.enrollment.models import Enrollment, InboundMessage, Person
from text4baby_ru.gateways.base import OutgoingSms, SendReceipt
from text4baby_ru.gateways.console import ConsoleGateway
from text4baby_ru.intake import inbound as intake
from text4baby_ru.intake.handler import InboundHandler
from text4baby_ru.intake.inbound import Arrival
from text4baby_ru.runtime import Runtime
from text4baby_ru.settings import Settings


def _runtime(url: str, clock: FixedClock, gateway: object | None = None) -> Runtime:
    settings = Settings(  # type: ignore[call-arg]
        T4B_DATABASE_URL=url,
        T4B_PUBLIC_URL=PUBLIC_URL,
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        T4B_SECRET_KEY="test-hash-key",
        T4B_SEND_RATE=10_000,
    )
    engine = make_engine(url)
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        clock=clock,
        gateway=gateway or ConsoleGateway(),  # type: ignore[arg-type]
    )


@pytest.fixture
def live(fresh_database_url: str, clock: FixedClock) -> Iterator[Runtime]:
    """A runtime on a database of its own, whose transactions commit for real."""
    runtime = _runtime(fresh_database_url, clock)
    yield runtime
    runtime.engine.dispose()


def _pending(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return (
            session.scalar(select(func.count()).where(InboundMessage.processed_at.is_(None))) or 0
        )


class _HeldGateway(ConsoleGateway):
    """The provider is slow to take replies: each send waits until the test lets it go."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def send(self, sms: OutgoingSms) -> SendReceipt:
        self.release.wait(30)
        return super().send(sms)


def test_the_webhook_answers_while_the_handler_is_still_busy(
    fresh_database_url: str, clock: FixedClock
) -> None:
    gateway = _HeldGateway()
    runtime = _runtime(fresh_database_url, clock, gateway)
    validator = RequestValidator(TWILIO_TOKEN)
    path = "/sms/twilio/inbound"
    with serving(runtime, free_port()) as url, httpx.Client(timeout=10) as http:

        def post(phone: str, body: str, sid: str) -> float:
            params = {"From": phone, "To": "+79160009999", "Body": body, "MessageSid": sid}
            signature = validator.compute_signature(PUBLIC_URL + path, params)
            start = time.perf_counter()
            answer = http.post(url + path, data=params, headers={"X-Twilio-Signature": signature})
            assert answer.status_code == 200
            return time.perf_counter() - start

        first = fixture_phone()
        post(first, "МАМА 15.03.2027", "SM" + "1" * 32)
        deadline = time.monotonic() + 10
        while _pending(runtime.sessions):  # the handler took it and now waits on the gateway
            assert time.monotonic() < deadline
            time.sleep(0.02)
        # While her replies hang at the provider, other women's texts are still accepted fast.
        took = [post(fixture_phone(), "МАМА", f"SM{n:032d}") for n in range(2, 12)]
        assert max(took) < 1.0, took
        assert _pending(runtime.sessions) == 10  # stored, not yet handled
        gateway.release.set()
        deadline = time.monotonic() + 10
        while _pending(runtime.sessions):
            assert time.monotonic() < deadline, "the stored texts were not handled"
            time.sleep(0.05)
    runtime.engine.dispose()


def test_texts_from_one_number_are_handled_in_the_order_she_sent_them(live: Runtime) -> None:
    phones = [fixture_phone() for _ in range(30)]
    steps = ["BABY", "15.03.2027", "Владивосток"]
    for step, body in enumerate(steps):
        for n, phone in enumerate(phones):
            live.inbound.accept(Arrival("twilio", f"SM{step}-{n}", phone, body))
    assert _pending(live.sessions) == 90
    live.inbound.drain()
    assert _pending(live.sessions) == 0
    with live.sessions() as session:
        rows = session.execute(
            select(Person.timezone, Enrollment.status, Enrollment.due_date)
            .join(Enrollment, Enrollment.person_id == Person.id)
            .where(Person.phone.in_(phones))
        ).all()
        keys = session.scalars(
            select(OutboundMessage.content_key)
            .join(Person, Person.id == OutboundMessage.person_id)
            .where(Person.phone == phones[7])
            .order_by(OutboundMessage.id)
        ).all()
    assert len(rows) == 30
    assert {(tz, str(status), str(due)) for tz, status, due in rows} == {
        ("Asia/Vladivostok", "active", "2027-03-15")
    }
    assert keys == ["reply.welcome", "reply.confirm_pregnancy", "reply.ask_city", "reply.city_set"]


def test_a_provider_retry_while_the_first_is_waiting_is_stored_once(live: Runtime) -> None:
    phone = fixture_phone()
    first = live.inbound.accept(Arrival("twilio", "SM-retry", phone, "МАМА"))
    again = live.inbound.accept(Arrival("twilio", "SM-retry", phone, "МАМА"))
    assert first is not None and again is None
    live.inbound.drain()
    with live.sessions() as session:
        replies = session.scalar(select(func.count()).where(OutboundMessage.inbound_id == first))
    assert replies == 1


def test_a_text_that_breaks_the_handler_is_set_aside_and_blocks_nothing(
    live: Runtime, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = intake.handle_text

    def fragile(session: Session, **kw: object) -> object:
        if kw["body"] == "ПОЛОМКА":
            raise RuntimeError("a fault in the conversation")
        return real(session, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(intake, "handle_text", fragile)
    phone, other = fixture_phone(), fixture_phone()
    broken = live.inbound.accept(Arrival("twilio", "SM-broken", phone, "ПОЛОМКА"))
    live.inbound.accept(Arrival("twilio", "SM-after", phone, "МАМА 15.03.2027"))
    live.inbound.accept(Arrival("twilio", "SM-other", other, "МАМА"))
    live.inbound.drain()
    with live.sessions() as session:
        row = session.get_one(InboundMessage, broken)
        assert (row.outcome, row.attempts) == ("failed", intake.MAX_ATTEMPTS)
        assert row.error is not None and "a fault in the conversation" in row.error
        statuses = session.execute(
            select(Person.phone, Enrollment.status)
            .join(Enrollment, Enrollment.person_id == Person.id)
            .where(Person.phone.in_([phone, other]))
        ).all()
    # Her next text and another woman's were handled; the broken one kept for an operator.
    assert dict(statuses) == {phone: "active", other: "pending"}
    assert _pending(live.sessions) == 0
    assert phone not in caplog.text  # the failure is logged without her number


def test_an_operator_sees_and_retries_a_set_aside_text(
    client: object, session: Session, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from text4baby_ru.auth.models import Role
    from text4baby_ru.auth.service import create_user

    assert isinstance(client, TestClient)
    real = intake.handle_text
    broken = {"on": True}

    def fragile(s: Session, **kw: object) -> object:
        if broken["on"]:
            raise RuntimeError("database hiccup")
        return real(s, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(intake, "handle_text", fragile)
    phone = fixture_phone()
    sms(client, phone, "МАМА 15.03.2027")
    _, token = create_user(session, name="ops", role=Role.ADMIN, now=runtime.clock.now())
    _, viewer = create_user(session, name="viewer", role=Role.VIEWER, now=runtime.clock.now())
    session.commit()
    auth = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/inbound/set-aside", headers=auth)
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert item["error"].startswith("RuntimeError") and item["attempts"] == 3
    assert phone not in listed.text and item["sender"].endswith(phone[-2:])
    assert "t4b_inbound_set_aside 1.0" in client.get("/metrics").text
    forbidden = client.get(
        "/api/v1/inbound/set-aside", headers={"Authorization": f"Bearer {viewer}"}
    )
    assert forbidden.status_code == 403
    broken["on"] = False
    retried = client.post(f"/api/v1/inbound/{item['id']}/retry", headers=auth)
    assert retried.status_code == 200, retried.text
    assert client.get("/api/v1/inbound/set-aside", headers=auth).json()["items"] == []
    answer = client.get(f"/api/v1/subscribers/{phone}", headers=auth)
    assert answer.json()["status"] == "active"
    again = client.post(f"/api/v1/inbound/{item['id']}/retry", headers=auth)
    assert again.status_code == 404


@pytest.mark.skipif(not PG_URL, reason="several handlers share the work on PostgreSQL only")
def test_four_handlers_share_a_backlog_each_text_once_and_in_order(
    fresh_database_url: str, clock: FixedClock
) -> None:
    runtimes = [_runtime(fresh_database_url, clock) for _ in range(4)]
    phones = [fixture_phone() for _ in range(300)]
    steps = ["BABY", "15.03.2027", "Владивосток"]
    feeder = runtimes[0]
    for step, body in enumerate(steps):
        for n, phone in enumerate(phones):
            feeder.inbound.accept(Arrival("twilio", f"SM{step}-{n}", phone, body))
    counts: list[int] = []

    def handler(runtime: Runtime) -> None:
        mine = InboundHandler(runtime.inbound.pipeline, batch=50)
        done = 0
        while _pending(runtime.sessions):  # as the handler thread and the passes keep doing
            got = mine.drain().texts
            done += got
            if not got:  # the rest is locked by the other handlers for now
                time.sleep(0.01)
        counts.append(done)

    threads = [threading.Thread(target=handler, args=(r,)) for r in runtimes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    with feeder.sessions() as session:
        per_text = Counter(
            session.scalars(
                select(OutboundMessage.inbound_id).where(OutboundMessage.inbound_id.is_not(None))
            )
        )
        done = session.scalar(select(func.count()).where(InboundMessage.processed_at.is_not(None)))
        zones = Counter(
            session.execute(
                select(Person.timezone, Enrollment.status)
                .join(Enrollment, Enrollment.person_id == Person.id)
                .where(Person.phone.in_(phones))
            ).all()
        )
    assert sum(counts) == done == 900  # every text handled once, counted by its handler
    assert len([c for c in counts if c > 0]) >= 3, counts  # the work was shared
    # one welcome; confirmation + city question; the city confirmation: never twice
    assert sorted(Counter(per_text.values()).items()) == [(1, 600), (2, 300)]
    assert zones == Counter({("Asia/Vladivostok", "active"): 300})  # order kept for each
    for r in runtimes:
        r.engine.dispose()


def test_erasure_also_removes_her_texts_still_waiting_or_set_aside(
    live: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from text4baby_ru.db import unit_of_work
    from text4baby_ru.delivery.erasure import erase

    phone = fixture_phone()
    live.inbound.accept(Arrival("twilio", "SM-join", phone, "МАМА 15.03.2027"))
    live.inbound.drain()
    real = intake.handle_text

    def fragile(session: Session, **kw: object) -> object:
        if kw["body"] == "ПОЛОМКА":
            raise RuntimeError("a fault")
        return real(session, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(intake, "handle_text", fragile)
    aside = live.inbound.accept(Arrival("twilio", "SM-aside", phone, "ПОЛОМКА"))
    live.inbound.drain()
    waiting = live.inbound.accept(Arrival("twilio", "SM-waiting", phone, "Москва"))
    with unit_of_work(live.sessions) as session:
        person = session.scalars(select(Person).where(Person.phone == phone)).one()
        erase(session, person, now=live.clock.now())
    with live.sessions() as session:
        rows = session.execute(
            select(InboundMessage.sender, InboundMessage.body, InboundMessage.processed_at).where(
                InboundMessage.id.in_([aside, waiting])
            )
        ).all()
    assert [(s, b) for s, b, _ in rows] == [(None, None), (None, None)]
    assert all(done is not None for _, _, done in rows)  # nothing left for a handler to act on
