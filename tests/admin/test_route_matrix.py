"""One walk over every API route with every role: the matrix of INTERFACE.md is the contract."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.admin.test_content_api import bearer
from text4baby_ru.auth.models import Role
from text4baby_ru.clock import FixedClock

ALL = {Role.ADMIN, Role.EDITOR, Role.REVIEWER, Role.VIEWER}
CONTENT = {Role.ADMIN, Role.EDITOR, Role.REVIEWER}
# (method, path pattern) -> roles that may; everything else under /api/v1 is admin only.
MATRIX = {
    ("GET", "/api/v1/me"): ALL,
    ("GET", "/api/v1/metrics/summary"): ALL,
    ("GET", "/api/v1/metrics/timeseries"): ALL,
    ("GET", "/api/v1/metrics/distribution"): ALL,
    ("GET", "/api/v1/metrics/dose"): ALL,
    ("GET", "/api/v1/modules"): ALL,
    ("GET", "/api/v1/modules/{module_id}/results"): ALL,
    ("GET", "/api/v1/messages"): CONTENT,
    ("GET", "/api/v1/messages/{key}"): CONTENT,
    ("PATCH", "/api/v1/messages/{key}"): CONTENT,
    ("GET", "/api/v1/messages/{key}/revisions"): CONTENT,
    ("POST", "/api/v1/messages/preview"): CONTENT,
    ("POST", "/api/v1/messages/{key}/publish"): {Role.ADMIN, Role.REVIEWER},
    ("POST", "/api/v1/messages/{key}/revert"): {Role.ADMIN, Role.REVIEWER},
    ("POST", "/api/v1/messages/{key}/reject"): {Role.ADMIN, Role.REVIEWER},
}
SAMPLE = {
    "key": "pregnancy.w20.1",
    "phone": "+79160000001",
    "alert_id": "1",
    "user_id": "1",
    "inbound_id": "1",
    "module_id": "flu",
    "action": "pause",
}


def _routes(client: TestClient) -> list[tuple[str, str]]:
    """Every admin-API route, from the OpenAPI document (which must therefore list them all)."""
    paths = client.get("/openapi.json").json()["paths"]
    return sorted(
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/api/v1")
        for method in operations
    )


def test_every_route_answers_401_without_a_token_and_403_to_a_role_that_may_not(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    tokens = {role: bearer(session, clock, role) for role in Role}
    routes = _routes(client)
    assert len(routes) >= 20
    for method, path in routes:
        url = re.sub(r"\{(\w+)\}", lambda m: SAMPLE[m.group(1)], path)
        assert client.request(method, url).status_code == 401, (method, path)
        allowed = MATRIX.get((method, path), {Role.ADMIN})
        for role, headers in tokens.items():
            status = client.request(method, url, headers=headers, json={}).status_code
            if role in allowed:
                assert status not in (401, 403), (method, path, role, status)
            else:
                assert status == 403, (method, path, role, status)


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer t4b_forged", "Token abc", "Bearer " + "x" * 5000]
)
def test_malformed_or_forged_tokens_are_401(client: TestClient, header: str) -> None:
    assert client.get("/api/v1/me", headers={"Authorization": header}).status_code == 401
