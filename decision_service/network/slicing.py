"""The slice of the stored network one order needs: its items and their substitutes, with promised units gone.

Read by item, never by scanning the network: the ordered items, the substitutes they name, their stock, inbound
and protections; the order's customer; and the network's small tables (locations, shipping, lanes).

The customer's `open_balance` in the slice is the stored one (receivables, as the ERP last reported them) plus
what the customer's open reservations are worth: units promised and not yet shipped, hence not yet invoiced.
So credit sees every order already reserved for the customer, and two orders reserved at once cannot both slip
under the limit (the reserve's unit of work compares the customer row and locks it with the items).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from decision_service.network.model import Row, key_of
from decision_service.network.pools import reserved_by_pool, reserved_value
from decision_service.network.view import StateReader


def items_needed(state: StateReader, ordered: Iterable[str]) -> dict[str, Row]:
    """The rows of the ordered items and of the substitutes they name (unknown ones are left out)."""
    found: dict[str, Row] = {}
    for item in dict.fromkeys(ordered):
        row = state.row("items", key_of("items", {"id": item}))
        if row is None:
            continue
        found[item] = row
        for sub in row["substitutes"]:
            sub_row = found.get(sub["item"]) or state.row("items", key_of("items", {"id": sub["item"]}))
            if sub_row is not None:
                found[sub["item"]] = sub_row
    return found


def network_slice(state: StateReader, ordered: Iterable[str], customer: str, now: datetime) -> dict[str, Any]:
    """The request `network` for an order of `ordered` items by `customer`, less every open reservation."""
    items = items_needed(state, ordered)
    stock, inbound, protections = [], [], []
    for item in items:
        reserved = reserved_by_pool(state.reservations_of_item(item), now)
        for s in state.rows_of_item("stock", item):
            gone = reserved.get((item, s["location"], None), 0) if s["status"] == "available" else 0
            stock.append({**s, "qty": max(0, s["qty"] - gone)})
        for i in state.rows_of_item("inbound", item):
            inbound.append({**i, "qty": max(0, i["qty"] - reserved.get((item, i["location"], i["eta"]), 0))})
        protections += state.rows_of_item("protections", item)
    kept = [{**row, "substitutes": [s for s in row["substitutes"] if s["item"] in items]} for row in items.values()]
    return {
        "locations": state.rows_of_kind("locations"), "items": kept, "stock": stock, "inbound": inbound,
        "shipping": state.rows_of_kind("shipping"), "lanes": state.rows_of_kind("lanes"),
        "customers": customer_rows(state, customer, now), "protections": protections,
    }  # fmt: skip


def customer_rows(state: StateReader, customer: str, now: datetime) -> list[Row]:
    """The customer's row (none if unknown), its open balance raised by what is reserved for it and not shipped."""
    found = state.row("customers", key_of("customers", {"id": customer}))
    if found is None:
        return []
    reserved = reserved_value(state.reservations_of_customer(customer), now)
    if not reserved:
        return [found]
    return [{**found, "open_balance": round(float(found.get("open_balance", 0)) + reserved, 4)}]
