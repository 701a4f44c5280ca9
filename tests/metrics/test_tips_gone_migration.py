"""Migration tips_gone turns each woman's planned and queued tips into the tips gone from the
queue, keeps counting after it, and its downgrade brings planned and queued back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.factories import make_enrollment, make_person
from tests.metrics.builders import make_message
from text4baby_ru.db import make_engine
from text4baby_ru.delivery.models import MessageStatus
from text4baby_ru.metrics.verify import differences
from text4baby_ru.migrations import alembic_config

AT = datetime(2026, 11, 30, 7, 5, tzinfo=UTC)
S = MessageStatus


def _tips(url: str, columns: str) -> dict[int, tuple[int, ...]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT enrollment_id, {columns} FROM metric_tips")).all()
    engine.dispose()
    return {r[0]: tuple(r[1:]) for r in rows}


def _write(url: str, statuses: dict[str, list[MessageStatus]], start: int) -> dict[str, int]:
    """Women (by name) with tips of these statuses; their enrollment ids."""
    engine = make_engine(url)
    ids = {}
    with Session(engine) as session:
        for name, tips in statuses.items():
            enrollment = make_enrollment(session, make_person(session))
            for i, status in enumerate(tips):
                at = AT + timedelta(minutes=start + i)
                make_message(session, enrollment, status=status, created_at=at)
            ids[name] = enrollment.id
        session.commit()
    engine.dispose()
    return ids


def _clean(url: str) -> list[Any]:
    engine = make_engine(url)
    with Session(engine) as session:
        found = list(differences(session))
    engine.dispose()
    return found


def test_planned_and_queued_become_gone_and_come_back_on_downgrade(empty_database_url: str) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "outcome_days")
    before = _write(
        empty_database_url,
        {"mixed": [S.QUEUED, S.SENT, S.DELIVERED, S.FAILED], "waiting": [S.QUEUED]},
        0,
    )
    mixed, waiting = before["mixed"], before["waiting"]
    old = "planned, sent, delivered, failed, queued, unknown, expired"
    assert _tips(empty_database_url, old) == {
        mixed: (4, 2, 1, 1, 1, 0, 0),
        waiting: (1, 0, 0, 0, 1, 0, 0),
    }

    command.upgrade(config, "tips_gone")
    new = "gone, sent, delivered, failed, unknown, expired"
    # Her queued tip counts nowhere; a woman with only a queued tip has no row at all.
    assert _tips(empty_database_url, new) == {mixed: (3, 2, 1, 1, 0, 0)}
    after = _write(
        empty_database_url, {"planned": [S.QUEUED, S.SENDING], "sent": [S.QUEUED, S.SENT]}, 10
    )
    assert _tips(empty_database_url, new) == {
        mixed: (3, 2, 1, 1, 0, 0),
        after["sent"]: (1, 1, 0, 0, 0, 0),
    }
    assert _clean(empty_database_url) == []

    command.downgrade(config, "outcome_days")
    assert _tips(empty_database_url, old) == {
        mixed: (4, 2, 1, 1, 1, 0, 0),
        waiting: (1, 0, 0, 0, 1, 0, 0),
        after["planned"]: (2, 0, 0, 0, 2, 0, 0),
        after["sent"]: (2, 1, 0, 0, 1, 0, 0),
    }
    # The old triggers count again: a queued tip adds to planned and queued.
    again = _write(empty_database_url, {"later": [S.QUEUED]}, 20)
    assert _tips(empty_database_url, old)[again["later"]] == (1, 0, 0, 0, 1, 0, 0)

    command.upgrade(config, "head")
    assert _tips(empty_database_url, new) == {
        mixed: (3, 2, 1, 1, 0, 0),
        after["sent"]: (1, 1, 0, 0, 0, 0),
    }
    assert _clean(empty_database_url) == []
