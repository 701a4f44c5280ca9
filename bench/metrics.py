"""Metrics: the dashboard's queries over n synthetic subscribers and ten outbound messages each
(a year of enrollments, every status, opt-outs, completions, losses), median seconds each."""

from __future__ import annotations

import itertools
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bench import dashboard
from bench.common import PASS_AT, PEOPLE_COLUMNS, ZONES, drop_database, fresh_database
from text4baby_ru.db import make_engine, read_only, session_factory
from text4baby_ru.metrics import snapshots
from text4baby_ru.metrics.behind import behind
from text4baby_ru.metrics.days import REPORT_ZONE
from text4baby_ru.metrics.distribution import distribution
from text4baby_ru.metrics.dose import dose
from text4baby_ru.metrics.prometheus import DatabaseCollector
from text4baby_ru.metrics.summary import summary
from text4baby_ru.metrics.timeseries import check_range, timeseries
from text4baby_ru.metrics.verify import differences
from text4baby_ru.migrations import upgrade

MESSAGES_PER_SUBSCRIBER = 10
REFRESH = timedelta(minutes=10)  # T4B_METRICS_REFRESH_MINUTES's default
TARGET_SECONDS = 1.0
ENROLLMENT_COLUMNS = (
    "id, person_id, status, track, due_date, birth_date, channel, created_at, updated_at, "
    "activated_at, ended_at, end_reason, failures_in_a_row"
)
MESSAGE_COLUMNS = (
    "kind, person_id, enrollment_id, content_key, language, track, week, slot, segments, "
    "status, due_at, attempts, created_at, updated_at, sent_at, delivered_at, error_code"
)
STATUSES = [  # (status, share of messages)
    ("delivered", 0.85),
    ("sent", 0.04),
    ("undelivered", 0.03),
    ("failed", 0.03),
    ("queued", 0.02),
    ("cancelled", 0.01),
    ("expired", 0.01),
    ("unknown", 0.01),
]
ERRORS = ["30003", "30005", "30006", "30008", "21610"]
SENT = frozenset({"sent", "delivered", "undelivered", "failed"})


def rows(
    n: int, seed: int = 11
) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...], list[tuple[Any, ...]]]]:
    """n (person, enrollment, messages) rows: activations over the last year, ten messages each.
    Times are naive UTC (the loaders write them as UTC)."""
    rng = random.Random(seed)
    statuses = [s for s, _ in STATUSES]
    cumulative = list(itertools.accumulate(w for _, w in STATUSES))
    now = PASS_AT.replace(tzinfo=None)
    for i in range(1, n + 1):
        activated = now - timedelta(days=rng.random() * 365)
        roll = rng.random()
        status, ended, reason = "active", False, None
        if roll < 0.06:
            status = "opted_out"
        elif roll < 0.08:
            status = "paused"
        elif roll < 0.12:
            status, ended, reason = "completed", True, "first_birthday"
        elif roll < 0.13:
            status, ended, reason = "ended", True, "loss"
        elif roll < 0.15:
            status = "pending"
        left = activated + (now - activated) * rng.random()
        week_then = rng.randint(4, 41)
        if rng.random() < 0.6:
            due: date | None = (activated + timedelta(weeks=40 - week_then)).date()
            birth, track = None, "pregnancy"
        else:
            due, birth, track = (
                None,
                (activated - timedelta(weeks=rng.randint(0, 40))).date(),
                "baby",
            )
        language = "ru" if rng.random() < 0.8 else "en"
        person = (i, f"+7916{i:07d}", f"h{i}", language, rng.choice(ZONES), activated)
        channel = "sms" if rng.random() < 0.7 else ("import" if rng.random() < 0.93 else "web")
        pending = status == "pending"
        enrollment = (
            i, i, status, None if pending else track, due, birth, channel, activated,
            left if status in ("opted_out", "paused") else activated,
            None if pending else activated, left if ended else None, reason,
            3 if status == "paused" else 0,
        )  # fmt: skip
        messages = []
        if not pending:
            last = left if ended or status == "opted_out" else now
            step = max(last - activated, timedelta(hours=1)) / MESSAGES_PER_SUBSCRIBER
            picks = rng.choices(statuses, cum_weights=cumulative, k=MESSAGES_PER_SUBSCRIBER)
            for k, s in enumerate(picks):
                created = activated + step * k
                sent = created + timedelta(seconds=7) if s in SENT else None
                delivered = (
                    created + timedelta(seconds=rng.randint(9, 600)) if s == "delivered" else None
                )
                messages.append((
                    "tip" if k else "reply", i, i, f"bench.{k}", language, track, 20, k % 3 + 1, 1 + k % 3,
                    s, created, 1, created, created, sent, delivered,
                    ERRORS[k % 5] if s in ("failed", "undelivered") else None,
                ))  # fmt: skip
        yield person, enrollment, messages


