"""Admin-API users and their bearer tokens (only hashes are stored)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from text4baby_ru.db import Base, UTCDateTime, enum_column


class Role(enum.StrEnum):
    """What a user may do (the matrix is in INTERFACE.md)."""

    ADMIN = "admin"
    EDITOR = "editor"
    REVIEWER = "reviewer"
    VIEWER = "viewer"


_role_type, _role_check = enum_column(Role, "role")


class User(Base):
    """A person who uses the admin API or pages."""

    __tablename__ = "users"
    __table_args__ = (_role_check,)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(_role_type)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The admin who made this user through the API (None: the command line). Lets a review
    # show when the reviewer of a draft is a user its author made.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ApiToken(Base):
    """A bearer token: its SHA-256 is kept, never the token itself."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PageSession(Base):
    """A signed-in browser: the SHA-256 of the random id its cookie carries, the token it signed
    in with, and when it ends (expiry, or sign-out revoking it)."""

    __tablename__ = "page_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
