"""Plain factory functions for tests: numbers come from the +7 916 000-00-00 fixture range."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from text4baby_ru.enrollment.models import (
    Channel,
    Enrollment,
    Language,
    Person,
    SubscriberStatus,
    Track,
)

T0 = datetime(2026, 11, 1, tzinfo=UTC)
_counter = iter(range(10_000))


def fixture_phone() -> str:
    """A number from the range reserved for fixtures (+7 916 000-00-00 ... 000-99-99)."""
    return f"+7916000{next(_counter):04d}"


def make_person(session: Session, **overrides: Any) -> Person:
    phone = overrides.pop("phone", None) or fixture_phone()
    values: dict[str, Any] = {
        "phone": phone,
        "phone_hash": f"hash-{phone}",
        "language": Language.RU,
        "timezone": "Europe/Moscow",
        "created_at": T0,
    }
    person = Person(**(values | overrides))
    session.add(person)
    session.flush()
    return person


def make_enrollment(session: Session, person: Person | None = None, **overrides: Any) -> Enrollment:
    person = person or make_person(session)
    values: dict[str, Any] = {
        "person_id": person.id,
        "status": SubscriberStatus.ACTIVE,
        "track": Track.PREGNANCY,
        "due_date": date(2027, 5, 1),
        "channel": Channel.SMS,
        "consent_at": T0,
        "created_at": T0,
        "updated_at": T0,
        "activated_at": T0,
    }
    enrollment = Enrollment(**(values | overrides))
    session.add(enrollment)
    session.flush()
    return enrollment


def queue_replies(url: str, n: int) -> None:
    """n people with one queued reply each ("сообщение i"), written in one go for process tests."""
    from sqlalchemy import text

    from text4baby_ru.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO people (id, phone, phone_hash, language, timezone, created_at) "
                "VALUES (:i, :p, :h, 'ru', 'Europe/Moscow', '2026-11-01')"
            ),
            [{"i": i, "p": f"+7916{i:07d}", "h": f"h{i}"} for i in range(1, n + 1)],
        )
        conn.execute(
            text(
                "INSERT INTO outbound_messages (kind, person_id, position, language, body, segments, "
                "status, due_at, attempts, created_at, updated_at) VALUES ('reply', :i, :i, 'ru', :b, "
                "1, 'queued', '2026-11-01', 0, '2026-11-01', '2026-11-01')"
            ),
            [{"i": i, "b": f"сообщение {i}"} for i in range(1, n + 1)],
        )
    engine.dispose()
