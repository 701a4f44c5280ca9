from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from text4baby_ru.auth.models import ApiToken, Role
from text4baby_ru.auth.service import create_user, revoke_user
from text4baby_ru.clock import FixedClock


def _user(session: Session, clock: FixedClock, role: Role) -> str:
    _, token = create_user(session, name=f"{role} user", role=role, now=clock.now())
    session.commit()
    return token


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_only_a_hash_of_the_token_is_stored(session: Session, clock: FixedClock) -> None:
    token = _user(session, clock, Role.EDITOR)
    stored = session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64


def test_no_token_or_a_wrong_token_is_401_as_json(client: TestClient) -> None:
    for headers in ({}, _bearer("t4b_not-a-token"), {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.json()["detail"]


def test_each_role_is_recognised(client: TestClient, session: Session, clock: FixedClock) -> None:
    for role in Role:
        response = client.get("/api/v1/me", headers=_bearer(_user(session, clock, role)))
        assert response.status_code == 200
        assert response.json()["role"] == role.value


def test_user_management_is_for_admins_only(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    for role in (Role.VIEWER, Role.EDITOR, Role.REVIEWER):
        assert (
            client.get("/api/v1/users", headers=_bearer(_user(session, clock, role))).status_code
            == 403
        )
    admin = _bearer(_user(session, clock, Role.ADMIN))
    created = client.post("/api/v1/users", json={"name": "Анна", "role": "editor"}, headers=admin)
    assert created.status_code == 201
    assert (
        client.get("/api/v1/me", headers=_bearer(created.json()["token"])).json()["name"] == "Анна"
    )


def test_revocation_takes_effect_on_the_next_request(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    user, token = create_user(session, name="temp", role=Role.VIEWER, now=clock.now())
    session.commit()
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 200
    revoke_user(session, user_id=user.id, now=clock.now())
    session.commit()
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 401


def test_a_bad_role_is_a_422_with_the_reason(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    admin = _bearer(_user(session, clock, Role.ADMIN))
    response = client.post("/api/v1/users", json={"name": "x", "role": "owner"}, headers=admin)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "body.role"
