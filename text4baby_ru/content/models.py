"""Library content in the database: one row per message key, revisions per language."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from text4baby_ru.db import Base, JSONType, UTCDateTime, enum_column, partial_unique


class ContentKind(enum.StrEnum):
    """A weekly tip or a reply of the conversation."""

    TIP = "tip"
    REPLY = "reply"


class RevisionStatus(enum.StrEnum):
    """A revision's place in the review cycle."""

    DRAFT = "draft"
    LIVE = "live"
    ARCHIVED = "archived"
    SUPERSEDED = "superseded"
    REJECTED = "rejected"


_kind_type, _kind_check = enum_column(ContentKind, "kind")
_rev_type, _rev_check = enum_column(RevisionStatus, "status")


class ContentKey(Base):
    """One message of the library, whatever its language and revision."""

    __tablename__ = "content_keys"
    __table_args__ = (
        _kind_check,
        partial_unique("uq_content_keys_tip_slot", "track", "week", "slot", where="kind = 'tip'"),
    )

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[ContentKind] = mapped_column(_kind_type)
    track: Mapped[str | None] = mapped_column(String(16))
    week: Mapped[int | None]
    slot: Mapped[int | None]
    topic: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(64))
    window_event: Mapped[str | None] = mapped_column(String(64))
    window_from: Mapped[int | None]
    window_to: Mapped[int | None]
    variables: Mapped[list[str]] = mapped_column(JSONType, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ContentRevision(Base):
    """A text of one message in one language; exactly one per (key, language) is live."""

    __tablename__ = "content_revisions"
    __table_args__ = (
        _rev_check,
        partial_unique("uq_content_revisions_live", "key", "language", where="status = 'live'"),
        Index("ix_content_revisions_key_language", "key", "language", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(ForeignKey("content_keys.key"))
    language: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[RevisionStatus] = mapped_column(_rev_type)
    origin: Mapped[str] = mapped_column(String(16))
    library_version: Mapped[str | None] = mapped_column(String(32))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A reviewer's "no", with the reason the author reads on the editor page.
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_comment: Mapped[str | None] = mapped_column(Text)
