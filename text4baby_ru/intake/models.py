"""A code sent to confirm a join or a stop asked for on the web page."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from text4baby_ru.db import Base, UTCDateTime, enum_column


class WebAction(enum.StrEnum):
    """What the visitor asked for."""

    JOIN = "join"
    STOP = "stop"


_action_type, _action_check = enum_column(WebAction, "action")


class WebCode(Base):
    """One request on the web page: who asked (keyed hashes only), what for, and the keyed hash
    of the code sent. Rows also count requests for the rate limits; they go after a day."""

    __tablename__ = "web_codes"
    __table_args__ = (
        _action_check,
        Index("ix_web_codes_phone_hash_created_at", "phone_hash", "created_at"),
        Index("ix_web_codes_client_hash_created_at", "client_hash", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the random token the confirmation form carries.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    phone_hash: Mapped[str] = mapped_column(String(64))
    client_hash: Mapped[str] = mapped_column(String(64))
    action: Mapped[WebAction] = mapped_column(_action_type)
    language: Mapped[str] = mapped_column(String(2))
    day: Mapped[date | None] = mapped_column(Date)
    born: Mapped[bool] = mapped_column(default=False)
    # NULL when no code was sent (a number we do not serve, a stop for a number not enrolled).
    code_hash: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