def fill(url: str, n: int) -> None:
    """Write the rows with the bare driver: COPY on PostgreSQL, executemany on SQLite."""
    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(make_url(url).database or "")
        batch: list[Any] = []
        for person, enrollment, messages in rows(n):
            conn.execute(f"INSERT INTO people ({PEOPLE_COLUMNS}) VALUES (?,?,?,?,?,?)", person)
            conn.execute(
                f"INSERT INTO enrollments ({ENROLLMENT_COLUMNS}) VALUES ({','.join('?' * 13)})",
                enrollment,
            )
            batch += messages
            if len(batch) > 50_000:
                conn.executemany(
                    f"INSERT INTO outbound_messages ({MESSAGE_COLUMNS}) VALUES ({','.join('?' * 17)})",
                    batch,
                )
                batch = []
        conn.executemany(
            f"INSERT INTO outbound_messages ({MESSAGE_COLUMNS}) VALUES ({','.join('?' * 17)})",
            batch,
        )
        conn.commit()
        conn.execute("ANALYZE")
        conn.close()
        return
    import psycopg

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    tables = (
        ("people", PEOPLE_COLUMNS),
        ("enrollments", ENROLLMENT_COLUMNS),
        ("outbound_messages", MESSAGE_COLUMNS),
    )
    with psycopg.connect(dsn, autocommit=True) as conn:
        # Bulk load first, index after (as a restore does): the outbox's own indexes, not those
        # behind constraints, are dropped and made again once the rows are in.
        indexes = conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = 'outbound_messages' "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
    with ExitStack() as stack:
        copies = []
        for table, columns in tables:
            conn = stack.enter_context(psycopg.connect(dsn))
            # One COPY per connection, all three at once: the foreign keys would look for rows
            # the other connections have not committed, so their triggers are off for the load.
            conn.execute("SET session_replication_role = replica")
            conn.execute("SET timezone = 'UTC'")
            copies.append(
                stack.enter_context(conn.cursor().copy(f"COPY {table} ({columns}) FROM STDIN"))
            )
        people, enrollments, outbox = copies
        for person, enrollment, messages in rows(n):
            people.write_row(person)
            enrollments.write_row(enrollment)
            for m in messages:
                outbox.write_row(m)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            conn.execute(definition)
        # The load ran with the triggers off (replica role): the rollups are built as the
        # migration's backfill builds them from existing rows.
        for rollup in _migration().rollups("postgresql"):
            conn.execute(rollup.upsert([rollup.part(rollup.source, 1)]))
        conn.execute("VACUUM ANALYZE")


def _migration() -> Any:
    """The rollups as the migrations leave them (migration metrics' backfill builds them from
    the raw rows; tips_gone's metric_tips counts only the tips that left the queue), as Alembic
    loads the revision."""
    from alembic.script import ScriptDirectory

    from text4baby_ru.migrations import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision("tips_gone").module


def queries(sessions: Any) -> dict[str, Callable[[], object]]:
    """The dashboard's queries, as its pages ask for them."""
    today = PASS_AT.astimezone(REPORT_ZONE).date()
    last_90 = check_range(today - timedelta(days=89), today, "day")
    last_year = check_range(today - timedelta(days=364), today, "week")
    weekdays = (0, 2, 4)

    def run(fn: Callable[..., object], **kwargs: Any) -> Callable[[], object]:
        def call() -> object:
            with sessions() as session:
                return fn(session, **kwargs)

        return call

    def scrape() -> object:
        return list(DatabaseCollector(sessions, now=PASS_AT).collect())

    asked = snapshots.Asked(today=today, weekdays=weekdays, key=b"bench")

    def served(metric: str, limit: int | None = None) -> Callable[[], object]:
        # As the API and the dashboard read it: the stored result (the warm-up run, the first
        # read of the day, counts and stores it; the timed runs read it).
        def call() -> object:
            with read_only(sessions) as session:
                return snapshots.answer(
                    session, sessions, metric, asked, now=PASS_AT, every=REFRESH, limit=limit
                )

        return call

    def counted(metric: str) -> Callable[[], object]:
        # What the scheduler's pass does every T4B_METRICS_REFRESH_MINUTES, in the background.
        return run(snapshots.compute, metric=metric, asked=asked)

    return {
        "summary (all time)": run(summary, segment_price=2.5),
        "summary (30 days)": run(
            summary, start=today - timedelta(days=29), end=today, segment_price=2.5
        ),
        **{
            f"timeseries {m} (90 days by day)": run(
                timeseries, metric=m, where=last_90, segment_price=2.5
            )
            for m in ("enrollments", "optouts", "messages", "delivery_rate", "segments")
        },
        "timeseries messages (a year by week)": run(
            timeseries, metric="messages", where=last_year, segment_price=2.5
        ),
        "distribution active_by_week": run(distribution, metric="active_by_week", today=today),
        "distribution optouts_by_week": run(distribution, metric="optouts_by_week", today=today),
        "dose received": run(dose, today=today, weekdays=weekdays),
        "who is behind (100)": run(behind, today=today, weekdays=weekdays, key=b"bench", limit=100),
        "dose received, stored (as read)": served("dose"),
        "who is behind (100), stored (as read)": served("behind", 100),
        "dose received: the pass's count": counted("dose"),
        "who is behind: the pass's count (1000 listed)": counted("behind"),
        "prometheus scrape": scrape,
    }


