"""The command line as an operator uses it: real processes against a real database file."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.live import wait_until_up
from text4baby_ru.auth.models import Role
from text4baby_ru.auth.service import create_user
from text4baby_ru.clock import SystemClock
from text4baby_ru.content.review import publish, save_draft
from text4baby_ru.db import make_engine, session_factory, unit_of_work
from text4baby_ru.resources import data_dir

T_PUBLISH = datetime(2026, 11, 2, tzinfo=UTC)


def run(
    *args: str, env: dict[str, str], timeout: float = 120, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "text4baby_ru", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
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
    shipped = str(data_dir("message_library"))
    args = ("--born", "2026-11-01", "--lang", "en", "--json", "--library", shipped)
    result = run("journey", *args, env=env)
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


def _publish(url: str, key: str, language: str, text: str) -> None:
    """An editor writes a draft and a reviewer publishes it, as through the admin API."""
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        editor, _ = create_user(session, name="Редактор", role=Role.EDITOR, now=T_PUBLISH)
        reviewer, _ = create_user(session, name="Рецензент", role=Role.REVIEWER, now=T_PUBLISH)
        draft, _ = save_draft(
            session, key=key, language=language, text=text, author_id=editor.id, now=T_PUBLISH
        )
        publish(
            session,
            key=key,
            language=language,
            revision_id=draft.id,
            user_id=reviewer.id,
            now=T_PUBLISH,
        )
    engine.dispose()


def test_journey_prints_the_published_text_and_library_prints_the_files(
    env: dict[str, str], fresh_database_url: str
) -> None:
    new = "Новый текст совета, опубликованный рецензентом: пейте воду и отдыхайте."
    _publish(fresh_database_url, "baby.w20.1", "ru", new)
    env = env | {"T4B_DATABASE_URL": fresh_database_url}
    born = (SystemClock().now().date() - timedelta(weeks=10)).isoformat()  # week 20 ahead
    published = run("journey", "--born", born, "--json", env=env)
    assert published.returncode == 0, published.stderr
    texts = {i["key"]: i["text"] for i in json.loads(published.stdout)}
    assert texts["baby.w20.1"] == new
    files = run(
        "journey", "--born", born, "--json", "--library", str(data_dir("message_library")), env=env
    )
    assert json.loads(files.stdout)[0]["key"] and new not in files.stdout


def test_sms_runs_a_text_through_the_inbound_path_and_prints_the_replies(
    env: dict[str, str], fresh_database_url: str
) -> None:
    env = env | {"T4B_DATABASE_URL": fresh_database_url}
    at = ("--at", "2026-11-27T12:00:00+03:00")
    joined = run("sms", "--from", "8 916 000-00-11", "РОДИЛА 01.10.2026", *at, env=env)
    assert joined.returncode == 0, joined.stderr
    assert "Малыш родился 01.10.2026" in joined.stdout  # the baby track's confirmation
    assert "Пришлите город" in joined.stdout  # and the city question
    assert "9160000011" not in joined.stdout + joined.stderr  # masked, as in every log
    again = run("sms", "--from", "+79160000011", "СТОП", *at, env=env)
    assert "Вы отписались" in again.stdout
    silent = run("sms", "--from", "+79160000011", "привет", *at, env=env)
    assert silent.returncode == 0 and silent.stdout.strip() == "(no reply)"
    bad = run("sms", "--from", "hello", "МАМА", env=env)
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: --from 'hello' is not a phone number, e.g. +79160000001"


def test_sms_refuses_to_run_on_a_real_gateway(env: dict[str, str], fresh_database_url: str) -> None:
    env = env | {
        "T4B_DATABASE_URL": fresh_database_url,
        "T4B_SMS_GATEWAY": "twilio",
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": "not-a-secret",
        "TWILIO_FROM_NUMBER": "+79160000099",
    }
    result = run("sms", "--from", "+79160000012", "МАМА", env=env)
    assert result.returncode == 2 and "console gateway" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_missing_database_file_is_named_and_not_created(
    env: dict[str, str], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    default = {k: v for k, v in env.items() if k != "T4B_DATABASE_URL"}
    for command in (("users", "list"), ("dispatch",), ("journey", "--due", "2027-03-15")):
        result = run(*command, env=default, cwd=elsewhere)
        assert result.returncode == 2, command
        [line] = result.stderr.strip().splitlines()
        assert f"no database at {elsewhere / 'text4baby.db'}" in line and "db upgrade" in line
    assert list(elsewhere.iterdir()) == []  # no empty second database left behind
    assert run("db", "upgrade", env=default, cwd=elsewhere).returncode == 0
    assert (elsewhere / "text4baby.db").exists()


def test_help_texts_wrap_whole_words_and_are_never_cut(env: dict[str, str]) -> None:
    narrow = env | {"COLUMNS": "80"}
    users = run("users", "create", "--help", env=narrow).stdout
    csv = run("subscribers", "import", "--help", env=narrow).stdout
    top = run("--help", env=narrow).stdout
    assert "<admin|editor|reviewer|viewer>" in users
    assert "phone,language,due_date,birth_date,timezone,consent_at" in csv
    for out in (users, csv, top):
        assert "…" not in out and "..." not in out.split("Commands:")[-1]
        assert all(len(line) <= 80 for line in out.splitlines())
    assert "sms" in top and "journey" in top


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
