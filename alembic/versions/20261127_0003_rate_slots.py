"""rate slots

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 21:34:02.167636
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import text4baby_ru.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_slots",
        sa.Column("gateway", sa.String(length=16), nullable=False),
        sa.Column("next_free_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("gateway", name=op.f("pk_rate_slots")),
    )


def downgrade() -> None:
    op.drop_table("rate_slots")
