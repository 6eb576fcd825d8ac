"""Alembic's environment for the decision log: migrations run on the connection `migrate.upgrade` passes in."""

from __future__ import annotations

from alembic import context

from decision_service.storage.sql.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the decision log's migrations with decision_service.storage.migrate.upgrade(url)")

context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
