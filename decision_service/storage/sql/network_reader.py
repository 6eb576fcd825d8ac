"""Reading one network inside a transaction, by key or by item (the indexes the slice of a decision needs).

The statements are built once, with bound parameters (a list of items or keys is an expanding parameter), so a
reading costs the database's work and the rows' decoding, not the building of SQL expressions: the slice of an
order is a handful of statements whatever the order's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.engine import Connection

from decision_service.network.model import ITEM_KINDS, Reservation, Row
from decision_service.storage.sql.tables import network_events, network_reservations, network_rows

OPEN = ("held", "confirmed")
_ROWS, _RES = network_rows.c, network_reservations.c


def _bodies_where(*conditions: Any) -> Select[Any]:
    return select(_ROWS.body).where(_ROWS.network_id == bindparam("network_id"), *conditions)


_BY_KEY = _bodies_where(_ROWS.kind == bindparam("kind"), _ROWS.key == bindparam("key"))
_BY_KEYS = _bodies_where(_ROWS.kind == bindparam("kind"), _ROWS.key.in_(bindparam("keys", expanding=True)))
_OF_ITEMS = select(_ROWS.kind, _ROWS.body).where(
    _ROWS.network_id == bindparam("network_id"),
    _ROWS.kind.in_(bindparam("kinds", expanding=True)),
    _ROWS.item.in_(bindparam("items", expanding=True)),
)
_OF_KINDS = select(_ROWS.kind, _ROWS.body).where(
    _ROWS.network_id == bindparam("network_id"), _ROWS.kind.in_(bindparam("kinds", expanding=True))
)
_RESERVATIONS_OF_ITEMS = select(network_reservations).where(
    _RES.network_id == bindparam("network_id"), _RES.item.in_(bindparam("items", expanding=True)), _RES.status.in_(OPEN)
)
_RESERVATION = select(network_reservations).where(
    _RES.id == bindparam("id"), _RES.network_id == bindparam("network_id")
)
_NOT_EXPIRED = or_(_RES.expires_at.is_(None), _RES.expires_at > bindparam("now", type_=_RES.expires_at.type))
_RESERVED_VALUE = select(func.coalesce(func.sum((_RES.qty - _RES.shipped) * _RES.unit_price), 0.0)).where(
    _RES.network_id == bindparam("network_id"),
    _RES.customer == bindparam("customer"),
    or_(_RES.status == "confirmed", and_(_RES.status == "held", _NOT_EXPIRED)),
)
_SEEN = select(network_events.c.event_id).where(
    network_events.c.network_id == bindparam("network_id"), network_events.c.event_id == bindparam("event_id")
)


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

    def _bodies(self, statement: Select[Any], **params: Any) -> list[Row]:
        rows = self.connection.execute(statement, {"network_id": self.network_id, **params})
        return [orjson.loads(body) for (body,) in rows]

    def row(self, kind: str, key: str) -> Row | None:
        """The row of `kind` with that key (primary key), or None."""
        found = self._bodies(_BY_KEY, kind=kind, key=key)
        return found[0] if found else None

    def rows_by_keys(self, kind: str, keys: Sequence[str]) -> list[Row]:
        """The rows of `kind` with those keys (primary key)."""
        return self._bodies(_BY_KEYS, kind=kind, keys=list(keys)) if keys else []

    def rows_of_item(self, kind: str, item: str) -> list[Row]:
        """The rows of `kind` about `item` (index on network, kind, item)."""
        return self.rows_of_items([kind], [item])[kind]

    def rows_of_items(self, kinds: Sequence[str], items: Sequence[str]) -> dict[str, list[Row]]:
        """The rows of `kinds` about any of `items`, by kind (index on network, kind, item)."""
        if not items:
            return {kind: [] for kind in kinds}
        return self._by_kind(_OF_ITEMS, kinds, items=list(items))

    def rows_of_kinds(self, kinds: Sequence[str]) -> dict[str, list[Row]]:
        """Every row of the small `kinds`, by kind."""
        if set(kinds) & set(ITEM_KINDS):
            raise ValueError(f"{sorted(set(kinds) & set(ITEM_KINDS))} are read by item, never whole")
        return self._by_kind(_OF_KINDS, kinds)

    def _by_kind(self, statement: Select[Any], kinds: Sequence[str], **params: Any) -> dict[str, list[Row]]:
        found: dict[str, list[Row]] = {kind: [] for kind in kinds}
        rows = self.connection.execute(statement, {"network_id": self.network_id, "kinds": list(kinds), **params})
        for kind, body in rows:
            found[kind].append(orjson.loads(body))
        return found

    def reservations_of_item(self, item: str) -> list[Reservation]:
        """The held or confirmed reservations of `item` (index on network, item, status)."""
        return self.reservations_of_items([item])

    def reservations_of_items(self, items: Sequence[str]) -> list[Reservation]:
        """The held or confirmed reservations of any of `items` (index on network, item, status)."""
        if not items:
            return []
        rows = self.connection.execute(_RESERVATIONS_OF_ITEMS, {"network_id": self.network_id, "items": list(items)})
        return [reservation_of(row) for row in rows]

    def reserved_value_of(self, customer: str, now: datetime) -> float:
        """The customer's open reservations' value, summed by the database (index on network, customer, status)."""
        params = {"network_id": self.network_id, "customer": customer, "now": now}
        return round(float(self.connection.execute(_RESERVED_VALUE, params).scalar_one()), 4)

    def reservation(self, reservation_id: str) -> Reservation | None:
        """The reservation with that id in this network, or None."""
        row = self.connection.execute(_RESERVATION, {"id": reservation_id, "network_id": self.network_id}).first()
        return None if row is None else reservation_of(row)

    def seen(self, event_id: str) -> bool:
        """Whether the event was applied to this network before."""
        return self.connection.execute(_SEEN, {"network_id": self.network_id, "event_id": event_id}).first() is not None
