"""metrics indexes: messages by day and status, tips by enrollment, failures, enrollments by day

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 23:58:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_outbound_messages_created_status",
        "outbound_messages",
        ["created_at", "status", "segments"],
    )
    op.create_index(
        "ix_outbound_messages_tips",
        "outbound_messages",
        ["enrollment_id", "status"],
        sqlite_where=sa.text("kind = 'tip'"),
        postgresql_where=sa.text("kind = 'tip'"),
    )
    op.create_index(
        "ix_outbound_messages_failures",
        "outbound_messages",
        ["created_at", "error_code"],
        sqlite_where=sa.text("status IN ('failed', 'undelivered')"),
        postgresql_where=sa.text("status IN ('failed', 'undelivered')"),
    )
    op.create_index("ix_enrollments_created_at", "enrollments", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_enrollments_created_at", table_name="enrollments")
    op.drop_index("ix_outbound_messages_failures", table_name="outbound_messages")
    op.drop_index("ix_outbound_messages_tips", table_name="outbound_messages")
    op.drop_index("ix_outbound_messages_created_status", table_name="outbound_messages")
