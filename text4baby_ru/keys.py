"""The secret for keyed hashes: T4B_SECRET_KEY, or one made once and kept in the database."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from text4baby_ru.db import Base, UTCDateTime, insert_or_ignore


class AppSecret(Base):
    """A generated secret, so a deployment with no configuration still has stable keyed hashes."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


def stored_key(session: Session) -> bytes | None:
    """The key kept in the database, if one has been made."""
    stored = session.scalar(select(AppSecret.value).where(AppSecret.name == "hash_key"))
    return stored.encode() if stored is not None else None


def secret_key(session: Session, *, configured: str | None, now: datetime) -> bytes:
    """The configured key, else the one stored in the database (created on first use)."""
    if configured:
        return configured.encode()
    stored = stored_key(session)
    if stored is None:  # first use; if another process makes one at the same moment, theirs wins
        insert_or_ignore(
            session,
            AppSecret.__table__,
            {"name": "hash_key", "value": secrets.token_hex(32), "created_at": now},
            conflict=["name"],
            returning=False,
        )
        stored = stored_key(session)
    assert stored is not None
    return stored


def keyed_hash(key: bytes, value: str) -> str:
    """HMAC-SHA256 of value under key, hex: a pseudonym that cannot be reversed without the key."""
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
