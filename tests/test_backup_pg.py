"""A PostgreSQL backup as the README tells an operator to take it (pg_dump, pg_restore) gives back
every row, and the restored database takes new writes (its sequences came along)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, _pg_database
from tests.factories import make_enrollment
from text4baby_ru.db import Base, make_engine, session_factory, unit_of_work
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="PostgreSQL-only: pg_dump needs a PostgreSQL database"
)


def libpq(url: str) -> str:
    """The libpq form of a SQLAlchemy URL, for pg_dump and pg_restore."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def fingerprint(url: str) -> dict[str, tuple[int, str | None]]:
    """Per table: the number of rows and an md5 over all of them in primary-key order."""
    engine = create_engine(url)
    found = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = ", ".join(c.name for c in table.primary_key.columns)
            rows, digest = conn.execute(
                text(
                    f"SELECT count(*), md5(string_agg(t::text, '|' ORDER BY {order})) "
                    f"FROM {table.name} t"
                )
            ).one()
            found[table.name] = (rows, digest)
    engine.dispose()
    return found


@pytest.fixture
def restore_target() -> Iterator[str]:
    gen = _pg_database(PG_URL)
    yield next(gen)
    gen.close()


def cli(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("T4B_", "TWILIO_"))}
    return subprocess.run(
        [sys.executable, "-m", "text4baby_ru", *args],
        env=env | {"T4B_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_pg_dump_and_pg_restore_give_back_every_row(
    fresh_database_url: str, restore_target: str, tmp_path: Path
) -> None:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        if os.environ.get("CI"):
            pytest.fail("pg_dump and pg_restore must be installed in CI")
        pytest.skip("pg_dump/pg_restore are not installed")
    made = cli("users", "create", "--role", "admin", "--name", "Ольга", url=fresh_database_url)
    assert made.returncode == 0, made.stderr
    engine = make_engine(fresh_database_url)
    with unit_of_work(session_factory(engine)) as session:
        enrollment = make_enrollment(session, due_date=date(2027, 5, 1))
        session.add(
            OutboundMessage(
                person_id=enrollment.person_id,
                enrollment_id=enrollment.id,
                kind=MessageKind.NOTICE,
                content_key="reply.welcome",
                language="ru",
                body="Здравствуйте! Вы подписаны.",
                segments=1,
                status=MessageStatus.DELIVERED,
                due_at=enrollment.created_at,
                created_at=enrollment.created_at,
                updated_at=enrollment.created_at,
            )
        )
    engine.dispose()
    before = fingerprint(fresh_database_url)
    assert before["content_revisions"][0] > 500 and before["outbound_messages"][0] == 1

    dump = tmp_path / "t4b.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", libpq(fresh_database_url)], check=True
    )
    subprocess.run(
        ["pg_restore", "--no-owner", f"--dbname={libpq(restore_target)}", str(dump)], check=True
    )

    assert fingerprint(restore_target) == before
    listed = cli("users", "list", url=restore_target)
    assert listed.returncode == 0 and "Ольга" in listed.stdout
    # New writes after a restore: the id sequences came back with their values.
    again = cli("users", "create", "--role", "viewer", "--name", "Анна", url=restore_target)
    assert again.returncode == 0, again.stderr
    assert "Анна" in cli("users", "list", url=restore_target).stdout
