"""Greedy baseline: what an ERP does today, and the fallback decision when the optimizer runs out of time.

Lines are served in line-number order. Each takes supply from its ordered item first, then substitutes by
rank (when allowed); within an item, earliest delivery first, then the cheapest route (shipping plus lane),
then direct before a lane. Every constraint of the spec is respected: pooled supply after protections, lane
capacity, line quantity, ship_complete (a line that cannot be filled completely gets nothing) and
max_shipments (no new ship_from once the limit is reached). Ties end on names, so it is deterministic.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta

from optimizers.decision import Fill, Lane
from optimizers.problem import AllocationProblem, OrderLine

MONEY_SCALE = 10_000
Node = tuple[str, str, date, str]  # item, location, available date, source


@dataclass(frozen=True, slots=True)
class Option:
    """One way to serve a line: a supply node, a route, and the fill it makes (with qty 0)."""

    node: Node
    rank: int  # substitute rank, 0 for the ordered item
    route_cost: int  # shipping plus lane, in 1e-4 money units
    fill: Fill


def supply(problem: AllocationProblem) -> dict[Node, int]:
    """Supply node -> allocatable quantity for this order (stock net of the protections that apply)."""
    p, tiers = problem, problem.policy.tiers
    tier = p.customer().tier
    rank = tiers.index(tier) if tier in tiers else len(tiers)
    out: dict[Node, int] = defaultdict(int)
    for s in (s for s in p.stock if s.status == "available"):
        out[(s.item, s.location, p.as_of, "stock")] += s.qty
    protected: dict[Node, int] = defaultdict(int)
    for pr in (pr for pr in p.protections if pr.min_tier in tiers and rank > tiers.index(pr.min_tier)):
        protected[(pr.item, pr.location, p.as_of, "stock")] += pr.qty
    out = defaultdict(int, {k: max(0, v - protected[k]) for k, v in out.items()})
    last = p.as_of + timedelta(days=p.policy.horizon_days)
    for b in (b for b in p.inbound if b.eta <= last):
        out[(b.item, b.location, max(b.eta, p.as_of), "inbound")] += b.qty
    return dict(out)


def _ranks(problem: AllocationProblem, line: OrderLine) -> dict[str, int]:
    ranks = {line.item: 0}
    if line.allow_substitution and problem.customer().allow_substitution:
        item = next(i for i in problem.items if i.id == line.item)
        for sub in sorted(item.substitutes, key=lambda s: (s.rank, s.item)):
            ranks.setdefault(sub.item, sub.rank)
    return ranks


def _money(value: float) -> int:
    return round(value * MONEY_SCALE)


def _line_options(problem: AllocationProblem, line: OrderLine, nodes: list[Node]) -> list[Option]:
    p, ranks = problem, _ranks(problem, line)
    ship = {s.location: s for s in p.shipping if s.region == p.order.ship_to_region}
    entity = {loc.id: loc.entity for loc in p.locations}
    cost = {i.id: _money(i.unit_cost) for i in p.items}
    out = []
    for node in (n for n in nodes if n[0] in ranks):
        item, loc, avail, source = node
        lanes = [(k, k.lead_days, _money(k.unit_cost)) for k in p.lanes if k.from_location == loc]
        routes = [(None, 0, 0), *lanes]
        for lane, lead, lane_cost in routes:
            f = lane.to_location if lane else loc
            if f not in ship:
                continue
            delivery = avail + timedelta(days=lead + ship[f].transit_days)
            route_cost = _money(ship[f].unit_cost) + lane_cost
            via = Lane(lane.from_location, lane.to_location) if lane else None
            margin = (_money(line.unit_price) - cost[item] - route_cost) / MONEY_SCALE
            fill = Fill(
                item,
                loc,
                f,
                via,
                0,
                source,
                avail,
                delivery,
                delivery <= p.order.requested_date,
                margin,
                item != line.item,
                entity.get(loc) != p.order.entity,
            )
            out.append(Option(node, ranks[item], route_cost, fill))
    return sorted(out, key=_preference)


def _preference(o: Option) -> tuple[int, date, int, bool, str, str, str, str]:
    lane = o.fill.via_lane
    return (
        o.rank,
        o.fill.delivery_date,
        o.route_cost,
        lane is not None,
        o.fill.item,
        o.fill.location,
        o.fill.source,
        lane.to_location if lane else "",
    )


def options(problem: AllocationProblem) -> dict[int, tuple[Option, ...]]:
    """Line number -> every option that could serve it, in the greedy's order of preference."""
    nodes = sorted(supply(problem))
    return {ln.line: tuple(_line_options(problem, ln, nodes)) for ln in problem.order.lines}


@dataclass(slots=True)
class _State:
    supply: dict[Node, int]
    lanes: dict[Lane, int | None]
    ship_from: set[str]

    def copy(self) -> _State:
        return _State(dict(self.supply), dict(self.lanes), set(self.ship_from))


def _take(line: OrderLine, opts: tuple[Option, ...], s: _State, limit: int | None) -> list[Fill]:
    """Fill `line` from `opts` in order, consuming `s`."""
    fills: list[Fill] = []
    for o in opts:
        want = line.qty - sum(f.qty for f in fills)
        if want == 0:
            break
        if o.fill.ship_from not in s.ship_from and limit is not None and len(s.ship_from) >= limit:
            continue
        lane = o.fill.via_lane
        lane_left = s.lanes[lane] if lane else None
        qty = min(want, s.supply[o.node], want if lane_left is None else lane_left)
        if qty > 0:
            fills.append(replace(o.fill, qty=qty))
            s.supply[o.node] -= qty
            s.ship_from.add(o.fill.ship_from)
            if lane and lane_left is not None:
                s.lanes[lane] = lane_left - qty
    return fills


def greedy_fills(problem: AllocationProblem) -> dict[int, tuple[Fill, ...]]:
    """Line number -> the greedy's fills for it; always feasible, the same for the same input."""
    lanes = {Lane(k.from_location, k.to_location): k.capacity for k in problem.lanes}
    state = _State(supply(problem), lanes, set())
    limit = problem.customer().max_shipments
    opts = options(problem)
    out: dict[int, tuple[Fill, ...]] = {}
    for line in sorted(problem.order.lines, key=lambda ln: ln.line):
        trial = state.copy()
        fills = _take(line, opts[line.line], trial, limit)
        if line.ship_complete and sum(f.qty for f in fills) != line.qty:
            fills = []
        else:
            state = trial
        out[line.line] = tuple(fills)
    return out
