"""`InMemoryNetworkStore`: the network store in this process, for tests (one lock serialises every change)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from decision_service.network.model import ITEM_KINDS, Reservation, Row, UnknownNetwork, item_of, key_of
from decision_service.network.view import Changes
from decision_service.orders.log import DecisionLog, DecisionRecord

T = TypeVar("T")


@dataclass
class _Network:
    rows: dict[str, dict[str, Row]] = field(default_factory=dict)  # kind -> key -> row
    reservations: dict[str, Reservation] = field(default_factory=dict)
    events: set[str] = field(default_factory=set)

    def row(self, kind: str, key: str) -> Row | None:
        return self.rows.get(kind, {}).get(key)

    def rows_of_item(self, kind: str, item: str) -> list[Row]:
        return [row for row in self.rows.get(kind, {}).values() if item_of(kind, row) == item]

    def rows_of_kinds(self, kinds: Sequence[str]) -> dict[str, list[Row]]:
        if set(kinds) & set(ITEM_KINDS):
            raise ValueError(f"{sorted(set(kinds) & set(ITEM_KINDS))} are read by item, never whole")
        return {kind: list(self.rows.get(kind, {}).values()) for kind in kinds}

    def reservations_of_item(self, item: str) -> list[Reservation]:
        return [r for r in self.reservations.values() if r.item == item and r.status in ("held", "confirmed")]

    def rows_by_keys(self, kind: str, keys: Sequence[str]) -> list[Row]:
        table = self.rows.get(kind, {})
        return [table[key] for key in dict.fromkeys(keys) if key in table]

    def rows_of_items(self, kinds: Sequence[str], items: Sequence[str]) -> dict[str, list[Row]]:
        wanted = set(items)
        return {kind: [row for row in self.rows.get(kind, {}).values() if item_of(kind, row) in wanted]
                for kind in kinds}  # fmt: skip

    def reservations_of_items(self, items: Sequence[str]) -> list[Reservation]:
        wanted = set(items)
        return [r for r in self.reservations.values() if r.item in wanted and r.status in ("held", "confirmed")]

    def reserved_value_of(self, customer: str, now: datetime) -> float:
        mine = [r for r in self.reservations.values() if r.customer == customer]
        return round(sum(r.value for r in mine if r.is_open(now)), 4)

    def reservation(self, reservation_id: str) -> Reservation | None:
        return self.reservations.get(reservation_id)

    def seen(self, event_id: str) -> bool:
        return event_id in self.events


class InMemoryNetworkStore:
    """A `NetworkStore` in dicts; records of a unit of work go to `log` before its changes are kept."""

    def __init__(self, log: DecisionLog) -> None:
        self.log = log
        self._networks: dict[str, _Network] = {}
        self._lock = threading.RLock()

    def load(self, network_id: str, tables: dict[str, list[Row]]) -> None:
        """Replace the network's rows; its reservations and applied events stay."""
        rows = {kind: {key_of(kind, row): row for row in kind_rows} for kind, kind_rows in tables.items()}
        with self._lock:
            self._networks.setdefault(network_id, _Network()).rows = rows

    def read(self, network_id: str, work: Callable[[_Network], T]) -> T:
        """`work` over the network as it is now."""
        with self._lock:
            return work(self._network(network_id))

    def find_reservation(self, reservation_id: str) -> Reservation | None:
        """The reservation with that id, in whichever network, or None."""
        with self._lock:
            found = (n.reservations.get(reservation_id) for n in self._networks.values())
            return next((r for r in found if r is not None), None)

    def commit(
        self,
        network_id: str,
        work: Callable[[Changes], T],
        *,
        items: Sequence[str] = (),
        customer: str | None = None,
        records: Callable[[T], Sequence[DecisionRecord]] | None = None,
    ) -> T:
        """Run `work` and keep its changes and records, or nothing if it raises."""
        with self._lock:
            network = self._network(network_id)
            changes = Changes(network)
            result = work(changes)
            for record in records(result) if records is not None else ():
                self.log.append(record)
            for (kind, key), row in changes.rows.items():
                if row is None:
                    network.rows.get(kind, {}).pop(key, None)
                else:
                    network.rows.setdefault(kind, {})[key] = row
            network.reservations.update(changes.reservations)
            network.events.update(changes.events)
            return result

    def _network(self, network_id: str) -> _Network:
        if network_id not in self._networks:
            raise UnknownNetwork(network_id)
        return self._networks[network_id]
