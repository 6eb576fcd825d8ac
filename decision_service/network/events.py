"""The rules of the events: each one checked against the state as the batch has left it, then buffered.

An event is refused (`InvalidEvent`, naming its field) when it would leave a quantity below zero, fewer units
in a pool than are promised from it, or a reference to an item, location or reservation the network lacks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from decision_service.network.model import (
    CONFIRMED,
    SHIPPED,
    STOCK,
    Applied,
    InvalidEvent,
    NetworkEvent,
    inbound_key,
    key_of,
    stock_key,
)
from decision_service.network.pools import check_pool, known, qty_of
from decision_service.network.view import Changes

Rule = Callable[[Changes, dict[str, Any], str, datetime], None]


def apply_events(changes: Changes, events: Sequence[NetworkEvent], now: datetime) -> Applied:
    """Apply `events` in order to `changes`; events applied before are skipped; `InvalidEvent` if any is wrong."""
    applied: list[str] = []
    replayed: list[str] = []
    for i, event in enumerate(events):
        if changes.seen(event.id):
            replayed.append(event.id)
            continue
        RULES[event.type](changes, event.data, f"events[{i}]", now)
        changes.events.append(event.id)
        applied.append(event.id)
    return Applied(tuple(applied), tuple(replayed))


def _adjust(changes: Changes, kind: str, row: dict[str, Any], delta: int, path: str) -> None:
    key = key_of(kind, row)
    qty = qty_of(changes.row(kind, key)) + delta
    if qty < 0:
        raise InvalidEvent([(path, f"would leave {qty} units of {row['item']} at {row['location']}; not below 0")])
    changes.put(kind, {**(changes.row(kind, key) or row), "qty": qty})


def stock_adjusted(changes: Changes, data: dict[str, Any], at: str, now: datetime) -> None:
    """A count, a write-off or a found unit: `delta` units more (or fewer) of one status."""
    known(changes, data, at)
    row = {"item": data["item"], "location": data["location"], "qty": 0, "status": data["status"]}
    _adjust(changes, "stock", row, data["delta"], f"{at}.delta")
    check_pool(changes, data["item"], data["location"], None, f"{at}.delta", now)


def receipt_posted(changes: Changes, data: dict[str, Any], at: str, now: datetime) -> None:
    """Units received into available stock, against the inbound row of `eta` when given."""
    known(changes, data, at)
    item, location, qty = data["item"], data["location"], data["qty"]
    _adjust(changes, "stock", {"item": item, "location": location, "qty": 0, "status": "available"}, qty, at)
    eta = data.get("eta")
    if eta is not None:
        if changes.row("inbound", inbound_key(item, location, eta)) is None:
            raise InvalidEvent([(f"{at}.eta", f"no inbound of {item} at {location} due {eta}")])
        _adjust(changes, "inbound", {"item": item, "location": location, "eta": eta}, -qty, f"{at}.qty")
        _move_to_stock(changes, item, location, eta, f"{at}.qty", now)


def _move_to_stock(changes: Changes, item: str, location: str, eta: str, at: str, now: datetime) -> None:
    """Promises on received inbound now hold the received stock: those the inbound left can no longer cover."""
    left = qty_of(changes.row("inbound", inbound_key(item, location, eta)))
    on_it = [r for r in changes.reservations_of_item(item) if r.is_open(now) and r.pool() == (item, location, eta)]
    for reservation in sorted(on_it, key=lambda r: (r.created_at, r.id), reverse=True):
        if sum(r.remaining for r in on_it) <= left:
            break
        on_it.remove(reservation)
        changes.save(replace(reservation, source=STOCK, eta=None))
    check_pool(changes, item, location, None, at, now)


def shipment_posted(changes: Changes, data: dict[str, Any], at: str, now: datetime) -> None:
    """Units of a confirmed reservation shipped: they leave the stock and the reservation."""
    reservation = changes.reservation(data["reservation"])
    if reservation is None:
        raise InvalidEvent([(f"{at}.reservation", f"unknown reservation {data['reservation']!r}")])
    if reservation.status != CONFIRMED:
        raise InvalidEvent([(f"{at}.reservation", f"reservation is {reservation.status}; only a confirmed one ships")])
    if reservation.source != STOCK:
        raise InvalidEvent([(f"{at}.reservation", "the reservation holds inbound not yet received")])
    if data["qty"] > reservation.remaining:
        raise InvalidEvent([(f"{at}.qty", f"only {reservation.remaining} units of the reservation are unshipped")])
    shipped = reservation.shipped + data["qty"]
    changes.save(replace(reservation, shipped=shipped, status=SHIPPED if shipped == reservation.qty else CONFIRMED))
    row = {"item": reservation.item, "location": reservation.location, "qty": 0, "status": "available"}
    _adjust(changes, "stock", row, -data["qty"], f"{at}.qty")


def inbound_posted(changes: Changes, data: dict[str, Any], at: str, now: datetime) -> None:
    """A new or larger inbound (a purchase order or transfer in), due `eta`."""
    known(changes, data, at)
    row = {"item": data["item"], "location": data["location"], "eta": data["eta"], "qty": 0}
    _adjust(changes, "inbound", row, data["qty"], f"{at}.qty")


def inbound_cancelled(changes: Changes, data: dict[str, Any], at: str, now: datetime) -> None:
    """`qty` units (all when absent) of an inbound will not come."""
    item, location, eta = data["item"], data["location"], data["eta"]
    row = changes.row("inbound", inbound_key(item, location, eta))
    if row is None:
        raise InvalidEvent([(f"{at}.eta", f"no inbound of {item} at {location} due {eta}")])
    qty = data.get("qty")
    _adjust(changes, "inbound", row, -(row["qty"] if qty is None else qty), f"{at}.qty")
    check_pool(changes, item, location, eta, f"{at}.qty", now)


def inbound_eta_changed(changes: Changes, data: dict[str, Any], at: str, now: datetime) -> None:
    """An inbound now due `new_eta`: its units and the promises on them move with it."""
    item, location, eta, new_eta = data["item"], data["location"], data["eta"], data["new_eta"]
    row = changes.row("inbound", inbound_key(item, location, eta))
    if row is None:
        raise InvalidEvent([(f"{at}.eta", f"no inbound of {item} at {location} due {eta}")])
    changes.delete("inbound", inbound_key(item, location, eta))
    _adjust(changes, "inbound", {**row, "eta": new_eta, "qty": 0}, row["qty"], f"{at}.new_eta")
    for reservation in changes.reservations_of_item(item):
        if reservation.pool() == (item, location, eta):
            changes.save(replace(reservation, eta=new_eta))


def status_changed(changes: Changes, data: dict[str, Any], at: str, now: datetime) -> None:
    """`qty` units move from one stock status to another (a quality hold released, a unit damaged)."""
    known(changes, data, at)
    base = {"item": data["item"], "location": data["location"], "qty": 0}
    if changes.row("stock", stock_key(data["item"], data["location"], data["from"])) is None:
        raise InvalidEvent([(f"{at}.from", f"no {data['from']} stock of {data['item']} at {data['location']}")])
    _adjust(changes, "stock", {**base, "status": data["from"]}, -data["qty"], f"{at}.qty")
    _adjust(changes, "stock", {**base, "status": data["to"]}, data["qty"], f"{at}.qty")
    check_pool(changes, data["item"], data["location"], None, f"{at}.qty", now)


def item_updated(changes: Changes, data: dict[str, Any], at: str, now: datetime) -> None:
    """An item's cost or substitutes, new or changed."""
    for j, sub in enumerate(data["item"]["substitutes"]):
        if sub["item"] != data["item"]["id"] and changes.row("items", key_of("items", {"id": sub["item"]})) is None:
            raise InvalidEvent([(f"{at}.item.substitutes[{j}].item", f"unknown item {sub['item']!r}")])
    changes.put("items", data["item"])


def customer_updated(changes: Changes, data: dict[str, Any], at: str, now: datetime) -> None:
    """A customer's tier, substitution, shipments or credit position, new or changed."""
    changes.put("customers", data["customer"])


def lane_changed(changes: Changes, data: dict[str, Any], at: str, now: datetime) -> None:
    """A transfer lane, new, changed or (`removed`) gone."""
    lane = data["lane"]
    for end in ("from", "to"):
        if changes.row("locations", key_of("locations", {"id": lane[end]})) is None:
            raise InvalidEvent([(f"{at}.lane.{end}", f"unknown location {lane[end]!r}")])
    if data.get("removed"):
        changes.delete("lanes", key_of("lanes", lane))
    else:
        changes.put("lanes", lane)


RULES: dict[str, Rule] = {
    rule.__name__: rule
    for rule in (
        stock_adjusted, receipt_posted, shipment_posted, inbound_posted, inbound_cancelled, inbound_eta_changed,
        status_changed, item_updated, customer_updated, lane_changed,
    )
}  # fmt: skip
EVENT_TYPES = tuple(RULES)
