"""scrape indexes: what /metrics counts at every scrape reads a partial index, not the table

Revision ID: scrape_indexes
Revises: metrics
Create Date: 2026-11-30 03:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "scrape_indexes"
down_revision: str | None = "metrics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Only expired and set-aside rows are written to these indexes: the planner and the webhook
    # pay nothing for them, and Prometheus no longer reads every message and every text.
    op.create_index(
        "ix_outbound_messages_expired",
        "outbound_messages",
        ["error_code"],
        sqlite_where=sa.text("status = 'expired'"),
        postgresql_where=sa.text("status = 'expired'"),
    )
    op.create_index(
        "ix_inbound_messages_set_aside",
        "inbound_messages",
        ["id"],
        sqlite_where=sa.text("outcome = 'failed'"),
        postgresql_where=sa.text("outcome = 'failed'"),
    )


def downgrade() -> None:
    op.drop_index("ix_inbound_messages_set_aside", table_name="inbound_messages")
    op.drop_index("ix_outbound_messages_expired", table_name="outbound_messages")
