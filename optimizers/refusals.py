"""Supply that can never serve a line, each with its reason: what the explanation lists beside the arcs."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import NamedTuple

from optimizers.decision import ReasonCode
from optimizers.problem import AllocationProblem, Item
from optimizers.routes import MARGIN_SCALE, Route
from optimizers.supply import SupplyNode


class Rejected(NamedTuple):
    """Supply of a usable item that cannot serve a line at all, with the reason."""

    line: int  # index into order.lines, or -1 when no line of the order can use it
    item: str
    location: str
    source: str
    available_date: date | None
    qty: int
    reason: ReasonCode
    detail: str
    lane: tuple[str, str] | None = None


def no_route(node: SupplyNode, region: str) -> Rejected:
    detail = f"no shipping from {node.location} (or via a lane from it) to {region}"
    return _node(node, node.qty, ReasonCode.NO_SHIPPING_ROUTE, detail)


def protected(node: SupplyNode) -> Rejected:
    detail = f"{node.protected} units protected for a higher tier than the customer's"
    return _node(node, node.raw_qty, ReasonCode.PROTECTED_FOR_HIGHER_TIER, detail)


def dominated_detail(r: Route, by: Route) -> str:
    """Why a transfer route was dropped; the same for every supply node at the location, so built once."""
    return (
        f"transfer to {r.ship_from} takes {r.days} days at {r.cost_units / MARGIN_SCALE:.4f}; shipping direct "
        f"takes {by.days} days at {by.cost_units / MARGIN_SCALE:.4f}"
    )


def dominated(node: SupplyNode, ship_from: str, detail: str) -> Rejected:
    return Rejected(
        -1,
        node.item,
        node.location,
        node.source,
        node.available_date,
        node.qty,
        ReasonCode.ROUTE_DOMINATED,
        detail,
        (node.location, ship_from),
    )


def _node(node: SupplyNode, qty: int, reason: ReasonCode, detail: str) -> Rejected:
    return Rejected(-1, node.item, node.location, node.source, node.available_date, qty, reason, detail)


Blocked = tuple[str, str, date | None, int, ReasonCode, str]  # location, source, date, qty, reason, detail


def blocked_supply(problem: AllocationProblem) -> dict[str, list[Blocked]]:
    """Per item, supply the spec never allows: unsellable stock status, inbound beyond the horizon."""
    out: dict[str, list[Blocked]] = defaultdict(list)
    for s in problem.stock:
        if s.status != "available":
            detail = f"stock status {s.status!r} is not sellable"
            out[s.item].append((s.location, "stock", None, s.qty, ReasonCode.NOT_SELLABLE_STATUS, detail))
    horizon = problem.as_of + timedelta(days=problem.policy.horizon_days)
    for r in problem.inbound:
        if r.eta > horizon:
            detail = f"eta {r.eta.isoformat()} is after the horizon {horizon.isoformat()}"
            out[r.item].append((r.location, "inbound", r.eta, r.qty, ReasonCode.BEYOND_HORIZON, detail))
    for rows in out.values():
        rows.sort(key=lambda b: (b[0], b[1], b[4], str(b[2])))
    return out


def substitution_refused(problem: AllocationProblem, li: int, items: dict[str, Item]) -> list[Rejected]:
    """The substitutes a line may not take, because the customer or the line does not allow it."""
    line = problem.order.lines[li]
    ordered = items.get(line.item)
    allowed = problem.customer().allow_substitution and line.allow_substitution
    if ordered is None or allowed:
        return []
    who = "the customer" if not problem.customer().allow_substitution else f"line {line.line}"
    return [
        Rejected(
            li,
            sub.item,
            "*",
            "any",
            None,
            0,
            ReasonCode.SUBSTITUTION_NOT_ALLOWED,
            f"substitute {sub.item} (rank {sub.rank}) not allowed by {who}",
        )
        for sub in ordered.substitutes
        if sub.item != line.item
    ]
