"""The one write: seal a record after the head, with its facets, in one transaction that no other appender
can interleave with.

Serialisation: on SQLite the transaction starts with BEGIN IMMEDIATE, which takes the database's write lock
before the head is read; on PostgreSQL it takes a transaction-level advisory lock, held until commit, and reads
the head in the next statement (READ COMMITTED: a fresh snapshot that sees the previous appender's commit);
the engine's statement timeout bounds the wait for that lock.
Either way the unique `prev_hash` makes a fork impossible even if the lock were bypassed.

Every decision waits for this write before it is answered, so it goes to the driver's cursor: three statements
(head and duplicate check in one query, the record, its facets in one executemany), and on SQLite the
transaction's BEGIN IMMEDIATE and COMMIT as well, on a connection from the engine's pool; through SQLAlchemy's
`Connection` the same append cost about 0.5 ms more on SQLite, as much as SQLite's own work
(docs/decision-log-storage.md). PostgreSQL keeps SQLAlchemy's transaction (isolation level, pre-ping). Driver
errors are wrapped as SQLAlchemy's would be, so the caller still sees `StoreUnavailable`.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Connection, Dialect

from decision_service.orders.log import GENESIS, DecisionRecord, DuplicateRecord, Sealed, chain_hash
from decision_service.storage.records import normalised
from decision_service.storage.sql.driver import driver_errors, driver_sql
from decision_service.storage.sql.tables import records

APPEND_LOCK = 0x6465_6369_7369_6F6E  # "decision" as a bigint: the advisory lock every appender takes

# Written with "?" for the driver's own placeholder; the head row carries whether the id is already taken (an
# empty log has no head and takes no id)
_HEAD = (
    "SELECT head.seq, head.hash, (SELECT taken.seq FROM decision_records AS taken WHERE taken.id = ?) AS taken "
    "FROM decision_records AS head ORDER BY head.seq DESC LIMIT 1"
)
_RECORD = (
    "INSERT INTO decision_records (seq, id, kind, recorded_at, actor, input_hash, content, prev_hash, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_FACETS = "INSERT INTO decision_facets (seq, name, value) VALUES (?, ?, ?)"
_LOCK = f"SELECT pg_advisory_xact_lock({APPEND_LOCK})"


@dataclass(frozen=True)
class _Statements:
    head: str
    record: str
    facets: str


@cache
def _statements(paramstyle: str) -> _Statements:
    return _Statements(*(driver_sql(statement, paramstyle) for statement in (_HEAD, _RECORD, _FACETS)))


def append_record(engine: Engine, record: DecisionRecord) -> Sealed:
    """Seal `record` after the current head and commit; DuplicateRecord if its id is already there."""
    if engine.dialect.name == "sqlite":
        return _append_sqlite(engine, record)
    with engine.connect() as connection:
        connection.execution_options(isolation_level="READ COMMITTED")
        with connection.begin(), driver_errors(engine.dialect), closing(connection.connection.cursor()) as cursor:
            cursor.execute(_LOCK)
            return _insert(cursor, engine.dialect, record)


def _append_sqlite(engine: Engine, record: DecisionRecord) -> Sealed:
    """On SQLite the whole transaction is the driver's, on a pooled connection (pre-pinged as any other): opening
    and committing it through SQLAlchemy's `Connection` cost another 0.2-0.3 ms per append."""
    with driver_errors(engine.dialect):
        connection = engine.raw_connection()
        try:
            with closing(connection.cursor()) as cursor:
                cursor.execute("BEGIN IMMEDIATE")  # the write lock, before the head is read
                try:
                    sealed = _insert(cursor, engine.dialect, record)
                    connection.commit()
                except BaseException:
                    connection.rollback()
                    raise
            return sealed
        finally:
            connection.close()  # back to the pool


def append_in(connection: Connection, record: DecisionRecord) -> Sealed:
    """Seal `record` inside the caller's transaction, so that it commits with the caller's other writes or not at
    all. The transaction must have begun as an append's does: IMMEDIATE on SQLite, READ COMMITTED on PostgreSQL
    (where the advisory lock is taken here, held to the caller's commit)."""
    dialect = connection.dialect
    with driver_errors(dialect), closing(connection.connection.cursor()) as cursor:
        if dialect.name == "postgresql":
            cursor.execute(_LOCK)
        return _insert(cursor, dialect, record)


def _insert(cursor: Any, dialect: Dialect, record: DecisionRecord) -> Sealed:
    sql = _statements(dialect.paramstyle)
    moment = records.c.recorded_at.type.dialect_impl(dialect).bind_processor(dialect)  # UTC; on SQLite, its text
    recorded_at = moment(record.recorded_at) if moment else record.recorded_at
    cursor.execute(sql.head, (record.id,))
    head = cursor.fetchone()
    if head is not None and head[2] is not None:
        raise DuplicateRecord(f"decision {record.id} is already in the log")
    seq, previous = (int(head[0]) + 1, str(head[1])) if head is not None else (1, GENESIS)
    content = record.content()
    sealed = Sealed(normalised(record), seq, previous, chain_hash(previous, content))
    cursor.execute(sql.record, (seq, record.id, record.kind, recorded_at, record.actor,
                                record.input_hash, content, previous, sealed.hash))  # fmt: skip
    pairs = sorted(set(record.facets))
    if pairs:
        cursor.executemany(sql.facets, [(seq, name, value) for name, value in pairs])
    return sealed
