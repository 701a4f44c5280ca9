"""The command line as an operator uses it: real processes against a real database file."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.live import wait_until_up


def run(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "text4baby_ru", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("T4B_", "TWILIO_"))}
    return clean | {"T4B_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}


def test_help_names_every_command(env: dict[str, str]) -> None:
    out = run("--help", env=env).stdout
    for command in (
        "db",
        "content",
        "serve",
        "worker",
        "dispatch",
        "subscribers",
        "users",
        "journey",
    ):
        assert command in out


def test_a_command_before_db_upgrade_says_what_to_do(env: dict[str, str]) -> None:
    result = run("users", "list", env=env)
    assert result.returncode == 2
    assert "db upgrade" in result.stderr and "Traceback" not in result.stderr


def test_upgrade_import_and_create_user_end_to_end(env: dict[str, str]) -> None:
    assert run("db", "upgrade", env=env).returncode == 0
    imported = run("content", "import", env=env)
    assert imported.returncode == 0, imported.stderr
    assert "texts added" in imported.stdout
    assert "0 texts added" in run("content", "import", env=env).stdout  # idempotent
    created = run("users", "create", "--role", "editor", "--name", "Мария", env=env)
    assert created.returncode == 0
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("t4b_") and " " not in token
    assert "Мария" in run("users", "list", env=env).stdout


def test_lint_fails_with_exit_1_on_a_broken_library(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "library.yaml").write_text("version: x\n", encoding="utf-8")
    result = run("content", "lint", str(tmp_path / "lib"), env=env)
    assert result.returncode == 1
    assert "coverage" in result.stdout


def test_journey_json_lists_dated_rendered_tips(env: dict[str, str]) -> None:
    result = run("journey", "--born", "2026-11-01", "--lang", "en", "--json", env=env)
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert items and set(items[0]) >= {"date", "track", "week", "key", "text"}
    assert all(i["track"] == "baby" for i in items)
    assert items[-1]["week"] == 52


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_answers_health_and_docs_and_a_second_scheduler_is_refused(
    env: dict[str, str],
) -> None:
    assert run("db", "upgrade", env=env).returncode == 0
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "text4baby_ru", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", server)
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
        assert health.json() == {"status": "ok"}
        assert httpx.get(f"http://127.0.0.1:{port}/docs", timeout=5).status_code == 200
        httpx.get(f"http://127.0.0.1:{port}/api/v1/subscribers/%2B79160000123", timeout=5)
        second = run("serve", "--port", str(_free_port()), env=env, timeout=30)
        assert second.returncode == 2 and "another scheduler" in second.stderr
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert "/api/v1/subscribers/" in stderr  # the access log is on...
    assert "79160000123" not in stderr  # ...and masks the number


def test_clinic_import_then_dispatch_twice_sends_each_message_once(
    env: dict[str, str], tmp_path: Path
) -> None:
    from datetime import UTC, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    assert run("db", "upgrade", env=env).returncode == 0
    assert run("content", "import", env=env).returncode == 0
    today = datetime.now(UTC).date()
    due = today + timedelta(weeks=20)
    csv = tmp_path / "clinic.csv"
    csv.write_text(
        "phone,language,due_date,birth_date,timezone,consent_at\n"
        f"+79160000201,ru,{due},,Europe/Moscow,{today}\n"
        "+79160000202,ru,,,Europe/Moscow,2026-01-01\n",
        encoding="utf-8",
    )
    imported = run("subscribers", "import", str(csv), env=env)
    assert imported.returncode == 0 and "1 enrolled, 1 rows skipped" in imported.stdout
    assert "clinic.csv:3: skipped: due_date or birth_date is required" in imported.stderr
    monday = today + timedelta(days=7 - today.weekday())
    at = datetime.combine(monday, time(10, 5), ZoneInfo("Europe/Moscow")).isoformat()
    first = run("dispatch", "--at", at, env=env)
    assert first.returncode == 0, first.stderr
    assert "1 tips planned; 2 sent" in first.stdout  # her welcome and Monday's tip
    assert first.stdout.count("--- SMS #") == 2 and "***0201" in first.stdout
    second = run("dispatch", "--at", at, env=env)
    assert "0 tips planned; 0 sent" in second.stdout and "--- SMS #" not in second.stdout
    assert run("dispatch", "--at", "next monday", env=env).returncode == 2


def test_an_online_backup_of_sqlite_restores_to_the_same_data(
    env: dict[str, str], tmp_path: Path
) -> None:
    import sqlite3

    assert run("db", "upgrade", env=env).returncode == 0
    assert run("content", "import", env=env).returncode == 0
    run("users", "create", "--role", "admin", "--name", "Ольга", env=env)
    backup = tmp_path / "backup.db"
    result = run("db", "backup", str(backup), env=env)
    assert result.returncode == 0, result.stderr
    restored = env | {"T4B_DATABASE_URL": f"sqlite:///{backup}"}
    assert "Ольга" in run("users", "list", env=restored).stdout
    original = sqlite3.connect(env["T4B_DATABASE_URL"].removeprefix("sqlite:///"))
    copy = sqlite3.connect(backup)
    query = "SELECT count(*), group_concat(text, '|') FROM content_revisions"
    assert original.execute(query).fetchone() == copy.execute(query).fetchone()
    assert run("db", "backup", str(backup), env=env).returncode == 1  # never overwrites


def test_dispatch_at_a_given_instant_sends_a_large_pass_in_the_time_the_rate_allows(
    env: dict[str, str],
) -> None:
    """Pacing runs on a real clock even when the pass plans with a frozen instant: no message
    waits again for the distance its predecessors already waited (that made a pass quadratic)."""
    import time

    from sqlalchemy import create_engine, text

    assert run("db", "upgrade", env=env).returncode == 0
    n, rate = 2000, 500
    engine = create_engine(env["T4B_DATABASE_URL"])
    with engine.begin() as connection:
        rows = [{"id": i, "phone": f"+7916000{i:04d}"} for i in range(1, n + 1)]
        connection.execute(
            text(
                "INSERT INTO people (id, phone, phone_hash, language, timezone, created_at) "
                "VALUES (:id, :phone, :phone, 'ru', 'Europe/Moscow', '2026-11-01')"
            ),
            rows,
        )
        connection.execute(
            text(
                "INSERT INTO outbound_messages (kind, person_id, inbound_id, position, language, "
                "body, segments, status, due_at, attempts, created_at, updated_at) VALUES "
                "('reply', :id, NULL, 0, 'ru', 'Текст', 1, 'queued', '2026-11-30 06:00:00', 0, "
                "'2026-11-30 06:00:00', '2026-11-30 06:00:00')"
            ),
            rows,
        )
    engine.dispose()
    started = time.monotonic()
    sent = run(
        "dispatch", "--at", "2026-11-30T10:00:00+03:00", env=env | {"T4B_SEND_RATE": str(rate)}
    )
    took = time.monotonic() - started
    assert sent.returncode == 0, sent.stderr[-2000:]
    assert f"; {n} sent" in sent.stdout
    assert n / rate * 0.9 <= took <= n / rate + 30, took  # the rate held, and no more waiting
