"""What every benchmark shares: the machine's description, synthetic subscribers, timing."""

from __future__ import annotations

import os
import platform
import random
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from text4baby_ru.content.library import load
from text4baby_ru.content.service import import_library
from text4baby_ru.db import make_engine, session_factory, unit_of_work
from text4baby_ru.migrations import upgrade
from text4baby_ru.resources import data_dir

ROOT = Path(__file__).resolve().parents[1]
PG_BASE = os.environ.get("T4B_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ZONES = [
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
]
# The pass every planner benchmark runs: Monday 30 November 2026 at 12:00 UTC (10:00 has passed
# in every zone but Kaliningrad... and in Kaliningrad too: 14:00 there).
PASS_AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def machine() -> dict[str, Any]:
    """Cores, memory, Python and database versions, for results.json."""
    memory = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal"):
                memory = int(line.split()[1]) // 1024
    return {
        "cores": os.cpu_count(),
        "memory_mb": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": __import__("sqlite3").sqlite_version,
        "postgresql": pg_version(),
    }


def pg_version() -> str | None:
    """The server version, or None when PostgreSQL does not answer."""
    try:
        engine = create_engine(PG_BASE, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            return str(conn.execute(text("SHOW server_version")).scalar())
    except Exception:
        return None


def fresh_database(kind: str, folder: Path, name: str | None = None) -> str:
    """A new migrated database with the library imported: a SQLite file or a PostgreSQL db
    (`name`, or one named after this process)."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / ((name or 'bench') + '.db')}"
    else:
        name = name or f"t4b_bench_{os.getpid()}"
        admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(PG_BASE).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        import_library(session, load(data_dir("message_library")), now=PASS_AT - timedelta(days=60))
    engine.dispose()
    return url


def drop_rollup_triggers(url: str) -> None:
    """The same schema without the triggers that keep the metrics rollups: what the rollups
    cost the planner and the sender (and their floors), measured with this very code."""
    engine = make_engine(url)
    pg = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        if pg:
            found = conn.execute(
                text(
                    "SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
                    "WHERE tgname LIKE 'metric%' AND NOT tgisinternal"
                )
            ).all()
        else:
            found = conn.execute(
                text(
                    "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'metric%'"
                )
            ).all()
        for name, table in found:
            conn.execute(text(f"DROP TRIGGER {name}" + (f" ON {table}" if pg else "")))
    engine.dispose()


def drop_database(url: str) -> None:
    """Remove a benchmark database: the PostgreSQL database, or the SQLite file with its WAL."""
    if url.startswith("postgresql"):
        admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
        admin.dispose()
        return
    path = Path(make_url(url).database or "")
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()


def subscribers(n: int, seed: int = 7) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """n synthetic (person, enrollment) rows: pregnancy weeks 4-42 and baby weeks 0-52, eleven
    zones, two languages, some opted out, paused or completed."""
    rng = random.Random(seed)
    day = PASS_AT.date()
    created = (PASS_AT - timedelta(days=90)).isoformat(sep=" ")
    for i in range(1, n + 1):
        roll = rng.random()
        status = (
            "active"
            if roll < 0.9
            else ("opted_out" if roll < 0.96 else ("paused" if roll < 0.98 else "completed"))
        )
        due: date | None
        birth: date | None
        if rng.random() < 0.45:
            week = rng.randint(4, 42)
            due, birth, track = (
                day + timedelta(days=(40 - week) * 7 - rng.randint(0, 6)),
                None,
                "pregnancy",
            )
        else:
            week = rng.randint(0, 52)
            due, birth, track = None, day - timedelta(days=week * 7 + rng.randint(0, 6)), "baby"
        person = (
            i,
            f"+7916{i:07d}",
            f"h{i}",
            "ru" if rng.random() < 0.8 else "en",
            rng.choice(ZONES),
            created,
        )
        enrollment = (i, i, status, track, due, birth, "sms", created, created, created, 0)
        yield person, enrollment


PEOPLE_COLUMNS = "id, phone, phone_hash, language, timezone, created_at"
ENROLLMENT_COLUMNS = (
    "id, person_id, status, track, due_date, birth_date, channel, created_at, "
    "updated_at, activated_at, failures_in_a_row"
)


def fill(url: str, n: int) -> None:
    """Write n synthetic subscribers with the bare driver."""
    rows = list(subscribers(n))  # the parent's memory; the planner runs in its own process
    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(make_url(url).database or "")
        conn.executemany(
            f"INSERT INTO people ({PEOPLE_COLUMNS}) VALUES (?,?,?,?,?,?)", [p for p, _ in rows]
        )
        conn.executemany(
            f"INSERT INTO enrollments ({ENROLLMENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [e for _, e in rows],
        )
        conn.commit()
        conn.close()
        return
    import psycopg

    with psycopg.connect(
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    ) as conn:
        with conn.cursor().copy(f"COPY people ({PEOPLE_COLUMNS}) FROM STDIN") as copy:
            for p, _ in rows:
                copy.write_row(p)
        with conn.cursor().copy(f"COPY enrollments ({ENROLLMENT_COLUMNS}) FROM STDIN") as copy:
            for _, e in rows:
                copy.write_row(e)
        conn.execute("ANALYZE")


def run_child(code: str, *args: str) -> dict[str, Any]:
    """Run code in a fresh Python (its own peak memory), which prints one JSON line."""
    import json

    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"benchmark step failed: {result.stderr[-2000:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))
