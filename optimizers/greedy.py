"""Greedy baseline: what an ERP does today, and the fallback decision when the optimizer runs out of time.

Lines are served in line-number order. Each takes supply from its ordered item first, then substitutes by
rank (when allowed); within an item, earliest delivery first, then the cheapest route (shipping plus lane),
then direct before a lane. Every constraint of the spec is respected: pooled supply after protections, lane
capacity, line quantity, ship_complete (a line that cannot be filled completely gets nothing) and
max_shipments (no new ship_from once the limit is reached). Ties end on names, so it is deterministic.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from optimizers.decision import Fill, Lane
from optimizers.problem import AllocationProblem, Item, OrderLine, ShippingRoute

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


def _money(value: float) -> int:
    return round(value * MONEY_SCALE)


Route = tuple[Lane | None, str, int, int]  # lane, ship_from, lead days, lane cost in 1e-4


@dataclass(frozen=True, slots=True)
class _Network:
    """The problem's tables indexed once, so options cost O(candidates), not O(lines x network)."""

    items: dict[str, Item]
    nodes: dict[str, list[Node]]  # item -> its supply nodes, sorted
    routes: dict[str, list[Route]]  # location -> direct and lane routes ending where shipping starts
    shipping: dict[str, ShippingRoute]
    entity: dict[str, str]

    @staticmethod
    def of(p: AllocationProblem) -> _Network:
        shipping = {s.location: s for s in p.shipping if s.region == p.order.ship_to_region}
        nodes: dict[str, list[Node]] = defaultdict(list)
        for node in sorted(supply(p)):
            nodes[node[0]].append(node)
        routes: dict[str, list[Route]] = defaultdict(list)
        for loc in shipping:
            routes[loc].append((None, loc, 0, 0))
        for k in (k for k in p.lanes if k.to_location in shipping):
            lane = Lane(k.from_location, k.to_location)
            routes[k.from_location].append((lane, k.to_location, k.lead_days, _money(k.unit_cost)))
        entity = {loc.id: loc.entity for loc in p.locations}
        return _Network({i.id: i for i in p.items}, nodes, routes, shipping, entity)


def _ranks(p: AllocationProblem, net: _Network, line: OrderLine) -> dict[str, int]:
    ranks = {line.item: 0}
    if line.allow_substitution and p.customer().allow_substitution:
        for sub in sorted(net.items[line.item].substitutes, key=lambda s: (s.rank, s.item)):
            ranks.setdefault(sub.item, sub.rank)
    return ranks


def _line_options(p: AllocationProblem, net: _Network, line: OrderLine) -> list[Option]:
    out = []
    for item, rank in _ranks(p, net, line).items():
        unit = _money(line.unit_price) - _money(net.items[item].unit_cost)
        for node in net.nodes.get(item, ()):
            _, loc, avail, source = node
            intercompany = net.entity.get(loc) != p.order.entity
            for via, f, lead, lane_cost in net.routes.get(loc, ()):
                delivery = avail + timedelta(days=lead + net.shipping[f].transit_days)
                route_cost = _money(net.shipping[f].unit_cost) + lane_cost
                on_time, margin = delivery <= p.order.requested_date, (unit - route_cost) / MONEY_SCALE
                fill = Fill(
                    item, loc, f, via, 0, source, avail, delivery, on_time, margin, item != line.item, intercompany
                )
                out.append(Option(node, rank, route_cost, fill))
    return sorted(out, key=_preference)


def _preference(o: Option) -> tuple[int, date, int, bool, str, str, str, str]:
    f = o.fill
    return (o.rank, f.delivery_date, o.route_cost, f.via_lane is not None, f.item, f.location, f.source, f.ship_from)


def options(problem: AllocationProblem) -> dict[int, tuple[Option, ...]]:
    """Line number -> every option that could serve it, in the greedy's order of preference."""
    net = _Network.of(problem)
    return {ln.line: tuple(_line_options(problem, net, ln)) for ln in problem.order.lines}


@dataclass(slots=True)
class _State:
    supply: dict[Node, int]
    lanes: dict[Lane, int | None]
    ship_from: set[str]
    limit: int | None


def _take(line: OrderLine, opts: tuple[Option, ...], s: _State) -> list[Fill]:
    """Fill `line` from `opts` in order, reading `s` without changing it."""
    fills: list[Fill] = []
    used, opened, want = defaultdict[object, int](int), set(s.ship_from), line.qty
    for o in opts:
        if want == 0:
            break
        if o.fill.ship_from not in opened and s.limit is not None and len(opened) >= s.limit:
            continue
        lane = o.fill.via_lane
        lane_cap = s.lanes[lane] if lane else None
        qty = min(want, s.supply[o.node] - used[o.node], want if lane_cap is None else lane_cap - used[lane])
        if qty > 0:
            fills.append(o.fill._replace(qty=qty))
            used[o.node] += qty
            used[lane] += qty
            opened.add(o.fill.ship_from)
            want -= qty
    return fills


def _commit(fills: list[Fill], s: _State) -> None:
    for f in fills:
        s.supply[(f.item, f.location, f.available_date, f.source)] -= f.qty
        s.ship_from.add(f.ship_from)
        cap = s.lanes[f.via_lane] if f.via_lane else None
        if f.via_lane and cap is not None:
            s.lanes[f.via_lane] = cap - f.qty


def greedy_fills(problem: AllocationProblem) -> dict[int, tuple[Fill, ...]]:
    """Line number -> the greedy's fills for it; always feasible, the same for the same input."""
    lanes = {Lane(k.from_location, k.to_location): k.capacity for k in problem.lanes}
    state = _State(supply(problem), lanes, set(), problem.customer().max_shipments)
    opts = options(problem)
    out: dict[int, tuple[Fill, ...]] = {}
    for line in sorted(problem.order.lines, key=lambda ln: ln.line):
        fills = _take(line, opts[line.line], state)
        if line.ship_complete and sum(f.qty for f in fills) != line.qty:
            fills = []
        _commit(fills, state)
        out[line.line] = tuple(fills)
    return out