KEPT = Path("/var/tmp/t4b-bench-metrics")  # loaded databases kept between runs (--metrics-keep)


def loaded(kind: str, size: int, folder: Path, keep: bool) -> tuple[str, float | None]:
    """The database to time: a fresh one filled now, or with `keep` the one kept from an
    earlier run of this size (brought to the current migration), else filled and kept.
    The fill's seconds, or None when a kept database was reused."""
    if not keep:
        url = fresh_database(kind, folder)
        start = time.perf_counter()
        fill(url, size)
        return url, time.perf_counter() - start
    KEPT.mkdir(parents=True, exist_ok=True)
    marker = KEPT / f"{kind}-{size}.loaded"
    if marker.exists():
        url = marker.read_text(encoding="utf-8").strip()
        upgrade(url)  # a later migration's tables; the loaded rows stay
        return url, None
    url = fresh_database(kind, KEPT, name=f"t4b_bench_metrics_{size}")
    start = time.perf_counter()
    fill(url, size)
    marker.write_text(url + "\n", encoding="utf-8")
    return url, time.perf_counter() - start


def run(
    kind: str,
    size: int,
    folder: Path,
    repeats: int = 3,
    keep: bool = False,
    load_only: bool = False,
    only: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Fill one database (or reuse a kept one), then time each query `repeats` times after one
    warm-up run; `load_only` fills and keeps it without timing (to load outside the lock);
    `only` times the queries whose names start so, without verify and the dashboard."""
    folder.mkdir(parents=True, exist_ok=True)
    url, fill_seconds = loaded(kind, size, folder, keep or load_only)
    if load_only:
        return {"benchmark": "metrics_load", "database": kind, "subscribers": size,
                "fill_seconds": round(fill_seconds or 0, 1), "reused": fill_seconds is None}  # fmt: skip
    try:
        engine = make_engine(url)
        sessions = session_factory(engine)
        timings = {}
        for name, query in queries(sessions).items():
            if only and not name.startswith(only):
                continue
            query()
            runs = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                query()
                runs.append(time.perf_counter() - t0)
            timings[name] = round(statistics.median(runs), 6)  # a stored read takes under 1 ms
            print(f"  metrics {kind} {size:,}: {name}: {timings[name]:.3f} s", flush=True)
        drift: list[str] | None = None
        verify_seconds = page = None
        if not only:
            t0 = time.perf_counter()
            with sessions() as session:
                drift = [str(d) for d in differences(session)]
            verify_seconds = round(time.perf_counter() - t0, 1)
            print(f"  metrics {kind} {size:,}: verify: {len(drift)} differences", flush=True)
            page = dashboard.run(url, repeats)
            print(f"  metrics {kind} {size:,}: dashboard: {page}", flush=True)
        engine.dispose()
    finally:
        if not keep:
            drop_database(url)
    return {
        "benchmark": "metrics",
        "database": kind,
        "subscribers": size,
        "outbound_messages": size * MESSAGES_PER_SUBSCRIBER,
        "fill_seconds": None if fill_seconds is None else round(fill_seconds, 1),
        "repeats": repeats,
        "median_seconds": timings,
        "slowest_seconds": max(timings.values()),
        "target_seconds": TARGET_SECONDS,
        "all_under_target": max(timings.values()) < TARGET_SECONDS,
        "verify_differences": None if drift is None else len(drift),
        "verify_seconds": verify_seconds,
        "dashboard": page,
    }
