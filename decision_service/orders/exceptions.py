"""The exceptions a decision raises, found from the allocation, the credit check and the line prices.

Per line: shortage (nothing of the line is allocated) or backorder (part of it waits), price variance and
margin below floor (a pricing decision other than approve, by the input its deciding row tested). Per order,
naming the lines involved: late promise, substitution, transfer (via a lane, same entity), intercompany
transfer (supply of another legal entity), split shipment (more than one ship-from location), credit hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from optimizers.decision import Fill, LineDecision
from optimizers.problem import OrderLine

MAX_DAYS_LATE = 365


@dataclass(frozen=True, slots=True)
class RaisedException:
    """One exception before classification: its type, lines, units and money involved, and days late."""

    type: str
    lines: tuple[int, ...]
    qty: int
    value_at_risk: float
    days_late: int
    detail: str


def _value(qty: int, unit_price: float) -> float:
    return round(qty * unit_price, 4)


def shortage(line: LineDecision, order_line: OrderLine) -> RaisedException | None:
    """Shortage when nothing of the line is allocated, backorder when part of it is; None when it is filled."""
    if line.backorder_qty <= 0:
        return None
    kind = "shortage" if line.allocated_qty == 0 else "backorder"
    value = _value(line.backorder_qty, order_line.unit_price)
    detail = f"{line.backorder_qty} of {line.requested_qty} unit(s) not allocated"
    return RaisedException(kind, (line.line,), line.backorder_qty, value, 0, detail)


FILL_DETAILS = {
    "late_promise": "delivered after the requested date",
    "substitution": "shipped as a substitute item",
    "transfer": "moved on a transfer lane first",
    "intercompany_transfer": "supplied by another legal entity",
}


def _kinds(f: Fill) -> list[str]:
    kinds = [] if f.on_time else ["late_promise"]
    if f.substitute:
        kinds.append("substitution")
    if f.intercompany:
        kinds.append("intercompany_transfer")
    elif f.via_lane is not None:
        kinds.append("transfer")
    return kinds


def fill_exceptions(
    lines: tuple[LineDecision, ...], prices: dict[int, float], requested: date
) -> list[RaisedException]:
    """Late promise, substitution, transfer and intercompany transfer: one each per order, over its lines."""
    hits: dict[str, list[tuple[int, Fill]]] = {}
    for line in lines:
        for f in line.fills:
            for kind in _kinds(f) if f.qty > 0 else ():
                hits.setdefault(kind, []).append((line.line, f))
    return [_fill_exception(kind, hits[kind], prices, requested) for kind in FILL_DETAILS if kind in hits]


def _fill_exception(
    kind: str, hits: list[tuple[int, Fill]], prices: dict[int, float], requested: date
) -> RaisedException:
    qty = sum(f.qty for _, f in hits)
    value = round(sum(f.qty * prices[n] for n, f in hits), 4)
    late = max((f.delivery_date - requested).days for _, f in hits) if kind == "late_promise" else 0
    days = min(MAX_DAYS_LATE, max(late, 0))
    text = f"{qty} unit(s) {FILL_DETAILS[kind]}" + (f", up to {days} day(s) late" if days else "")
    return RaisedException(kind, tuple(sorted({n for n, _ in hits})), qty, value, days, text)


def split_shipment(lines: tuple[LineDecision, ...], prices: dict[int, float]) -> RaisedException | None:
    """One exception when the fills ship from more than one location, valued at everything that ships."""
    origins = {f.ship_from for line in lines for f in line.fills if f.qty > 0}
    if len(origins) <= 1:
        return None
    shipping = tuple(line.line for line in lines if line.allocated_qty > 0)
    qty = sum(line.allocated_qty for line in lines)
    value = round(sum(line.allocated_qty * prices[line.line] for line in lines), 4)
    detail = f"ships from {len(origins)} locations: " + ", ".join(sorted(origins))
    return RaisedException("split_shipment", shipping, qty, value, 0, detail)


def pricing_exception(order_line: OrderLine, decision: str, tested: tuple[str, ...]) -> RaisedException | None:
    """Margin below floor when the deciding row tested the margin, else price variance; None when approved."""
    if decision == "approve":
        return None
    kind = "margin_below_floor" if "unit_margin_pct" in tested else "price_variance"
    verb = "rejected" if decision == "reject" else "needs approval"
    value = _value(order_line.qty, order_line.unit_price)
    return RaisedException(kind, (order_line.line,), order_line.qty, value, 0, f"price {verb}")


def credit_hold(lines: tuple[int, ...], qty: int, value: float, reason: str) -> RaisedException:
    """The order's credit hold, valued at the order value the credit check used."""
    return RaisedException("credit_hold", lines, qty, value, 0, reason)
