from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from text4baby_ru.delivery.ratelimit import (
    DECREASE,
    FLOOR,
    Answer,
    RateSlot,
    hear,
    reserve,
)

T = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def test_reservations_space_segments_at_the_rate_for_every_sender(session: Session) -> None:
    starts = [reserve(session, gateway="twilio", segments=2, rate=10, now=T) for _ in range(5)]
    assert [s.start - T for s in starts] == [timedelta(seconds=0.2 * i) for i in range(5)]
    other = reserve(session, gateway="kannel", segments=1, rate=10, now=T)
    assert other.start == T  # each gateway has its own budget


def test_an_idle_gateway_does_not_bank_capacity(session: Session) -> None:
    reserve(session, gateway="twilio", segments=1, rate=10, now=T)
    later = T + timedelta(minutes=5)
    assert reserve(session, gateway="twilio", segments=1, rate=10, now=later).start == later
    assert reserve(
        session, gateway="twilio", segments=1, rate=10, now=later
    ).start == later + timedelta(seconds=0.1)


def _hear(session: Session, *answers: Answer, now: datetime = T) -> RateSlot:
    hear(session, gateway="twilio", ceiling=10, answers=list(answers), now=now)
    return session.get_one(RateSlot, "twilio")


def _refused(at: datetime, retry: float | None = None) -> Answer:
    return Answer(throttled=True, segments=1, sent_at=at, retry_after=retry)


def test_an_occasional_429_costs_a_retry_not_the_rate(session: Session) -> None:
    reserve(session, gateway="twilio", segments=1, rate=10, now=T)
    taken = Answer(throttled=False, segments=1, sent_at=T)
    for _ in range(30):  # every third answer throttled
        slot = _hear(session, taken, taken, _refused(T))
    assert slot.rate is None and slot.throttled == 30


def test_when_429s_are_the_rule_the_route_slows_once_for_the_sends_already_in_flight(
    session: Session,
) -> None:
    reserve(session, gateway="twilio", segments=1, rate=10, now=T)
    later = T + timedelta(seconds=1)
    slot = _hear(session, *[_refused(T)] * 12, now=later)  # all left before the first came back
    assert (slot.rate, slot.throttled) == (10 * DECREASE, 12)
    assert reserve(session, gateway="twilio", segments=7, rate=10, now=later).rate == slot.rate
    # A send at the slower rate throttled again: slower still, never below the floor.
    slot = _hear(session, _refused(later), now=later + timedelta(seconds=1))
    assert slot.rate == 10 * DECREASE * DECREASE
    for i in range(60):
        moment = later + timedelta(seconds=2 + i)
        slot = _hear(session, _refused(moment), now=moment)
    assert slot.rate == FLOOR


def test_retry_after_holds_every_sender_back_that_long(session: Session) -> None:
    reserve(session, gateway="twilio", segments=1, rate=10, now=T)
    _hear(session, _refused(T, retry=30))
    start = reserve(session, gateway="twilio", segments=1, rate=10, now=T).start
    assert start == T + timedelta(seconds=30)


def test_good_answers_give_the_rate_back_up_to_the_configured_one(session: Session) -> None:
    reserve(session, gateway="twilio", segments=1, rate=10, now=T)
    slowed = _hear(session, *[_refused(T)] * 12).rate
    taken = Answer(throttled=False, segments=20, sent_at=T)
    grown = _hear(session, taken).rate
    assert slowed is not None and grown is not None and slowed < grown < 10
    for _ in range(10):
        slot = _hear(session, taken)
    assert slot.rate is None
    assert reserve(session, gateway="twilio", segments=1, rate=10, now=T).rate == 10


def test_a_sender_behind_its_own_run_follows_it_but_never_another_senders(
    session: Session,
) -> None:
    first = reserve(session, gateway="twilio", segments=10, rate=10, now=T)
    end = first.start + timedelta(seconds=1)
    late = end + timedelta(seconds=0.3)  # its calls took longer than the window
    follow = reserve(session, gateway="twilio", segments=10, rate=10, now=late, after=end)
    assert follow.start == end  # no gap: the sender catches up the 0.3 s
    other = reserve(session, gateway="twilio", segments=1, rate=10, now=late)
    assert other.start == end + timedelta(seconds=1)  # after the run, not inside it
    stale = reserve(session, gateway="twilio", segments=1, rate=10, now=late, after=end)
    assert stale.start == other.start + timedelta(seconds=0.1)  # someone reserved since
