"""Browser sessions for the admin pages: the cookie carries a random id whose hash is stored with
the token it signed in with, so sign-out (or revoking the token or the user) ends it on the
server, and the token itself never sits in the browser."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from text4baby_ru.auth.models import ApiToken, PageSession, User
from text4baby_ru.auth.service import hash_token

SESSION_COOKIE = "t4b_session"
SESSION_TTL = timedelta(hours=12)
# What open_session hands out (secrets.token_urlsafe(32)); anything else is no session.
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")
_CSRF = re.compile(r"[0-9a-f]{64}")


def well_formed(cookie: str | None) -> bool:
    """True when cookie has the shape of a session id (malformed ones never reach the database)."""
    return cookie is not None and _SESSION_ID.fullmatch(cookie) is not None


def open_session(session: Session, token: str, *, now: datetime) -> str | None:
    """A new session's cookie value for a valid token, or None (unknown or revoked token or
    user). Each sign-in gets a fresh random id, even two in the same second."""
    token_id = session.scalar(
        select(ApiToken.id)
        .join(User, User.id == ApiToken.user_id)
        .where(
            ApiToken.token_hash == hash_token(token.strip()),
            ApiToken.revoked_at.is_(None),
            User.revoked_at.is_(None),
        )
    )
    if token_id is None:
        return None
    session.execute(delete(PageSession).where(PageSession.expires_at < now))
    value = secrets.token_urlsafe(32)
    row = PageSession(id_hash=hash_token(value), token_id=token_id, created_at=now)
    row.expires_at = now + SESSION_TTL
    session.add(row)
    session.flush()
    return value


def session_user(session: Session, cookie: str | None, *, now: datetime) -> User | None:
    """The active user a session cookie belongs to, or None (malformed, unknown, expired,
    signed out, or its token or user revoked)."""
    if not well_formed(cookie):
        return None
    return session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .join(PageSession, PageSession.token_id == ApiToken.id)
        .where(
            PageSession.id_hash == hash_token(cookie or ""),
            PageSession.revoked_at.is_(None),
            PageSession.expires_at > now,
            ApiToken.revoked_at.is_(None),
            User.revoked_at.is_(None),
        )
    )


def close_session(session: Session, cookie: str | None, *, now: datetime) -> None:
    """End the session this cookie names (sign-out): the cookie opens nothing any more."""
    if well_formed(cookie):
        this = PageSession.id_hash == hash_token(cookie or "")
        session.execute(
            update(PageSession).where(this, PageSession.revoked_at.is_(None)).values(revoked_at=now)
        )


def csrf_token(cookie: str, *, key: bytes) -> str:
    """The form and header token that proves a request came from one of our pages."""
    return hmac.new(key, b"csrf:" + cookie.encode(), hashlib.sha256).hexdigest()


def csrf_ok(cookie: str, presented: str | None, *, key: bytes) -> bool:
    """True when presented is this session's CSRF token (a malformed value is simply not)."""
    if presented is None or _CSRF.fullmatch(presented) is None:
        return False
    return hmac.compare_digest(csrf_token(cookie, key=key), presented)
