"""alerts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 21:56:03.697456
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import text4baby_ru.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text_ru", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("track", sa.String(length=16), nullable=True),
        sa.Column("week_from", sa.Integer(), nullable=True),
        sa.Column("week_to", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("send_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=9), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'scheduled', 'cancelled')", name=op.f("ck_alerts_status")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_alerts_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )


def downgrade() -> None:
    op.drop_table("alerts")
