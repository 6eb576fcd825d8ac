"""Greedy baseline: what an ERP does today, and the fallback decision when the optimizer runs out of time.

Lines are served in line-number order. Each takes supply from its ordered item first, then substitutes by
rank (when allowed); within an item, earliest delivery first, then the cheapest route (shipping plus lane),
then direct before a lane. Every constraint of the spec is respected: pooled supply after protections, lane
capacity, line quantity, ship_complete (a line that cannot be filled completely gets nothing) and
max_shipments (no new ship_from once the limit is reached). Ties end on names, so it is deterministic.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter
from typing import NamedTuple

from optimizers.decision import Fill, Lane
from optimizers.problem import AllocationProblem, Item, OrderLine

MONEY_SCALE = 10_000
Node = tuple[str, str, date, str]  # item, location, available date, source


class Option(NamedTuple):
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


Route = tuple[Lane | None, str, int, int]  # lane, ship_from, lead days (lane and shipping), cost in 1e-4
# A node reached by a route, independent of the line: the preference key after the substitute rank (delivery,
# route cost, by lane, item, location, source, ship_from), then the node, the lane and whether intercompany.
Leg = tuple[date, int, bool, str, str, str, str, Node, Lane | None, bool]


@dataclass(frozen=True, slots=True)
class _Network:
    """The problem's tables indexed once, so options cost O(candidates), not O(lines x network)."""

    items: dict[str, Item]
    supply: dict[Node, int]
    legs: dict[str, list[Leg]]  # item -> every way its supply can ship to the order

    @staticmethod
    def of(p: AllocationProblem) -> _Network:
        shipping = {s.location: s for s in p.shipping if s.region == p.order.ship_to_region}
        routes: dict[str, list[Route]] = defaultdict(list)
        for loc, s in shipping.items():
            routes[loc].append((None, loc, s.transit_days, _money(s.unit_cost)))
        for k in (k for k in p.lanes if k.to_location in shipping):
            s = shipping[k.to_location]
            lane = Lane(k.from_location, k.to_location)
            cost = _money(s.unit_cost) + _money(k.unit_cost)
            routes[k.from_location].append((lane, k.to_location, k.lead_days + s.transit_days, cost))
        entity = {loc.id: loc.entity for loc in p.locations}
        quantities = supply(p)
        legs: dict[str, list[Leg]] = defaultdict(list)
        for node in sorted(quantities):
            item, loc, avail, source = node
            intercompany = entity.get(loc) != p.order.entity
            for via, f, days, cost in routes.get(loc, ()):
                delivery = avail + timedelta(days=days)
                legs[item].append((delivery, cost, via is not None, item, loc, source, f, node, via, intercompany))
        for rows in legs.values():
            rows.sort(key=_preference)  # unique per leg, so a line can merge its items' legs lazily
        return _Network({i.id: i for i in p.items}, quantities, legs)


def _preference(leg: Leg) -> tuple[date, int, bool, str, str, str, str]:
    return leg[:7]


def _ranks(p: AllocationProblem, net: _Network, line: OrderLine) -> dict[str, int]:
    ranks = {line.item: 0}
    if line.allow_substitution and p.customer().allow_substitution:
        for sub in sorted(net.items[line.item].substitutes, key=lambda s: (s.rank, s.item)):
            ranks.setdefault(sub.item, sub.rank)
    return ranks


def _line_options(p: AllocationProblem, net: _Network, line: OrderLine) -> list[Option]:
    """The line's options in the greedy's order of preference: substitute rank, earliest delivery, cheapest
    route, direct before a lane, then names."""
    keyed = []
    requested = p.order.requested_date
    for item, rank in _ranks(p, net, line).items():
        unit, substitute = _money(line.unit_price) - _money(net.items[item].unit_cost), item != line.item
        for leg in net.legs.get(item, ()):
            delivery, cost, _, _, loc, source, f, node, via, intercompany = leg
            avail = node[2]
            margin = (unit - cost) / MONEY_SCALE
            fill = Fill(
                item, loc, f, via, 0, source, avail, delivery, delivery <= requested, margin, substitute, intercompany
            )
            keyed.append(((rank, *leg[:7]), Option(node, rank, cost, fill)))
    keyed.sort(key=itemgetter(0))
    return [o for _, o in keyed]


def options(problem: AllocationProblem, net: _Network | None = None) -> dict[int, tuple[Option, ...]]:
    """Line number -> every option that could serve it, in the greedy's order of preference."""
    net = net or _Network.of(problem)
    return {ln.line: tuple(_line_options(problem, net, ln)) for ln in problem.order.lines}


def _lazy_options(p: AllocationProblem, net: _Network, line: OrderLine) -> Iterator[tuple[int, Leg]]:
    """The line's (rank, leg) in the order of `_line_options`, made only as far as the line reads them: a line
    usually fills from its first few options, and a bulk order has hundreds of thousands of them."""
    by_rank: dict[int, list[str]] = defaultdict(list)
    for item, rank in _ranks(p, net, line).items():
        by_rank[rank].append(item)
    for rank in sorted(by_rank):
        rows = [net.legs.get(item, []) for item in by_rank[rank]]
        merged = rows[0] if len(rows) == 1 else heapq.merge(*rows, key=_preference)
        for leg in merged:
            yield rank, leg


def _fill(p: AllocationProblem, net: _Network, line: OrderLine, leg: Leg, qty: int) -> Fill:
    """The fill a line takes by one leg: the same as the Option's fill of `_line_options`, with its quantity."""
    delivery, cost, _, item, loc, source, f, node, via, intercompany = leg
    margin = (_money(line.unit_price) - _money(net.items[item].unit_cost) - cost) / MONEY_SCALE
    on_time = delivery <= p.order.requested_date
    return Fill(item, loc, f, via, qty, source, node[2], delivery, on_time, margin, item != line.item, intercompany)


@dataclass(slots=True)
class _State:
    supply: dict[Node, int]
    lanes: dict[Lane, int | None]
    ship_from: set[str]
    limit: int | None


def _take(p: AllocationProblem, net: _Network, line: OrderLine, s: _State) -> list[Fill]:
    """Fill `line` from its options in order, reading `s` without changing it."""
    fills: list[Fill] = []
    used, opened, want = defaultdict[object, int](int), set(s.ship_from), line.qty
    for _, leg in _lazy_options(p, net, line):
        if want == 0:
            break
        node, lane, ship_from = leg[7], leg[8], leg[6]
        if ship_from not in opened and s.limit is not None and len(opened) >= s.limit:
            continue
        lane_cap = s.lanes[lane] if lane else None
        qty = min(want, s.supply[node] - used[node], want if lane_cap is None else lane_cap - used[lane])
        if qty > 0:
            fills.append(_fill(p, net, line, leg, qty))
            used[node] += qty
            used[lane] += qty
            opened.add(ship_from)
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
    net = _Network.of(problem)
    state = _State(dict(net.supply), lanes, set(), problem.customer().max_shipments)
    out: dict[int, tuple[Fill, ...]] = {}
    for line in sorted(problem.order.lines, key=lambda ln: ln.line):
        fills = _take(problem, net, line, state)
        if line.ship_complete and sum(f.qty for f in fills) != line.qty:
            fills = []
        _commit(fills, state)
        out[line.line] = tuple(fills)
    return out
