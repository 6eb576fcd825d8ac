"""`SqlDecisionLog`: the decision log port over SQLAlchemy, on SQLite or PostgreSQL (schema: the migrations)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

from sqlalchemy import Engine, select

from decision_service.orders.log import GENESIS, DecisionFilter, DecisionRecord, Digest, Page, Sealed
from decision_service.storage.records import check_question, check_record, cursor_after, seq_of
from decision_service.storage.sql.append import append_record
from decision_service.storage.sql.driver import driver_errors, driver_sql
from decision_service.storage.sql.errors import unavailable_on_failure
from decision_service.storage.sql.reading import page_query, sealed_rows
from decision_service.storage.sql.tables import records

WALK_BATCH = 500  # records read per query while walking the chain
_NEWEST = "SELECT max(seq) FROM decision_facets WHERE name = ? AND value = ?"


class SqlDecisionLog:
    """A `DecisionLog` in the database behind `engine`; every failure of the store is `StoreUnavailable`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def append(self, record: DecisionRecord) -> Sealed:
        """Seal `record` after the current head, atomically."""
        check_record(record)
        with unavailable_on_failure("append a record"):
            return append_record(self.engine, record)

    def get(self, record_id: str) -> Sealed | None:
        """The record with that id, or None."""
        with unavailable_on_failure("read a record"), self.engine.connect() as connection:
            rows = connection.execute(select(records).where(records.c.id == record_id)).all()
            found = sealed_rows(connection, rows)
        return found[0] if found else None

    def find(self, question: DecisionFilter, cursor: str | None = None, limit: int = 50) -> Page:
        """The records that answer `question`, oldest first, a page at a time."""
        check_question(question, limit)
        after = seq_of(cursor)
        with unavailable_on_failure("search the log"), self.engine.connect() as connection:
            rows = connection.execute(page_query(question, after, limit + 1)).all()
            page = sealed_rows(connection, rows[:limit])
        more = len(rows) > limit
        return Page(tuple(page), cursor_after(page[-1].seq) if more else None)

    def walk(self) -> Iterator[Sealed]:
        """Every record in chain order, as stored, read a batch at a time."""
        after = 0
        while True:
            with unavailable_on_failure("walk the chain"), self.engine.connect() as connection:
                query = select(records).where(records.c.seq > after).order_by(records.c.seq).limit(WALK_BATCH)
                batch = sealed_rows(connection, connection.execute(query).all())
            yield from batch
            if len(batch) < WALK_BATCH:
                return
            after = batch[-1].seq

    def newest(self, name: str, value: str) -> int:
        """The seq of the newest record with that facet, 0 if none: one seek in the facet index. Every request
        asks it (are there new rule records?), so it goes to the driver's cursor, as the append does: through
        SQLAlchemy's statement machinery it cost more than the query."""
        statement = driver_sql(_NEWEST, self.engine.dialect.paramstyle)
        with unavailable_on_failure("read the log"), driver_errors(self.engine.dialect):
            connection = self.engine.raw_connection()
            try:
                with closing(connection.cursor()) as cursor:
                    cursor.execute(statement, (name, value))
                    row = cursor.fetchone()
                connection.rollback()  # ends the read's transaction (PostgreSQL opens one) before the pool takes it
            finally:
                connection.close()
        return int(row[0] or 0) if row is not None else 0

    def head(self) -> Digest:
        """The newest record's hash and the number of records, from the index on seq."""
        query = select(records.c.seq, records.c.hash).order_by(records.c.seq.desc()).limit(1)
        with unavailable_on_failure("read the head"), self.engine.connect() as connection:
            row = connection.execute(query).first()
        return Digest(GENESIS, 0) if row is None else Digest(str(row.hash), int(row.seq))
