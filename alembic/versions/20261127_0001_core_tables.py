"""core tables

Revision ID: 0001
Revises:
Create Date: 2026-11-27 21:03:58.117953
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import text4baby_ru.db

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "app_secrets",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_app_secrets")),
    )
    op.create_table(
        "content_keys",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("track", sa.String(length=16), nullable=True),
        sa.Column("week", sa.Integer(), nullable=True),
        sa.Column("slot", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("window_event", sa.String(length=64), nullable=True),
        sa.Column("window_from", sa.Integer(), nullable=True),
        sa.Column("window_to", sa.Integer(), nullable=True),
        sa.Column(
            "variables",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('tip', 'reply')", name=op.f("ck_content_keys_kind")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_content_keys")),
    )
    with op.batch_alter_table("content_keys", schema=None) as batch_op:
        batch_op.create_index(
            "uq_content_keys_tip_slot",
            ["track", "week", "slot"],
            unique=True,
            sqlite_where=sa.text("kind = 'tip'"),
            postgresql_where=sa.text("kind = 'tip'"),
        )

    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("created_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("erased_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("language IN ('ru', 'en')", name=op.f("ck_people_language")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("phone", name=op.f("uq_people_phone")),
        sa.UniqueConstraint("phone_hash", name=op.f("uq_people_phone_hash")),
    )
    op.create_table(
        "suppressions",
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("created_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("phone_hash", name=op.f("pk_suppressions")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("created_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role IN ('admin', 'editor', 'reviewer', 'viewer')", name=op.f("ck_users_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=True),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "after",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_audit_events_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)

    op.create_table(
        "content_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("library_version", sa.String(length=32), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'live', 'archived', 'superseded')",
            name=op.f("ck_content_revisions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_content_revisions_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["key"], ["content_keys.key"], name=op.f("fk_content_revisions_key_content_keys")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_content_revisions_published_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_revisions")),
    )
    with op.batch_alter_table("content_revisions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_content_revisions_key_language", ["key", "language", "id"], unique=False
        )
        batch_op.create_index(
            "uq_content_revisions_live",
            ["key", "language"],
            unique=True,
            sqlite_where=sa.text("status = 'live'"),
            postgresql_where=sa.text("status = 'live'"),
        )

    op.create_table(
        "enrollments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=9), nullable=False),
        sa.Column("track", sa.String(length=9), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("channel", sa.String(length=6), nullable=False),
        sa.Column("consent_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("activated_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=32), nullable=True),
        sa.Column("failures_in_a_row", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('sms', 'import', 'web')", name=op.f("ck_enrollments_channel")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'active', 'paused', 'opted_out', 'completed', 'ended')",
            name=op.f("ck_enrollments_status"),
        ),
        sa.CheckConstraint("track IN ('pregnancy', 'baby')", name=op.f("ck_enrollments_track")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_enrollments_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollments")),
    )
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrollments_person_id"), ["person_id"], unique=False)
        batch_op.create_index("ix_enrollments_status_track", ["status", "track"], unique=False)
        batch_op.create_index(
            "uq_enrollments_open_person",
            ["person_id"],
            unique=True,
            sqlite_where=sa.text("status NOT IN ('completed', 'ended')"),
            postgresql_where=sa.text("status NOT IN ('completed', 'ended')"),
        )

    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("received_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_inbound_messages_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint(
            "provider", "provider_id", name=op.f("uq_inbound_messages_provider_provider_id")
        ),
    )
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inbound_messages_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=6), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=True),
        sa.Column("inbound_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("content_key", sa.String(length=64), nullable=True),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("track", sa.String(length=16), nullable=True),
        sa.Column("week", sa.Integer(), nullable=True),
        sa.Column("slot", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("segments", sa.Integer(), nullable=False),
        sa.Column("encoding", sa.String(length=8), nullable=True),
        sa.Column("status", sa.String(length=11), nullable=False),
        sa.Column("due_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("gateway", sa.String(length=16), nullable=True),
        sa.Column("provider_sid", sa.String(length=64), nullable=True),
        sa.Column("error_code", sa.String(length=16), nullable=True),
        sa.Column("created_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", text4baby_ru.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('tip', 'notice', 'reply', 'alert')", name=op.f("ck_outbound_messages_kind")
        ),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'expired', 'unknown')",
            name=op.f("ck_outbound_messages_status"),
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollments.id"],
            name=op.f("fk_outbound_messages_enrollment_id_enrollments"),
        ),
        sa.ForeignKeyConstraint(
            ["inbound_id"],
            ["inbound_messages.id"],
            name=op.f("fk_outbound_messages_inbound_id_inbound_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_outbound_messages_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["content_revisions.id"],
            name=op.f("fk_outbound_messages_revision_id_content_revisions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_messages")),
        sa.UniqueConstraint(
            "gateway", "provider_sid", name=op.f("uq_outbound_messages_gateway_provider_sid")
        ),
    )
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbound_messages_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index("ix_outbound_messages_status_due", ["status", "due_at"], unique=False)
        batch_op.create_index(
            "uq_outbound_alert",
            ["alert_id", "person_id"],
            unique=True,
            sqlite_where=sa.text("kind = 'alert'"),
            postgresql_where=sa.text("kind = 'alert'"),
        )
        batch_op.create_index(
            "uq_outbound_once_per_enrollment",
            ["enrollment_id", "content_key"],
            unique=True,
            sqlite_where=sa.text("kind IN ('tip', 'notice')"),
            postgresql_where=sa.text("kind IN ('tip', 'notice')"),
        )
        batch_op.create_index(
            "uq_outbound_reply",
            ["inbound_id", "position"],
            unique=True,
            sqlite_where=sa.text("kind = 'reply'"),
            postgresql_where=sa.text("kind = 'reply'"),
        )


def downgrade() -> None:

    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_outbound_reply",
            sqlite_where=sa.text("kind = 'reply'"),
            postgresql_where=sa.text("kind = 'reply'"),
        )
        batch_op.drop_index(
            "uq_outbound_once_per_enrollment",
            sqlite_where=sa.text("kind IN ('tip', 'notice')"),
            postgresql_where=sa.text("kind IN ('tip', 'notice')"),
        )
        batch_op.drop_index(
            "uq_outbound_alert",
            sqlite_where=sa.text("kind = 'alert'"),
            postgresql_where=sa.text("kind = 'alert'"),
        )
        batch_op.drop_index("ix_outbound_messages_status_due")
        batch_op.drop_index(batch_op.f("ix_outbound_messages_person_id"))

    op.drop_table("outbound_messages")
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_messages_person_id"))

    op.drop_table("inbound_messages")
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_enrollments_open_person",
            sqlite_where=sa.text("status NOT IN ('completed', 'ended')"),
            postgresql_where=sa.text("status NOT IN ('completed', 'ended')"),
        )
        batch_op.drop_index("ix_enrollments_status_track")
        batch_op.drop_index(batch_op.f("ix_enrollments_person_id"))

    op.drop_table("enrollments")
    with op.batch_alter_table("content_revisions", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_content_revisions_live",
            sqlite_where=sa.text("status = 'live'"),
            postgresql_where=sa.text("status = 'live'"),
        )
        batch_op.drop_index("ix_content_revisions_key_language")

    op.drop_table("content_revisions")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))

    op.drop_table("audit_events")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_table("suppressions")
    op.drop_table("people")
    with op.batch_alter_table("content_keys", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_content_keys_tip_slot",
            sqlite_where=sa.text("kind = 'tip'"),
            postgresql_where=sa.text("kind = 'tip'"),
        )

    op.drop_table("content_keys")
    op.drop_table("app_secrets")
