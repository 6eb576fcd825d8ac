"""`SqlNetworkStore`: the network store port in the decision log's database, so that a unit of work's changes and
its log records commit in one transaction.

Locking: on SQLite every unit of work begins IMMEDIATE (one writer at a time). On PostgreSQL a unit of work
locks just the item rows it names (`FOR UPDATE`, in key order, under a shared lock on the network's row), or
the network's row itself when it names none (a batch of events, a snapshot); records are then appended under
the log's advisory lock, always taken last, so the lock order is the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

import orjson
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.engine import Connection

from decision_service.network.model import Reservation, Row, UnknownNetwork, item_of, key_of
from decision_service.network.view import Changes, StateReader
from decision_service.orders.log import DecisionRecord
from decision_service.storage.sql.append import append_in
from decision_service.storage.sql.engine import BEGIN_MODE
from decision_service.storage.sql.errors import unavailable_on_failure
from decision_service.storage.sql.network_reader import SMALL, SmallTables, SqlStateReader, reservation_of
from decision_service.storage.sql.tables import network_events, network_reservations, network_rows, networks

T = TypeVar("T")


def _row_values(network_id: str, kind: str, row: Row) -> dict[str, object]:
    body = orjson.dumps(row)
    return {"network_id": network_id, "kind": kind, "key": key_of(kind, row), "item": item_of(kind, row), "body": body}


class SqlNetworkStore:
    """A `NetworkStore` in SQLite or PostgreSQL; database failures are `StoreUnavailable`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.small = SmallTables()

    def _connection(self, writes: bool) -> Connection:
        connection = self.engine.connect()
        if self.engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="READ COMMITTED" if writes else "REPEATABLE READ")
        elif writes:
            connection.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
        return connection

    def load(self, network_id: str, tables: dict[str, list[Row]]) -> None:
        """Replace the network's rows in one transaction; its reservations and applied events stay."""
        values = [_row_values(network_id, kind, row) for kind, rows in tables.items() for row in rows]
        with unavailable_on_failure("load a network"), self._connection(True) as connection, connection.begin():
            if self._lock_network(connection, network_id, update=True) is None:
                connection.execute(insert(networks).values(id=network_id, loaded_at=datetime.now(UTC)))
            else:
                self._relaid(connection, network_id)
            connection.execute(delete(network_rows).where(network_rows.c.network_id == network_id))
            if values:
                connection.execute(insert(network_rows), values)

    def read(self, network_id: str, work: Callable[[StateReader], T]) -> T:
        """`work` over one consistent reading of the network."""
        with unavailable_on_failure("read a network"), self._connection(False) as connection, connection.begin():
            reader = SqlStateReader(connection, network_id, self.small)
            if reader.layout() is None:
                raise UnknownNetwork(network_id)
            return work(reader)

    def find_reservation(self, reservation_id: str) -> Reservation | None:
        """The reservation with that id, in whichever network, or None."""
        query = select(network_reservations).where(network_reservations.c.id == reservation_id)
        with unavailable_on_failure("read a reservation"), self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else reservation_of(row)

    def commit(
        self,
        network_id: str,
        work: Callable[[Changes], T],
        *,
        items: Sequence[str] = (),
        customer: str | None = None,
        records: Callable[[T], Sequence[DecisionRecord]] | None = None,
    ) -> T:
        """Run `work` under the locks of `items` (or of the network) and commit its changes and records together."""
        with unavailable_on_failure("change a network"), self._connection(True) as connection, connection.begin():
            if self._lock_network(connection, network_id, update=not items) is None:
                raise UnknownNetwork(network_id)
            self._lock_items(connection, network_id, items, customer)
            changes = Changes(SqlStateReader(connection, network_id, self.small))
            result = work(changes)
            self._write(connection, network_id, changes)
            for record in records(result) if records is not None else ():
                append_in(connection, record)
            return result

    def _lock_network(self, connection: Connection, network_id: str, *, update: bool) -> object:
        query = select(networks.c.id).where(networks.c.id == network_id)
        if connection.dialect.name == "postgresql":
            query = query.with_for_update(read=not update)
        return connection.execute(query).first()

    def _lock_items(self, connection: Connection, network_id: str, items: Sequence[str], customer: str | None) -> None:
        """On PostgreSQL, the rows of `items` then the customer's (always in that order, so two units of work
        cannot wait for each other); SQLite's BEGIN IMMEDIATE already serialises every writer."""
        if not items or connection.dialect.name != "postgresql":
            return
        t = network_rows.c
        for kind, keys in (("items", sorted({key_of("items", {"id": item}) for item in items})),
                           ("customers", [key_of("customers", {"id": customer})] if customer else [])):  # fmt: skip
            if keys:
                where = (t.network_id == network_id, t.kind == kind, t.key.in_(keys))
                connection.execute(select(t.key).where(*where).order_by(t.key).with_for_update()).all()

    def _relaid(self, connection: Connection, network_id: str) -> None:
        """Count a change to the network's small tables, in the transaction that makes it."""
        where = networks.c.id == network_id
        connection.execute(update(networks).where(where).values(layout=networks.c.layout + 1))

    def _write(self, connection: Connection, network_id: str, changes: Changes) -> None:
        if any(kind in SMALL for kind, _ in changes.rows):
            self._relaid(connection, network_id)
        t = network_rows.c
        for (kind, key), row in changes.rows.items():
            connection.execute(delete(network_rows).where(t.network_id == network_id, t.kind == kind, t.key == key))
            if row is not None:
                connection.execute(insert(network_rows).values(_row_values(network_id, kind, row)))
        for reservation in changes.reservations.values():
            r = network_reservations.c
            connection.execute(delete(network_reservations).where(r.id == reservation.id))
            values = {name: getattr(reservation, name) for name in network_reservations.c.keys()}
            connection.execute(insert(network_reservations).values(values))
        now = datetime.now(UTC)
        if changes.events:
            rows = [{"network_id": network_id, "event_id": e, "applied_at": now} for e in changes.events]
            connection.execute(insert(network_events), rows)
