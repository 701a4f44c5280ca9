"""Creating users, issuing tokens and telling who a token belongs to."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from text4baby_ru.auth.models import ApiToken, Role, User
from text4baby_ru.errors import Invalid, NotFound

TOKEN_PREFIX = "t4b_"
NAME_MAX = 100  # the column's length, enforced here so SQLite (which ignores it) agrees


def check_name(name: str) -> str:
    """A user's name as stored: 1-100 printable characters, not only spaces; else Invalid."""
    if not name.strip():
        raise Invalid("the name is empty")
    if len(name) > NAME_MAX:
        raise Invalid(f"the name is longer than {NAME_MAX} characters ({len(name)})")
    if not name.isprintable():
        raise Invalid("the name holds a character that cannot be printed (a control character)")
    return name


def hash_token(token: str) -> str:
    """SHA-256 of a token: tokens are 256 random bits, so a fast hash is enough."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    session: Session, *, name: str, role: Role, now: datetime, created_by_id: int | None = None
) -> tuple[User, str]:
    """A new user and their token; the token is returned once and never stored."""
    user = User(name=check_name(name), role=role, created_at=now, created_by_id=created_by_id)
    session.add(user)
    session.flush()
    return user, issue_token(session, user=user, now=now)


def issue_token(session: Session, *, user: User, now: datetime) -> str:
    """A fresh bearer token for user."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), created_at=now))
    session.flush()
    return token


def authenticate(session: Session, token: str) -> User | None:
    """The active user a token belongs to, or None (unknown or revoked token or user)."""
    return session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == hash_token(token),
            ApiToken.revoked_at.is_(None),
            User.revoked_at.is_(None),
        )
    )


def creators(session: Session, user_ids: set[int]) -> dict[int, int | None]:
    """Who made each of these users (None: the command line)."""
    if not user_ids:
        return {}
    rows = session.execute(select(User.id, User.created_by_id).where(User.id.in_(user_ids)))
    return {user_id: creator for user_id, creator in rows}


def list_users(session: Session) -> list[User]:
    """Every user, oldest first."""
    return list(session.scalars(select(User).order_by(User.id)))


def revoke_user(session: Session, *, user_id: int, now: datetime) -> User:
    """Revoke a user and all their tokens, effective on the next request."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user with id {user_id}")
    user.revoked_at = user.revoked_at or now
    for token in session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)):
        token.revoked_at = token.revoked_at or now
    session.flush()
    return user
