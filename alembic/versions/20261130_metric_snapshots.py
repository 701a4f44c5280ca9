"""metric snapshots: dose received and who is behind, computed in the background and stored

Revision ID: metric_snapshots
Revises: scrape_indexes
Create Date: 2026-11-30 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "metric_snapshots"
down_revision: str | None = "scrape_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A few rows (two metrics, the current day); the reads of the dashboard and the API take
    # them instead of scanning every enrollment.
    op.create_table(
        "metric_snapshots",
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("weekdays", sa.String(length=16), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("metric", "day", "weekdays", name=op.f("pk_metric_snapshots")),
    )


def downgrade() -> None:
    op.drop_table("metric_snapshots")
