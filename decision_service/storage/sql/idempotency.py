"""`SqlIdempotencyStore`: idempotency keys beside the decision log; a claim is one short locked transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.engine import Connection

from decision_service.orders.idempotency import IN_FLIGHT, NEW, Claim, KeyPolicy, StoredAnswer, decide_claim
from decision_service.storage.sql.engine import BEGIN_MODE
from decision_service.storage.sql.errors import unavailable_on_failure
from decision_service.storage.sql.tables import idempotency_keys

T = idempotency_keys.c


class SqlIdempotencyStore:
    """An `IdempotencyStore` in SQLite (BEGIN IMMEDIATE) or PostgreSQL (the key's row locked FOR UPDATE)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _connection(self) -> Connection:
        connection = self.engine.connect()
        if self.engine.dialect.name == "sqlite":
            connection.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
        return connection

    def claim(self, scope: str, key: str, fingerprint: str, now: datetime, policy: KeyPolicy) -> Claim:
        """Claim `key` for a request with `fingerprint`, atomically."""
        where = (T.scope == scope, T.key == key)
        with unavailable_on_failure("claim an idempotency key"), self._connection() as connection:
            with connection.begin():
                query = select(idempotency_keys).where(*where)
                if connection.dialect.name == "postgresql":
                    query = query.with_for_update()
                row = connection.execute(query).first()
                held = None
                if row is not None:
                    answer = None if row.status is None else StoredAnswer(row.status, row.body, row.content_type)
                    held = (row.fingerprint, row.state, row.claimed_at, answer)
                found = decide_claim(held, fingerprint, now, policy)
                if found.state == NEW:
                    connection.execute(delete(idempotency_keys).where(*where))
                    values = {"scope": scope, "key": key, "fingerprint": fingerprint, "state": IN_FLIGHT,
                              "claimed_at": now}  # fmt: skip
                    connection.execute(insert(idempotency_keys).values(values))
        return found

    def finish(self, scope: str, key: str, answer: StoredAnswer | None) -> None:
        """Keep the answer, or forget the key."""
        where = (T.scope == scope, T.key == key)
        with unavailable_on_failure("keep an idempotent answer"), self._connection() as connection:
            with connection.begin():
                if answer is None:
                    connection.execute(delete(idempotency_keys).where(*where))
                else:
                    values = {"state": "done", "status": answer.status, "body": answer.body,
                              "content_type": answer.content_type}  # fmt: skip
                    connection.execute(update(idempotency_keys).where(*where).values(values))
