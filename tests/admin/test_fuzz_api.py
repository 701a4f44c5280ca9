"""Schemathesis over the OpenAPI document with an admin token: no input gives a 500."""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session

from text4baby_ru.auth.models import Role
from text4baby_ru.auth.service import create_user
from text4baby_ru.clock import FixedClock
from text4baby_ru.main import create_app
from text4baby_ru.runtime import Runtime


def test_no_generated_request_gives_a_server_error(
    runtime: Runtime, session: Session, clock: FixedClock
) -> None:
    _, token = create_user(session, name="fuzz", role=Role.ADMIN, now=clock.now())
    session.commit()
    app = create_app(runtime)
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    with TestClient(app):
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 20

        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=25,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def check(case: Any) -> None:
                response = case.call(headers=headers)
                if response.status_code >= 500:
                    failures.append(
                        f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}"
                    )

            check()
    assert failures == []


def test_a_nul_character_anywhere_is_refused_or_kept_never_a_server_error(
    runtime: Runtime, session: Session, clock: FixedClock
) -> None:
    # PostgreSQL refuses NUL in text; SQLite keeps it. Either way she gets an answer, not a 500.
    _, token = create_user(session, name="nul", role=Role.ADMIN, now=clock.now())
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        answers = [
            client.post("/api/v1/users", json={"name": "\x00", "role": "admin"}, headers=headers),
            client.get("/api/v1/audit", params={"entity": "a\x00b"}, headers=headers),
        ]
    for answer in answers:
        assert answer.status_code < 500, answer.text
        if answer.status_code == 422:
            assert answer.json()["code"] in ("invalid", "invalid_value", "invalid_request")
