"""Adapters of the decision log port (`decision_service.orders.log.DecisionLog`) and the API key store port
(`decision_service.orders.keys.KeyStore`): `open_log` and `open_keys`.

`memory.InMemoryDecisionLog` is the fake for unit tests; `sql.SqlDecisionLog` keeps the log in SQLite (embedded)
or PostgreSQL (deployments), with the schema made by the Alembic migrations (`migrate.upgrade`). This package
imports the core; the core never imports it. Nothing here imports SQLAlchemy until `sql` is imported.
"""

from __future__ import annotations

from decision_service.network.port import NetworkStore
from decision_service.orders.idempotency import IdempotencyStore
from decision_service.orders.keys import KeyStore
from decision_service.orders.log import DecisionLog
from decision_service.runs.progress import InMemoryProgressBoard, ProgressBoard

MEMORY = "memory://"  # the log in this process only: tests and benchmarks, never a record


def database_url(configured: str, data_dir: str) -> str:
    """The configured URL, or the embedded default: a SQLite file under `data_dir`."""
    if configured:
        return configured
    from decision_service.storage.sql.engine import default_url

    return default_url(data_dir)


def open_log(url: str, *, sqlite_synchronous: str = "FULL") -> DecisionLog:
    """The decision log at `url` (`memory://`, `sqlite:///...`, `postgresql+psycopg://...`), whose schema
    `decision-service db upgrade` made (`serve` does it for the embedded SQLite default before it forks);
    `sqlite_synchronous` is SQLite's durability mode, FULL or NORMAL (docs/decision-log-storage.md)."""
    if url == MEMORY:
        from decision_service.storage.memory import InMemoryDecisionLog

        return InMemoryDecisionLog()
    from decision_service.storage.sql.engine import engine_from_url
    from decision_service.storage.sql.log import SqlDecisionLog

    return SqlDecisionLog(engine_from_url(url, synchronous=sqlite_synchronous))


def open_networks(log: DecisionLog) -> NetworkStore:
    """The live network store beside `log`, in its database, so that reservations commit with their records."""
    engine = getattr(log, "engine", None)  # a SqlDecisionLog's: checked without importing SQLAlchemy
    if engine is not None:
        from decision_service.storage.sql.network import SqlNetworkStore

        return SqlNetworkStore(engine)
    from decision_service.network.memory import InMemoryNetworkStore

    return InMemoryNetworkStore(log)


def open_idempotency(log: DecisionLog) -> IdempotencyStore:
    """The idempotency keys beside `log`, in its database (in memory beside an in-memory log)."""
    engine = getattr(log, "engine", None)
    if engine is not None:
        from decision_service.storage.sql.idempotency import SqlIdempotencyStore

        return SqlIdempotencyStore(engine)
    from decision_service.storage.memory import InMemoryIdempotencyStore

    return InMemoryIdempotencyStore()


def open_progress(log: DecisionLog) -> ProgressBoard:
    """Background jobs' progress beside `log`, in its database (in memory beside an in-memory log)."""
    engine = getattr(log, "engine", None)
    if engine is not None:
        from decision_service.storage.sql.progress import SqlProgressBoard

        return SqlProgressBoard(engine)
    return InMemoryProgressBoard()


def open_keys(url: str) -> KeyStore:
    """The API key store at `url`, beside the decision log (`memory://` keeps keys in this process only)."""
    if url == MEMORY:
        from decision_service.storage.memory import InMemoryKeyStore

        return InMemoryKeyStore()
    from decision_service.storage.sql.engine import engine_from_url
    from decision_service.storage.sql.keys import SqlKeyStore

    return SqlKeyStore(engine_from_url(url))
