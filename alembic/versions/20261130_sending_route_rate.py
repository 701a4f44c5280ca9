"""route rate: the effective send rate of each route, its throttled count, its last slow-down

Revision ID: sending
Revises: pages
Create Date: 2026-11-30 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import text4baby_ru.db

revision: str = "sending"
down_revision: str | None = "pages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rate_slots") as batch:
        batch.add_column(sa.Column("rate", sa.Float(), nullable=True))
        batch.add_column(
            sa.Column("throttled", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch.add_column(
            sa.Column("refused", sa.Float(), server_default=sa.text("0"), nullable=False)
        )
        batch.add_column(
            sa.Column("slowed_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("rate_slots") as batch:
        batch.drop_column("slowed_at")
        batch.drop_column("refused")
        batch.drop_column("throttled")
        batch.drop_column("rate")
