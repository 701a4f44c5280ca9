"""A provider that throttles: the real twilio client against the Twilio-compatible server,
answering every third create with 429, or 429 above a hard limit of segments a second. Every
tip goes out once, soon after its time, none past its deadline, and the route's rate settles
near the provider's limit; with two workers on PostgreSQL too."""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from devtools.twilio_mock import TwilioMock
from tests.delivery.pg_worker import paced, twilio_gateway
from tests.factories import make_enrollment, make_person
from text4baby_ru.db import make_engine, session_factory
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.delivery.planner import Rules
from text4baby_ru.delivery.ratelimit import RateSlot
from text4baby_ru.delivery.sender import SendPolicy
from text4baby_ru.delivery.service import run_pass
from text4baby_ru.gateways.twilio import TwilioGateway
from text4baby_ru.kit.segments import count

TOKEN, ACCOUNT = "mock-token-not-a-secret", "AC" + "4" * 32
MONDAY_1000_MSK = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
RULES = Rules((0, 2, 4), 10, (clock_time(21), clock_time(9)), deadline=timedelta(hours=3))
WOMEN = 240


class RealTime:
    """A planning clock that starts at an instant and moves with real time."""

    def __init__(self, at: datetime) -> None:
        self.at, self.started = at, time.monotonic()

    def now(self) -> datetime:
        return self.at + timedelta(seconds=time.monotonic() - self.started)


def _enrol(sessions: sessionmaker[Session], n: int) -> None:
    with sessions() as session, session.begin():
        for i in range(n):
            person = make_person(session, phone=f"+7916000{i:04d}")
            make_enrollment(
                session,
                person,
                due_date=date(2027, 3, 15),
                activated_at=datetime(2026, 11, 20, tzinfo=UTC),
            )


def _gateway(mock: TwilioMock, clock: RealTime) -> TwilioGateway:
    return twilio_gateway(mock.url, TOKEN, ACCOUNT, clock)


def _tips(sessions: sessionmaker[Session]) -> list[OutboundMessage]:
    with sessions() as session:
        return list(
            session.scalars(select(OutboundMessage).where(OutboundMessage.kind == MessageKind.TIP))
        )


def _segments_per_second(mock: TwilioMock, skip: float) -> float:
    """The rate the provider took segments at, after the first `skip` seconds."""
    segments = (count(m["body"]).segments for m in mock.messages)
    taken = sorted(zip(mock.accepted_at, segments, strict=True))
    first = taken[0][0] + skip
    later = [(at, n) for at, n in taken if at >= first]
    return sum(n for _, n in later[1:]) / (later[-1][0] - later[0][0])


def _check_every_tip_once_in_time(mock: TwilioMock, tips: list[OutboundMessage], n: int) -> None:
    assert len(tips) == n
    sends = Counter(to for to, _ in mock.sent_bodies())
    assert len(sends) == n and set(sends.values()) == {1}  # each woman her tip, once
    for tip in tips:
        assert tip.status is MessageStatus.SENT, (tip.status, tip.error_code)
        assert tip.sent_at is not None and tip.expires_at is not None
        assert tip.sent_at - tip.due_at < timedelta(minutes=2)  # minutes after its time
        assert tip.sent_at <= tip.expires_at


def _run_until_sent(sessions: sessionmaker[Session], mock: TwilioMock, rate: float) -> None:
    clock = RealTime(MONDAY_1000_MSK)
    gateway, deadline = _gateway(mock, clock), time.monotonic() + 120
    busy = (MessageStatus.QUEUED, MessageStatus.SENDING)
    while True:
        run_pass(
            sessions=sessions,
            gateway=gateway,
            clock=clock,
            rules=RULES,
            policy=SendPolicy(rate=rate),
            worker="w",
        )
        if not any(t.status in busy for t in _tips(sessions)):
            return
        assert time.monotonic() < deadline, "tips still queued after two minutes"


