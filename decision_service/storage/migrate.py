"""Bring a decision log database to the newest schema, from code (the migrations ship inside the package)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import func, select

from decision_service.storage.sql.engine import BEGIN_MODE, engine_from_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x6465_6369_7369_6F6D  # PostgreSQL advisory lock: one migrator at a time


def upgrade(url: str) -> None:
    """Apply every migration `url`'s database lacks; a database already at the head is left as it is."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = engine_from_url(url)
    try:
        with engine.connect() as connection:
            connection.execution_options(**{BEGIN_MODE: "IMMEDIATE"})  # SQLite: one migrator at a time
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
    finally:
        engine.dispose()
