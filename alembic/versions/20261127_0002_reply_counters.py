"""reply counters

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 21:20:09.606397
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reply_counters",
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("replies", sa.Integer(), nullable=False),
        sa.Column("automatic", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("phone_hash", "day", name=op.f("pk_reply_counters")),
    )


def downgrade() -> None:
    op.drop_table("reply_counters")
