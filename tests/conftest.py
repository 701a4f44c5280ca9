"""Shared fixtures: a migrated database (SQLite or PostgreSQL), a rolled-back session per test,
an app wired to that session, and factories."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.clock import FixedClock
from text4baby_ru.content.library import load
from text4baby_ru.content.service import import_library
from text4baby_ru.db import make_engine, session_factory, unit_of_work
from text4baby_ru.gateways.console import ConsoleGateway
from text4baby_ru.main import create_app
from text4baby_ru.migrations import upgrade
from text4baby_ru.modules.store import import_modules
from text4baby_ru.resources import data_dir
from text4baby_ru.runtime import Runtime
from text4baby_ru.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("T4B_TEST_DATABASE_URL", "")
T_LIBRARY = datetime(2026, 11, 1, tzinfo=UTC)
TWILIO_TOKEN = "test-auth-token-not-a-secret"
PUBLIC_URL = "https://sms.example.org"


def _pg_database(base_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped afterwards."""
    url = make_url(base_url)
    name = f"t4b_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL at {url.render_as_string()} does not answer: {error}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database of its own with no tables yet, for tests that migrate it step by step."""
    if PG_URL:
        gen = _pg_database(PG_URL)
        yield next(gen)
        gen.close()
    else:
        yield f"sqlite:///{tmp_path / 'before.db'}"


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """A database of its own (migrated, library imported) for tests that commit for real:
    live servers and several processes."""
    if PG_URL:
        gen = _pg_database(PG_URL)
        url = next(gen)
    else:
        url, gen = f"sqlite:///{tmp_path / 'fresh.db'}", None
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        library = load(data_dir("message_library"))
        import_library(session, library, now=T_LIBRARY)
        import_modules(session, library, now=T_LIBRARY)
    engine.dispose()
    yield url
    if gen is not None:
        gen.close()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database: PostgreSQL when T4B_TEST_DATABASE_URL says so, else SQLite."""
    if PG_URL:
        gen = _pg_database(PG_URL)
        url = next(gen)
        upgrade(url)
        yield url
        gen.close()
        return
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    upgrade(url)
    yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """The test database's engine, with the shipped library imported once (committed)."""
    engine = make_engine(database_url)
    with unit_of_work(session_factory(engine)) as session:
        library = load(data_dir("message_library"))
        import_library(session, library, now=T_LIBRARY)
        import_modules(session, library, now=T_LIBRARY)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def sessions(connection: Connection) -> sessionmaker[Session]:
    """Sessions whose commits are savepoints inside the test's transaction."""
    return sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as s:
        yield s


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        T4B_DATABASE_URL=database_url,
        T4B_PUBLIC_URL=PUBLIC_URL,
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        T4B_SECRET_KEY="test-hash-key",
        # The fixed test clock never moves by itself: a shared rate would make each message
        # wait longer than the last. The rate limiter has its own test with a real clock.
        T4B_SEND_RATE=10_000,
    )


@pytest.fixture
def runtime(
    settings: Settings, engine: Engine, sessions: sessionmaker[Session], clock: FixedClock
) -> Runtime:
    return Runtime(
        settings=settings, engine=engine, sessions=sessions, clock=clock, gateway=ConsoleGateway()
    )


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    # https, as PUBLIC_URL: the session cookie is Secure there and only goes back over https.
    with TestClient(
        create_app(runtime), base_url="https://testserver", raise_server_exceptions=False
    ) as c:
        yield c