@pytest.fixture
def mock() -> TwilioMock:
    server = TwilioMock(token=TOKEN).start()
    server.faults.callbacks = False
    yield server  # type: ignore[misc]
    server.stop()


def test_every_third_answer_429_delays_no_tip_by_more_than_its_turn(
    fresh_database_url: str, mock: TwilioMock
) -> None:
    engine = make_engine(fresh_database_url)
    sessions = session_factory(engine)
    _enrol(sessions, WOMEN)
    mock.faults.throttle_every = 3
    started = time.monotonic()
    _run_until_sent(sessions, mock, rate=50)
    took = time.monotonic() - started
    _check_every_tip_once_in_time(mock, _tips(sessions), WOMEN)
    assert mock.throttled >= WOMEN // 3  # the provider did throttle, and each went again
    segments = sum(count(body).segments for _, body in mock.sent_bodies())
    # An occasional 429 costs a retry, not the rate: about the time the configured rate allows
    # for the segments and their retries.
    assert took < 2 * segments * 1.5 / 50 + 10
    with sessions() as session:
        assert session.get_one(RateSlot, "twilio").throttled == mock.throttled
    engine.dispose()


def test_a_hard_provider_limit_is_found_and_held(fresh_database_url: str, mock: TwilioMock) -> None:
    limit = 25.0
    engine = make_engine(fresh_database_url)
    sessions = session_factory(engine)
    _enrol(sessions, WOMEN)
    mock.faults.rate_limit = limit
    _run_until_sent(sessions, mock, rate=limit * 5)  # configured far above what it takes
    _check_every_tip_once_in_time(mock, _tips(sessions), WOMEN)
    assert mock.throttled > 0
    held = _segments_per_second(mock, skip=2)
    assert 0.7 * limit <= held <= 1.1 * limit, held
    # The route slowed from the configured rate: most calls were not wasted on 429s.
    assert mock.throttled < len(mock.messages)
    with sessions() as session:
        assert session.get_one(RateSlot, "twilio").throttled == mock.throttled
    engine.dispose()


TIPS_SQL = """
INSERT INTO outbound_messages (kind, person_id, enrollment_id, content_key, language, body,
                               segments, status, due_at, expires_at, attempts, created_at,
                               updated_at)
SELECT 'tip', e.person_id, e.id, 'pregnancy.w25.1', 'ru', 'Совет недели ' || e.id, 1, 'queued',
       now(), now() + interval '3 hours', 0, now(), now()
FROM enrollments AS e
"""


def test_two_workers_on_postgresql_share_the_slower_rate(
    fresh_database_url: str, mock: TwilioMock
) -> None:
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("several sending processes need PostgreSQL (SQLite runs one sender)")
    limit = 25.0
    engine = make_engine(fresh_database_url)
    _enrol(session_factory(engine), WOMEN * 2)
    with engine.begin() as connection:
        connection.execute(text(TIPS_SQL))
    mock.faults.rate_limit = limit
    spawn = multiprocessing.get_context("spawn")
    args = (fresh_database_url, mock.url, TOKEN, ACCOUNT, limit * 5)
    workers = [spawn.Process(target=paced, args=(*args, f"w{i}")) for i in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(180)
    assert all(w.exitcode == 0 for w in workers)
    sessions = session_factory(engine)
    tips = _tips(sessions)
    sends = Counter(body for _, body in mock.sent_bodies())
    assert len(sends) == len(tips) == WOMEN * 2 and set(sends.values()) == {1}
    for tip in tips:
        assert tip.status is MessageStatus.SENT and tip.sent_at is not None
        assert tip.expires_at is not None and tip.sent_at <= tip.expires_at
        assert tip.sent_at - tip.due_at < timedelta(minutes=2)
    held = _segments_per_second(mock, skip=2)
    assert 0.7 * limit <= held <= 1.1 * limit, held
    engine.dispose()
