"""The one write: seal a record after the head, with its facets, in one transaction that no other appender
can interleave with.

Serialisation: on SQLite the transaction starts with BEGIN IMMEDIATE, which takes the database's write lock
before the head is read; on PostgreSQL it takes a transaction-level advisory lock, held until commit, and reads
the head in the next statement (READ COMMITTED: a fresh snapshot that sees the previous appender's commit);
the engine's statement timeout bounds the wait for that lock.
Either way the unique `prev_hash` makes a fork impossible even if the lock were bypassed.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.engine import Connection

from decision_service.orders.log import GENESIS, DecisionRecord, DuplicateRecord, Sealed, chain_hash
from decision_service.storage.records import normalised
from decision_service.storage.sql.engine import BEGIN_MODE
from decision_service.storage.sql.tables import facets, records

APPEND_LOCK = 0x6465_6369_7369_6F6E  # "decision" as a bigint: the advisory lock every appender takes


def append_record(engine: Engine, record: DecisionRecord) -> Sealed:
    """Seal `record` after the current head and commit; DuplicateRecord if its id is already there."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="READ COMMITTED")
        else:
            connection.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
        with connection.begin():
            _lock(connection)
            return _insert(connection, record)


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(APPEND_LOCK)))


def _insert(connection: Connection, record: DecisionRecord) -> Sealed:
    if connection.execute(select(records.c.seq).where(records.c.id == record.id)).first() is not None:
        raise DuplicateRecord(f"decision {record.id} is already in the log")
    head = connection.execute(select(records.c.seq, records.c.hash).order_by(records.c.seq.desc()).limit(1)).first()
    seq, previous = (head.seq + 1, head.hash) if head is not None else (1, GENESIS)
    content = record.content()
    sealed = Sealed(normalised(record), seq, previous, chain_hash(previous, content))
    row = dict(
        seq=seq, id=record.id, kind=record.kind, recorded_at=record.recorded_at, actor=record.actor,
        input_hash=record.input_hash, content=content, prev_hash=previous, hash=sealed.hash,
    )  # fmt: skip
    connection.execute(insert(records).values(row))
    pairs = sorted(set(record.facets))
    if pairs:
        connection.execute(insert(facets), [{"seq": seq, "name": name, "value": value} for name, value in pairs])
    return sealed
