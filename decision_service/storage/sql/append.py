"""The one write: seal a record after the head, with its facets, in one transaction that no other appender
can interleave with.

Serialisation: on SQLite the transaction starts with BEGIN IMMEDIATE, which takes the database's write lock
before the head is read; on PostgreSQL it takes a transaction-level advisory lock, held until commit, and reads
the head in the next statement (READ COMMITTED: a fresh snapshot that sees the previous appender's commit);
the engine's statement timeout bounds the wait for that lock.
Either way the unique `prev_hash` makes a fork impossible even if the lock were bypassed.

Every decision waits for this write before it is answered, so it is kept to three statements after the lock
(head and duplicate check in one query, the record, its facets in one executemany), each built once here and
executed with parameters: building them per call cost more than SQLite's own work (`make bench`, README).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, bindparam, func, insert, select
from sqlalchemy.engine import Connection

from decision_service.orders.log import GENESIS, DecisionRecord, DuplicateRecord, Sealed, chain_hash
from decision_service.storage.records import normalised
from decision_service.storage.sql.engine import BEGIN_MODE
from decision_service.storage.sql.tables import facets, records

APPEND_LOCK = 0x6465_6369_7369_6F6E  # "decision" as a bigint: the advisory lock every appender takes

_TAKEN = select(records.c.seq).where(records.c.id == bindparam("record_id")).scalar_subquery()
# The head, and whether the id is taken (an empty log has no head and takes no id)
_HEAD = select(records.c.seq, records.c.hash, _TAKEN.label("taken")).order_by(records.c.seq.desc()).limit(1)
_INSERT_RECORD = insert(records)
_INSERT_FACETS = insert(facets)
_LOCK = select(func.pg_advisory_xact_lock(APPEND_LOCK))


def append_record(engine: Engine, record: DecisionRecord) -> Sealed:
    """Seal `record` after the current head and commit; DuplicateRecord if its id is already there."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="READ COMMITTED")
        else:
            connection.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(_LOCK)
            return _insert(connection, record)


def _insert(connection: Connection, record: DecisionRecord) -> Sealed:
    head = connection.execute(_HEAD, {"record_id": record.id}).first()
    if head is not None and head.taken is not None:
        raise DuplicateRecord(f"decision {record.id} is already in the log")
    seq, previous = (head.seq + 1, head.hash) if head is not None else (1, GENESIS)
    content = record.content()
    sealed = Sealed(normalised(record), seq, previous, chain_hash(previous, content))
    row = dict(
        seq=seq, id=record.id, kind=record.kind, recorded_at=record.recorded_at, actor=record.actor,
        input_hash=record.input_hash, content=content, prev_hash=previous, hash=sealed.hash,
    )  # fmt: skip
    connection.execute(_INSERT_RECORD, row)
    rows: list[dict[str, Any]] = [{"seq": seq, "name": n, "value": v} for n, v in sorted(set(record.facets))]
    if rows:
        connection.execute(_INSERT_FACETS, rows)
    return sealed
