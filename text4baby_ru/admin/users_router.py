"""Admin API: who am I, and user management (admin only)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from text4baby_ru.audit.service import record_by
from text4baby_ru.auth import service
from text4baby_ru.auth.models import Role, User
from text4baby_ru.deps import AdminUser, AnyUser, ClockDep, PathId, SessionDep

router = APIRouter(prefix="/api/v1", tags=["users"])


class UserOut(BaseModel):
    """A user as the API shows it (never a token)."""

    id: int
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            name=user.name,
            role=user.role,
            created_at=user.created_at,
            revoked_at=user.revoked_at,
        )


class UserCreate(BaseModel):
    """A new user's name and role."""

    name: str = Field(description="1-100 printable characters")
    role: Role


class UserCreated(UserOut):
    """The new user with their token, shown this once."""

    token: str


@router.get("/me", summary="The calling user (any role)")
def me(user: AnyUser) -> UserOut:
    return UserOut.of(user)


@router.get("/users", summary="Every user (admin)")
def list_users(session: SessionDep, _: AdminUser) -> list[UserOut]:
    return [UserOut.of(u) for u in service.list_users(session)]


@router.post("/users", status_code=201, summary="Create a user and show their token once (admin)")
def create_user(
    body: UserCreate, session: SessionDep, clock: ClockDep, admin: AdminUser
) -> UserCreated:
    user, token = service.create_user(
        session, name=body.name, role=body.role, now=clock.now(), created_by_id=admin.id
    )
    record_by(
        session,
        admin,
        at=clock.now(),
        action="user.create",
        entity="user",
        entity_id=user.id,
        after={"name": user.name, "role": user.role.value},
    )
    return UserCreated(**UserOut.of(user).model_dump(), token=token)


@router.post("/users/{user_id}/revoke", summary="Revoke a user and their tokens now (admin)")
def revoke_user(user_id: PathId, session: SessionDep, clock: ClockDep, admin: AdminUser) -> UserOut:
    user = service.revoke_user(session, user_id=user_id, now=clock.now())
    record_by(
        session,
        admin,
        at=clock.now(),
        action="user.revoke",
        entity="user",
        entity_id=user.id,
    )
    return UserOut.of(user)
