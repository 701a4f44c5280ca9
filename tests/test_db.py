import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, event, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tests.factories import T0, make_enrollment, make_person
from text4baby_ru.db import WriterLock, make_engine
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.enrollment.models import Enrollment, SubscriberStatus
from text4baby_ru.schema import metadata


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
    assert diff == []


def test_timestamps_come_back_aware_utc(session: Session) -> None:
    moscow = timezone(timedelta(hours=3))
    person = make_person(session, created_at=datetime(2026, 11, 30, 13, 0, tzinfo=moscow))
    session.expire_all()
    stored = session.scalar(select(type(person).created_at).where(type(person).id == person.id))
    assert stored == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    assert stored is not None and stored.tzinfo is not None and stored.utcoffset() == timedelta(0)


def test_naive_timestamps_are_refused(session: Session) -> None:
    with pytest.raises(Exception, match="naive"):
        make_person(session, created_at=datetime(2026, 11, 30, 10, 0))


def test_a_status_outside_the_enum_is_refused_by_the_database(session: Session) -> None:
    enrollment = make_enrollment(session)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            text("UPDATE enrollments SET status = 'gone' WHERE id = :id"), {"id": enrollment.id}
        )


def test_a_person_has_at_most_one_open_enrollment(session: Session) -> None:
    person = make_person(session)
    enrollment = make_enrollment(session, person)
    with pytest.raises(IntegrityError), session.begin_nested():
        make_enrollment(session, person)
    enrollment.status = SubscriberStatus.ENDED
    session.flush()
    second = make_enrollment(session, person)
    assert session.scalars(select(Enrollment).where(Enrollment.person_id == person.id)).all() == [
        enrollment,
        second,
    ]


def _tip(enrollment: Enrollment, key: str) -> OutboundMessage:
    return OutboundMessage(
        kind=MessageKind.TIP,
        person_id=enrollment.person_id,
        enrollment_id=enrollment.id,
        content_key=key,
        language="ru",
        body="текст",
        status=MessageStatus.QUEUED,
        due_at=T0,
        created_at=T0,
        updated_at=T0,
    )


def test_the_same_tip_cannot_be_queued_twice_for_one_enrollment(session: Session) -> None:
    enrollment = make_enrollment(session)
    session.add(_tip(enrollment, "pregnancy.w20.1"))
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(_tip(enrollment, "pregnancy.w20.1"))
        session.flush()
    session.add(_tip(enrollment, "pregnancy.w20.2"))
    session.flush()


def test_writers_of_two_processes_take_turns_on_the_lock_beside_the_database(
    tmp_path: Path,
) -> None:
    # Two WriterLocks on one database stand for two processes: each opens the lock file itself.
    database = str(tmp_path / "t4b.db")
    first, second = WriterLock(database), WriterLock(database)
    assert first.acquire(1.0)
    began = time.monotonic()
    assert not second.acquire(0.05)  # held by the other: refused after the wait, not at once
    assert time.monotonic() - began >= 0.05
    got = threading.Event()
    waiter = threading.Thread(target=lambda: second.acquire(5.0) and got.set())
    waiter.start()
    time.sleep(0.05)
    assert not got.is_set()
    released = time.monotonic()
    first.release()
    waiter.join(5)
    assert got.is_set() and time.monotonic() - released < 0.05  # at once, not a busy sleep
    second.release()
    assert Path(database + ".writer.lock").exists()


def test_a_writer_that_asks_again_at_once_waits_behind_the_other_process_waiting(
    tmp_path: Path,
) -> None:
    # A worker's batches one after the other against a webhook's store waiting meanwhile: each
    # WriterLock stands for one process.
    database = str(tmp_path / "t4b.db")
    worker, webhook = WriterLock(database), WriterLock(database)
    order: list[str] = []
    assert worker.acquire(1.0)

    def store() -> None:
        assert webhook.acquire(5.0)
        order.append("store")
        webhook.release()

    waiting = threading.Thread(target=store)
    waiting.start()
    time.sleep(0.05)  # the store is waiting for the worker's batch to end
    for _ in range(3):  # the next batches ask again as soon as one ends
        worker.release()
        assert worker.acquire(5.0)
        order.append("batch")
    worker.release()
    waiting.join(5)
    assert order[0] == "store"


def test_a_writer_of_another_process_begins_only_after_the_commit_it_waited_for(
    tmp_path: Path,
) -> None:
    # Two engines on one file stand for `serve` storing texts and a `worker` handling them. The
    # second is told not to wait in SQLite's busy handler: meeting the first's transaction
    # still open would fail it at once, where a real writer would sleep up to 100 ms.
    url = f"sqlite:///{tmp_path / 't4b.db'}"
    first, second = make_engine(url), make_engine(url)

    @event.listens_for(second, "connect")
    def _no_busy_wait(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=0")

    with first.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE texts (id INTEGER PRIMARY KEY)")

    # SQLAlchemy's commit event comes before the driver's COMMIT; a listener taking its time
    # there stands for a commit that takes a while.
    @event.listens_for(first, "commit")
    def _slow(_connection: Any) -> None:
        time.sleep(0.2)

    failures: list[Exception] = []

    def store() -> None:
        try:
            with second.begin() as conn:
                conn.exec_driver_sql("INSERT INTO texts DEFAULT VALUES")
        except Exception as error:
            failures.append(error)

    writer = threading.Thread(target=store)
    with first.begin() as conn:
        conn.exec_driver_sql("INSERT INTO texts DEFAULT VALUES")
        writer.start()
        time.sleep(0.05)  # the second writer waits for the lock meanwhile
    writer.join(5)
    with second.connect() as conn:
        stored = conn.exec_driver_sql("SELECT count(*) FROM texts").scalar_one()
    first.dispose()
    second.dispose()
    assert failures == [] and stored == 2


def test_a_commit_sqlite_refuses_raises_and_leaves_the_writer_lock_free(tmp_path: Path) -> None:
    # A deferred foreign key is checked at COMMIT, which the writer lock's event now sends.
    url = f"sqlite:///{tmp_path / 't4b.db'}"
    engine, other = make_engine(url), make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE people (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql(
            "CREATE TABLE texts (id INTEGER PRIMARY KEY, person_id INTEGER"
            " REFERENCES people (id) DEFERRABLE INITIALLY DEFERRED)"
        )
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO texts (person_id) VALUES (7)")
    with other.begin() as conn:  # another process writes at once
        conn.exec_driver_sql("INSERT INTO people DEFAULT VALUES")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO texts (person_id) VALUES (1)")
        rows = conn.exec_driver_sql("SELECT person_id FROM texts").scalars().all()
    engine.dispose()
    other.dispose()
    assert rows == [1]


def test_postgresql_keeps_its_connections_when_many_requests_come_at_once(
    database_url: str,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("a pool of connections to a server: PostgreSQL only")
    engine = make_engine(database_url)
    opened = []
    event.listen(engine, "connect", lambda *_: opened.append(1))
    held = threading.Barrier(12)

    def request() -> None:  # twelve requests at once, each holding a connection a moment
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            held.wait(timeout=10)

    try:
        for _ in range(3):
            threads = [threading.Thread(target=request) for _ in range(12)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        # Twelve connections for three bursts: none closed and opened again between them.
        assert len(opened) == 12
    finally:
        engine.dispose()
