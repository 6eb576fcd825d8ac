"""Reading one network inside a transaction, by key or by item (the indexes the slice of a decision needs)."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.engine import Connection

from decision_service.network.model import ITEM_KINDS, Reservation, Row
from decision_service.storage.sql.tables import network_events, network_reservations, network_rows

OPEN = ("held", "confirmed")


def reservation_of(row: Any) -> Reservation:
    """A reservation from its table row."""
    return Reservation(
        id=row.id, network_id=row.network_id, item=row.item, location=row.location, source=row.source, eta=row.eta,
        qty=int(row.qty), status=row.status, created_at=row.created_at, expires_at=row.expires_at,
        order_id=row.order_id, line=int(row.line), customer=row.customer, decision_id=row.decision_id,
        shipped=int(row.shipped), unit_price=float(row.unit_price),
    )  # fmt: skip


class SqlStateReader:
    """A `StateReader` over one network, on the caller's connection (and transaction)."""

    def __init__(self, connection: Connection, network_id: str) -> None:
        self.connection = connection
        self.network_id = network_id

    def _bodies(self, *conditions: Any) -> list[Row]:
        query = select(network_rows.c.body).where(network_rows.c.network_id == self.network_id, *conditions)
        return [orjson.loads(body) for (body,) in self.connection.execute(query)]

    def row(self, kind: str, key: str) -> Row | None:
        """The row of `kind` with that key (primary key), or None."""
        found = self._bodies(network_rows.c.kind == kind, network_rows.c.key == key)
        return found[0] if found else None

    def rows_of_item(self, kind: str, item: str) -> list[Row]:
        """The rows of `kind` about `item` (index on network, kind, item)."""
        return self._bodies(network_rows.c.kind == kind, network_rows.c.item == item)

    def rows_of_kind(self, kind: str) -> list[Row]:
        """Every row of a small kind."""
        if kind in ITEM_KINDS:
            raise ValueError(f"{kind} are read by item, never whole")
        return self._bodies(network_rows.c.kind == kind)

    def reservations_of_item(self, item: str) -> list[Reservation]:
        """The held or confirmed reservations of `item` (index on network, item, status)."""
        t = network_reservations.c
        query = select(network_reservations).where(t.network_id == self.network_id, t.item == item, t.status.in_(OPEN))
        return [reservation_of(row) for row in self.connection.execute(query)]

    def reservations_of_customer(self, customer: str) -> list[Reservation]:
        """The held or confirmed reservations for `customer` (index on network, customer, status)."""
        t = network_reservations.c
        query = select(network_reservations).where(
            t.network_id == self.network_id, t.customer == customer, t.status.in_(OPEN)
        )
        return [reservation_of(row) for row in self.connection.execute(query)]

    def reservation(self, reservation_id: str) -> Reservation | None:
        """The reservation with that id in this network, or None."""
        t = network_reservations.c
        query = select(network_reservations).where(t.id == reservation_id, t.network_id == self.network_id)
        row = self.connection.execute(query).first()
        return None if row is None else reservation_of(row)

    def seen(self, event_id: str) -> bool:
        """Whether the event was applied to this network before."""
        t = network_events.c
        query = select(t.event_id).where(t.network_id == self.network_id, t.event_id == event_id)
        return self.connection.execute(query).first() is not None
