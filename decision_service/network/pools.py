"""Pools and what is promised from them: the checks every event and every reservation passes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from decision_service.network.model import InvalidEvent, Reservation, Row, inbound_key, key_of, stock_key
from decision_service.network.view import StateReader

Pool = tuple[str, str, str | None]  # (item, location, inbound eta or None for available stock)


def qty_of(row: Row | None) -> int:
    """The quantity of a row; 0 for a missing one."""
    return 0 if row is None else int(row["qty"])


def known(state: StateReader, data: dict[str, Any], at: str) -> None:
    """`InvalidEvent` unless the event's item and location are in the network."""
    if state.row("items", key_of("items", {"id": data["item"]})) is None:
        raise InvalidEvent([(f"{at}.item", f"unknown item {data['item']!r}")])
    if state.row("locations", key_of("locations", {"id": data["location"]})) is None:
        raise InvalidEvent([(f"{at}.location", f"unknown location {data['location']!r}")])


def pool_qty(state: StateReader, pool: Pool) -> int:
    """The units of a pool: available stock, or one inbound row."""
    item, location, eta = pool
    key = stock_key(item, location) if eta is None else inbound_key(item, location, eta)
    return qty_of(state.row("stock" if eta is None else "inbound", key))


def reserved_by_pool(reservations: list[Reservation], now: datetime) -> dict[Pool, int]:
    """Units promised from each pool by the open reservations."""
    totals: dict[Pool, int] = {}
    for r in reservations:
        if r.is_open(now):
            totals[r.pool()] = totals.get(r.pool(), 0) + r.remaining
    return totals


def check_pool(state: StateReader, item: str, location: str, eta: str | None, at: str, now: datetime) -> None:
    """`InvalidEvent` at `at` if the pool would hold fewer units than are promised from it."""
    pool: Pool = (item, location, eta)
    promised = reserved_by_pool(state.reservations_of_item(item), now).get(pool, 0)
    units = pool_qty(state, pool)
    if promised > units:
        where = "available stock" if eta is None else f"inbound due {eta}"
        message = f"would leave {units} units of {item} {where} at {location}, fewer than the {promised} promised"
        raise InvalidEvent([(at, message + "; release reservations first")])
