"""Reading one network inside a transaction, by key or by item (the indexes the slice of a decision needs).

A decision against a stored network waits for its slice, so the reads go to the driver's cursor, on the
connection of the caller's transaction, as the log's append does: seven statements through SQLAlchemy's
statement machinery cost about 1.5 ms on SQLite, through the driver 0.2 ms. Each statement is one of those
below, with a placeholder list for a list of items or keys; every one searches an index (a test reads SQLite's
plan of each). Times go through the columns' own processors, so they read back as SQLAlchemy would give them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import datetime
from functools import cache
from typing import Any

import orjson
from sqlalchemy.engine import Connection, Dialect

from decision_service.network.model import ITEM_KINDS, Reservation, Row
from decision_service.storage.sql.driver import driver_errors, driver_sql
from decision_service.storage.sql.tables import network_reservations

RESERVATION_COLUMNS = tuple(network_reservations.c.keys())

# Written with "?" for one value and "{}" for a list of them (`driver_sql`)
BY_KEY = "SELECT body FROM network_rows WHERE network_id = ? AND kind = ? AND key = ?"
BY_KEYS = "SELECT body FROM network_rows WHERE network_id = ? AND kind = ? AND key IN ({})"
OF_ITEMS = "SELECT kind, body FROM network_rows WHERE network_id = ? AND kind IN ({}) AND item IN ({})"
OF_KINDS = "SELECT kind, body FROM network_rows WHERE network_id = ? AND kind IN ({})"
RESERVATIONS_OF_ITEMS = (
    f"SELECT {', '.join(RESERVATION_COLUMNS)} FROM network_reservations "
    "WHERE network_id = ? AND item IN ({}) AND status IN ('held', 'confirmed')"
)
RESERVATION = f"SELECT {', '.join(RESERVATION_COLUMNS)} FROM network_reservations WHERE id = ? AND network_id = ?"
RESERVED_VALUE = (
    "SELECT coalesce(sum((qty - shipped) * unit_price), 0) FROM network_reservations "
    "WHERE network_id = ? AND customer = ? AND status IN ('held', 'confirmed') "
    "AND (status = 'confirmed' OR expires_at IS NULL OR expires_at > ?)"
)
SEEN = "SELECT 1 FROM network_events WHERE network_id = ? AND event_id = ?"
LAYOUT = "SELECT layout FROM networks WHERE id = ?"
SMALL = ("locations", "shipping", "lanes")  # the kinds a network's `layout` counts changes of


class SmallTables:
    """A worker's copy of each network's small tables, by the `layout` they were read at: they change rarely
    (a snapshot, a lane event), and every decision against the network reads them whole."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[int, dict[str, list[Row]]]] = {}
        self._lock = threading.Lock()

    def get(self, network_id: str, layout: int) -> dict[str, list[Row]] | None:
        """The tables as read at `layout`, if this worker kept them."""
        with self._lock:
            found = self._kept.get(network_id)
        return found[1] if found is not None and found[0] == layout else None

    def keep(self, network_id: str, layout: int, tables: dict[str, list[Row]]) -> None:
        """Keep the tables read at `layout` (replacing older ones)."""
        with self._lock:
            self._kept[network_id] = (layout, tables)


@cache
def _time_reader(dialect: Dialect) -> Callable[[Any], Any] | None:
    return network_reservations.c.created_at.type.dialect_impl(dialect).result_processor(dialect, None)


@cache
def _time_writer(dialect: Dialect) -> Callable[[Any], Any] | None:
    return network_reservations.c.expires_at.type.dialect_impl(dialect).bind_processor(dialect)


def reservation_of(row: Any, read_time: Callable[[Any], Any] | None = None) -> Reservation:
    """A reservation from its table row (a SQLAlchemy row, or the driver's tuple with `read_time` for times)."""
    values = dict(row._mapping) if hasattr(row, "_mapping") else dict(zip(RESERVATION_COLUMNS, row, strict=True))
    if read_time is not None:
        values["created_at"], values["expires_at"] = read_time(values["created_at"]), read_time(values["expires_at"])
    return Reservation(
        id=values["id"], network_id=values["network_id"], item=values["item"], location=values["location"],
        source=values["source"], eta=values["eta"], qty=int(values["qty"]), status=values["status"],
        created_at=values["created_at"], expires_at=values["expires_at"], order_id=values["order_id"],
        line=int(values["line"]), customer=values["customer"], decision_id=values["decision_id"],
        shipped=int(values["shipped"]), unit_price=float(values["unit_price"]),
    )  # fmt: skip


