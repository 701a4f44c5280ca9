"""Engine, sessions and column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import enum
import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Engine,
    Index,
    MetaData,
    String,
    create_engine,
    event,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


WRITER_WAIT = 30.0  # seconds a writer waits for this process's other writers


class Base(DeclarativeBase):
    """Declarative base whose constraint names are stable across databases and migrations."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC timestamp: SQLite stores it naive, both hand it back aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(postgresql.JSONB(), "postgresql")


class StrEnumType(TypeDecorator[enum.StrEnum]):
    """A status stored as a plain string (Alembic follows strings, not native enums) and read
    back as its enum member."""

    impl = String
    cache_ok = True

    def __init__(self, enum_cls: type[enum.StrEnum]) -> None:
        super().__init__(max(len(member.value) for member in enum_cls))
        self.enum_cls = enum_cls

    def process_bind_param(self, value: object, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_cls(str(value)).value

    def process_result_value(self, value: object, dialect: Dialect) -> enum.StrEnum | None:
        return None if value is None else self.enum_cls(str(value))


def enum_column(enum_cls: type[enum.StrEnum], name: str) -> tuple[StrEnumType, CheckConstraint]:
    """A string column type and the CHECK that keeps it to the enum's values."""
    values = ", ".join(f"'{member.value}'" for member in enum_cls)
    return StrEnumType(enum_cls), CheckConstraint(f"{name} IN ({values})", name=name)


def partial_unique(name: str, *columns: str, where: str) -> Index:
    """A unique index over the rows matching where (both databases support partial indexes)."""
    return partial_index(name, *columns, where=where, unique=True)


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> Index:
    """An index over the rows matching where (both databases support partial indexes)."""
    return Index(
        name, *columns, unique=unique, sqlite_where=text(where), postgresql_where=text(where)
    )


def insert_or_ignore(
    session: Session,
    table: Any,
    values: dict[str, Any],
    *,
    conflict: list[str],
    where: str | None = None,
    returning: bool = True,
) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the new row's id, or None if it existed.
    `where` names the predicate of a partial unique index that is the conflict target."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=conflict, index_where=text(where) if where else None)
    )
    if not returning:
        session.execute(statement)
        return None
    return session.execute(statement.returning(table.c.id)).scalar_one_or_none()


def is_sqlite(url: str) -> bool:
    """True for a SQLite URL."""
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine; SQLite gets WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE."""
    # A failed statement's message never carries its values (numbers, alert texts) into a log.
    kwargs.setdefault("hide_parameters", True)
    if not is_sqlite(url):
        # The same 15 connections at most as SQLAlchemy's default (5 kept, 10 more opened and
        # closed as needed), but all kept: past 5 requests at once, the default opened and
        # closed a PostgreSQL connection per request (the scale-out bench saw 333 in 8 s).
        kwargs.setdefault("pool_size", 15)
        kwargs.setdefault("max_overflow", 0)
        return create_engine(url, pool_pre_ping=True, **kwargs)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    # Writers queue on a lock of their own before asking SQLite: SQLite's busy handler polls
    # with sleeps of up to 100 ms, which turned a burst of webhooks into seconds of tail
    # latency. The lock is a thread lock within a process and a file lock beside the database
    # across processes (`serve --no-handler` storing texts while a `worker` handles them).
    writers = WriterLock(make_url(url).database)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock up front: a deferred transaction that later writes can fail with
        # "database is locked" without waiting; an immediate one waits for busy_timeout.
        # Read-only work asks for DEFERRED (READ_ONLY below) so it never waits for a writer.
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        if mode == "IMMEDIATE" and writers.acquire(WRITER_WAIT):
            connection.info["holds_writer_lock"] = True
        connection.exec_driver_sql(f"BEGIN {mode}")

    # SQLAlchemy fires `commit` and `rollback` before it asks the driver to end the transaction:
    # letting go there let the next writer's BEGIN IMMEDIATE meet SQLite's busy handler (sleeps
    # of up to 100 ms) while this COMMIT was still to come. So the transaction ends here, on the
    # driver's connection, and the lock goes after it; the driver's own commit or rollback that
    # follows finds no transaction open and does nothing.
    @event.listens_for(engine, "commit")
    def _on_commit(connection: Any) -> None:
        _end(connection, commit=True)

    @event.listens_for(engine, "rollback")
    def _on_rollback(connection: Any) -> None:
        _end(connection, commit=False)

    def _end(connection: Any, *, commit: bool) -> None:
        if not connection.info.pop("holds_writer_lock", False):
            return
        try:
            if not connection.invalidated:  # a lost connection has no transaction to end
                dbapi_connection = connection.connection.dbapi_connection
                dbapi_connection.commit() if commit else dbapi_connection.rollback()
        except sqlite3.Error as error:  # the same exception SQLAlchemy raises for a failed COMMIT
            raise DBAPIError.instance(
                "COMMIT" if commit else "ROLLBACK", None, error, sqlite3.Error, hide_parameters=True
            ) from error
        finally:
            writers.release()

    return engine


class WriterLock:
    """Who may write next to one SQLite database: the threads of this process in turn, and
    across processes a file lock on `<database>.writer.lock`, looked at every millisecond while
    another holds it (instead of SQLite's busy handler, whose sleeps grow to 100 ms). A process
    waiting for it first takes the gate, `<database>.writer.gate`, and keeps it until it has
    the lock: a writer that lets go and asks again at once (a worker's batches one after the
    other) then waits behind the one already waiting (a webhook's store), rather than taking
    the lock again before that one's next look. A lock not had within `wait` seconds is left to
    SQLite's own busy timeout; a process that dies lets go of both with its descriptors."""

    def __init__(self, database: str | None) -> None:
        self._threads = threading.Lock()
        self._path = f"{database}.writer" if database and database != ":memory:" else None
        self._fd: int | None = None
        self._gate: int | None = None

    def acquire(self, wait: float) -> bool:
        if not self._threads.acquire(timeout=wait):
            return False
        if self._path is None:
            return True
        try:
            if self._fd is None or self._gate is None:
                self._fd = os.open(f"{self._path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
                self._gate = os.open(f"{self._path}.gate", os.O_RDWR | os.O_CREAT, 0o600)
            deadline = time.monotonic() + wait
            if not _flock(self._gate, deadline):
                self._threads.release()
                return False
            try:
                if _flock(self._fd, deadline):
                    return True
            finally:
                fcntl.flock(self._gate, fcntl.LOCK_UN)
            self._threads.release()
            return False
        except OSError:  # a folder we cannot write a lock file to: SQLite's busy timeout alone
            self._path = None
            return True

    def release(self) -> None:
        if self._fd is not None and self._path is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._threads.release()


def _flock(fd: int, deadline: float) -> bool:
    """Take the exclusive file lock on fd, looking every millisecond until deadline."""
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.001)


# Execution options for a transaction that only reads (SQLite: no write lock; WAL readers
# never wait for the writer).
READ_ONLY = {"sqlite_begin": "DEFERRED"}


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to engine that keep loaded values after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def read_only(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for a long read (an export, a CSV): on SQLite its transaction is DEFERRED, so
    it takes no write lock and, under WAL, neither waits for writers nor makes them wait. It
    writes nothing; leaving the block rolls it back."""
    with factory() as session:
        session.connection(execution_options=READ_ONLY)
        yield session


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit when the block ends, roll back on an exception."""
    with factory() as session, session.begin():
        yield session
