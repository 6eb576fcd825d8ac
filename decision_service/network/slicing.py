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

from decision_service.network.model import Row, key_of, key_values
from decision_service.network.pools import Pool, reserved_by_pool
from decision_service.network.view import StateReader


def items_needed(state: StateReader, ordered: Iterable[str]) -> dict[str, Row]:
    """The rows of the ordered items and of the substitutes they name (unknown ones are left out), in the order
    named: two readings, the ordered items, then the substitutes not already among them."""
    names = list(dict.fromkeys(ordered))
    by_id = {row["id"]: row for row in state.rows_by_keys("items", [key_of("items", {"id": n}) for n in names])}
    named = [sub["item"] for item in names if item in by_id for sub in by_id[item]["substitutes"]]
    missing = [n for n in dict.fromkeys(named) if n not in by_id]
    by_id |= {row["id"]: row for row in state.rows_by_keys("items", [key_of("items", {"id": n}) for n in missing])}
    found: dict[str, Row] = {}
    for item in names:
        if item in by_id:
            found[item] = by_id[item]
            found |= {sub["item"]: by_id[sub["item"]] for sub in by_id[item]["substitutes"] if sub["item"] in by_id}
    return found


SMALL_KINDS = ("locations", "shipping", "lanes")
SUPPLY_KINDS = ("stock", "inbound", "protections")


def _ordered(rows: list[Row], kind: str, rank: dict[str, int]) -> list[Row]:
    """Rows item by item in the slice's order, then by key: the same order from every store."""
    return sorted(rows, key=lambda row: (rank[row["item"]], key_values(kind, row)))


def network_of(state: StateReader, items: dict[str, Row], taken: dict[Pool, int], customers: list[Row]
               ) -> dict[str, Any]:  # fmt: skip
    """The request `network` over `items` (their rows), its supply less the units `taken` from each pool
    (promised elsewhere), for `customers`: two readings, the items' supply rows and the small tables."""
    rank = {item: n for n, item in enumerate(items)}
    rows = state.rows_of_items(SUPPLY_KINDS, list(items))
    small = state.rows_of_kinds(SMALL_KINDS)
    stock = [{**s, "qty": max(0, s["qty"] - taken.get((s["item"], s["location"], None), 0))}
             if s["status"] == "available" else s for s in _ordered(rows["stock"], "stock", rank)]  # fmt: skip
    inbound = [{**i, "qty": max(0, i["qty"] - taken.get((i["item"], i["location"], i["eta"]), 0))}
               for i in _ordered(rows["inbound"], "inbound", rank)]  # fmt: skip
    kept = [{**row, "substitutes": [s for s in row["substitutes"] if s["item"] in items]} for row in items.values()]
    return {
        "locations": small["locations"], "items": kept, "stock": stock, "inbound": inbound,
        "shipping": small["shipping"], "lanes": small["lanes"], "customers": customers,
        "protections": _ordered(rows["protections"], "protections", rank),
    }  # fmt: skip


def network_slice(state: StateReader, ordered: Iterable[str], customer: str, now: datetime) -> dict[str, Any]:
    """The request `network` for an order of `ordered` items by `customer`, less every open reservation."""
    items = items_needed(state, ordered)
    taken = reserved_by_pool(state.reservations_of_items(list(items)), now)
    return network_of(state, items, taken, customer_rows(state, customer, now))


def customer_rows(state: StateReader, customer: str, now: datetime) -> list[Row]:
    """The customer's row (none if unknown), its open balance raised by what is reserved for it and not shipped."""
    found = state.row("customers", key_of("customers", {"id": customer}))
    if found is None:
        return []
    reserved = state.reserved_value_of(customer, now)
    if not reserved:
        return [found]
    return [{**found, "open_balance": round(float(found.get("open_balance", 0)) + reserved, 4)}]
