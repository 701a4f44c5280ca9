"""A batch of texts from many numbers is handled with what it reads loaded at once: it must
decide exactly what handling each text alone decides, and on SQLite it must end in time for a
webhook's store to go next."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import func, select

from tests.factories import fixture_phone
from tests.intake.test_pipeline import _pending, _runtime
from text4baby_ru.clock import FixedClock
from text4baby_ru.db import unit_of_work
from text4baby_ru.delivery.models import MessageStatus, OutboundMessage
from text4baby_ru.enrollment.models import Enrollment, InboundMessage, Person
from text4baby_ru.intake import inbound as intake
from text4baby_ru.intake.inbound import Arrival, Batch
from text4baby_ru.runtime import Runtime

# Joins, dates, cities, help, free text past the daily cap of automatic replies, an
# appointment, a stop and a second start: each woman gets them in another order.
SCRIPT = [
    "МАМА",
    "15.03.2027",
    "Москва",
    "ПОМОЩЬ",
    "спасибо",
    "а когда первый совет?",
    "ещё вопрос",
    "и ещё один",
    "ВИЗИТ 10.12 09:30",
    "СТОП",
    "МАМА 20 недель",
    "BABY 01.04.2027",
    "Владивосток",
    "СТОП",
]
WOMEN = 14


@pytest.fixture
def live(fresh_database_url: str, clock: FixedClock) -> Iterator[Runtime]:
    runtime = _runtime(fresh_database_url, clock)
    yield runtime
    runtime.engine.dispose()


def _script(n: int) -> list[str]:
    return SCRIPT[n % len(SCRIPT) :] + SCRIPT[: n % len(SCRIPT)]


def _one_by_one(runtime: Runtime) -> None:
    """Each stored text in a transaction of its own, reading everything as it goes."""
    while True:
        with unit_of_work(runtime.sessions) as session:
            texts = intake.claim(session, limit=1)
            for text in texts:
                intake.handle_one(
                    session,
                    text,
                    now=runtime.clock.now(),
                    hash_key=runtime.hash_key(),
                    countries=runtime.settings.countries,
                    batch=Batch(),
                )
        if not texts:
            return


def _what_she_got(runtime: Runtime, phone: str) -> tuple[object, ...]:
    with runtime.sessions() as session:
        person = session.scalar(select(Person).where(Person.phone == phone))
        assert person is not None
        replies = session.execute(
            select(OutboundMessage.content_key, OutboundMessage.body)
            .where(OutboundMessage.person_id == person.id)
            .order_by(OutboundMessage.inbound_id, OutboundMessage.position)
        ).all()
        enrollments = session.execute(
            select(Enrollment.status, Enrollment.track, Enrollment.due_date, Enrollment.birth_date)
            .where(Enrollment.person_id == person.id)
            .order_by(Enrollment.id)
        ).all()
        return person.timezone, person.language, tuple(replies), tuple(enrollments)


def test_a_batch_of_many_numbers_decides_what_one_by_one_handling_decides(live: Runtime) -> None:
    alone = [fixture_phone() for _ in range(WOMEN)]
    together = [fixture_phone() for _ in range(WOMEN)]
    for step in range(len(SCRIPT)):  # her texts one at a time, each in its own transaction
        for n, phone in enumerate(alone):
            live.inbound.accept(Arrival("twilio", f"SMa{step}-{n}", phone, _script(n)[step]))
        _one_by_one(live)
    for step in range(len(SCRIPT)):  # everything stored first, then drained in batches
        for n, phone in enumerate(together):
            live.inbound.accept(Arrival("twilio", f"SMb{step}-{n}", phone, _script(n)[step]))
    assert _pending(live.sessions) == WOMEN * len(SCRIPT)
    live.inbound.drain()

    assert _pending(live.sessions) == 0
    with live.sessions() as session:
        failed = session.scalar(select(func.count()).where(InboundMessage.error.is_not(None)))
    assert failed == 0
    for n in range(WOMEN):
        assert _what_she_got(live, together[n]) == _what_she_got(live, alone[n]), _script(n)
    # The script reached what it meant to: stops, a second start, free text past the cap.
    everything = [_what_she_got(live, phone) for phone in together]
    keys = {key for _, _, replies, _ in everything for key, _ in replies}
    assert {"reply.stop", "reply.restart", "reply.city_set", "reply.reminder_set"} <= keys
    with live.sessions() as session:
        capped = select(func.count()).where(InboundMessage.outcome == "no_reply")
        assert (session.scalar(capped) or 0) >= WOMEN * 2  # both halves hit the cap alike
    with live.sessions() as session:  # drain returned after its replies went out
        queued = (
            select(func.count())
            .select_from(OutboundMessage)
            .join(InboundMessage, InboundMessage.id == OutboundMessage.inbound_id)
            .where(
                InboundMessage.provider_id.startswith("SMb"),
                OutboundMessage.status == MessageStatus.QUEUED,
            )
        )
        assert session.scalar(queued) == 0


class _SlowClock(FixedClock):
    """Every text takes a while to handle (the handler asks the time once per text)."""

    def now(self) -> datetime:
        time.sleep(0.02)
        return super().now()


def test_a_text_arriving_mid_batch_is_stored_without_waiting_for_the_batch(
    fresh_database_url: str, clock: FixedClock
) -> None:
    runtime = _runtime(fresh_database_url, _SlowClock(clock.now()))
    arrivals = [Arrival("twilio", f"SM{n}", fixture_phone(), "МАМА") for n in range(200)]
    with unit_of_work(runtime.sessions) as session:
        intake.store(session, arrivals, now=clock.now())
    draining = threading.Thread(target=runtime.inbound.drain)
    draining.start()
    try:
        deadline = time.monotonic() + 10
        while _pending(runtime.sessions) == 200:  # a batch has committed; the next one runs
            assert time.monotonic() < deadline
            time.sleep(0.01)
        start = time.perf_counter()
        stored = runtime.inbound.accept(Arrival("twilio", "SM-late", fixture_phone(), "МАМА"))
        took = time.perf_counter() - start
        assert stored is not None
        # Fifty texts at 20 ms each would hold the writer for a second.
        assert took < 0.5, took
        assert draining.is_alive()  # it did not wait for the drain either
    finally:
        draining.join(60)
    assert _pending(runtime.sessions) == 0
    runtime.engine.dispose()
