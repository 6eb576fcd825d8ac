"""Adapters of the decision log port (`decision_service.orders.log.DecisionLog`).

`memory.InMemoryDecisionLog` is the fake for unit tests; `sql.SqlDecisionLog` keeps the log in SQLite (embedded)
or PostgreSQL (deployments), with the schema made by the Alembic migrations (`migrate.upgrade`). This package
imports the core; the core never imports it. Nothing here imports SQLAlchemy until `sql` is imported.
"""
