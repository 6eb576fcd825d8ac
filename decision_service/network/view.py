"""What the rules of the events read and write: a `StateReader` (a store's rows) and a `Changes` buffer on it.

Every change is buffered and written by the store only when the whole batch is valid, so a refused batch
changes nothing on any store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from decision_service.network.model import Reservation, Row, item_of, key_of


class StateReader(Protocol):
    """One network's rows and reservations, read by key or by item (never the whole network)."""

    def row(self, kind: str, key: str) -> Row | None:
        """The row of `kind` with that key, or None."""
        ...

    def rows_of_item(self, kind: str, item: str) -> list[Row]:
        """The rows of `kind` (one of ITEM_KINDS) about `item`."""
        ...

    def reservations_of_item(self, item: str) -> list[Reservation]:
        """Every reservation of `item` that is held or confirmed (open or past its expiry)."""
        ...

    def rows_by_keys(self, kind: str, keys: Sequence[str]) -> list[Row]:
        """The rows of `kind` with those keys (the ones that exist), in one reading."""
        ...

    def rows_of_items(self, kinds: Sequence[str], items: Sequence[str]) -> dict[str, list[Row]]:
        """The rows of each of `kinds` (of ITEM_KINDS) about any of `items`, by kind, in one reading."""
        ...

    def rows_of_kinds(self, kinds: Sequence[str]) -> dict[str, list[Row]]:
        """Every row of each of `kinds` (small kinds, not kept by item), by kind, in one reading."""
        ...

    def reservations_of_items(self, items: Sequence[str]) -> list[Reservation]:
        """Every held or confirmed reservation of any of `items`, in one reading."""
        ...

    def reserved_value_of(self, customer: str, now: datetime) -> float:
        """What the customer's open reservations still promise is worth (`Reservation.value`, summed)."""
        ...

    def reservation(self, reservation_id: str) -> Reservation | None:
        """The reservation with that id, or None."""
        ...

    def seen(self, event_id: str) -> bool:
        """Whether an event with that id was applied before."""
        ...


@dataclass
class Changes:
    """The rows put (None: deleted), reservations written and events applied by one batch, over `base`."""

    base: StateReader
    rows: dict[tuple[str, str], Row | None] = field(default_factory=dict)
    reservations: dict[str, Reservation] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)

    def row(self, kind: str, key: str) -> Row | None:
        """The row as the batch has left it so far."""
        if (kind, key) in self.rows:
            return self.rows[(kind, key)]
        return self.base.row(kind, key)

    def put(self, kind: str, row: Row) -> None:
        """Put `row` in place of the row with its key."""
        self.rows[(kind, key_of(kind, row))] = row

    def delete(self, kind: str, key: str) -> None:
        """Remove the row with that key."""
        self.rows[(kind, key)] = None

    def rows_of_item(self, kind: str, item: str) -> list[Row]:
        """The rows of `kind` about `item` as the batch has left them."""
        found = {key_of(kind, row): row for row in self.base.rows_of_item(kind, item)}
        for (k, key), row in self.rows.items():
            if k != kind:
                continue
            if row is None:
                found.pop(key, None)
            elif item_of(kind, row) == item:
                found[key] = row
        return list(found.values())

    def rows_of_kind(self, kind: str) -> list[Row]:
        """Every row of a small kind as the batch has left it."""
        found = {key_of(kind, row): row for row in self.base.rows_of_kinds([kind])[kind]}
        for (k, key), row in self.rows.items():
            if k == kind and row is None:
                found.pop(key, None)
            elif k == kind and row is not None:
                found[key] = row
        return list(found.values())

    def reservation(self, reservation_id: str) -> Reservation | None:
        """The reservation as the batch has left it."""
        return self.reservations.get(reservation_id) or self.base.reservation(reservation_id)

    def reservations_of_item(self, item: str) -> list[Reservation]:
        """The held or confirmed reservations of `item` as the batch has left them."""
        found = {r.id: r for r in self.base.reservations_of_item(item)}
        found.update({r.id: r for r in self.reservations.values() if r.item == item})
        return [r for r in found.values() if r.status in ("held", "confirmed")]

    def rows_by_keys(self, kind: str, keys: Sequence[str]) -> list[Row]:
        """The rows with those keys as the batch has left them."""
        found = {key_of(kind, row): row for row in self.base.rows_by_keys(kind, keys)}
        for key in keys:
            if (kind, key) in self.rows:
                found[key] = self.rows[(kind, key)]  # type: ignore[assignment]  # None: deleted
        return [row for row in found.values() if row is not None]

    def rows_of_items(self, kinds: Sequence[str], items: Sequence[str]) -> dict[str, list[Row]]:
        """The rows of `kinds` about `items` as the batch has left them."""
        found = self.base.rows_of_items(kinds, items)
        for kind in kinds:
            if any(k == kind for k, _ in self.rows):
                found[kind] = [row for item in dict.fromkeys(items) for row in self.rows_of_item(kind, item)]
        return found

    def rows_of_kinds(self, kinds: Sequence[str]) -> dict[str, list[Row]]:
        """Every row of the small `kinds` as the batch has left them."""
        return {kind: self.rows_of_kind(kind) for kind in kinds}

    def reservations_of_items(self, items: Sequence[str]) -> list[Reservation]:
        """The held or confirmed reservations of `items` as the batch has left them."""
        wanted = set(items)
        found = {r.id: r for r in self.base.reservations_of_items(items)}
        found.update({r.id: r for r in self.reservations.values() if r.item in wanted})
        return [r for r in found.values() if r.status in ("held", "confirmed")]

    def reserved_value_of(self, customer: str, now: datetime) -> float:
        """The customer's reserved value as the batch has left it: the base's, with each buffered
        reservation of the customer counted as it now stands instead of as it stood."""
        value = self.base.reserved_value_of(customer, now)
        for r in self.reservations.values():
            if r.customer != customer:
                continue
            before = self.base.reservation(r.id)
            value -= before.value if before is not None and before.is_open(now) else 0.0
            value += r.value if r.is_open(now) else 0.0
        return round(value, 4)

    def save(self, reservation: Reservation) -> None:
        """Write `reservation` (new or changed)."""
        self.reservations[reservation.id] = reservation

    def seen(self, event_id: str) -> bool:
        """Whether the event was applied before or earlier in this batch."""
        return event_id in self.events or self.base.seen(event_id)
