"""Why units were backordered, and what would have filled them.

The counterfactual is verified constructively and exactly, not guessed: the decision plus one new fill of the
missing units, from extra stock at the proposed location, is checked against every constraint family (the
supply pool grows by exactly those units after protections, the lane has room, the line has room, the shipment
limit holds). That new decision is feasible for the changed input, fills the line and ships N more units (on
time when the route is), so the optimum of the changed input rises by at least N at that level. (It can rise
by more: extra units can complete a ship-complete line that then also takes stock that was idle.)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.candidates.routes import Route
from optimizers.candidates.supply import tier_rank
from optimizers.decision import (
    BackorderExplanation,
    BindingConstraint,
    Candidate,
    Counterfactual,
    LineDecision,
    ReasonCode,
)
from optimizers.explain.usage import Usage


@dataclass(frozen=True)
class WhatIf:
    """What counterfactuals are built from, computed once per decision."""

    options: tuple[tuple[str, Route], ...]  # (location, route), most preferred first
    raw_stock: dict[tuple[str, str], int]
    protected: dict[tuple[str, str], int]  # (item, location) -> units protected from this customer


def what_if(cs: CandidateSet, u: Usage) -> WhatIf:
    """Routes ranked for counterfactual supply: on time, already shipping from, direct, fast, cheap."""
    routes = cs.routes
    requested = cs.problem.order.requested_date
    options = sorted(
        ((loc, r) for loc, rs in routes.items() for r in rs),
        key=lambda o: (
            _delivery(cs, o[1]) > requested,
            o[1].ship_from not in u.ship_from,
            o[1].lane >= 0,
            o[1].days,
            o[1].cost_units,
            o[0],
            o[1].ship_from,
        ),
    )
    raw: dict[tuple[str, str], int] = defaultdict(int)
    for s in cs.problem.stock:
        if s.status == "available":
            raw[(s.item, s.location)] += s.qty
    tiers = cs.problem.policy.tiers
    rank = tier_rank(tiers, cs.problem.customer().tier)
    guarded: dict[tuple[str, str], int] = defaultdict(int)
    for p in cs.problem.protections:
        if rank > tier_rank(tiers, p.min_tier):
            guarded[(p.item, p.location)] += p.qty
    return WhatIf(tuple(options), raw, guarded)


def backorder_explanation(
    cs: CandidateSet,
    u: Usage,
    ld: LineDecision,
    li: int,
    rejected: list[Candidate],
    degraded: bool,
    wi: WhatIf,
) -> BackorderExplanation:
    """The constraint that bound a line's backorder, its limit, and a verified counterfactual."""
    binding, limit = _binding(cs, u, ld, li, rejected, degraded)
    return BackorderExplanation(ld.backorder_qty, binding, limit, counterfactual(cs, u, li, ld.backorder_qty, wi))


def _binding(
    cs: CandidateSet, u: Usage, ld: LineDecision, li: int, rejected: list[Candidate], degraded: bool
) -> tuple[BindingConstraint, str]:
    arcs = u.line_arcs(li)
    line = cs.problem.order.lines[li]
    if degraded:
        return BindingConstraint.TIME_LIMIT, "the solver's time limit expired before this line was optimal"
    if not arcs:
        reasons = {r.reason for r in rejected}
        if ReasonCode.PROTECTED_FOR_HIGHER_TIER in reasons:
            return BindingConstraint.PROTECTION, "all usable stock is protected for higher tiers"
        if ReasonCode.NO_SHIPPING_ROUTE in reasons:
            return (
                BindingConstraint.NO_ROUTE,
                f"no route to {cs.problem.order.ship_to_region} from the supply",
            )
        return BindingConstraint.NO_SUPPLY, "no allocatable supply of the line's items"
    if line.ship_complete and ld.allocated_qty == 0:
        return BindingConstraint.SHIP_COMPLETE, f"ships complete: {line.qty} units needed together"
    node = cs.arcs.node[arcs.start : arcs.stop]
    open_arcs = np.flatnonzero(u.node_left[node] > 0) + arcs.start
    if not len(open_arcs):
        nodes = set(node.tolist())
        total = sum(cs.nodes[n].qty for n in nodes)
        guarded = sum(cs.nodes[n].protected for n in nodes)
        kind = BindingConstraint.PROTECTION if guarded else BindingConstraint.SUPPLY
        extra = f" ({guarded} more protected for higher tiers)" if guarded else ""
        return kind, f"all {total} usable units at {len(nodes)} supply node(s) are allocated{extra}"
    lanes = set(cs.arcs.lane[open_arcs].tolist())
    if all(ln >= 0 and u.lane_full[ln] for ln in lanes):
        names = ", ".join(f"{cs.lanes[ln][0]}->{cs.lanes[ln][1]} ({cs.lanes[ln][2]})" for ln in sorted(lanes))
        return BindingConstraint.LANE_CAPACITY, f"lane capacity used up: {names}"
    return BindingConstraint.SHIPMENT_LIMIT, f"the order already ships from {cs.max_shipments} location(s), the limit"


def counterfactual(cs: CandidateSet, u: Usage, li: int, qty: int, wi: WhatIf) -> Counterfactual | None:
    """The best location where `qty` more units of the line's item would have filled it."""
    item = cs.problem.order.lines[li].item
    for loc, r in wi.options:
        guard = wi.protected.get((item, loc), 0)
        if _feasible(cs, u, r, qty, wi.raw_stock.get((item, loc), 0), guard):
            return _describe(cs, li, item, loc, r, qty)
    return None


def _delivery(cs: CandidateSet, r: Route) -> date:
    return cs.problem.as_of + timedelta(days=r.days)


def _feasible(cs: CandidateSet, u: Usage, r: Route, qty: int, raw: int, guard: int) -> bool:
    """Would the decision plus `qty` units of new stock (`raw` there already, `guard` of it protected), shipped
    by r, satisfy every constraint?"""
    if max(0, raw + qty - guard) - max(0, raw - guard) != qty:
        return False
    if r.lane >= 0:
        cap = cs.lanes[r.lane][2]
        if cap is not None and u.lane_used[r.lane] + qty > cap:
            return False
    return r.ship_from in u.ship_from or not u.shipments_full


def _describe(cs: CandidateSet, li: int, item: str, loc: str, r: Route, qty: int) -> Counterfactual:
    problem = cs.problem
    delivery = _delivery(cs, r)
    on_time = delivery <= problem.order.requested_date
    how = f" via lane {loc}->{r.ship_from}" if r.lane >= 0 else ""
    when = "on time" if on_time else f"late, delivered {delivery.isoformat()}"
    text = (
        f"{qty} more units of {item} available at {loc} on {problem.as_of.isoformat()} would have filled "
        f"line {problem.order.lines[li].line} {when}{how}"
    )
    gain = f"{qty} more on-time units" if on_time else f"{qty} more units at the same on-time level"
    method = (
        "constructive: the decision plus this fill satisfies the supply, lane, line and shipment-limit "
        f"constraints of the changed input, so its optimum is at least as good as {gain} (it may use the new "
        "supply better still: on-time units rank first)"
    )
    return Counterfactual(item, loc, qty, problem.as_of, on_time, True, method, text)
