"""appointment reminders she asks for, and their texts in the outbox

Revision ID: reminders
Revises: sending
Create Date: 2026-11-30 02:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "reminders"
down_revision: str | None = "sending"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = "kind IN ('tip', 'notice', 'reply', 'alert')"
NEW_KINDS = "kind IN ('tip', 'notice', 'reply', 'alert', 'reminder')"
# Batch mode on SQLite copies the table; the partial indexes are made again explicitly so their
# WHERE clauses survive whatever the reflection of this SQLAlchemy version keeps.
PARTIAL = (
    ("uq_outbound_once_per_enrollment", ["enrollment_id", "content_key"], True,
     "kind IN ('tip', 'notice')"),
    ("uq_outbound_reply", ["inbound_id", "position"], True, "kind = 'reply'"),
    ("uq_outbound_alert", ["alert_id", "person_id"], True, "kind = 'alert'"),
    ("ix_outbound_messages_tips", ["enrollment_id", "status"], False, "kind = 'tip'"),
    ("ix_outbound_messages_failures", ["created_at", "error_code"], False,
     "status IN ('failed', 'undelivered')"),
)  # fmt: skip


def _partial_indexes(create: bool) -> None:
    for name, columns, unique, where in PARTIAL:
        op.execute(f"DROP INDEX IF EXISTS {name}")
        if create:
            op.create_index(
                name,
                "outbound_messages",
                columns,
                unique=unique,
                sqlite_where=sa.text(where),
                postgresql_where=sa.text(where),
            )


def _kinds(kinds: str, length: int, add_column: bool) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        _partial_indexes(create=False)
    with op.batch_alter_table("outbound_messages", recreate="auto") as batch:
        batch.drop_constraint(op.f("ck_outbound_messages_kind"), type_="check")
        batch.alter_column("kind", type_=sa.String(length), existing_nullable=False)
        batch.create_check_constraint("kind", kinds)
        if add_column:
            batch.add_column(sa.Column("reminder_id", sa.Integer(), nullable=True))
        else:
            batch.drop_column("reminder_id")
    if sqlite:
        _partial_indexes(create=True)


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.String(length=5), nullable=True),
        sa.Column("appointment_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evening_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("morning_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=9), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('active', 'cancelled')", name=op.f("ck_reminders_status")),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollments.id"],
            name=op.f("fk_reminders_enrollment_id_enrollments"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_reminders_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
    )
    op.create_index(op.f("ix_reminders_person_id"), "reminders", ["person_id"])
    for column in ("evening_at", "morning_at"):
        op.create_index(
            f"ix_reminders_{column.split('_')[0]}",
            "reminders",
            [column],
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )
    _kinds(NEW_KINDS, 8, add_column=True)
    op.create_index(
        "uq_outbound_reminder",
        "outbound_messages",
        ["reminder_id", "content_key"],
        unique=True,
        sqlite_where=sa.text("kind = 'reminder'"),
        postgresql_where=sa.text("kind = 'reminder'"),
    )


def downgrade() -> None:
    op.drop_index("uq_outbound_reminder", table_name="outbound_messages")
    op.execute("DELETE FROM outbound_messages WHERE kind = 'reminder'")
    _kinds(OLD_KINDS, 6, add_column=False)
    op.drop_index("ix_reminders_morning", table_name="reminders")
    op.drop_index("ix_reminders_evening", table_name="reminders")
    op.drop_index(op.f("ix_reminders_person_id"), table_name="reminders")
    op.drop_table("reminders")
