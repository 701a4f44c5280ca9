"""Planner: one send-day pass over n synthetic subscribers, against the bare driver writing the
same number of outbox rows."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bench.common import (
    PASS_AT,
    drop_database,
    drop_rollup_triggers,
    fill,
    fresh_database,
    run_child,
)

PLAN_STEP = """
import json, sys, time
from datetime import datetime, time as t
from sqlalchemy import func, select
from text4baby_ru.db import make_engine, session_factory
from text4baby_ru.delivery.models import OutboundMessage
from text4baby_ru.delivery.planner import Rules
from text4baby_ru.delivery.service import plan_once
engine = make_engine(sys.argv[1])
sessions = session_factory(engine)
rules = Rules((0, 2, 4), 10, (t(21), t(9)))
start = time.perf_counter()
report = plan_once(sessions, now=datetime.fromisoformat(sys.argv[2]), rules=rules)
seconds = time.perf_counter() - start
with sessions() as s:
    rows = s.scalar(select(func.count()).select_from(OutboundMessage))
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (large) parent process.
rss = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) // 1024
print(json.dumps({"seconds": seconds, "rows": rows, "tips": report.tips, "peak_rss_mb": rss}))
"""

COLUMNS = (
    "kind, person_id, enrollment_id, content_key, revision_id, language, track, week, slot, "
    "status, due_at, expires_at, attempts, segments, created_at, updated_at"
)


def _floor(url: str, rows: int) -> float:
    """Seconds for the bare driver to write `rows` outbox rows (after the planner's are gone)."""
    due = PASS_AT.isoformat(sep=" ")
    data = [
        (
            "tip",
            i,
            i,
            f"pregnancy.w{10 + i % 30:02d}.1",
            None,
            "ru",
            "pregnancy",
            10 + i % 30,
            1,
            "queued",
            due,
            due,
            0,
            0,
            due,
            due,
        )
        for i in range(1, rows + 1)
    ]
    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(make_url(url).database or "")
        conn.execute("DELETE FROM outbound_messages")
        conn.commit()
        start = time.perf_counter()
        conn.executemany(
            f"INSERT INTO outbound_messages ({COLUMNS}) VALUES ({','.join('?' * 16)})", data
        )
        conn.commit()
        seconds = time.perf_counter() - start
        conn.close()
        return seconds
    import psycopg

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        conn.execute("DELETE FROM outbound_messages")
        conn.commit()
        start = time.perf_counter()
        with conn.cursor().copy(f"COPY outbound_messages ({COLUMNS}) FROM STDIN") as copy:
            for row in data:
                copy.write_row(row)
        conn.commit()
        return time.perf_counter() - start


def run(kind: str, size: int, folder: Path, rollups: bool = True) -> dict[str, Any]:
    """One size on one database: the pass, its floor, and their ratio (`rollups` False: with
    the metrics triggers dropped)."""
    folder.mkdir(parents=True, exist_ok=True)
    url = fresh_database(kind, folder)
    if not rollups:
        drop_rollup_triggers(url)
    try:
        fill(url, size)
        measured = run_child(PLAN_STEP, url, PASS_AT.isoformat())
        floor = _floor(url, measured["rows"])
    finally:
        drop_database(url)
    return {
        "benchmark": "planner",
        "database": kind,
        "rollups": rollups,
        "subscribers": size,
        "outbox_rows": measured["rows"],
        "seconds": round(measured["seconds"], 3),
        "rows_per_second": round(measured["rows"] / measured["seconds"]),
        "peak_rss_mb": measured["peak_rss_mb"],
        "floor_seconds": round(floor, 3),
        "ratio_to_floor": round(measured["seconds"] / floor, 2) if floor else None,
    }