class SqlStateReader:
    """A `StateReader` over one network, on the caller's connection (and transaction)."""

    def __init__(self, connection: Connection, network_id: str, small: SmallTables | None = None) -> None:
        self.connection = connection
        self.network_id = network_id
        self.dialect = connection.dialect
        self.small = small
        self._layout: int | None = None

    def _run(self, statement: str, params: Sequence[Any], *lists: int) -> list[tuple[Any, ...]]:
        """The rows of one statement, through the driver's cursor on this transaction's connection."""
        with driver_errors(self.dialect), closing(self.connection.connection.cursor()) as cursor:
            cursor.execute(driver_sql(statement, self.dialect.paramstyle, *lists), tuple(params))
            return list(cursor.fetchall())

    def _by_kind(self, rows: list[tuple[Any, ...]], kinds: Sequence[str]) -> dict[str, list[Row]]:
        found: dict[str, list[Row]] = {kind: [] for kind in kinds}
        for kind, body in rows:
            found[kind].append(orjson.loads(body))
        return found

    def row(self, kind: str, key: str) -> Row | None:
        """The row of `kind` with that key (primary key), or None."""
        found = self._run(BY_KEY, (self.network_id, kind, key))
        return orjson.loads(found[0][0]) if found else None

    def rows_by_keys(self, kind: str, keys: Sequence[str]) -> list[Row]:
        """The rows of `kind` with those keys (primary key)."""
        if not keys:
            return []
        return [orjson.loads(body) for (body,) in self._run(BY_KEYS, (self.network_id, kind, *keys), len(keys))]

    def rows_of_item(self, kind: str, item: str) -> list[Row]:
        """The rows of `kind` about `item` (index on network, kind, item)."""
        return self.rows_of_items([kind], [item])[kind]

    def rows_of_items(self, kinds: Sequence[str], items: Sequence[str]) -> dict[str, list[Row]]:
        """The rows of `kinds` about any of `items`, by kind (index on network, kind, item)."""
        if not items:
            return {kind: [] for kind in kinds}
        rows = self._run(OF_ITEMS, (self.network_id, *kinds, *items), len(kinds), len(items))
        return self._by_kind(rows, kinds)

    def rows_of_kinds(self, kinds: Sequence[str]) -> dict[str, list[Row]]:
        """Every row of the small `kinds`, by kind."""
        if set(kinds) & set(ITEM_KINDS):
            raise ValueError(f"{sorted(set(kinds) & set(ITEM_KINDS))} are read by item, never whole")
        layout = self.layout() if self.small is not None and set(kinds) <= set(SMALL) else None
        if layout is not None and self.small is not None:
            kept = self.small.get(self.network_id, layout)
            if kept is None:
                kept = self._by_kind(self._run(OF_KINDS, (self.network_id, *SMALL), len(SMALL)), SMALL)
                self.small.keep(self.network_id, layout, kept)
            return {kind: list(kept[kind]) for kind in kinds}
        return self._by_kind(self._run(OF_KINDS, (self.network_id, *kinds), len(kinds)), kinds)

    def reservations_of_item(self, item: str) -> list[Reservation]:
        """The held or confirmed reservations of `item` (index on network, item, status)."""
        return self.reservations_of_items([item])

    def reservations_of_items(self, items: Sequence[str]) -> list[Reservation]:
        """The held or confirmed reservations of any of `items` (index on network, item, status)."""
        if not items:
            return []
        rows = self._run(RESERVATIONS_OF_ITEMS, (self.network_id, *items), len(items))
        return [reservation_of(row, _time_reader(self.dialect)) for row in rows]

    def reserved_value_of(self, customer: str, now: datetime) -> float:
        """The customer's open reservations' value, summed by the database (index on network, customer, status)."""
        write = _time_writer(self.dialect)
        moment = write(now) if write is not None else now
        (value,) = self._run(RESERVED_VALUE, (self.network_id, customer, moment))[0]
        return round(float(value), 4)

    def reservation(self, reservation_id: str) -> Reservation | None:
        """The reservation with that id in this network, or None."""
        found = self._run(RESERVATION, (reservation_id, self.network_id))
        return reservation_of(found[0], _time_reader(self.dialect)) if found else None

    def layout(self) -> int | None:
        """How many times the network's small tables changed (read once per reading); None if never loaded."""
        if self._layout is None:
            found = self._run(LAYOUT, (self.network_id,))
            self._layout = int(found[0][0]) if found else None
        return self._layout

    def seen(self, event_id: str) -> bool:
        """Whether the event was applied to this network before."""
        return bool(self._run(SEEN, (self.network_id, event_id)))
