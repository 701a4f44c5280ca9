from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from text4baby_ru.delivery.ratelimit import reserve

T = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def test_reservations_space_segments_at_the_rate_for_every_sender(session: Session) -> None:
    starts = [reserve(session, gateway="twilio", segments=2, rate=10, now=T) for _ in range(5)]
    assert [s - T for s in starts] == [timedelta(seconds=0.2 * i) for i in range(5)]
    other = reserve(session, gateway="kannel", segments=1, rate=10, now=T)
    assert other == T  # each gateway has its own budget


def test_an_idle_gateway_does_not_bank_capacity(session: Session) -> None:
    reserve(session, gateway="twilio", segments=1, rate=10, now=T)
    later = T + timedelta(minutes=5)
    assert reserve(session, gateway="twilio", segments=1, rate=10, now=later) == later
    assert reserve(session, gateway="twilio", segments=1, rate=10, now=later) == later + timedelta(
        seconds=0.1
    )
