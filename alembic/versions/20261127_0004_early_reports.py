"""early reports

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 21:36:46.805094
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import text4baby_ru.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "early_reports",
        sa.Column("gateway", sa.String(length=16), nullable=False),
        sa.Column("provider_sid", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=11), nullable=False),
        sa.Column("error_code", sa.String(length=16), nullable=True),
        sa.Column("received_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("gateway", "provider_sid", "status", name=op.f("pk_early_reports")),
    )


def downgrade() -> None:
    op.drop_table("early_reports")
