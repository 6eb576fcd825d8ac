"""Raw SQL that goes around the log: what an intruder with database access could do, triggers and all.

SQLite: the triggers are dropped and recreated from their own stored SQL, foreign keys switched off for the
connection. PostgreSQL: `ALTER TABLE ... DISABLE TRIGGER ALL` (user triggers and foreign keys) inside the
transaction, so they are back on when it commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine

TABLES = ("decision_records", "decision_facets")


@contextmanager
def tampering(engine: Engine) -> Iterator[Any]:
    """A DB-API cursor on which UPDATE and DELETE of the log succeed; committed on exit."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            yield from _sqlite(cursor)
        else:
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
            yield cursor
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER ALL")
        raw.commit()
    finally:
        raw.close()


def _sqlite(cursor: Any) -> Iterator[Any]:
    cursor.execute("PRAGMA foreign_keys=OFF")  # the adapter's connections leave sqlite3 in autocommit
    triggers = cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    cursor.execute("BEGIN IMMEDIATE")
    for name, _ in triggers:
        cursor.execute(f"DROP TRIGGER {name}")
    yield cursor
    for _, sql in triggers:
        cursor.execute(sql)
    cursor.execute("COMMIT")
    cursor.execute("PRAGMA foreign_keys=ON")


def param(engine: Engine) -> str:
    """The DB-API's placeholder."""
    return "?" if engine.dialect.name == "sqlite" else "%s"


def content_of(engine: Engine, seq: int) -> bytes:
    """The stored canonical bytes of the record at `seq`."""
    with tampering(engine) as cursor:
        cursor.execute(f"SELECT content FROM decision_records WHERE seq = {param(engine)}", (seq,))
        return bytes(cursor.fetchone()[0])


def swap_places(cursor: Any, engine: Engine, first: int, second: int) -> None:
    """Exchange the positions of two records (and their facets) in the chain."""
    p = param(engine)
    for table in TABLES:
        cursor.execute(f"UPDATE {table} SET seq = -seq WHERE seq IN ({p}, {p})", (first, second))
        cursor.execute(f"UPDATE {table} SET seq = {p} WHERE seq = {p}", (second, -first))
        cursor.execute(f"UPDATE {table} SET seq = {p} WHERE seq = {p}", (first, -second))
