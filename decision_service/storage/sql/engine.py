"""Engines for the log: SQLite embedded by default, PostgreSQL for deployments; both fail fast when down.

SQLite: WAL (readers never wait for the appender), `synchronous` as configured (below), a busy timeout, foreign
keys on, and SQLAlchemy emits BEGIN itself (the sqlite3 module's own transaction handling is switched off) so
that an append can say BEGIN IMMEDIATE and take the write lock before it reads the head. PostgreSQL: a short
connect timeout, a statement timeout (which also bounds the wait for the appenders' lock) and a pre-ping on
checkout, so a dead or stuck server is an error in seconds and a restarted one is used again.

SQLite's `synchronous`: FULL syncs the write-ahead log to disk at every commit, so a committed record survives a
power loss; NORMAL (in WAL mode) syncs only at checkpoints, so a power loss or OS crash may lose the last commits
(never corrupting the file or breaking the chain) while a killed process loses nothing, and a commit costs no
fsync. FULL unless the caller says otherwise; the service passes its SQLITE_SYNCHRONOUS setting, NORMAL by
default (docs/decision-log-storage.md says why).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url

BEGIN_MODE = "decision_log_begin"  # execution option: "IMMEDIATE" for an append on SQLite
CONNECT_TIMEOUT_S = 2  # libpq's minimum
TIMEOUT_MS = 5000  # the longest one statement may wait (for a lock) or run before the store is "unavailable"
SYNCHRONOUS = ("FULL", "NORMAL")  # SQLite modes the log accepts: OFF could corrupt the file on a power loss
DEFAULT_SYNCHRONOUS = "FULL"


def default_url(data_dir: str | Path) -> str:
    """The embedded log: a SQLite file in `data_dir` (made if missing)."""
    directory = Path(data_dir).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{directory / 'decisions.sqlite3'}"


def engine_from_url(url: str, *, timeout_ms: int = TIMEOUT_MS, synchronous: str = DEFAULT_SYNCHRONOUS) -> Engine:
    """An engine for the log at `url` (sqlite:///path or postgresql+psycopg://...); `synchronous` is SQLite's
    durability mode (FULL or NORMAL), ignored on PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite(url, parsed.database, timeout_ms, _synchronous(synchronous))
    if parsed.get_backend_name() == "postgresql":
        return _postgresql(url, timeout_ms)
    raise ValueError(f"the decision log runs on SQLite or PostgreSQL, not {parsed.get_backend_name()}")


def _postgresql(url: str, timeout_ms: int) -> Engine:
    engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(timeout_ms)}")
        dbapi_connection.commit()

    return engine


def _synchronous(mode: str) -> str:
    upper = mode.strip().upper()
    if upper not in SYNCHRONOUS:
        raise ValueError(f"SQLite synchronous must be one of {', '.join(SYNCHRONOUS)}, not {mode!r}")
    return upper


def _sqlite(url: str, database: str | None, timeout_ms: int, synchronous: str) -> Engine:
    if not database or database == ":memory:":
        raise ValueError("the decision log needs a SQLite file, not an in-memory database (use the fake)")
    engine = create_engine(url, pool_pre_ping=True, connect_args={"timeout": timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin listener below emits BEGIN
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.execute(f"PRAGMA busy_timeout={int(timeout_ms)}")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(BEGIN_MODE, "DEFERRED")
        if mode not in ("DEFERRED", "IMMEDIATE"):
            raise ValueError(f"unknown SQLite transaction mode {mode!r}")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine
