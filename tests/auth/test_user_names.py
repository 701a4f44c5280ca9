"""User names are 1-100 printable characters on both databases: anything else is a 422 with
the reason (the API) or one line (the command line), and nothing is stored."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.admin.test_content_api import bearer
from text4baby_ru.auth.models import Role, User
from text4baby_ru.clock import FixedClock


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("x" * 20_000_000, "longer than 100"),
        ("x" * 101, "longer than 100"),
        ("", "empty"),
        ("   ", "empty"),
        ("Ольга\nПетровна", "cannot be printed"),
        ("Ольга\x07", "cannot be printed"),
    ],
)
def test_a_name_that_is_too_long_empty_or_unprintable_is_refused_with_the_reason(
    client: TestClient,
    session: Session,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
    name: str,
    reason: str,
) -> None:
    admin = bearer(session, clock, Role.ADMIN)
    before = session.scalar(select(func.count()).select_from(User))
    with caplog.at_level(logging.WARNING):
        response = client.post(
            "/api/v1/users", json={"name": name, "role": "viewer"}, headers=admin
        )
    assert response.status_code == 422
    assert reason in response.text
    assert session.scalar(select(func.count()).select_from(User)) == before
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize("name", ["Ольга Петровна Иванова-Сидорова", "Я" * 100, "Dr. Anna (ОМС)"])
def test_names_of_1_to_100_printable_characters_are_stored_as_given(
    client: TestClient, session: Session, clock: FixedClock, name: str
) -> None:
    admin = bearer(session, clock, Role.ADMIN)
    response = client.post("/api/v1/users", json={"name": name, "role": "viewer"}, headers=admin)
    assert response.status_code == 201, response.text
    assert response.json()["name"] == name


def test_the_command_line_refuses_a_long_name_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("T4B_", "TWILIO_"))} | {
        "T4B_DATABASE_URL": f"sqlite:///{tmp_path / 'names.db'}"
    }
    cli = [sys.executable, "-m", "text4baby_ru"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    result = subprocess.run(
        [*cli, "users", "create", "--role", "viewer", "--name", "x" * 101],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "longer than 100" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
