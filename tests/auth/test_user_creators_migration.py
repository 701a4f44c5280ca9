"""The migration that records who made each user fills it in for users made before it, from
the audit log's user.create events."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from text4baby_ru.db import make_engine
from text4baby_ru.migrations import alembic_config


def test_users_made_before_the_migration_get_their_maker_from_the_audit_log(
    empty_database_url: str,
) -> None:
    command.upgrade(alembic_config(empty_database_url), "faults_web")
    engine = make_engine(empty_database_url)
    at = "2026-11-29 10:00:00"
    with engine.begin() as conn:
        for user_id, name, role in ((1, "Ольга", "admin"), (2, "Её рецензент", "reviewer")):
            conn.execute(
                text("INSERT INTO users (id, name, role, created_at) VALUES (:i, :n, :r, :at)"),
                {"i": user_id, "n": name, "r": role, "at": at},
            )
        conn.execute(
            text(
                "INSERT INTO audit_events (at, actor_id, actor_label, action, entity, entity_id)"
                " VALUES (:at, 1, 'Ольга', 'user.create', 'user', '2')"
            ),
            {"at": at},
        )
    engine.dispose()
    command.upgrade(alembic_config(empty_database_url), "head")
    engine = make_engine(empty_database_url)
    with engine.connect() as conn:
        made = dict(conn.execute(text("SELECT id, created_by_id FROM users ORDER BY id")).all())
    engine.dispose()
    assert made == {1: None, 2: 1}
