"""web codes and route health: the public page's codes and rate limits, the gateway failover state

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 23:37:58.772039
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import text4baby_ru.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "route_health",
        sa.Column("primary_gateway", sa.String(length=16), nullable=False),
        sa.Column("failing_since", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("on_secondary", sa.Boolean(), nullable=False),
        sa.Column("retry_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("primary_gateway", name=op.f("pk_route_health")),
    )
    op.create_table(
        "web_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("client_hash", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=4), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("born", sa.Boolean(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("action IN ('join', 'stop')", name=op.f("ck_web_codes_action")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_codes")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_codes_token_hash")),
    )
    with op.batch_alter_table("web_codes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_web_codes_client_hash_created_at", ["client_hash", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_web_codes_phone_hash_created_at", ["phone_hash", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("web_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_web_codes_phone_hash_created_at")
        batch_op.drop_index("ix_web_codes_client_hash_created_at")

    op.drop_table("web_codes")
    op.drop_table("route_health")
