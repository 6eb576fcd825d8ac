"""Supply that can never serve a line, each with its reason: what the explanation lists beside the arcs.

Each refusal is built once, as the `Candidate` the explanation shows (nothing used, the reason and its detail):
the same refused supply reads the same for every line that could have used its item, so lines share it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from optimizers.candidates.routes import MARGIN_SCALE, Route
from optimizers.candidates.supply import SupplyNode
from optimizers.decision import Candidate, Lane, ReasonCode
from optimizers.problem import AllocationProblem, Item


def refusal(
    item: str,
    location: str,
    source: str,
    available: date | None,
    reason: ReasonCode,
    detail: str,
    lane: Lane | None = None,
) -> Candidate:
    """Supply that cannot serve a line, as its explanation candidate."""
    ship_from = lane.to_location if lane is not None else None
    return Candidate(item, location, source, available, lane, ship_from, None, None, None, 0, reason, detail)


def no_route(node: SupplyNode, region: str) -> Candidate:
    detail = f"no shipping from {node.location} (or via a lane from it) to {region}"
    return refusal(node.item, node.location, node.source, node.available_date, ReasonCode.NO_SHIPPING_ROUTE, detail)


def protected(node: SupplyNode) -> Candidate:
    detail = f"{node.protected} units protected for a higher tier than the customer's"
    reason = ReasonCode.PROTECTED_FOR_HIGHER_TIER
    return refusal(node.item, node.location, node.source, node.available_date, reason, detail)


def dominated_detail(r: Route, by: Route) -> str:
    """Why a transfer route was dropped; the same for every supply node at the location, so built once."""
    return (
        f"transfer to {r.ship_from} takes {r.days} days at {r.cost_units / MARGIN_SCALE:.4f}; shipping direct "
        f"takes {by.days} days at {by.cost_units / MARGIN_SCALE:.4f}"
    )


def dominated(node: SupplyNode, lane: Lane, detail: str) -> Candidate:
    """A transfer route from the node's location that its direct route dominates."""
    return Candidate(
        node.item,
        node.location,
        node.source,
        node.available_date,
        lane,
        lane.to_location,
        None,
        None,
        None,
        0,
        ReasonCode.ROUTE_DOMINATED,
        detail,
    )


def blocked_supply(problem: AllocationProblem) -> dict[str, list[Candidate]]:
    """Per item, supply the spec never allows: unsellable stock status, inbound beyond the horizon."""
    out: dict[str, list[Candidate]] = defaultdict(list)
    for s in problem.stock:
        if s.status != "available":
            detail = f"stock status {s.status!r} is not sellable"
            out[s.item].append(refusal(s.item, s.location, "stock", None, ReasonCode.NOT_SELLABLE_STATUS, detail))
    horizon = problem.as_of + timedelta(days=problem.policy.horizon_days)
    for r in problem.inbound:
        if r.eta > horizon:
            detail = f"eta {r.eta.isoformat()} is after the horizon {horizon.isoformat()}"
            out[r.item].append(refusal(r.item, r.location, "inbound", r.eta, ReasonCode.BEYOND_HORIZON, detail))
    for rows in out.values():
        rows.sort(key=lambda c: (c.location, c.source, c.reason, str(c.available_date)))
    return out


def substitution_refused(
    problem: AllocationProblem, li: int, items: dict[str, Item], seen: dict[str, Candidate]
) -> tuple[Candidate, ...]:
    """The substitutes a line may not take, because the customer or the line does not allow it.

    `seen` shares one candidate between lines refused alike (by the customer, the same substitute and rank).
    """
    line = problem.order.lines[li]
    ordered = items.get(line.item)
    allowed = problem.customer().allow_substitution and line.allow_substitution
    if ordered is None or allowed:
        return ()
    who = "the customer" if not problem.customer().allow_substitution else f"line {line.line}"
    out = []
    for sub in ordered.substitutes:
        if sub.item != line.item:
            detail = f"substitute {sub.item} (rank {sub.rank}) not allowed by {who}"
            cand = seen.get(detail)
            if cand is None:
                reason = ReasonCode.SUBSTITUTION_NOT_ALLOWED
                cand = seen[detail] = refusal(sub.item, "*", "any", None, reason, detail)
            out.append(cand)
    return tuple(out)
