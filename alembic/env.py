"""Alembic environment: the service's models, its engine set-up, batch mode on SQLite."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection

from text4baby_ru.db import StrEnumType, make_engine
from text4baby_ru.schema import metadata


def _render_item(kind: str, item: Any, autogen_context: Any) -> str | bool:
    """Write status columns as the plain strings they are in the database."""
    if kind == "type" and isinstance(item, StrEnumType):
        return f"sa.String(length={item.impl_instance.length})"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate over the connection we are given, or one made from the configured URL."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        from text4baby_ru.settings import get_settings

        url = get_settings().database_url
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


run_migrations_online()
