"""page sessions stored on the server: sign-out revokes one, each sign-in gets a random id

Revision ID: faults_web
Revises: inbound
Create Date: 2026-11-30 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import text4baby_ru.db

revision: str = "faults_web"
down_revision: str | None = "inbound"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Sessions signed before this version carried no stored id: they end (sign in again).
    op.create_table(
        "page_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("created_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["token_id"], ["api_tokens.id"], name=op.f("fk_page_sessions_token_id_api_tokens")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_sessions")),
        sa.UniqueConstraint("id_hash", name=op.f("uq_page_sessions_id_hash")),
    )
    op.create_index(op.f("ix_page_sessions_token_id"), "page_sessions", ["token_id"])
    op.create_index(op.f("ix_page_sessions_expires_at"), "page_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_page_sessions_expires_at"), table_name="page_sessions")
    op.drop_index(op.f("ix_page_sessions_token_id"), table_name="page_sessions")
    op.drop_table("page_sessions")
