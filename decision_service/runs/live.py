"""A run over a stored network (`network_ref`): the network and each line's confirmed quantity read from the live
state, and, in apply mode, the reservations changed to the run's allocation in one unit of work.

Readings (docs/reallocation-api.md):
- The network is every item the run's orders name, the substitutes those name, their supply, and the network's
  small tables, as `network_slice` reads them for one order. Units that open reservations of orders **outside**
  the run hold stay promised: they are taken off their pools. Units reserved for the run's own orders go back
  into the pools, since the run re-decides those orders.
- A line's `confirmed_qty` is what its open reservations (held and unexpired, or confirmed) still hold; sending
  one beside `network_ref` is refused, so there is one source of truth.
- A customer's `open_balance` is the stored one plus what its reservations outside the run are worth (the
  run's own orders are valued by the credit rules as orders, as in a single decision).
- Apply: inside one unit of work, the state is read again; if anything the run read changed (a pool, a
  reservation, a customer) nothing is changed and the caller gets `Conflict` (run again). Otherwise each line
  whose allocation differs from what its reservations hold has them released and new ones made, confirmed
  (firm until shipped: a planner's run is a commitment, not a quote); lines whose allocation is unchanged keep
  theirs. Every changed order gets a `reservation_released` and a `reservation` record in the same transaction
  as the run's own record.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from decision_service.network.model import CONFIRMED, RELEASED, Reservation, Row, key_of
from decision_service.network.reserving import Conflict, ReservedFill, pools_of, reservations_for
from decision_service.network.slicing import items_needed, network_of
from decision_service.network.view import Changes, StateReader
from optimizers.reallocation import InvalidRun

LineKey = tuple[str, int]  # (order id, line number)


class RunConflict(Exception):
    """The stored network changed between a run's reading and its applying: nothing was changed."""


@dataclass
class LiveRun:
    """What a run read from the store: the input it decides, and the reservations of its own orders' lines."""

    data: dict[str, Any]
    held: dict[LineKey, list[Reservation]] = field(default_factory=dict)

    def fingerprint(self) -> tuple[Any, ...]:
        """What must be unchanged for the run to be applied: pools, customers, the lines' reservations."""
        network = self.data["network"]
        held = sorted((k, sorted((r.id, r.remaining, r.status) for r in v)) for k, v in self.held.items())
        return pools_of(network), sorted(map(str, network["customers"])), held


def _orders(data: dict[str, Any]) -> list[dict[str, Any]]:
    orders = data.get("orders")
    return [o for o in orders if isinstance(o, dict)] if isinstance(orders, list) else []


def _lines(order: dict[str, Any]) -> list[dict[str, Any]]:
    lines = order.get("lines")
    return [ln for ln in lines if isinstance(ln, dict)] if isinstance(lines, list) else []


def resolve_run(state: StateReader, data: dict[str, Any], now: datetime) -> LiveRun:
    """`data` (the spec's input without `network`) with the stored network and confirmed quantities in place."""
    if "network" in data:
        raise InvalidRun("network_ref", "send either network or network_ref, not both")
    orders = _orders(data)
    for i, order in enumerate(orders):
        for j, line in enumerate(_lines(order)):
            if "confirmed_qty" in line:
                why = "with network_ref the confirmed quantity is what the line's reservations hold"
                raise InvalidRun(f"orders[{i}].lines[{j}].confirmed_qty", why)
    ordered = [str(ln.get("item")) for o in orders for ln in _lines(o)]
    items = items_needed(state, ordered)
    ours = {str(o.get("id")) for o in orders}
    held: dict[LineKey, list[Reservation]] = {}
    others: dict[tuple[str, str, str | None], int] = {}
    ours_value: dict[str, float] = {}
    for r in state.reservations_of_items(list(items)):
        if not r.is_open(now):
            continue
        if r.order_id in ours:
            held.setdefault((r.order_id, r.line), []).append(r)
            ours_value[r.customer] = ours_value.get(r.customer, 0.0) + r.value
        else:
            others[r.pool()] = others.get(r.pool(), 0) + r.remaining
    network = network_of(state, items, others, _customers(state, orders, ours_value, now))
    resolved = copy.deepcopy(data)
    for order in _orders(resolved):
        for line in _lines(order):
            reserved = held.get((str(order.get("id")), line.get("line")), [])  # type: ignore[arg-type]
            line["confirmed_qty"] = sum(r.remaining for r in reserved)
    return LiveRun({**resolved, "network": network}, held)


