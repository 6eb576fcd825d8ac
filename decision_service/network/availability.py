"""Availability of one item, per location and available date: on hand, reserved, protected, available to promise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from decision_service.network.pools import reserved_by_pool
from decision_service.network.view import StateReader


@dataclass(frozen=True, slots=True)
class Availability:
    """One pool of an item: available stock at a location (`source` stock) or one inbound row (`inbound`)."""

    item: str
    location: str
    source: str
    available_date: date
    on_hand: int  # every status, for stock; 0 for inbound
    sellable: int  # available-status stock, or the inbound quantity
    reserved: int  # promised by held (unexpired) and confirmed reservations, not yet shipped
    protected: int  # kept for customers of a protection's tier or better (stock only)
    available_to_promise: int  # sellable - reserved - protected, floored at 0: what any customer may be promised


def availability_of(
    state: StateReader, item: str, location: str | None, today: date, now: datetime
) -> list[Availability]:
    """The item's pools (at `location` when given), stock first, then inbound by date."""
    reserved = reserved_by_pool(state.reservations_of_item(item), now)
    protected: dict[str, int] = {}
    for row in state.rows_of_item("protections", item):
        protected[row["location"]] = protected.get(row["location"], 0) + row["qty"]
    on_hand: dict[str, list[int]] = {}
    for s in state.rows_of_item("stock", item):
        totals = on_hand.setdefault(s["location"], [0, 0])
        totals[0] += s["qty"]
        totals[1] += s["qty"] if s["status"] == "available" else 0
    found = []
    for loc, (held, sellable) in on_hand.items():
        r, kept = reserved.get((item, loc, None), 0), protected.get(loc, 0)
        found.append(Availability(item, loc, "stock", today, held, sellable, r, kept, max(0, sellable - r - kept)))
    for row in state.rows_of_item("inbound", item):
        r = reserved.get((item, row["location"], row["eta"]), 0)
        when = max(date.fromisoformat(row["eta"]), today)
        found.append(Availability(item, row["location"], "inbound", when, 0, row["qty"], r, 0, max(0, row["qty"] - r)))
    found = [a for a in found if location is None or a.location == location]
    return sorted(found, key=lambda a: (a.source != "stock", a.available_date, a.location))
