"""Signed browser sessions for the admin pages: a cookie names a token and proves it with an HMAC,
so the token itself never sits in the browser and revoking the token ends the session."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from text4baby_ru.auth.models import ApiToken, User
from text4baby_ru.auth.service import hash_token

SESSION_COOKIE = "t4b_session"
SESSION_TTL = timedelta(hours=12)


def _sign(key: bytes, message: str) -> str:
    return hmac.new(key, b"session:" + message.encode(), hashlib.sha256).hexdigest()


def open_session(session: Session, token: str, *, key: bytes, now: datetime) -> str | None:
    """A session cookie value for a valid token, or None (unknown or revoked token or user)."""
    row = session.execute(
        select(ApiToken.id, ApiToken.token_hash)
        .join(User, User.id == ApiToken.user_id)
        .where(
            ApiToken.token_hash == hash_token(token.strip()),
            ApiToken.revoked_at.is_(None),
            User.revoked_at.is_(None),
        )
    ).first()
    if row is None:
        return None
    token_id, token_hash = row
    expires = int((now + SESSION_TTL).timestamp())
    return f"{token_id}.{expires}.{_sign(key, f'{token_id}.{expires}.{token_hash}')}"


def session_user(session: Session, cookie: str, *, key: bytes, now: datetime) -> User | None:
    """The active user a session cookie belongs to, or None (forged, expired or revoked)."""
    parts = cookie.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    token_id, expires, signature = int(parts[0]), int(parts[1]), parts[2]
    if expires < now.timestamp() or token_id > 2_147_483_647:
        return None
    found = session.execute(
        select(User, ApiToken.token_hash)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None), User.revoked_at.is_(None))
    ).first()
    if found is None:
        return None
    user, token_hash = found
    expected = _sign(key, f"{token_id}.{expires}.{token_hash}")
    return user if hmac.compare_digest(expected, signature) else None


def csrf_token(cookie: str, *, key: bytes) -> str:
    """The form and header token that proves a request came from one of our pages."""
    return hmac.new(key, b"csrf:" + cookie.encode(), hashlib.sha256).hexdigest()


def csrf_ok(cookie: str, presented: str | None, *, key: bytes) -> bool:
    """True when presented is this session's CSRF token."""
    return bool(presented) and hmac.compare_digest(csrf_token(cookie, key=key), presented or "")
