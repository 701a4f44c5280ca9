"""FastAPI dependencies: the request's unit of work, its clock, and who is calling."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import Field
from sqlalchemy.orm import Session

from text4baby_ru.auth.models import Role, User
from text4baby_ru.auth.service import authenticate
from text4baby_ru.auth.sessions import SESSION_COOKIE, csrf_ok, session_user
from text4baby_ru.clock import Clock
from text4baby_ru.db import read_only
from text4baby_ru.runtime import Runtime
from text4baby_ru.settings import Settings


def get_runtime(request: Request) -> Runtime:
    """The process's runtime, set by the app factory."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    """One transaction per request: committed when the request succeeds, else rolled back."""
    with runtime.sessions() as session, session.begin():
        yield session


def get_clock(runtime: RuntimeDep) -> Clock:
    """The process's clock."""
    return runtime.clock


def get_settings_dep(runtime: RuntimeDep) -> Settings:
    """The process's settings."""
    return runtime.settings


SessionDep = Annotated[Session, Depends(get_session)]
ClockDep = Annotated[Clock, Depends(get_clock)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]

_bearer = HTTPBearer(auto_error=False, description="A token from `text4baby-ru users create`")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"


def get_signing_key(session: SessionDep, runtime: RuntimeDep) -> bytes:
    """The key that signs page sessions and CSRF tokens (T4B_SECRET_KEY or the stored one)."""
    return runtime.hash_key(session)


SigningKeyDep = Annotated[bytes, Depends(get_signing_key)]


def get_current_user(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The user behind the bearer token, or behind the admin pages' session cookie; else 401.
    A page's writes must carry its CSRF token in a header, which another site cannot set."""
    user = authenticate(session, credentials.credentials) if credentials else None
    cookie = request.cookies.get(SESSION_COOKIE)
    if user is None and credentials is None and cookie:
        user = session_user(session, cookie, now=runtime.clock.now())
        presented = request.headers.get(CSRF_HEADER)
        unsafe = request.method not in SAFE_METHODS
        if (
            user is not None
            and unsafe
            and not csrf_ok(cookie, presented, key=get_signing_key(session, runtime))
        ):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, detail=f"the {CSRF_HEADER} header is missing"
            )
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="a valid bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def end_and_read(session: Session, runtime: Runtime) -> Iterator[Session]:
    """Commit the request's transaction so far and open a read-only one for a long read.
    The request's transaction is IMMEDIATE on SQLite: kept open while an export streams or an
    aggregate runs, it would hold the write lock and make every webhook wait (or fail)."""
    session.commit()
    with read_only(runtime.sessions) as read:
        yield read


def get_read_session(session: SessionDep, runtime: RuntimeDep, _: CurrentUser) -> Iterator[Session]:
    """A read-only session for a long read, opened once the caller is known (so signing in
    is not part of it); it lives until the response, streamed or not, is sent."""
    yield from end_and_read(session, runtime)


ReadSessionDep = Annotated[Session, Depends(get_read_session)]


def require(*roles: Role) -> Callable[[User], User]:
    """A dependency that lets only the given roles through (403 for the others)."""

    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, detail=f"the {user.role} role may not do this"
            )
        return user

    return check


ANY_ROLE = (Role.ADMIN, Role.EDITOR, Role.REVIEWER, Role.VIEWER)
CONTENT_ROLES = (Role.ADMIN, Role.EDITOR, Role.REVIEWER)
AdminUser = Annotated[User, Depends(require(Role.ADMIN))]
AnyUser = Annotated[User, Depends(require(*ANY_ROLE))]

# Ids as the API accepts them: positive and within a database integer (a larger number would
# overflow SQLite's INTEGER and answer 500 instead of 422).
MAX_ID = 2_147_483_647
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]
