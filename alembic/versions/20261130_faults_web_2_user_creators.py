"""who made each user, so a publication by a reviewer the draft's author made is flagged

Revision ID: faults_web_2
Revises: faults_web
Create Date: 2026-11-30 01:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "faults_web_2"
down_revision: str | None = "faults_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite's batch mode would copy and drop `users`, which the tokens,
    # revisions and audit events refer to (SQLite takes REFERENCES on a NULL-default column).
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE users ADD COLUMN created_by_id INTEGER "
            "CONSTRAINT fk_users_created_by_id_users REFERENCES users (id)"
        )
    else:
        _add_column()
    _backfill()


def _add_column() -> None:
    op.add_column(
        "users",
        sa.Column(
            "created_by_id",
            sa.Integer(),
            sa.ForeignKey("users.id", name=op.f("fk_users_created_by_id_users")),
            nullable=True,
        ),
    )


def _backfill() -> None:
    # Users made before this version: their maker is in the audit log (user.create events).
    op.execute(
        """
        UPDATE users SET created_by_id = (
            SELECT MIN(e.actor_id) FROM audit_events e
            WHERE e.action = 'user.create' AND e.entity = 'user'
              AND e.entity_id = CAST(users.id AS VARCHAR(64))
        )
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("fk_users_created_by_id_users"), "users", type_="foreignkey")
    op.drop_column("users", "created_by_id")
