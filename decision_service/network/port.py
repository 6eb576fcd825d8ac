"""The port the service keeps live networks through; adapters: `memory.InMemoryNetworkStore`, the SQL store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from decision_service.network.model import Reservation, Row
from decision_service.network.view import Changes, StateReader
from decision_service.orders.log import DecisionRecord

T = TypeVar("T")


class NetworkStore(Protocol):
    """Networks by id: loaded whole, read by item, changed only in units of work that commit all or nothing."""

    def load(self, network_id: str, tables: dict[str, list[Row]]) -> None:
        """Replace the network's rows by `tables` (kind -> rows); its reservations and applied events stay."""
        ...

    def read(self, network_id: str, work: Callable[[StateReader], T]) -> T:
        """`work` over one consistent reading of the network; `UnknownNetwork` if none was loaded."""
        ...

    def find_reservation(self, reservation_id: str) -> Reservation | None:
        """The reservation with that id, in whichever network, or None."""
        ...

    def commit(
        self,
        network_id: str,
        work: Callable[[Changes], T],
        *,
        items: Sequence[str] = (),
        customer: str | None = None,
        records: Callable[[T], Sequence[DecisionRecord]] | None = None,
    ) -> T:
        """Run `work` on a buffer over the network and write its changes, and the log `records` of its result,
        in one transaction; nothing at all if `work` raises. `items` (and the `customer`, whose credit reads its
        reservations) are locked against other units of work (all of the network when no item is named);
        `StoreUnavailable` if the store cannot be written."""
        ...
