"""content review: a reviewer may reject a draft with a comment the author reads

Revision ID: pages
Revises: faults_web_2
Create Date: 2026-11-30 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import text4baby_ru.db

revision: str = "pages"
down_revision: str | None = "faults_web_2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "status IN ('draft', 'live', 'archived', 'superseded')"
NEW = "status IN ('draft', 'live', 'archived', 'superseded', 'rejected')"


def upgrade() -> None:
    with op.batch_alter_table("content_revisions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_content_revisions_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_content_revisions_status"), NEW)
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("reviewed_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("review_comment", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_content_revisions_reviewed_by_id_users"), "users", ["reviewed_by_id"], ["id"]
        )


def downgrade() -> None:
    op.execute("UPDATE content_revisions SET status = 'superseded' WHERE status = 'rejected'")
    with op.batch_alter_table("content_revisions", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("fk_content_revisions_reviewed_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("review_comment")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("reviewed_by_id")
        batch_op.drop_constraint(op.f("ck_content_revisions_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_content_revisions_status"), OLD)
