"""Three sending processes on one PostgreSQL outbox: nothing sent twice, nothing lost.
A multi-process test, so PostgreSQL only (SQLite has one sender by design)."""

from __future__ import annotations

import multiprocessing
from collections import Counter

import pytest
from sqlalchemy import func, select, text

from devtools.twilio_mock import TwilioMock
from tests.delivery.pg_worker import work
from text4baby_ru.db import make_engine
from text4baby_ru.delivery.models import MessageStatus, OutboundMessage

TOKEN, ACCOUNT = "mock-token-not-a-secret", "AC" + "2" * 32


PEOPLE_SQL = """
INSERT INTO people (id, phone, phone_hash, language, timezone, created_at)
SELECT n, '+7916' || lpad(n::text, 7, '0'), 'h' || n, 'ru', 'Europe/Moscow', now()
FROM generate_series(1, :people) AS n
"""
ENROLLMENTS_SQL = """
INSERT INTO enrollments (id, person_id, status, track, due_date, channel, created_at,
                         updated_at, activated_at, failures_in_a_row)
SELECT n, n, 'active', 'pregnancy', DATE '2027-03-15', 'sms', now(), now(), now(), 0
FROM generate_series(1, :people) AS n
"""
TIPS_SQL = """
INSERT INTO outbound_messages (kind, person_id, enrollment_id, content_key, language, body,
                               segments, status, due_at, attempts, created_at, updated_at)
SELECT 'tip', p, p, 'pregnancy.w2' || k || '.1', 'ru', 'сообщение ' || p || '-' || k, 1,
       'queued', now() - interval '1 minute', 0, now(), now()
FROM generate_series(1, :people) AS p, generate_series(1, :per) AS k
"""


def _fill(url: str, people: int, per_person: int) -> None:
    """people x per_person queued tips, each with a body that names it."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(PEOPLE_SQL), {"people": people})
        conn.execute(text(ENROLLMENTS_SQL), {"people": people})
        conn.execute(text(TIPS_SQL), {"people": people, "per": per_person})
    engine.dispose()


@pytest.mark.parametrize(("claiming", "people"), [(True, 2000), (False, 300)])
def test_three_workers_send_each_message_exactly_once(
    fresh_database_url: str, claiming: bool, people: int
) -> None:
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("several sending processes need PostgreSQL (SQLite runs one sender)")
    total = people * 5
    _fill(fresh_database_url, people, 5)
    mock = TwilioMock(token=TOKEN).start()
    mock.faults.callbacks = False
    spawn = multiprocessing.get_context("spawn")
    workers = [
        spawn.Process(
            target=work, args=(fresh_database_url, mock.url, TOKEN, ACCOUNT, claiming, f"w{i}")
        )
        for i in range(3)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(300)
    mock.stop()
    sends = Counter(body for _, body in mock.sent_bodies())
    doubled = sum(1 for n in sends.values() if n > 1)
    if not claiming:
        # The negative control: without claiming, the same check must catch double sends.
        assert doubled > 0
        return
    assert all(w.exitcode == 0 for w in workers)
    assert len(sends) == total and doubled == 0  # every message once: none lost, none twice
    engine = make_engine(fresh_database_url)
    with engine.connect() as conn:
        statuses = dict(
            conn.execute(
                select(OutboundMessage.status, func.count()).group_by(OutboundMessage.status)
            ).all()
        )
        by_worker = conn.execute(
            select(func.count(func.distinct(OutboundMessage.claimed_by)))
        ).scalar_one()
    engine.dispose()
    assert statuses == {MessageStatus.SENT: total}
    assert by_worker == 3  # all three did share the work
