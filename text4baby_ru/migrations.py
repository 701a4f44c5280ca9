"""Running the Alembic migrations that ship with the package."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from text4baby_ru.resources import data_dir


def alembic_config(url: str, connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the shipped migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(data_dir("alembic")))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str, connection: Connection | None = None) -> None:
    """Bring the database at url to the newest schema."""
    command.upgrade(alembic_config(url, connection), "head")