def _customers(state: StateReader, orders: list[dict[str, Any]], ours: dict[str, float], now: datetime) -> list[Row]:
    names = list(dict.fromkeys(str(o.get("customer")) for o in orders))
    rows = state.rows_by_keys("customers", [key_of("customers", {"id": c}) for c in names])
    out = []
    for row in rows:
        outside = round(state.reserved_value_of(row["id"], now) - ours.get(row["id"], 0.0), 4)
        out.append({**row, "open_balance": round(float(row.get("open_balance", 0)) + outside, 4)} if outside else row)
    return out


@dataclass(frozen=True, slots=True)
class AppliedRun:
    """What applying a run changed, by order: reservations released and made."""

    released: dict[str, list[Reservation]]
    made: dict[str, list[Reservation]]

    def summary(self) -> dict[str, int]:
        """Counts for the run's answer."""
        return {"orders_changed": len(set(self.released) | set(self.made)),
                "reservations_released": sum(map(len, self.released.values())),
                "reservations_made": sum(map(len, self.made.values()))}  # fmt: skip


def _fills(answer: dict[str, Any]) -> dict[LineKey, list[ReservedFill]]:
    found: dict[LineKey, list[ReservedFill]] = {}
    for order in answer["orders"]:
        for line in order["lines"]:
            fills = [ReservedFill(line["line"], f["item"], f["location"], f["source"],
                                  date.fromisoformat(f["available_date"]), f["qty"])
                     for f in line["fills"] if f["qty"]]  # fmt: skip
            found[(order["id"], line["line"])] = fills
    return found


def apply_run(
    changes: Changes, read: LiveRun, answer: dict[str, Any], *, network_id: str, run_id: str, now: datetime
) -> AppliedRun:
    """Change the reservations of the run's lines to its allocation (see the module's readings); `Conflict` if
    the state differs from what the run read."""
    again = resolve_run(changes, _strip(read.data), now)
    if again.fingerprint() != read.fingerprint():
        raise Conflict("the network changed while the run was decided")
    orders = {o["id"]: o for o in _orders(read.data)}
    as_of = date.fromisoformat(read.data["as_of"])
    released: dict[str, list[Reservation]] = {}
    made: dict[str, list[Reservation]] = {}
    pools = pools_of(read.data["network"])
    for (order_id, line_no), fills in sorted(_fills(answer).items()):
        order = orders[order_id]
        price = next(float(ln["unit_price"]) for ln in _lines(order) if ln.get("line") == line_no)
        wanted = reservations_for([replace(f, unit_price=price) for f in fills], pools, as_of, now, timedelta(0),
                                  network_id=network_id, order_id=order_id, customer=order["customer"],
                                  decision_id=run_id)  # fmt: skip
        for r in wanted:
            pools[r.pool()] -= r.qty
        existing = read.held.get((order_id, line_no), [])
        if _holding(existing) == _holding(wanted):
            continue
        for r in existing:
            released.setdefault(order_id, []).append(replace(r, status=RELEASED))
            changes.save(released[order_id][-1])
        for r in wanted:
            made.setdefault(order_id, []).append(replace(r, status=CONFIRMED, expires_at=None))
            changes.save(made[order_id][-1])
    return AppliedRun(released, made)


def _holding(reservations: Sequence[Reservation]) -> dict[tuple[str, str, str | None], int]:
    held: dict[tuple[str, str, str | None], int] = {}
    for r in reservations:
        held[r.pool()] = held.get(r.pool(), 0) + r.remaining
    return held


def _strip(data: dict[str, Any]) -> dict[str, Any]:
    """The run's input as sent: without the network and the confirmed quantities the store supplied."""
    out = {k: v for k, v in data.items() if k != "network"}
    out["orders"] = [{**o, "lines": [{k: v for k, v in ln.items() if k != "confirmed_qty"} for ln in _lines(o)]}
                     for o in _orders(data)]  # fmt: skip
    return out
